import { VcError } from "../errors";
import type { TextFsmTemplate } from "../textfsm";
import type { CommandResult, DeviceResult, ParsedResult } from "../types";
import { parseText, type DetectionSummary, type ParseMode, type ParseOutcome } from "./parse";
import type { TemplateSource } from "./sources";

/**
 * What vc-textfsm does with a message, in core: every command output it carries goes through
 * the parse stage (parseText) and becomes a ParsedResult with an explicit status — `ok`,
 * `zero_records`, `no_template` or `parse_error` with a located message. Raw text is never
 * passed off as parsed records.
 */

export interface ParseSettings {
  mode: ParseMode;
  /** Where templates come from (resolveTemplateSource); not needed by mode "inline". */
  source?: TemplateSource;
  /** mode "template": the template name. */
  template?: string;
  /** mode "inline": the template compiled once (compileInline). */
  inline?: TextFsmTemplate;
  /** Why the inline template could not be compiled (every parse then reports it). */
  inlineError?: string;
  budgetMs?: number;
  /** Clean command echo, pager residue and a trailing prompt first (default true). */
  clean?: boolean;
  /** mode "auto": hints that replace the device's platform, and a capture type. */
  hints?: { platform?: string; captureType?: string };
  /** mode "auto": minimum score of the detected template. */
  minScore?: number;
}

/** One command output to parse. */
export interface OutputToParse {
  device: string;
  platform?: string;
  command: string;
  output: string;
  /** Collection status of the command; a failed command is not parsed. */
  status?: "ok" | "error";
  error?: string;
  collectedAt?: string;
  captureType?: string;
}

/** A ParsedResult, with the detection behind it in mode auto. */
export interface AutoParsed extends ParsedResult {
  detection?: DetectionSummary;
}

function toParsedResult(input: OutputToParse, outcome: Omit<ParseOutcome, "template">): AutoParsed {
  const out: AutoParsed = {
    device: input.device,
    command: input.command,
    templates: outcome.templates,
    status: outcome.status,
    records: outcome.records,
    recordCount: outcome.records.length,
  };
  if (input.platform !== undefined) out.platform = input.platform;
  if (outcome.score !== undefined) out.score = outcome.score;
  if (outcome.error !== undefined) out.error = outcome.error;
  if (input.collectedAt !== undefined) out.collectedAt = input.collectedAt;
  if (outcome.detection !== undefined) out.detection = outcome.detection;
  return out;
}

export function parseOne(input: OutputToParse, settings: ParseSettings): AutoParsed {
  const fail = (status: "parse_error" | "no_template", error: string) =>
    toParsedResult(input, { status, templates: [], records: [], error });
  if (input.status === "error")
    return fail(
      "parse_error",
      `not parsed: the command failed during collection${input.error ? ` (${input.error})` : ""}`,
    );
  if (settings.mode === "inline" && settings.inlineError) return fail("parse_error", settings.inlineError);
  if (settings.mode === "index" && !input.platform?.trim())
    return fail("no_template", `no platform for device '${input.device}': the index needs one`);
  if (!settings.source && settings.mode !== "inline")
    return fail("no_template", "no template source: resolve one with resolveTemplateSource()");
  const outcome = parseText(
    {
      text: input.output,
      mode: settings.mode,
      platform: (settings.mode === "auto" && settings.hints?.platform?.trim()) || input.platform,
      command: input.command,
      template: settings.template,
      inline: settings.inline,
      captureType: settings.hints?.captureType?.trim() || input.captureType,
      minScore: settings.minScore,
    },
    { source: settings.source!, budgetMs: settings.budgetMs, clean: settings.clean },
  );
  return toParsedResult(input, outcome);
}

function isDeviceResult(v: unknown): v is DeviceResult {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as DeviceResult).commands) &&
    typeof (v as DeviceResult).device === "object"
  );
}

function isPlainOutput(v: unknown): v is { platform?: string; command: string; output: string; device?: string } {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { output?: unknown }).output === "string" &&
    typeof (v as { command?: unknown }).command === "string"
  );
}

/** Every command output of a DeviceResult, parsed. */
export function parseDeviceResult(dr: DeviceResult, settings: ParseSettings): AutoParsed[] {
  return dr.commands.map((c: CommandResult) =>
    parseOne(
      {
        device: dr.device.name,
        platform: dr.device.platform,
        command: c.command,
        output: c.output,
        status: c.status,
        error: c.error,
        collectedAt: dr.finishedAt,
        captureType: dr.captureType,
      },
      settings,
    ),
  );
}

export interface PayloadHints {
  platform?: string;
  command?: string;
  device?: string;
}

/**
 * Parses what a message carries and returns the new payload plus every ParsedResult:
 * - a DeviceResult: the same object with `parsed` (one entry per command);
 * - an array of DeviceResults: each gets its `parsed`;
 * - `{platform, command, output}`: the same object with `parsed`;
 * - a string: `{platform, command, output, parsed}` from the hints (msg.platform, msg.command).
 * Throws VcError "invalid_input" for anything else.
 */
export function parsePayload(
  payload: unknown,
  hints: PayloadHints,
  settings: ParseSettings,
): { payload: unknown; parsed: AutoParsed[] } {
  if (Array.isArray(payload)) {
    const bad = payload.findIndex((p) => !isDeviceResult(p));
    if (bad >= 0)
      throw new VcError("invalid_input", `msg.payload[${bad}] is not a device result (needs device and commands)`);
    const all: AutoParsed[] = [];
    const out = (payload as DeviceResult[]).map((dr) => {
      const parsed = parseDeviceResult(dr, settings);
      all.push(...parsed);
      return { ...dr, parsed };
    });
    return { payload: out, parsed: all };
  }
  if (isDeviceResult(payload)) {
    const parsed = parseDeviceResult(payload, settings);
    return { payload: { ...payload, parsed }, parsed };
  }
  if (isPlainOutput(payload)) {
    const platform = payload.platform ?? hints.platform;
    const parsed = [
      parseOne(
        { device: payload.device ?? hints.device ?? "", platform, command: payload.command, output: payload.output },
        settings,
      ),
    ];
    return { payload: { ...payload, parsed }, parsed };
  }
  if (typeof payload === "string") {
    if (!hints.command)
      throw new VcError("invalid_input", "msg.payload is text: set msg.command (and msg.platform for the index)");
    const parsed = [
      parseOne(
        { device: hints.device ?? "", platform: hints.platform, command: hints.command, output: payload },
        settings,
      ),
    ];
    return { payload: { platform: hints.platform, command: hints.command, output: payload, parsed }, parsed };
  }
  throw new VcError(
    "invalid_input",
    "msg.payload must be a device result, an array of them, {platform, command, output} or a string",
  );
}

export interface ParseCounts {
  ok: number;
  zero: number;
  noTemplate: number;
  errors: number;
}

export function countStatuses(parsed: ParsedResult[]): ParseCounts {
  const c: ParseCounts = { ok: 0, zero: 0, noTemplate: 0, errors: 0 };
  for (const p of parsed) {
    if (p.status === "ok") c.ok++;
    else if (p.status === "zero_records") c.zero++;
    else if (p.status === "no_template") c.noTemplate++;
    else c.errors++;
  }
  return c;
}
