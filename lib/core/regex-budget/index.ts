import { VcError } from "../errors";
import { linearEngineAvailable } from "../textfsm/guard";
import { LinearDeadline } from "../textfsm/regex/linear";
import { foldCase } from "./fold-case";
import { lineHits, type LineHit } from "./lines";
import { compileVmRegex, type VmRegex } from "./vm";
import { JobTimeout, runAsync, runSync } from "./run";

export type { LineHit } from "./lines";
export { regexWorkersStarted } from "./run";

/**
 * Every regular expression a user supplies (search patterns, inventory name filters, job
 * filters, volatile-line lists) goes through here, so none can hang the process. Three engines,
 * the first that can take the pattern wins (`BoundedRegex.engine`):
 *  - "native": when V8's linear-time engine is available (the vcollector CLI sets its flags, see
 *    textfsm/guard.ts; a library such as the Node-RED nodes does not) and accepts the pattern
 *    (no backreferences or lookarounds, counted repeats up to 16; the `i` flag is folded into the
 *    pattern), it runs on the normal engine, which falls back to the linear one after excessive
 *    backtracking;
 *  - "vm": otherwise a pattern without lookarounds or backreferences runs on the calling thread
 *    on the Pike VM TextFSM uses (textfsm/regex/linear.ts, read from JavaScript syntax by
 *    js-syntax.ts): same matches as the native engine, in time proportional to pattern × text,
 *    no worker round trip. This is the library-mode path (Node-RED) for nearly every pattern.
 *    Linear can still be long (a count like {1,5000} on a 1 MiB line), so the VM also stops at
 *    the budget with `regex_timeout`;
 *  - "worker": anything else runs in a worker thread with a hard deadline (run.ts), and fails
 *    with `regex_timeout` naming the pattern and the file or field it was applied to.
 */

export const DEFAULT_REGEX_BUDGET_MS = 2000;

export interface BoundedRegexOptions {
  caseInsensitive?: boolean;
  global?: boolean;
  multiline?: boolean;
}

export interface BoundedRegex {
  /** The pattern as the user gave it. */
  pattern: string;
  /** Source and flags of `regex` (case-folded when linear and case-insensitive). */
  source: string;
  flags: string;
  regex: RegExp;
  /** True when `regex` is safe to run on this thread (bounded by the linear-engine fallback). */
  linear: boolean;
  /** Where testAll/matchLines run it (see the top of this file). */
  engine: "native" | "vm" | "worker";
  /** The linear-time program when engine is "vm". */
  vm?: VmRegex;
}

export class RegexTimeoutError extends VcError {
  constructor(
    readonly pattern: string,
    readonly budgetMs: number,
    where: string,
    at?: string,
  ) {
    super(
      "regex_timeout",
      `regular expression '${pattern}' exceeded its ${budgetMs} ms time budget${at ? ` at ${at}` : ""} (it backtracks too much, or is too big for this much text: simplify it, e.g. avoid nested repeats like (a+)+ and large counts like {1,1000})`,
      where,
    );
    this.name = "RegexTimeoutError";
  }
}

/** Compiles a user pattern; throws the engine's SyntaxError for an invalid one. */
export function compileBounded(pattern: string, opts: BoundedRegexOptions = {}): BoundedRegex {
  const base = `${opts.global ? "g" : ""}${opts.multiline ? "m" : ""}`;
  const plainFlags = base + (opts.caseInsensitive ? "i" : "");
  const regex = new RegExp(pattern, plainFlags);
  if (linearEngineAvailable()) {
    const source = opts.caseInsensitive ? foldCase(pattern) : pattern;
    if (source !== undefined && acceptsLinear(source, base)) {
      return { pattern, source, flags: base, regex: new RegExp(source, base), linear: true, engine: "native" };
    }
  }
  const bounded: BoundedRegex = { pattern, source: pattern, flags: plainFlags, regex, linear: false, engine: "worker" };
  const vm = compileVmRegex(pattern, opts);
  if (vm) {
    bounded.vm = vm;
    bounded.engine = "vm";
  }
  return bounded;
}

function acceptsLinear(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags + "l");
    return true;
  } catch {
    return false;
  }
}

export interface BudgetOptions {
  /** Default DEFAULT_REGEX_BUDGET_MS. */
  budgetMs?: number;
  /** What the regex is applied to, for the error: a file, a field. */
  where: string;
}

/**
 * `regex.test` on each text, all within one budget (synchronous: blocks at most the budget).
 * Throws RegexTimeoutError naming the text it had reached.
 */
export function testAll(b: BoundedRegex, texts: string[], opts: BudgetOptions): boolean[] {
  if (b.linear) {
    return texts.map((t) => {
      b.regex.lastIndex = 0;
      return b.regex.test(t);
    });
  }
  const budgetMs = opts.budgetMs ?? DEFAULT_REGEX_BUDGET_MS;
  const vm = b.vm;
  if (vm) {
    const deadline = performance.now() + budgetMs;
    let i = 0;
    try {
      const results: boolean[] = [];
      for (; i < texts.length; i++) results.push(vm.test(texts[i], deadline));
      return results;
    } catch (err) {
      if (err instanceof LinearDeadline) throw new RegexTimeoutError(b.pattern, budgetMs, opts.where, quote(texts[i]));
      throw err;
    }
  }
  try {
    return runSync({ kind: "test", source: b.source, flags: b.flags, texts }, budgetMs).results!;
  } catch (err) {
    if (err instanceof JobTimeout)
      throw new RegexTimeoutError(b.pattern, budgetMs, opts.where, quote(texts[err.reached] ?? ""));
    throw err;
  }
}

export interface LineMatchOptions extends BudgetOptions {
  /** Stop after this many matches. */
  limit: number;
  /** Line number of the text's first line, for the error (default 1). */
  firstLine?: number;
  signal?: AbortSignal;
}

/**
 * Every match of a global pattern in each line of a block of text ("\n" separated), at most
 * `limit`, within the budget. Runs here when the engine is "native" or "vm", else in the worker
 * (the event loop stays free). Rejects with RegexTimeoutError (naming the line) or, when the signal
 * aborts, a "cancelled" VcError.
 */
export async function matchLines(b: BoundedRegex, text: string, opts: LineMatchOptions): Promise<LineHit[]> {
  if (!b.regex.global) throw new VcError("internal_error", "matchLines needs a global regex");
  if (b.linear) return lineHits(b.regex, text, opts.limit);
  const budgetMs = opts.budgetMs ?? DEFAULT_REGEX_BUDGET_MS;
  const vm = b.vm;
  if (vm) {
    const reached = { line: 0 };
    try {
      return vm.lineHits(text, opts.limit, performance.now() + budgetMs, reached);
    } catch (err) {
      if (err instanceof LinearDeadline)
        throw new RegexTimeoutError(b.pattern, budgetMs, opts.where, `line ${(opts.firstLine ?? 1) + reached.line}`);
      throw err;
    }
  }
  try {
    const reply = await runAsync(
      { kind: "lines", source: b.source, flags: b.flags, text, limit: opts.limit },
      budgetMs,
      opts.signal,
    );
    return reply.hits!;
  } catch (err) {
    if (err instanceof JobTimeout)
      throw new RegexTimeoutError(b.pattern, budgetMs, opts.where, `line ${(opts.firstLine ?? 1) + err.reached}`);
    throw err;
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
