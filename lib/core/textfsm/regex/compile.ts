import { parsePythonRegex } from "./parse";
import { type EmittedPattern, type RescanSpec, emitJavaScript } from "./emit";
import { hasExponentialBacktracking } from "./ambiguity";
import { type ParsedPattern, walk } from "./ast";
import { type FirstChar, firstChar, hasLiterals, mayMatch, requiredLiterals } from "./first-char";
import { linearEngineAvailable, runsInLinearTime } from "../guard";
import { type LinearMatcher, compileLinear } from "./linear";

/**
 * A Python regex compiled to a JavaScript RegExp, matched the way Python's `re.match` does:
 * anchored at position 0, unmatched groups reported as undefined (Python None), captures of
 * repeated groups as Python keeps them.
 *
 * The pattern is parsed (and so validated) at construction; the JavaScript translation and the
 * RegExp are made on first use, and a first-character filter skips lines that cannot match.
 * A template set has ~10 000 regexes; many are never reached by a given input.
 */
export class PyRegex {
  readonly groupNames: readonly string[];
  /** Python's `compiled.groups`. */
  readonly groups: number;
  private readonly first: FirstChar;
  private readonly literals: string[];
  private emittedCache?: EmittedPattern;
  private jsCache?: RegExp;
  private testerCache?: RegExp;
  private rescans: Rescan[] = [];
  private linearCache?: boolean;
  /** The RegExp was compiled while V8's linear fallback was on (it is decided at compile time). */
  private builtWithFallback = false;
  private riskyCache?: boolean;
  /** The linear-time matcher a risky regex runs on (null: it needs lookarounds or backreferences). */
  private vmCache?: LinearMatcher | null;
  private namedSlots?: Array<[string, number]>;

  constructor(
    readonly pattern: string,
    private readonly parsed: ParsedPattern,
  ) {
    this.groupNames = parsed.groupNames;
    this.groups = parsed.groups;
    this.first = firstChar(parsed.root, parsed.flags);
    this.literals = requiredLiterals(parsed.root, parsed.flags);
  }

  get emitted(): EmittedPattern {
    this.emittedCache ??= emitJavaScript(this.parsed, this.pattern);
    return this.emittedCache;
  }

  /** The JavaScript RegExp (source `^(?:...)`). */
  get js(): RegExp {
    if (!this.jsCache) {
      const e = this.emitted;
      this.builtWithFallback = linearEngineAvailable();
      this.jsCache = new RegExp(e.source, e.flags);
      this.rescans = e.rescans.map((r) => new Rescan(r, e.flags.replace("d", "")));
    }
    return this.jsCache;
  }

  /** True when V8's linear-time engine can take over from the backtracking one. */
  get linear(): boolean {
    // Asked of V8 itself: which constructs its linear engine supports depends on the version
    // (Node 22 runs lookbehinds there, Node 20 does not).
    this.linearCache ??=
      linearEngineAvailable() &&
      (this.jsCache === undefined || this.builtWithFallback) &&
      runsInLinearTime(this.emitted.source, this.emitted.flags);
    return this.linearCache;
  }

  /** True when this regex may backtrack exponentially and V8's linear engine cannot take over. */
  get risky(): boolean {
    this.riskyCache ??=
      this.parsed.repeatRisk && !this.linear && hasExponentialBacktracking(this.parsed.root, this.parsed.flags);
    return this.riskyCache;
  }

  /** True when this regex may backtrack exponentially and no linear engine (V8's or linear.ts) can run it. */
  get unbounded(): boolean {
    return this.risky && this.vm === null;
  }

  /** A risky regex runs on the linear-time matcher of linear.ts (when it can: no lookarounds or backreferences). */
  private get vm(): LinearMatcher | null {
    if (this.vmCache === undefined) {
      this.vmCache = compileLinear(this.parsed.root, this.parsed.flags, this.parsed.groups) ?? null;
      const slots: Array<[string, number]> = [];
      walk(this.parsed.root, (n) => {
        if (n.t === "group" && n.kind === "capture" && n.name !== undefined) slots.push([n.name, n.index!]);
      });
      this.namedSlots = slots;
    }
    return this.vmCache;
  }

