import { VcError, errorMessage } from "../errors";
import type { DetectResult } from "../templates/detect";
import type { DetectHints } from "../templates/hints";
import {
  DEFAULT_BUDGET_MS,
  cleanOutput,
  compileTemplate,
  parseWithTemplates,
  type ParseResult,
  type TextFsmTemplate,
} from "../textfsm";
import type { ParseStatus } from "../types";
import { detectorForSource, namedTemplate, templatesForCommand, type TemplateSource } from "./sources";
import { ntcPlatformFor } from "../platforms";
import { restrictCandidates, type TemplateCandidates } from "./template-subset";

/**
 * The parse stage: ONE function that turns a command output into records, used by vc-textfsm,
 * Smart Export (vc-export and lib/core/parse/smart-export), `vcollector textfsm parse`,
 * `vcollector parse` and job validation. The mode is always explicit:
 *   - "index":    the template(s) the ntc-style index names for platform + command;
 *   - "template": a named template of the template source;
 *   - "inline":   a template text (or one compiled with compileInline);
 *   - "auto":     auto-detect ranks the source's templates and the best fitting one parses.
 * It never throws for a bad output or a missing template: the outcome says what happened.
 */
export type ParseMode = "index" | "template" | "inline" | "auto";

export const PARSE_MODES: readonly ParseMode[] = ["index", "template", "inline", "auto"];

export interface ParseInput {
  /** The command output as the device printed it. */
  text: string;
  mode: ParseMode;
  /** netmiko / ntc platform (index: required; auto: a hint). */
  platform?: string;
  /** The command that printed the output (index: required; auto: a hint; cleaning: its echo). */
  command?: string;
  /** mode "template": the template name (".textfsm" optional). */
  template?: string;
  /** mode "inline": the template text, or a template compiled once with compileInline. */
  inline?: string | TextFsmTemplate;
  /** mode "auto": a capture type hint such as "version", "arp". */
  captureType?: string;
  /** mode "auto": the best template must score at least this (0..1; default: it must fit). */
  minScore?: number;
  /** mode "auto": choose only among these templates (a tfsm filter, or one named template); default all. */
  candidates?: TemplateCandidates;
}

export interface ParseOptions {
  /** Where templates come from: resolveTemplateSource(). */
  source: TemplateSource;
  /** Time budget of the parse (auto: of the whole detection), ms. */
  budgetMs?: number;
  /** Remove command echo, pager residue and a trailing prompt first (default true). */
  clean?: boolean;
}

/** The detection behind an auto-mode outcome, without the winning parse (that is `records`). */
export type DetectionSummary = Omit<DetectResult, "best">;

export interface ParseOutcome {
  status: ParseStatus;
  /** The template that produced the records (the first, when an index row merges several). */
  template: string | null;
  /** Every template used, e.g. ["cisco_ios_show_version.textfsm"]. */
  templates: string[];
  /** mode "auto": the winning (or best non-fitting) template's score, 0..1. */
  score?: number;
  records: Record<string, unknown>[];
  /** Why there are no records: no_template / parse_error, with a located message. */
  error?: string;
  /** mode "auto": the ranking and statistics. */
  detection?: DetectionSummary;
  /** Modes index, template, inline: the table as TextFSM builds it (Value names, rows, line counts). */
  table?: Pick<ParseResult, "header" | "rows" | "stats">;
}

/** Compiles an inline template once; a bad one throws TemplateError naming `name` and the line. */
export function compileInline(text: string, name = "inline"): TextFsmTemplate {
  return compileTemplate(text, name);
}

function outcome(status: ParseStatus, fields: Partial<ParseOutcome> = {}): ParseOutcome {
  const templates = fields.templates ?? [];
  return {
    ...fields,
    status,
    template: fields.template ?? templates[0] ?? null,
    templates,
    records: fields.records ?? [],
  };
}

function fromParse(templates: string[], parsed: ParseResult): ParseOutcome {
  const { header, rows, stats, records } = parsed;
  return outcome(records.length > 0 ? "ok" : "zero_records", { templates, records, table: { header, rows, stats } });
}

/** A device's platform as ntc-templates names it (cisco_xe → cisco_ios), from the platform catalogue. */
function ntcPlatform(value: string | undefined): string | undefined {
  const platform = nonEmpty(value);
  return platform === undefined ? undefined : ntcPlatformFor(platform);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

export function parseText(input: ParseInput, opts: ParseOptions): ParseOutcome {
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  let templates: string[] = [];
  try {
    const text = opts.clean === false ? input.text : cleanOutput(input.text, { command: input.command });
    switch (input.mode) {
      case "index": {
        const platform = ntcPlatform(input.platform);
        const command = nonEmpty(input.command);
        if (!platform) throw new VcError("no_template", "no platform: the index needs the device's platform");
        if (!command) throw new VcError("no_template", "no command: the index needs the command");
        const found = templatesForCommand(opts.source, platform, command);
        templates = found.names;
        return fromParse(templates, parseWithTemplates(found.compiled, text, budgetMs));
      }
      case "template": {
        if (!nonEmpty(input.template)) throw new VcError("no_template", "mode 'template' needs a template name");
        const template = namedTemplate(opts.source, input.template!);
        templates = [template.name];
        return fromParse(templates, template.parse(text, { budgetMs }));
      }
      case "inline": {
        if (input.inline === undefined || input.inline === "")
          throw new VcError("no_template", "mode 'inline' needs a template text");
        const template = typeof input.inline === "string" ? compileInline(input.inline) : input.inline;
        templates = [template.name];
        return fromParse(templates, template.parse(text, { budgetMs }));
      }
      case "auto":
        return autoDetect(text, input, opts.source, budgetMs);
      default:
        throw new VcError("usage", `parse mode '${String(input.mode)}' is not one of ${PARSE_MODES.join(", ")}`);
    }
  } catch (err) {
    const noTemplate = err instanceof VcError && err.errorClass === "no_template";
    return outcome(noTemplate ? "no_template" : "parse_error", { templates, error: errorMessage(err) });
  }
}

function autoDetect(text: string, input: ParseInput, source: TemplateSource, budgetMs: number): ParseOutcome {
  const hints: DetectHints = {
    platform: ntcPlatform(input.platform),
    command: nonEmpty(input.command),
    captureType: nonEmpty(input.captureType),
  };
  let result: DetectResult;
  try {
    // The budget bounds the whole detection; each template keeps the detector's small one.
    const all = detectorForSource(source);
    const detector = input.candidates ? restrictCandidates(all, input.candidates) : all;
    result = detector.detect(text, hints, { clean: false, top: 3, totalBudgetMs: budgetMs });
  } catch (err) {
    if (err instanceof VcError && err.errorClass === "no_template") throw err;
    return outcome("parse_error", { error: `auto-detect failed: ${errorMessage(err)}` });
  }
  const { best, ...detection } = result;
  const minScore = input.minScore ?? 0;
  if (best && best.score >= minScore)
    return outcome("ok", {
      templates: [`${best.template}.textfsm`],
      records: best.records,
      score: best.score,
      detection,
    });
  return outcome("no_template", {
    ...(best ? { score: best.score } : {}),
    error: best
      ? `no template fits: the best, ${best.template}, scores ${best.score}, below the minimum ${minScore}`
      : (detection.reason ?? "no template fits"),
    detection,
  });
}
