import * as fs from "node:fs";
import * as path from "node:path";
import { VcError, errorMessage } from "../errors";
import { cleanOutput, compileTemplate, readIndexRows } from "../textfsm";
import {
  OutputLines,
  estimateLiteralChars,
  profileTemplate,
  walkTemplate,
  type TemplateProfile,
  type Walk,
} from "./evidence";
import { selectCandidates, type DetectHints } from "./hints";
import type { TemplateLibrary } from "./library";
import { OutputProbe, buildPrefilter, mayProduceRecords, type TemplatePrefilter } from "./prefilter";
import { measureOutput, scoreBound, scoreParse, type ScoreComponents } from "./score";

export type { DetectHints } from "./hints";

/**
 * Auto-detect: which template parses this output? Candidates (all templates, or those the hints
 * leave: hints.ts) go through four stages, cheapest first, so that of ~1000 templates only a
 * handful are parsed:
 *   1. literals (prefilter.ts): a template whose capturing rules need text the output does not
 *      contain cannot produce a record; rejected without running anything;
 *   2. walk (evidence.ts): the template's state machine is walked over the lines trying rules
 *      only; a template that hits an Error rule, or never matches a capturing rule, is rejected;
 *      the walk also measures the literal text the template recognises;
 *   3. bound: the walk gives the literal share, which caps the score (score.ts scoreBound), so
 *      survivors are parsed best bound first and the rest are not parsed once they cannot enter
 *      the top N any more;
 *   4. parse and score (score.ts), each parse with a small time budget (the engine ends a parse
 *      that would backtrack catastrophically), within an overall budget per output.
 * Long outputs are ranked on their first `maxLines` lines (a template recognises an output from
 * its beginning; this bounds the cost of huge configs and tables); the winner then parses the
 * whole output. A detector compiles a template the first time it is needed and keeps it: build
 * one detector and reuse it for many outputs.
 */

export interface DetectorTemplate {
  /** File stem, e.g. "cisco_ios_show_ip_arp". */
  name: string;
  /** "ntc", "user" (library) or "dir" (a templates directory). */
  source: string;
  platform: string | null;
  command: string | null;
  text: string;
}

export interface DetectOptions {
  /** How many ranked templates to return (default 5). */
  top?: number;
  /** Remove command echo, pager residue and prompts before detecting (default true). */
  clean?: boolean;
  /** Time budget of one template (walk, then parse), ms (default 100). */
  budgetMs?: number;
  /** Time budget of the whole detection, ms (default 2000); templates not reached are counted. */
  totalBudgetMs?: number;
  /** Rank on at most this many lines of the output (default 200); the winner parses all of it. */
  maxLines?: number;
}

export interface RankedTemplate {
  template: string;
  source: string;
  platform: string | null;
  score: number;
  fits: boolean;
  reason?: string;
  recordCount: number;
  fieldCount: number;
  components: ScoreComponents;
  /** The template's command pattern matches the command hint. */
  matchesCommand: boolean;
}

export interface BestParse extends RankedTemplate {
  header: string[];
  records: Record<string, unknown>[];
}

export interface DetectStats {
  /** Templates the detector knows. */
  templates: number;
  /** Left after the hints. */
  candidates: number;
  /** Left after the literal pre-filter. */
  passedLiterals: number;
  /** Left after the walk (no Error rule hit, a capturing rule matched). */
  survivors: number;
  /** Survivors not parsed: they could no longer reach the top N. */
  bounded: number;
  parsed: number;
  withRecords: number;
  /** Templates that could not be compiled, or whose parse raised an error. */
  failed: number;
  /** Templates that ran out of their time budget. */
  timedOut: string[];
  /** Templates not tried because the overall time budget ran out. */
  skipped: number;
  /** Lines of the output, and how many of them the ranking looked at. */
  lines: number;
  rankedOnLines: number;
  elapsedMs: number;
}

