import type { ParseStatus } from "../types";

export type ExportFormat = "json" | "ndjson" | "csv";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["json", "ndjson", "csv"];

/**
 * How sets are grouped into outputs (files or messages): one per device, one per command (all
 * devices), one per device and command, or everything combined into one.
 */
export type ExportMode = "combined" | "device" | "command" | "device-command";
export const EXPORT_MODES: readonly ExportMode[] = ["combined", "device", "command", "device-command"];

/** One command's records on one device, with what is known about where they came from. */
export interface ExportSet {
  device: string;
  command: string;
  platform?: string;
  captureType?: string;
  /** Template file name(s) the records were parsed with. */
  templates: string[];
  score?: number;
  status?: ParseStatus;
  error?: string;
  collectedAt?: string;
  records: Record<string, unknown>[];
}

/** A bad input item, located ("input[3].records: expected an array"); the others still export. */
export interface InputProblem {
  where: string;
  message: string;
}

/** The sets of one output (file or message) and what they have in common. */
export interface ExportGroup {
  device?: string;
  command?: string;
  sets: ExportSet[];
}

/** Options shared by every format. */
export interface RenderOptions {
  format: ExportFormat;
  /** Joins list values in CSV cells (TextFSM List values). Default ";". */
  listSeparator?: string;
  /** CSV: neutralise cells a spreadsheet would run as a formula. Default true. */
  formulaGuard?: boolean;
  /** CSV: write the header row. Default true. */
  header?: boolean;
  /** CSV: lead each row with `device` and `command` columns. Default true. */
  contextColumns?: boolean;
  /** JSON: indent with two spaces. Default true. */
  pretty?: boolean;
  /** The export time written into the metadata (default now). */
  exportedAt?: Date;
}

export interface ExportOptions extends RenderOptions {
  /** Default "combined". */
  mode?: ExportMode;
}

/** One rendered output for msg.payload: a JSON document object, or NDJSON/CSV text. */
export interface RenderedExport {
  device?: string;
  command?: string;
  captureType?: string;
  recordCount: number;
  resultCount: number;
  /** A file name from the path pattern, for downstream file/email nodes. */
  fileName: string;
  contentType: string;
  content: string | JsonExportDocument;
}

export interface WrittenExport {
  path: string;
  device?: string;
  command?: string;
  captureType?: string;
  recordCount: number;
  resultCount: number;
  bytes: number;
}

/** One set in a JSON export. Missing metadata is null so every result has the same keys. */
export interface JsonExportResult {
  device: string;
  platform: string | null;
  capture_type: string | null;
  command: string;
  template: string | null;
  templates: string[];
  score: number | null;
  status: string | null;
  error?: string;
  collected_at: string | null;
  record_count: number;
  fields: string[];
  records: Record<string, unknown>[];
}

export interface JsonExportDocument {
  exported_at: string;
  record_count: number;
  result_count: number;
  results: JsonExportResult[];
}
