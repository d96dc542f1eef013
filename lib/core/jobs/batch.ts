import Ajv from "ajv";
import * as yaml from "js-yaml";
import { VcError } from "../errors";
import { loadYamlLocated } from "./located-yaml";

/**
 * Batches: VelocityCollector's format (name + ordered job slugs + description) plus what its GUI
 * only asked at run time: stop_on_failure (default false) and delay_s between jobs (default 5,
 * VelocityCollector's defaults). One file per batch: <home>/batches/<slug>.yaml.
 */
export interface BatchFile {
  name?: string;
  description?: string;
  jobs?: string[];
  stop_on_failure?: boolean;
  delay_s?: number;
  imported?: Record<string, unknown>;
}

export interface Batch {
  /** The file stem: what `--batch` names. */
  slug: string;
  name: string;
  description?: string;
  jobs: string[];
  stopOnFailure: boolean;
  delayMs: number;
  file?: string;
  source: BatchFile;
}

export const DEFAULT_BATCH_DELAY_S = 5;

const BATCH_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1 },
    description: { type: ["string", "null"] },
    jobs: { type: "array", items: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$" } },
    stop_on_failure: { type: "boolean" },
    delay_s: { type: "number", minimum: 0, maximum: 3600 },
    imported: { type: "object" },
  },
};

const validateBatchFile = new Ajv({ allErrors: true, strict: false }).compile<BatchFile>(BATCH_SCHEMA);

/** The batch file name VelocityCollector's GUI derives from a batch name. */
export function batchSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/\s+/g, "-")
    .replace(/[^a-z0-9-]/g, "")
    .replace(/^-+|-+$/g, "");
}

export function parseBatch(text: string, file: string, slug: string): Batch {
  const located = loadYamlLocated(text, file);
  const value = located.value ?? {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new VcError("invalid_batch", "a batch must be a mapping (name, jobs, stop_on_failure, delay_s)", `${file}:1`);
  if (!validateBatchFile(value)) {
    const e = validateBatchFile.errors![0];
    const pointer =
      e.keyword === "additionalProperties"
        ? `${e.instancePath}/${String(e.params.additionalProperty)}`
        : e.instancePath;
    const field = pointer.replace(/^\//, "").replace(/\//g, ".") || "(batch)";
    const message =
      e.keyword === "additionalProperties"
        ? "unknown field"
        : e.keyword === "pattern"
          ? "must be a job slug (lower-case letters, digits and '-')"
          : (e.message ?? "invalid");
    throw new VcError("invalid_batch", `${field}: ${message}`, `${file}:${located.lineOf(pointer)}`);
  }
  return {
    slug,
    name: value.name ?? slug,
    ...(value.description ? { description: value.description } : {}),
    jobs: value.jobs ?? [],
    stopOnFailure: value.stop_on_failure ?? false,
    delayMs: Math.round((value.delay_s ?? DEFAULT_BATCH_DELAY_S) * 1000),
    file,
    source: value,
  };
}

export function dumpBatch(src: BatchFile): string {
  const out: Record<string, unknown> = {};
  for (const key of ["name", "description", "jobs", "stop_on_failure", "delay_s", "imported"] as const)
    if (src[key] !== undefined && src[key] !== null) out[key] = src[key];
  return yaml.dump(out, { lineWidth: 120 });
}
