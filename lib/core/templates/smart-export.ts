import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";
import type { HomePaths } from "../home";
import { renderRecords } from "../export";
import type { DetectOptions, TemplateDetector } from "./detect";
import { detectorForHome } from "./detector-sources";
import type { DetectHints } from "./hints";
import type { DetectionSummary } from "./auto-parse";

/**
 * Smart Export (VelocityCollector §9.3): auto-detect the template of one output, parse it, and
 * export the records as JSON `{source, template, score, exported_at, record_count, fields, data}`
 * or as CSV (header row, list values joined, spreadsheet formulas neutralised: the CSV rules of
 * lib/core/export). Unlike the original, hints are applied properly and an output that no
 * template fits is an error that says why, not an empty or accidental export.
 */

export type SmartExportFormat = "json" | "csv";

export interface SmartExportOptions extends DetectOptions {
  format: SmartExportFormat;
  /** Where the output came from (capture file, device): the `source` field. */
  source?: string;
  /** Templates to detect with; default: the data home's library, else NET_TEXTFSM. */
  detector?: TemplateDetector;
  /** The data home whose library to use when no detector is given (the caller resolves it: no default). */
  home?: HomePaths;
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
  if (!opts.detector && !opts.home)
    throw new VcError("invalid_config", "a template detector or the data home is required", "smart export");
  const detector = opts.detector ?? detectorForHome(opts.home!);
  const { best, ...detection } = detector.detect(output, hints, opts);
  if (!best)
    throw new VcError("no_template", detection.reason ?? "no template fits this output", opts.source ?? "smart export");
  const exportedAt = opts.exportedAt ?? new Date();
  const metadata = {
    source: opts.source ?? null,
    template: best.template,
    score: best.score,
    exported_at: exportedAt.toISOString(),
  };
  const json = renderRecords(best.records, { format: "json", metadata, recordsKey: "data", pretty: opts.pretty });
  const content =
    opts.format === "json" ? json : renderRecords(best.records, { format: "csv", listSeparator: opts.listSeparator });
  const stem = opts.source ? path.basename(opts.source).replace(/\.[^.]*$/, "") : best.template;
  return {
    format: opts.format,
    content,
    document: JSON.parse(json) as SmartExportDocument,
    fileName: `${stem}_parsed.${opts.format}`,
    detection,
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