export interface DetectResult {
  /** True when the best template fits (see score.ts); false means "no template fits". */
  fits: boolean;
  /** Why nothing fits (absent when fits). */
  reason?: string;
  /** The best template with its parse, when it fits; null when no template fits. */
  best: BestParse | null;
  /** The top templates that produced records, best first (fitting or not). */
  ranking: RankedTemplate[];
  /** Hints that matched no template and were not applied. */
  hintsIgnored: string[];
  stats: DetectStats;
}

interface Entry {
  template: DetectorTemplate;
  prefilter?: TemplatePrefilter;
  profile?: TemplateProfile;
  compileError?: string;
}

interface Candidate {
  entry: Entry;
  profile: TemplateProfile;
  matchesCommand: boolean;
  /** undefined for sandboxed templates, which are not walked. */
  walk?: Walk;
  bound: number;
}

type Scored = BestParse;

const DEFAULTS = { top: 5, budgetMs: 100, totalBudgetMs: 2000, maxLines: 200 };
/** Python str.splitlines() boundaries: the lines the engine parses (control characters included). */
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Best first; ties go to the template matching the command hint, then the one with more
 *  fields (the more detailed template), then the name. */
function byRank(a: Scored, b: Scored): number {
  return (
    b.score - a.score ||
    Number(b.matchesCommand) - Number(a.matchesCommand) ||
    b.fieldCount - a.fieldCount ||
    a.template.localeCompare(b.template)
  );
}

type Target = DetectorTemplate & { entry: Entry };

export class TemplateDetector {
  private readonly entries: Entry[];
  /** What the hints select from: each template with its entry. */
  private readonly targets: Target[];

  constructor(templates: DetectorTemplate[]) {
    this.entries = templates.map((template) => ({ template }));
    this.targets = this.entries.map((entry) => ({ ...entry.template, entry }));
  }

  /** The templates served by a library (user overrides applied). */
  static fromLibrary(library: TemplateLibrary): TemplateDetector {
    return new TemplateDetector(
      library
        .effectiveTemplates()
        .map((t) => ({ name: t.name, source: t.source, platform: t.platform, command: t.command, text: t.text })),
    );
  }

  /** The .textfsm files of a directory, with platform and command from its index if present. */
  static fromDirectory(dir: string): TemplateDetector {
    return new TemplateDetector(TemplateDetector.directoryTemplates(dir));
  }

