import { cellText, guardFormula } from "./cells";
import { CsvEncoder } from "./csv";
import type { ExportFormat, ExportSet, JsonExportDocument, JsonExportResult, RenderOptions } from "./types";

/** CSV text is handed out every this many rows, so a file export streams. */
const CSV_BATCH_ROWS = 2000;

export const DEFAULT_LIST_SEPARATOR = ";";

export function contentTypeOf(format: ExportFormat): string {
  if (format === "json") return "application/json";
  if (format === "ndjson") return "application/x-ndjson";
  return "text/csv; charset=utf-8";
}

/** Field names of a list of records, in the order they first appear. */
export function fieldsOf(
  records: Record<string, unknown>[],
  into: string[] = [],
  seen = new Set<string>(into),
): string[] {
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        into.push(key);
      }
    }
  }
  return into;
}

export function jsonResult(set: ExportSet): JsonExportResult {
  const result: JsonExportResult = {
    device: set.device,
    platform: set.platform ?? null,
    capture_type: set.captureType ?? null,
    command: set.command,
    template: set.templates.length > 0 ? set.templates.join("+") : null,
    templates: set.templates,
    score: set.score ?? null,
    status: set.status ?? null,
    collected_at: set.collectedAt ?? null,
    record_count: set.records.length,
    fields: fieldsOf(set.records),
    records: set.records,
  };
  if (set.error !== undefined) result.error = set.error;
  return result;
}

export function jsonDocument(sets: ExportSet[], exportedAt: Date): JsonExportDocument {
  return {
    exported_at: exportedAt.toISOString(),
    record_count: sets.reduce((n, s) => n + s.records.length, 0),
    result_count: sets.length,
    results: sets.map(jsonResult),
  };
}

function ndjsonMeta(set: ExportSet, exportedAt: string): Record<string, unknown> {
  return {
    device: set.device,
    platform: set.platform ?? null,
    capture_type: set.captureType ?? null,
    command: set.command,
    template: set.templates.length > 0 ? set.templates.join("+") : null,
    score: set.score ?? null,
    collected_at: set.collectedAt ?? null,
    exported_at: exportedAt,
  };
}

/** The record as JSON with `_meta` as its last key; the metadata text is made once per set. */
function withMeta(record: Record<string, unknown>, meta: Record<string, unknown>, metaJson: string): string {
  const json = "_meta" in record ? undefined : JSON.stringify(record);
  if (json === undefined || json[0] !== "{") return JSON.stringify({ ...record, _meta: meta });
  return json === "{}" ? `{"_meta":${metaJson}}` : `${json.slice(0, -1)},"_meta":${metaJson}}`;
}

/** One JSON object per line: the record's fields plus `_meta` (device, command, template...). */
export function* ndjsonChunks(sets: ExportSet[], exportedAt: Date): Generator<string> {
  const at = exportedAt.toISOString();
  for (const set of sets) {
    const meta = ndjsonMeta(set, at);
    const metaJson = JSON.stringify(meta);
    let chunk = "";
    for (const record of set.records) {
      chunk += withMeta(record, meta, metaJson) + "\n";
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk !== "") yield chunk;
  }
}

/** `device`/`command` lead each row; a record field of the same name keeps it, the context column gets a `_`. */
function contextColumnNames(fields: string[]): [string, string] {
  const taken = new Set(fields);
  const free = (name: string): string => {
    let candidate = name;
    while (taken.has(candidate)) candidate = `_${candidate}`;
    taken.add(candidate);
    return candidate;
  };
  return [free("device"), free("command")];
}

export function* csvChunks(sets: ExportSet[], opts: RenderOptions): Generator<string> {
  const separator = opts.listSeparator ?? DEFAULT_LIST_SEPARATOR;
  const guard = opts.formulaGuard !== false ? guardFormula : (text: string) => text;
  const withContext = opts.contextColumns !== false;
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const set of sets) fieldsOf(set.records, fields, seen);

  const encoder = new CsvEncoder();
  if (opts.header !== false) encoder.add([...(withContext ? contextColumnNames(fields) : []), ...fields].map(guard));
  const first = withContext ? 2 : 0;
  const cells: string[] = new Array<string>(first + fields.length);
  let rows = 0;
  for (const set of sets) {
    if (withContext) {
      cells[0] = guard(set.device);
      cells[1] = guard(set.command);
    }
    for (const record of set.records) {
      for (let f = 0; f < fields.length; f++) {
        const value = record[fields[f]];
        cells[first + f] = guard(typeof value === "string" ? value : cellText(value, separator));
      }
      encoder.add(cells);
      if (++rows % CSV_BATCH_ROWS === 0) yield encoder.take();
    }
  }
  const rest = encoder.take();
  if (rest !== "") yield rest;
}

/** The text of one output, in chunks (files are written chunk by chunk). */
export function* renderChunks(sets: ExportSet[], opts: RenderOptions, exportedAt: Date): Generator<string> {
  if (opts.format === "json")
    yield JSON.stringify(jsonDocument(sets, exportedAt), null, opts.pretty === false ? undefined : 2) + "\n";
  else if (opts.format === "ndjson") yield* ndjsonChunks(sets, exportedAt);
  else yield* csvChunks(sets, opts);
}

/**
 * Renders any list of records with caller-chosen metadata — the building block for exports that
 * do not come from parsed results (Smart Export: `{source, template, score, exported_at,
 * record_count, fields, data}` is `metadata` + `recordsKey: "data"`).
 * JSON: `{...metadata, record_count, fields, [recordsKey]: records}`; NDJSON: each record plus
 * `_meta: metadata`; CSV: a header of the fields, then the records.
 */
export function renderRecords(
  records: Record<string, unknown>[],
  opts: RenderOptions & { metadata?: Record<string, unknown>; recordsKey?: string },
): string {
  const metadata = opts.metadata ?? {};
  if (opts.format === "json") {
    const doc = {
      ...metadata,
      record_count: records.length,
      fields: fieldsOf(records),
      [opts.recordsKey ?? "records"]: records,
    };
    return JSON.stringify(doc, null, opts.pretty === false ? undefined : 2) + "\n";
  }
  if (opts.format === "ndjson") {
    const hasMeta = Object.keys(metadata).length > 0;
    return records.map((r) => JSON.stringify(hasMeta ? { ...r, _meta: metadata } : r) + "\n").join("");
  }
  const set: ExportSet = { device: "", command: "", templates: [], records };
  return Array.from(csvChunks([set], { ...opts, contextColumns: false })).join("");
}