  /** The values of the named groups, in pattern order (undefined = did not take part), or null. */
  exec(line: string): Record<string, string | undefined> | null {
    if (!mayMatch(this.first, line) || !hasLiterals(this.literals, line)) return null;
    if (this.risky && this.vm) return this.execLinear(this.vm, line);
    const m = this.js.exec(line);
    if (m === null) return null;
    const groups = (m.groups ?? {}) as Record<string, string | undefined>;
    for (let i = 0; i < this.rescans.length; i++) this.rescans[i].apply(m, line, groups);
    return groups;
  }

  /** Whether the pattern matches `line` (re.match), without captures. */
  test(line: string): boolean {
    if (!mayMatch(this.first, line) || !hasLiterals(this.literals, line)) return false;
    if (this.risky && this.vm) return this.vm.test(line);
    return (this.jsCache ?? this.tester).test(line);
  }

  private execLinear(vm: LinearMatcher, line: string): Record<string, string | undefined> | null {
    const slots = vm.exec(line);
    if (slots === null) return null;
    const groups: Record<string, string | undefined> = {};
    for (const [name, index] of this.namedSlots!) {
      const start = slots[2 * index];
      const end = slots[2 * index + 1];
      groups[name] = start >= 0 && end >= 0 ? line.slice(start, end) : undefined;
    }
    return groups;
  }

  /** The pattern with every group non-capturing: same matches, cheaper to compile and run. */
  private get tester(): RegExp {
    if (!this.testerCache) {
      if (hasBackreference(this.parsed.root)) this.testerCache = this.js;
      else {
        const e = emitJavaScript(this.parsed, this.pattern, true);
        this.testerCache = new RegExp(e.source, e.flags.replace("d", ""));
      }
    }
    return this.testerCache;
  }
}

/**
 * Python keeps, for a named group inside a repeat, the capture of the last iteration that set
 * it; JavaScript resets captures at every iteration. After a match, the repeat's span is walked
 * iteration by iteration: each step takes the first (highest-priority) match of the body that
 * still lets the remaining iterations cover the span exactly — the choice the backtracking
 * engine made — and the last value each group had is kept.
 */
class Rescan {
  private readonly iterations = new Map<string, RegExp>();

  constructor(
    private readonly spec: RescanSpec,
    private readonly flags: string,
  ) {}

  private iteration(done: number): RegExp {
    const min = Math.max(0, this.spec.min - done - 1);
    const max = this.spec.max === Infinity ? Infinity : Math.max(0, this.spec.max - done - 1);
    const key = `${min},${max}`;
    let re = this.iterations.get(key);
    if (!re) {
      const rest =
        max === 0 ? "" : `(?:${this.spec.bodyAnonymous})${max === Infinity ? `{${min},}` : `{${min},${max}}`}`;
      re = new RegExp(`(?:${this.spec.body})(?=${rest}$)`, this.flags + "y");
      this.iterations.set(key, re);
    }
    return re;
  }

  apply(m: RegExpExecArray, line: string, groups: Record<string, string | undefined>): void {
    const span = m.indices?.groups?.[this.spec.wrapper];
    delete groups[this.spec.wrapper];
    if (!span) return;
    const [start, end] = span;
    const text = line.slice(0, end);
    const last = new Map<string, string>();
    let pos = start;
    for (let done = 0; done <= end - start; done++) {
      if (pos === end && done >= this.spec.min) break;
      const re = this.iteration(done);
      re.lastIndex = pos;
      const step = re.exec(text);
      if (!step) break;
      for (const name of this.spec.names) {
        const v = step.groups?.[name];
        if (v !== undefined) last.set(name, v);
      }
      if (step[0].length === 0) break;
      pos += step[0].length;
    }
    for (const name of this.spec.names) groups[name] = last.get(name);
  }
}

const cache = new Map<string, PyRegex>();

/**
 * Parses a Python pattern into a PyRegex (cached by text: the ntc corpus repeats the same rule regexes across
 * templates). Throws RegexError for invalid or untranslatable patterns.
 */
export function compilePythonRegex(pattern: string): PyRegex {
  let re = cache.get(pattern);
  if (!re) {
    re = new PyRegex(pattern, parsePythonRegex(pattern));
    if (cache.size > 50000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

export function translatePythonRegex(pattern: string): EmittedPattern {
  return emitJavaScript(parsePythonRegex(pattern), pattern);
}

function hasBackreference(root: ParsedPattern["root"]): boolean {
  let found = false;
  walk(root, (n) => {
    if (n.t === "backref") found = true;
  });
  return found;
}
