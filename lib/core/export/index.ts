/**
 * Export of parsed records as JSON, NDJSON or CSV, per device, per command, per device and
 * command, or combined; to files (atomic, path pattern) or to in-memory outputs for msg.payload.
 */
import * as path from "node:path";
import { VcError, errorMessage } from "../errors";
import { groupCaptureType, groupSets } from "./group";
import { checkPathPattern, defaultPathPattern, expandPathPattern, resolveInside } from "./paths";
import { contentTypeOf, jsonDocument, renderChunks } from "./render";
import { writeFileAtomic } from "./write";
import { normaliseExportInput } from "./normalise";
import type { ExportGroup, ExportOptions, ExportSet, InputProblem, RenderedExport, WrittenExport } from "./types";

export * from "./types";
export { normaliseExportInput } from "./normalise";
export { renderRecords, fieldsOf, jsonDocument, contentTypeOf, DEFAULT_LIST_SEPARATOR } from "./render";
export { cellText, guardFormula } from "./cells";
export { defaultPathPattern, checkPathPattern, expandPathPattern, PATH_PLACEHOLDERS } from "./paths";
export { groupSets } from "./group";
export { writeFileAtomic } from "./write";

interface PlannedOutput {
  group: ExportGroup;
  captureType: string;
  relativePath: string;
}

function plan(sets: ExportSet[], opts: ExportOptions & { pathPattern?: string }, exportedAt: Date): PlannedOutput[] {
  const mode = opts.mode ?? "combined";
  const pattern = opts.pathPattern && opts.pathPattern.trim() !== "" ? opts.pathPattern : defaultPathPattern(mode);
  checkPathPattern(pattern, mode);
  const byPath = new Map<string, PlannedOutput>();
  const planned: PlannedOutput[] = [];
  for (const group of groupSets(sets, mode)) {
    const captureType = groupCaptureType(group);
    const relativePath = path.normalize(
      expandPathPattern(pattern, {
        device: group.device,
        command: group.command,
        captureType,
        format: opts.format,
        exportedAt,
      }),
    );
    const clash = byPath.get(relativePath);
    if (clash) {
      // Two names that differ only in characters not allowed in file names ("r 1" and "r_1").
      const names = (o: { device?: string; command?: string }) =>
        [o.device, o.command].filter((v) => v !== undefined).join(" / ");
      throw new VcError(
        "bad_path_pattern",
        `gives the same file ${relativePath} for '${names(clash.group)}' and '${names(group)}'`,
        `path pattern '${pattern}'`,
      );
    }
    const item = { group, captureType, relativePath };
    byPath.set(relativePath, item);
    planned.push(item);
  }
  return planned;
}

function counts(group: ExportGroup): { recordCount: number; resultCount: number } {
  return { recordCount: group.sets.reduce((n, s) => n + s.records.length, 0), resultCount: group.sets.length };
}

/** Outputs in memory (for msg.payload): JSON as a document object, NDJSON and CSV as text. */
export function renderExport(sets: ExportSet[], opts: ExportOptions & { pathPattern?: string }): RenderedExport[] {
  const exportedAt = opts.exportedAt ?? new Date();
  return plan(sets, opts, exportedAt).map(({ group, captureType, relativePath }) => ({
    device: group.device,
    command: group.command,
    captureType,
    ...counts(group),
    fileName: relativePath,
    contentType: contentTypeOf(opts.format),
    content:
      opts.format === "json"
        ? jsonDocument(group.sets, exportedAt)
        : Array.from(renderChunks(group.sets, opts, exportedAt)).join(""),
  }));
}

export interface WriteExportResult {
  files: WrittenExport[];
  /** Files that could not be written; the others are written all the same. */
  failures: Array<{ path: string; message: string }>;
}

/**
 * Writes one file per output under `dir` (path pattern, default per mode). The whole plan is
 * checked first (pattern, collisions), so a bad pattern writes nothing.
 */
export async function writeExport(
  sets: ExportSet[],
  opts: ExportOptions & { dir: string; pathPattern?: string },
): Promise<WriteExportResult> {
  const exportedAt = opts.exportedAt ?? new Date();
  const planned = plan(sets, opts, exportedAt).map((p) => ({ ...p, file: resolveInside(opts.dir, p.relativePath) }));
  const result: WriteExportResult = { files: [], failures: [] };
  for (const { group, captureType, file } of planned) {
    try {
      const bytes = await writeFileAtomic(file, renderChunks(group.sets, opts, exportedAt));
      result.files.push({
        path: file,
        device: group.device,
        command: group.command,
        captureType,
        ...counts(group),
        bytes,
      });
    } catch (err) {
      result.failures.push({ path: file, message: errorMessage(err) });
    }
  }
  return result;
}

export interface ExportRunOptions extends ExportOptions {
  /** "payload": outputs in memory; "file": files under `dir`. */
  destination: "payload" | "file";
  dir?: string;
  pathPattern?: string;
}

export interface ExportRunResult {
  /** Bad input items, skipped (the rest is exported). */
  problems: InputProblem[];
  recordCount: number;
  resultCount: number;
  /** destination "payload". */
  outputs: RenderedExport[];
  /** destination "file". */
  files: WrittenExport[];
  failures: Array<{ path: string; message: string }>;
}

/**
 * Normalises any accepted input and exports it in one call (what the vc-export node does). When
 * every item is bad, throws a VcError quoting the first problem; otherwise bad items are listed
 * in `problems` and the others exported.
 */
export async function exportParsed(input: unknown, opts: ExportRunOptions): Promise<ExportRunResult> {
  const { sets, problems } = normaliseExportInput(input);
  if (sets.length === 0 && problems.length > 0) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new VcError("invalid_input", `nothing to export: ${first.message}${more}`, first.where);
  }
  const result: ExportRunResult = {
    problems,
    recordCount: sets.reduce((n, s) => n + s.records.length, 0),
    resultCount: sets.length,
    outputs: [],
    files: [],
    failures: [],
  };
  if (opts.destination === "payload") {
    result.outputs = renderExport(sets, opts);
    return result;
  }
  if (!opts.dir) throw new VcError("invalid_config", "no output directory", "dir");
  const written = await writeExport(sets, { ...opts, dir: opts.dir });
  result.files = written.files;
  result.failures = written.failures;
  return result;
}
