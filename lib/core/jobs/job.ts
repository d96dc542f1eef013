import Ajv, { type ErrorObject } from "ajv";
import * as yaml from "js-yaml";
import { parseCommands } from "../collect/commands";
import { VcError, errorMessage } from "../errors";
import { normaliseFilter, type DeviceFilter } from "../inventory";
import { loadYamlLocated } from "./located-yaml";
import { checkStoragePattern } from "./storage";

const JOB_SCHEMA = require("./job.schema.json") as Record<string, unknown>;

/** A job file as written (snake_case, VelocityCollector's vocabulary). */
export interface JobFile {
  name: string;
  slug: string;
  description?: string;
  enabled?: boolean;
  tags?: string[];
  capture_type: string;
  commands: string | string[];
  devices?: {
    site?: string;
    role?: string;
    platform?: string;
    vendor?: string;
    manufacturer?: string;
    status?: string;
    name?: string;
    tag?: string;
    credential_status?: "ok" | "failed" | "untested";
    limit?: number;
  };
  credential?: string;
  execution?: {
    concurrency?: number;
    command_timeout_s?: number;
    device_timeout_s?: number;
    connect_timeout_s?: number;
    command_delay_s?: number;
    retries?: number;
  };
  storage?: { folder?: string; filename?: string; keep_history?: boolean };
  validation?: {
    template?: string;
    filter?: string;
    min_score?: number;
    store_failures?: boolean;
    force_save?: boolean;
  };
  imported?: Record<string, unknown>;
}

export interface JobValidationSettings {
  /** "auto", or a template name (file stem). */
  template: string;
  /** ntc name filter for auto (VelocityCollector's tfsm_filter). */
  filter?: string;
  minScore: number;
  storeFailures: boolean;
  forceSave: boolean;
}

/** A checked job, ready to run. */
export interface Job {
  name: string;
  slug: string;
  description?: string;
  enabled: boolean;
  tags: string[];
  captureType: string;
  commands: string[];
  filter: DeviceFilter;
  credential?: string;
  execution: {
    concurrency?: number;
    commandTimeoutMs?: number;
    deviceTimeoutMs?: number;
    connectTimeoutMs?: number;
    commandDelayMs?: number;
    retries?: number;
  };
  storage: { folder: string; filename: string; keepHistory: boolean };
  validation?: JobValidationSettings;
  /** The file it was read from, when it was. */
  file?: string;
  /** The file as written (for show / save). */
  source: JobFile;
}

export const DEFAULT_FILENAME = "{device_name}.txt";
/** VelocityCollector's effective threshold: "at least one template fits". */
export const DEFAULT_MIN_SCORE = 0;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateJobFile = ajv.compile<JobFile>(JOB_SCHEMA);

export function jobSchema(): Record<string, unknown> {
  return JOB_SCHEMA;
}

function describe(e: ErrorObject): string {
  const field = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(job)";
  if (e.keyword === "additionalProperties")
    return `${field === "(job)" ? "" : field + "."}${String(e.params.additionalProperty)}: unknown field`;
  if (e.keyword === "required") return `${String(e.params.missingProperty)}: required`;
  if (e.keyword === "enum") return `${field}: must be one of ${(e.params.allowedValues as string[]).join(", ")}`;
  if (e.keyword === "oneOf" && field === "commands")
    return `commands: must be a list of commands or a ';'-separated string`;
  return `${field}: ${e.message ?? "invalid"}`;
}

/** The first schema error's pointer, for its line. */
function pointerOf(e: ErrorObject): string {
  if (e.keyword === "additionalProperties") return `${e.instancePath}/${String(e.params.additionalProperty)}`;
  return e.instancePath;
}

/**
 * Reads a job file's text: YAML syntax, then the schema, then the meaning (commands, filter,
 * storage pattern, validation). Every error names the file, the line and the field.
 */
export function parseJob(text: string, file: string): Job {
  const located = loadYamlLocated(text, file);
  return checkJob(located.value, file, (pointer) => `${file}:${located.lineOf(pointer)}`);
}