  /** The templates fromDirectory detects with (also merged with a library's by the parse stage). */
  static directoryTemplates(dir: string): DetectorTemplate[] {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new VcError("not_found", "no such templates directory", dir);
    const indexFile = path.join(dir, "index");
    const rows = fs.existsSync(indexFile) ? readIndexRows(fs.readFileSync(indexFile, "utf8"), indexFile).rows : [];
    const rowOf = new Map<string, { platform?: string; command?: string }>();
    for (const row of rows)
      for (const t of row.templates)
        if (!rowOf.has(t)) rowOf.set(t, { platform: row.cells.Platform, command: row.cells.Command });
    const templates = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".textfsm"))
      .sort()
      .map((file) => ({
        name: file.slice(0, -".textfsm".length),
        source: "dir",
        platform: rowOf.get(file)?.platform || null,
        command: rowOf.get(file)?.command || null,
        text: fs.readFileSync(path.join(dir, file), "utf8"),
      }));
    if (templates.length === 0) throw new VcError("not_found", "no .textfsm templates in this directory", dir);
    return templates;
  }

  get size(): number {
    return this.entries.length;
  }

  /** A detector over the templates `keep` accepts (sharing nothing mutable with this one). */
  subset(keep: (template: DetectorTemplate) => boolean): TemplateDetector {
    return new TemplateDetector(this.entries.map((e) => e.template).filter(keep));
  }

  /** Builds every pre-filter and compiles every template, down to V8's compilation of each
   *  rule's regex, now rather than on first use (for long-lived detectors and benchmarks).
   *  Returns the templates that do not compile, with the reason. */
  prepare(): { failed: Array<{ template: string; error: string }> } {
    const failed: Array<{ template: string; error: string }> = [];
    for (const entry of this.entries) {
      entry.prefilter ??= buildPrefilter(entry.template.text);
      const profile = this.profile(entry);
      if (!profile) {
        failed.push({ template: entry.template.name, error: entry.compileError! });
        continue;
      }
      if (profile.template.needsSandbox) continue;
      for (const state of profile.template.definition.states.values())
        for (const rule of state.rules) rule.regex.test("");
    }
    return { failed };
  }

  /** Ranks the templates for `output`. A bad template never makes it throw: it is counted as failed. */
  detect(output: string, hints: DetectHints = {}, opts: DetectOptions = {}): DetectResult {
    const started = performance.now();
    const top = Math.max(1, opts.top ?? DEFAULTS.top);
    const budgetMs = opts.budgetMs ?? DEFAULTS.budgetMs;
    const deadline = started + (opts.totalBudgetMs ?? DEFAULTS.totalBudgetMs);
    const text = opts.clean === false ? output : cleanOutput(output, { command: hints.command });
    const selection = selectCandidates(this.targets, hints);
    const stats: DetectStats = {
      templates: this.entries.length,
      candidates: selection.candidates.length,
      passedLiterals: 0,
      survivors: 0,
      bounded: 0,
      parsed: 0,
      withRecords: 0,
      failed: 0,
      timedOut: [],
      skipped: 0,
      lines: 0,
      rankedOnLines: 0,
      elapsedMs: 0,
    };
    const allLines = splitLines(text);
    const maxLines = Math.max(1, opts.maxLines ?? DEFAULTS.maxLines);
    const lines = allLines.length > maxLines ? allLines.slice(0, maxLines) : allLines;
    const rankText = lines === allLines ? text : lines.join("\n");
    stats.lines = allLines.length;
    stats.rankedOnLines = lines.length;
    const probe = new OutputProbe(rankText);
    const outputLines = new OutputLines(lines);
    const measure = measureOutput(lines);

    const survivors: Candidate[] = [];
    for (const c of selection.candidates) {
      if (!mayProduceRecords((c.entry.prefilter ??= buildPrefilter(c.entry.template.text)), probe)) continue;
      stats.passedLiterals++;
      if (performance.now() > deadline) {
        stats.skipped++;
        continue;
      }
      const profile = this.profile(c.entry);
      if (!profile) {
        stats.failed++;
        continue;
      }
      const matchesCommand = selection.commandMatches.has(c);
      if (profile.template.needsSandbox) {
        survivors.push({ entry: c.entry, profile, matchesCommand, bound: Infinity });
        continue;
      }
      const walk = walkTemplate(profile, outputLines, Math.min(deadline, performance.now() + budgetMs));
      if (walk.timedOut) {
        stats.timedOut.push(c.name);
        continue;
      }
      if (walk.failed || !walk.captures) continue;
      const literalShare = measure.contentChars === 0 ? 0 : walk.literalChars / measure.contentChars;
      survivors.push({
        entry: c.entry,
        profile,
        matchesCommand,
        walk,
        bound: scoreBound(literalShare, profile.maxValueSpecificity),
      });
    }
    stats.survivors = survivors.length;
    survivors.sort((a, b) => b.bound - a.bound || a.entry.template.name.localeCompare(b.entry.template.name));

    const scored: Scored[] = [];
    for (let i = 0; i < survivors.length; i++) {
      const candidate = survivors[i];
      if (scored.length >= top) {
        const nth = [...scored].sort(byRank)[top - 1].score;
        // (the margin covers the rounding of scores to 4 decimals)
        if (candidate.bound < nth - 1e-4) {
          stats.bounded += survivors.length - i;
          break;
        }
      }
      if (performance.now() > deadline) {
        stats.skipped += survivors.length - i;
        break;
      }
      const result = this.parseAndScore(candidate, rankText, lines, measure, budgetMs, stats);
      if (result) scored.push(result);
    }
    scored.sort(byRank);
    const ranking = scored.slice(0, top).map(({ header: _h, records: _r, ...ranked }) => ranked);
    let winner: Scored | undefined = scored[0];
    let reason: string | undefined;
    if (winner && winner.fits && rankText !== text) {
      const whole = this.parseWhole(scored, text, deadline, budgetMs);
      winner = whole.best;
      reason = whole.reason;
    }
    stats.elapsedMs = Math.round((performance.now() - started) * 100) / 100;
    if (winner && winner.fits) return { fits: true, best: winner, ranking, hintsIgnored: selection.ignored, stats };
    return {
      fits: false,
      reason: reason ?? this.noFitReason(winner, stats),
      best: null,
      ranking,
      hintsIgnored: selection.ignored,
      stats,
    };
  }

  /** The ranking was made on the first lines: the best fitting template that also parses the
   *  whole output wins, with the records of the whole output. */
  private parseWhole(
    scored: Scored[],
    text: string,
    deadline: number,
    budgetMs: number,
  ): { best?: Scored; reason?: string } {
    const failures: string[] = [];
    for (const candidate of scored) {
      if (!candidate.fits) break;
      const entry = this.entries.find((e) => e.template.name === candidate.template && e.profile);
      if (!entry?.profile) continue;
      try {
        const parse = entry.profile.template.parse(text, {
          budgetMs: Math.max(budgetMs, deadline - performance.now()),
        });
        if (parse.records.length > 0)
          return {
            best: { ...candidate, header: parse.header, records: parse.records, recordCount: parse.records.length },
          };
        failures.push(`${candidate.template}: no record`);
      } catch (err) {
        failures.push(`${candidate.template}: ${errorMessage(err)}`);
      }
      if (performance.now() > deadline) break;
    }
    return { reason: `no template fits the whole output (${failures.join("; ")})` };
  }

  private parseAndScore(
    candidate: Candidate,
    text: string,
    lines: readonly string[],
    measure: ReturnType<typeof measureOutput>,
    budgetMs: number,
    stats: DetectStats,
  ): Scored | undefined {
    const { entry, profile, walk } = candidate;
    stats.parsed++;
    let parse;
    try {
      parse = profile.template.parse(text, { budgetMs });
    } catch (err) {
      if (err instanceof VcError && err.errorClass === "parse_timeout") stats.timedOut.push(entry.template.name);
      else stats.failed++;
      return undefined;
    }
    if (parse.records.length === 0) return undefined;
    stats.withRecords++;
    const s = scoreParse(
      {
        header: parse.header,
        records: parse.records,
        matchedLines: parse.stats.matchedLines,
        ...(walk
          ? { literalChars: walk.literalChars, wordLiteralChars: walk.wordLiteralChars }
          : estimateLiteralChars(profile, lines)),
        valueSpecificity: profile.valueSpecificity,
      },
      measure,
    );
    return {
      template: entry.template.name,
      source: entry.template.source,
      platform: entry.template.platform,
      score: s.score,
      fits: s.fits,
      ...(s.reason ? { reason: s.reason } : {}),
      recordCount: s.recordCount,
      fieldCount: s.fieldCount,
      components: s.components,
      matchesCommand: candidate.matchesCommand,
      header: parse.header,
      records: parse.records,
    };
  }

  private noFitReason(winner: Scored | undefined, stats: DetectStats): string {
    const notReached = stats.skipped > 0 ? ` (${stats.skipped} templates not tried: time budget exhausted)` : "";
    if (!winner)
      return `no template produced a record from this output (${stats.candidates} candidates, ${stats.survivors} could match its lines)${notReached}`;
    return `no template fits: the best, ${winner.template}, scores ${winner.score}; ${winner.reason}${notReached}`;
  }

  private profile(entry: Entry): TemplateProfile | undefined {
    if (entry.profile || entry.compileError !== undefined) return entry.profile;
    try {
      entry.profile = profileTemplate(compileTemplate(entry.template.text, entry.template.name + ".textfsm"));
    } catch (err) {
      entry.compileError = errorMessage(err);
    }
    return entry.profile;
  }
}
