import { type RunOutput, runTemplate } from "./fsm";
import { parseInSandbox } from "./sandbox";
import { type TemplateDefinition, parseTemplateDefinition } from "./template";

export const DEFAULT_BUDGET_MS = 2000;

export interface ParseOptions {
  /** Time budget for this parse in ms (default 2000); past it the parse throws "parse_timeout". */
  budgetMs?: number;
}

export interface ParseStats {
  /** Input lines (Python splitlines). */
  lines: number;
  /** Input lines matched by at least one rule that is not a catch-all (`^.*`, `^\s*$`...). */
  matchedLines: number;
}

export interface ParseResult {
  /** Value names in declaration order. */
  header: string[];
  /** One row per record, cells in header order: strings, or arrays for List values. */
  rows: unknown[][];
  /** The rows as objects keyed by the lower-cased header names (netmiko / ntc-templates convention). */
  records: Record<string, unknown>[];
  stats: ParseStats;
}

/**
 * A compiled TextFSM template: compile once, parse many. Immutable after compilation; every
 * parse runs on its own state, so one instance can be shared freely and reused after errors.
 */
export class TextFsmTemplate {
  readonly header: string[];
  /** Values with the Key option (used to merge the tables of multi-template index rows). */
  readonly keys: string[];
  private sandboxCache?: boolean;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly definition: TemplateDefinition,
  ) {
    this.header = definition.values.map((v) => v.name);
    this.keys = definition.values.filter((v) => v.options.includes("Key")).map((v) => v.name);
  }

  /**
   * True when some regex of the template can backtrack exponentially and neither V8's linear
   * engine nor regex/linear.ts can run it (it needs lookarounds or backreferences): such templates are parsed in a
   * worker thread that is stopped at the deadline. Worked out on first use (it costs a static
   * analysis of the risky regexes).
   */
  get needsSandbox(): boolean {
    if (this.sandboxCache === undefined) {
      const regexes = [...this.definition.states.values()].flatMap((s) => s.rules.map((r) => r.regex));
      for (const v of this.definition.values) if (v.listRegex) regexes.push(v.listRegex);
      this.sandboxCache = regexes.some((r) => r.unbounded);
    }
    return this.sandboxCache;
  }

  parse(text: string, opts: ParseOptions = {}): ParseResult {
    const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
    const out = this.needsSandbox ? parseInSandbox(this, text, budgetMs) : this.run(text, budgetMs);
    return toResult(this.header, out);
  }

  /** Runs the state machine in this thread (the budget is checked between lines). */
  run(text: string, budgetMs: number, onLine?: (line: number) => void): RunOutput {
    return runTemplate(this.definition, text, { budgetMs, onLine });
  }
}

export function compileTemplate(text: string, name = "<template>"): TextFsmTemplate {
  return new TextFsmTemplate(name, text, parseTemplateDefinition(text, name));
}

export function toResult(header: string[], out: RunOutput): ParseResult {
  const keys = header.map((h) => h.toLowerCase());
  const records: Record<string, unknown>[] = new Array(out.rows.length);
  for (let r = 0; r < out.rows.length; r++) {
    const row = out.rows[r];
    const rec: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) rec[keys[i]] = row[i];
    records[r] = rec;
  }
  return {
    header: [...header],
    rows: out.rows as unknown[][],
    records,
    stats: { lines: out.lines, matchedLines: out.matchedLines },
  };
}
