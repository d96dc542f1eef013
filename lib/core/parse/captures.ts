import * as fs from "node:fs";
import { errorMessage } from "../errors";
import type { ParseStatus } from "../types";
import { parseText, type ParseMode } from "./parse";
import type { TemplateSource } from "./sources";

/**
 * Parsing stored captures (what `vcollector parse` does): one entry per device × command, in
 * the shape `vcollector export --input` reads. A capture of several commands is a transcript
 * (collect/store.ts captureContent: each output preceded by `<prompt><command>`); it is split
 * back into its commands when the commands are known (collector.db `captures.commands`).
 */

export interface CaptureToParse {
  device: string;
  platform?: string;
  captureType: string;
  /** The capture file. */
  path: string;
  capturedAt?: string;
  /** The commands whose outputs the file holds, in order (collector.db), when known. */
  commands?: string[];
}

export interface CaptureParseOptions {
  mode: Exclude<ParseMode, "inline">;
  source: TemplateSource;
  template?: string;
  minScore?: number;
  /** The command when the capture's are not recorded (an older capture, or a file put there by hand). */
  command?: string;
  budgetMs?: number;
}

/** One device × command: `vcollector export --input` reads it as it is. */
export interface ParsedCaptureEntry {
  device: string;
  platform?: string;
  command: string;
  capture_type: string;
  collected_at?: string;
  /** The capture file the records come from. */
  source: string;
  template: string | null;
  templates: string[];
  score?: number;
  status: ParseStatus;
  error?: string;
  record_count: number;
  records: Record<string, unknown>[];
  /** How the command was known, when it was not split from a recorded list (a reader should know). */
  note?: string;
}

/**
 * Splits a transcript of several commands back into their outputs: its first line is
 * `<prompt><first command>`, and each later command starts at the line `<prompt><command>`.
 * Returns undefined when the text does not have that shape.
 */
export function splitTranscript(
  text: string,
  commands: string[],
): Array<{ command: string; text: string }> | undefined {
  if (commands.length < 2) return undefined;
  const lines = text.split("\n");
  const first = lines[0].replace(/\r$/, "");
  if (!first.endsWith(commands[0])) return undefined;
  const prompt = first.slice(0, first.length - commands[0].length);
  const starts: number[] = [0];
  let from = 1;
  for (const command of commands.slice(1)) {
    const at = lines.findIndex((line, i) => i >= from && line.replace(/\r$/, "") === prompt + command);
    if (at < 0) return undefined;
    starts.push(at);
    from = at + 1;
  }
  return commands.map((command, i) => {
    const last = i + 1 === starts.length;
    // The line break before the next command's line ends this output.
    const body = lines.slice(starts[i] + 1, last ? lines.length : starts[i + 1]).join("\n");
    return { command, text: last ? body : body + "\n" };
  });
}

export function parseCapture(capture: CaptureToParse, opts: CaptureParseOptions): ParsedCaptureEntry[] {
  const base = {
    device: capture.device,
    ...(capture.platform ? { platform: capture.platform } : {}),
    capture_type: capture.captureType,
    ...(capture.capturedAt ? { collected_at: capture.capturedAt } : {}),
    source: capture.path,
  };
  const recorded = capture.commands?.filter((c) => c.trim() !== "") ?? [];
  const commands = opts.command ? [opts.command] : recorded;
  let text: string;
  try {
    text = fs.readFileSync(capture.path, "utf8");
  } catch (err) {
    return [failed(base, commands[0] ?? "", `cannot read the capture: ${errorMessage(err)}`)];
  }
  if (commands.length === 0 && opts.mode === "index")
    return [
      failed(
        base,
        "",
        "the command of this capture is not recorded (captured before vcollector kept it): give --command, --template or --auto",
        "no_template",
      ),
    ];
  let parts: Array<{ command: string; text: string }>;
  let note: string | undefined;
  if (opts.command) {
    parts = [{ command: opts.command, text }];
    if (recorded.length > 0 && recorded.join(";") !== opts.command) note = "command given with --command";
  } else if (commands.length > 1) {
    const split = splitTranscript(text, commands);
    if (split) parts = split;
    else {
      parts = [{ command: commands[0], text }];
      note = `not split into its ${commands.length} commands (${commands.join("; ")}): parsed whole as '${commands[0]}'`;
    }
  } else if (commands.length === 1) parts = [{ command: commands[0], text }];
  else {
    parts = [{ command: "", text }];
    note = "the command of this capture is not recorded: labelled with its capture type";
  }
  return parts.map((part) => {
    const outcome = parseText(
      {
        text: part.text,
        mode: opts.mode,
        platform: capture.platform,
        command: part.command || undefined,
        template: opts.template,
        captureType: capture.captureType,
        minScore: opts.minScore,
      },
      { source: opts.source, budgetMs: opts.budgetMs },
    );
    return {
      ...base,
      command: part.command || capture.captureType,
      template: outcome.template,
      templates: outcome.templates,
      ...(outcome.score !== undefined ? { score: outcome.score } : {}),
      status: outcome.status,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      record_count: outcome.records.length,
      records: outcome.records,
      ...(note ? { note } : {}),
    };
  });
}

function failed(
  base: Omit<ParsedCaptureEntry, "command" | "template" | "templates" | "status" | "record_count" | "records">,
  command: string,
  error: string,
  status: ParseStatus = "parse_error",
): ParsedCaptureEntry {
  return { ...base, command, template: null, templates: [], status, error, record_count: 0, records: [] };
}
