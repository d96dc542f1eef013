import * as fs from "node:fs";
import { VcError, errorMessage } from "../errors";
import type { CommandResult, DeviceResult, ParsedResult } from "../types";
import { cleanOutput } from "./clean";
import { type ParseResult, type TextFsmTemplate, DEFAULT_BUDGET_MS, compileTemplate } from "./compiled";
import { loadIndex, loadTemplateFile, parseWithTemplates, templatePath } from "./library";

/**
 * Parsing of collection results into ParsedResult records: what vc-textfsm does for every
 * command output of a message. Every outcome is explicit — `ok`, `zero_records`,
 * `no_template` or `parse_error` with a located message — and raw text is never passed off as
 * parsed records.
 */

export type ParseMode = "index" | "template" | "inline" | "auto";

export interface ParseSettings {
  mode: ParseMode;
  /** Template directory (index and named templates). */
  templatesDir?: string;
  /** Template file name in templatesDir, for mode "template". */
  template?: string;
  /** Compiled inline template, for mode "inline" (see compileInline). */
  inline?: TextFsmTemplate;
  /** Why the inline template could not be compiled (every parse then reports it). */
  inlineError?: string;
  budgetMs?: number;
  /** Clean command echo, pager residue and a trailing prompt first (default true). */
  clean?: boolean;
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
}

/** Parses one output. Extra modes (auto-detection) register here; see registerParseMode. */
export type ModeHandler = (input: OutputToParse, text: string, settings: ParseSettings) => ParsedResult;

const modes = new Map<string, ModeHandler>();

/** Adds a parse mode (e.g. "auto", implemented by the template library's auto-detection). */
export function registerParseMode(mode: string, handler: ModeHandler): void {
  modes.set(mode, handler);
}

function result(input: OutputToParse, fields: Partial<ParsedResult> & Pick<ParsedResult, "status">): ParsedResult {
  const records = fields.records ?? [];
  const out: ParsedResult = {
    device: input.device,
    command: input.command,
    templates: fields.templates ?? [],
    status: fields.status,
    records,
    recordCount: records.length,
  };
  if (input.platform !== undefined) out.platform = input.platform;
  if (fields.score !== undefined) out.score = fields.score;
  if (fields.error !== undefined) out.error = fields.error;
  if (input.collectedAt !== undefined) out.collectedAt = input.collectedAt;
  return out;
}

function fromParse(input: OutputToParse, templates: string[], parsed: ParseResult): ParsedResult {
  return result(input, { templates, records: parsed.records, status: parsed.records.length ? "ok" : "zero_records" });
}

/** The error class of a failure while finding a template: missing templates are "no_template". */
function failure(input: OutputToParse, err: unknown, templates: string[] = []): ParsedResult {
  const noTemplate = err instanceof VcError && err.errorClass === "no_template";
  return result(input, { templates, status: noTemplate ? "no_template" : "parse_error", error: errorMessage(err) });
}

export function parseOne(input: OutputToParse, settings: ParseSettings): ParsedResult {
  if (input.status === "error") {
    return result(input, {
      status: "parse_error",
      error: `not parsed: the command failed during collection${input.error ? ` (${input.error})` : ""}`,
    });
  }
  const text = settings.clean === false ? input.output : cleanOutput(input.output, { command: input.command });
  const budgetMs = settings.budgetMs ?? DEFAULT_BUDGET_MS;
  const custom = modes.get(settings.mode);
  if (custom) return custom(input, text, settings);
  let templates: string[] = [];
  try {
    switch (settings.mode) {
      case "index": {
        const dir = requireDir(settings);
        if (!input.platform)
          throw new VcError("no_template", `no platform for device '${input.device}': the index needs one`);
        const index = loadIndex(dir);
        templates = index.lookup(input.platform, input.command);
        if (templates.length === 0)
          throw new VcError(
            "no_template",
            `no template in ${index.file} for platform '${input.platform}' and command '${input.command}'`,
          );
        const compiled = templates.map((t) => loadTemplateFile(`${dir}/${t}`));
        return fromParse(input, templates, parseWithTemplates(compiled, text, budgetMs));
      }
      case "template": {
        const dir = requireDir(settings);
        if (!settings.template) throw new VcError("no_template", "mode 'template' needs a template name");
        const file = templatePath(dir, settings.template);
        if (!fs.existsSync(file))
          throw new VcError("no_template", `template '${settings.template}' not found in ${dir}`);
        const compiled = loadTemplateFile(file);
        templates = [compiled.name];
        return fromParse(input, templates, compiled.parse(text, { budgetMs }));
      }
      case "inline": {
        if (settings.inlineError) return result(input, { status: "parse_error", error: settings.inlineError });
        if (!settings.inline) throw new VcError("no_template", "mode 'inline' needs a template text");
        templates = [settings.inline.name];
        return fromParse(input, templates, settings.inline.parse(text, { budgetMs }));
      }
      default:
        throw new VcError("usage", `parse mode '${settings.mode}' is not available`);
    }
  } catch (err) {
    return failure(input, err, templates);
  }
}

function requireDir(settings: ParseSettings): string {
  if (!settings.templatesDir)
    throw new VcError(
      "no_template",
      "no template directory: set one in the node, or NET_TEXTFSM, or the vcTextfsmTemplatesDir setting",
    );
  return settings.templatesDir;
}

/** Compiles an inline template once; a bad one throws TemplateError naming `name` and the line. */
export function compileInline(text: string, name = "inline"): TextFsmTemplate {
  return compileTemplate(text, name);
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
export function parseDeviceResult(dr: DeviceResult, settings: ParseSettings): ParsedResult[] {
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
): { payload: unknown; parsed: ParsedResult[] } {
  if (Array.isArray(payload)) {
    const bad = payload.findIndex((p) => !isDeviceResult(p));
    if (bad >= 0)
      throw new VcError("invalid_input", `msg.payload[${bad}] is not a device result (needs device and commands)`);
    const all: ParsedResult[] = [];
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