/** Checks a job object (from a file, a flow or an import); `where(pointer)` names a field's place. */
export function checkJob(value: unknown, file: string, where: (pointer: string) => string = () => file): Job {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new VcError(
      "invalid_job",
      "a job must be a mapping of fields (name, slug, capture_type, commands, …)",
      where(""),
    );
  if (!validateJobFile(value)) {
    const errors = (validateJobFile.errors ?? []).filter((e) => e.keyword !== "if");
    // oneOf reports each branch; the summary line says it all.
    const shown = errors.some((e) => e.keyword === "oneOf")
      ? errors.filter((e) => !e.instancePath.startsWith("/commands") || e.keyword === "oneOf")
      : errors;
    const first = shown[0];
    throw new VcError(
      "invalid_job",
      shown
        .map(describe)
        .filter((m, i, all) => all.indexOf(m) === i)
        .join("; "),
      where(first ? pointerOf(first) : ""),
    );
  }
  const src = value;
  const at = (pointer: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      const dotted = pointer.replace(/^\//, "").replace(/\//g, ".");
      // A nested field named by the check (storage.filename) is pointed at exactly.
      const field = err instanceof VcError && err.where?.startsWith(`${dotted}.`) ? err.where : dotted;
      throw new VcError(
        "invalid_job",
        `${field}: ${errorMessage(err).replace(/^[^:]*: /, "")}`,
        where(`/${field.replace(/\./g, "/")}`),
        {
          cause: err,
        },
      );
    }
  };
  let commands: string[] = [];
  at("/commands", () => {
    commands = parseCommands(src.commands, "commands", "semicolon");
  });
  let filter: DeviceFilter;
  const filterField = (err: unknown) => {
    const key = err instanceof VcError && err.where?.startsWith("devices.") ? err.where.slice("devices.".length) : "";
    const named: Record<string, string> = {
      credentialStatus: "credential_status",
      manufacturer: src.devices?.vendor !== undefined ? "vendor" : "manufacturer",
    };
    return key ? `/devices/${named[key] ?? key}` : "/devices";
  };
  try {
    filter = buildFilter(src);
  } catch (err) {
    const pointer = filterField(err);
    throw new VcError(
      "invalid_job",
      `${pointer.slice(1).replace("/", ".")}: ${errorMessage(err).replace(/^[^:]*: /, "")}`,
      where(pointer),
      { cause: err },
    );
  }
  const folder = src.storage?.folder ?? src.capture_type;
  const filename = src.storage?.filename ?? DEFAULT_FILENAME;
  at("/storage", () => checkStoragePattern(folder, filename));
  const v = src.validation;
  if (v?.filter !== undefined && v.template !== undefined && v.template !== "auto")
    throw new VcError(
      "invalid_job",
      "validation.filter: only with template auto (a named template is already one template)",
      where("/validation/filter"),
    );
  const s = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 1000));
  const e = src.execution ?? {};
  return {
    name: src.name.trim(),
    slug: src.slug,
    ...(src.description ? { description: src.description } : {}),
    enabled: src.enabled ?? true,
    tags: src.tags ?? [],
    captureType: src.capture_type,
    commands,
    filter,
    ...(src.credential ? { credential: src.credential } : {}),
    execution: {
      concurrency: e.concurrency,
      commandTimeoutMs: s(e.command_timeout_s),
      deviceTimeoutMs: s(e.device_timeout_s),
      connectTimeoutMs: s(e.connect_timeout_s),
      commandDelayMs: s(e.command_delay_s),
      retries: e.retries,
    },
    storage: { folder, filename, keepHistory: src.storage?.keep_history ?? false },
    ...(v
      ? {
          validation: {
            template: v.template ?? "auto",
            ...(v.filter ? { filter: v.filter } : {}),
            minScore: v.min_score ?? DEFAULT_MIN_SCORE,
            storeFailures: v.store_failures ?? false,
            forceSave: v.force_save ?? false,
          },
        }
      : {}),
    file,
    source: src,
  };
}

function buildFilter(src: JobFile): DeviceFilter {
  const d = src.devices ?? {};
  return normaliseFilter(
    {
      site: d.site,
      role: d.role,
      platform: d.platform,
      manufacturer: d.manufacturer ?? d.vendor,
      status: d.status,
      name: d.name,
      tag: d.tag,
      credentialStatus: d.credential_status,
      limit: d.limit,
    },
    "devices",
  );
}

/** The YAML text of a job file (field order as in the docs). */
export function dumpJob(src: JobFile): string {
  const order: Array<keyof JobFile> = [
    "name",
    "slug",
    "description",
    "enabled",
    "tags",
    "capture_type",
    "commands",
    "devices",
    "credential",
    "execution",
    "storage",
    "validation",
    "imported",
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (src[key] !== undefined) out[key] = src[key];
  return yaml.dump(out, { lineWidth: 120 });
}
