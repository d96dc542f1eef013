import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";
import { renderRecords } from "../export";
import type { DetectHints } from "../templates/hints";
import { parseText, type DetectionSummary } from "./parse";
import type { TemplateSource } from "./sources";

/**
 * Smart Export (VelocityCollector §9.3): auto-detect the template of one output, parse it (the
 * parse stage in mode "auto"), and export the records as JSON `{source, template, score,
 * exported_at, record_count, fields, data}` or as CSV (header row, list values joined,
 * spreadsheet formulas neutralised: the CSV rules of lib/core/export). Unlike the original,
 * hints are applied properly and an output that no template fits is an error that says why,
 * not an empty or accidental export.
 */

export type SmartExportFormat = "json" | "csv";

export interface SmartExportOptions {
  format: SmartExportFormat;
  /** The templates to detect with (resolveTemplateSource: bundled by default). */
  templates: TemplateSource;
  /** Where the output came from (capture file, device): the `source` field. */
  source?: string;
  /** Time budget of the whole detection, ms. */
  budgetMs?: number;
  /** CSV: joins list values (default ";"). */
  listSeparator?: string;
  /** JSON: indent (default true). */
  pretty?: boolean;
  exportedAt?: Date;
}

export interface SmartExportDocument {
  source: string | null;
  template: string;
  score: number;
  exported_at: string;
  record_count: number;
  fields: string[];
  data: Record<string, unknown>[];
}

export interface SmartExportResult {
  format: SmartExportFormat;
  /** The file content: JSON text or CSV text. */
  content: string;
  /** The JSON document (also for CSV, for previews and msg.payload). */
  document: SmartExportDocument;
  /** A file name for the export, from the source when there is one: `<stem>_parsed.<ext>`. */
  fileName: string;
  detection: DetectionSummary;
}

export function smartExport(output: string, hints: DetectHints, opts: SmartExportOptions): SmartExportResult {
  if (opts.format !== "json" && opts.format !== "csv")
    throw new VcError("invalid_input", `format must be json or csv, not '${String(opts.format)}'`, "smart export");
  const parsed = parseText(
    { text: output, mode: "auto", platform: hints.platform, command: hints.command, captureType: hints.captureType },
    { source: opts.templates, budgetMs: opts.budgetMs },
  );
  if (parsed.status !== "ok" || parsed.template === null)
    throw new VcError(
      parsed.status === "parse_error" ? "parse_error" : "no_template",
      parsed.error ?? "no template fits this output",
      opts.source ?? "smart export",
    );
  const template = parsed.template.replace(/\.textfsm$/, "");
  const exportedAt = opts.exportedAt ?? new Date();
  const metadata = {
    source: opts.source ?? null,
    template,
    score: parsed.score ?? 0,
    exported_at: exportedAt.toISOString(),
  };
  const json = renderRecords(parsed.records, { format: "json", metadata, recordsKey: "data", pretty: opts.pretty });
  const content =
    opts.format === "json" ? json : renderRecords(parsed.records, { format: "csv", listSeparator: opts.listSeparator });
  const stem = opts.source ? path.basename(opts.source).replace(/\.[^.]*$/, "") : template;
  return {
    format: opts.format,
    content,
    document: JSON.parse(json) as SmartExportDocument,
    fileName: `${stem}_parsed.${opts.format}`,
    detection: parsed.detection!,
  };
}

/** Smart Export of a capture file; its folder name is the capture type hint
 *  (`<collections>/<capture_type>/<device>.txt`) unless hints say otherwise. */
export function smartExportFile(file: string, hints: DetectHints, opts: SmartExportOptions): SmartExportResult {
  if (!fs.existsSync(file)) throw new VcError("not_found", "no such capture file", file);
  const captureType = hints.captureType ?? path.basename(path.dirname(path.resolve(file)));
  return smartExport(
    fs.readFileSync(file, "utf8"),
    { ...hints, captureType },
    { ...opts, source: opts.source ?? path.resolve(file) },
  );
}
