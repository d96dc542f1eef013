import type { RuleDef, TextFsmTemplate } from "../textfsm";
import { requiredLiterals } from "./regex-literals";
import type { RegexRequirement } from "./regex-literals";
import { LiteralProbe } from "./prefilter";

/**
 * What a template recognises in an output, measured without building records: its state
 * machine is walked over the lines trying rules only (in TextFSM, values never influence which
 * rule matches or which state comes next, so the walk follows exactly the path of the real
 * parse). Per line it notes whether a rule matched and how much literal text that rule
 * requires; it stops at the first line that reaches an Error rule, because the real parse
 * would fail there too. This is cheaper than a parse, and it is what the score's main
 * component, the share of the output explained by the rules' literal text, is made of.
 * Before a rule's regex is tried on a line, the line must hold the literal characters the rule
 * requires (even single ones such as ':'): a plain substring test, which also keeps regexes that
 * backtrack badly off the lines they cannot match.
 * Regexes such as `^(\S+)\s+(\S+)\s+...(\d+)` backtrack polynomially on long lines that
 * almost match: V8 gives up after 50 000 backtracks and reruns them on its linear engine, about a
 * millisecond per line. When a line takes that long, the rules of that state are timed on it
 * and the slow ones are tested on V8's linear engine from then on (for a yes/no test the result
 * is the same; only the cost changes, and the linear engine is ~10× slower on ordinary regexes,
 * so it is kept for the few that need it).
 */

/** One rule as the walk uses it, with what was worked out about it once. */
interface RuleCheck {
  rule: RuleDef;
  /** Literals a line must hold for the rule to match it (undefined: none). */
  guard?: RegexRequirement;
  /** The yes/no matcher: the rule's regex, or its linear-engine twin once found slow. */
  tester: { test(line: string): boolean };
  linear: boolean;
  /** Non-whitespace literal characters the rule requires (0 for catch-alls). */
  literal: number;
  /** The same, counting only literals of two characters or more (words, not lone ':' or '-'). */
  wordLiteral: number;
  captures: boolean;
}

export interface TemplateProfile {
  template: TextFsmTemplate;
  /** The rules of each state, in order. */
  states: Map<string, RuleCheck[]>;
  /** Literal requirements of the rules, for the fallback estimate (templates that must run sandboxed). */
  ruleRequirements: Array<{ requirement: RegexRequirement; chars: number; wordChars: number }>;
  /** Per Value (lower-case name): how specific its regex is, 0..1 (see valueSpecificity). */
  valueSpecificity: Map<string, number>;
  maxValueSpecificity: number;
}

export interface Walk {
  /** A line reached an Error rule: the parse fails. */
  failed: boolean;
  /** Some rule that assigns a value matched: the parse may produce records. */
  captures: boolean;
  /** Lines matched by a rule that is not a catch-all. */
  matchedLines: number;
  /** Non-whitespace characters accounted for by the literal text of the rules that matched. */
  literalChars: number;
  /** The same, counting only literals of two characters or more. */
  wordLiteralChars: number;
  timedOut: boolean;
}

function literalChars(requirement: RegexRequirement): number {
  return requirement.clauses.reduce(
    (sum, clause) => sum + Math.min(...clause.map((l) => l.replace(/\s+/g, "").length)),
    0,
  );
}

/**
 * How much a Value's regex constrains what it captures, 0..1. A regex that can take any text of
 * any length (an unbounded `.`, `\S`, `\w` or negated class, in any alternative) is 0: `(\S+)`,
 * `(.+)`, `(\w+|\d+)`. Otherwise it is the share of its atoms that are specific (literal
 * characters, `\d`, small classes) rather than loose single characters, the lowest over its
 * alternatives: `(\d+\.\d+\.\d+\.\d+)` and `(up|down)` are 1, `(\d+.\d+)` is 2/3.
 * Whitespace atoms are not counted.
 */
export function valueSpecificity(regex: string): number {
  let specific = 0;
  let loose = 0;
  let lowest = 1;
  let depth = 0;
  const closeAlternative = () => {
    lowest = Math.min(lowest, specific + loose === 0 ? 0 : specific / (specific + loose));
    specific = 0;
    loose = 0;
  };
  const unboundedNext = (at: number) => /^(?:[*+]|\{\d*,\})/.test(regex.slice(at));
  for (let i = 0; i < regex.length;) {
    const c = regex[i];
    let atom: "specific" | "loose" | undefined;
    let end = i + 1;
    if (c === "\\") {
      const next = regex[i + 1] ?? "";
      end = i + 2;
      if (next !== "s") atom = "SwWD".includes(next) ? "loose" : "specific";
    } else if (c === "[") {
      let j = i + 1;
      if (regex[j] === "^") j++;
      if (regex[j] === "]") j++;
      while (j < regex.length && regex[j] !== "]") j += regex[j] === "\\" ? 2 : 1;
      const cls = regex.slice(i, j + 1);
      end = j + 1;
      atom = cls.startsWith("[^") || /\\[SwW]/.test(cls) ? "loose" : "specific";
    } else if (c === "{") {
      const quantifier = /^\{\d*(,\d*)?\}/.exec(regex.slice(i));
      if (quantifier) end = i + quantifier[0].length;
      else atom = "specific";
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) closeAlternative();
    else if (c === ".") atom = "loose";
    else if (!"|?*+^$".includes(c) && c.trim() !== "") atom = "specific";
    if (atom === "loose" && unboundedNext(end)) return 0;
    if (atom === "specific") specific++;
    else if (atom === "loose") loose++;
    i = end;
  }
  closeAlternative();
  return lowest;
}

export function profileTemplate(template: TextFsmTemplate): TemplateProfile {
  const states = new Map<string, RuleCheck[]>();
  const ruleRequirements: TemplateProfile["ruleRequirements"] = [];
  for (const [name, state] of template.definition.states) {
    const checks: RuleCheck[] = [];
    for (const rule of state.rules) {
      // Every literal character counts, single ones too: `\(${IP}\)` recognises the parentheses.
      const requirement = requiredLiterals(rule.regexText, 1);
      const literal = rule.catchAll ? 0 : literalChars(requirement);
      const wordLiteral = rule.catchAll ? 0 : literalChars(requiredLiterals(rule.regexText, 2));
      if (literal > 0 && rule.lineOp !== "Error")
        ruleRequirements.push({ requirement, chars: literal, wordChars: wordLiteral });
      checks.push({
        rule,
        guard: requirement.clauses.length > 0 ? requirement : undefined,
        tester: rule.regex,
        linear: false,
        literal,
        wordLiteral,
        captures: rule.assigns.length > 0,
      });
    }
    states.set(name, checks);
  }
  const valueSpecificityMap = new Map(
    template.definition.values.map((v) => [v.name.toLowerCase(), valueSpecificity(v.regex.slice(1, -1))]),
  );
  return {
    template,
    states,
    ruleRequirements,
    valueSpecificity: valueSpecificityMap,
    maxValueSpecificity: Math.max(0, ...valueSpecificityMap.values()),
  };
}

/** The lines of one output, with their lower-case forms made on demand (for `(?i)` rules). */
export class OutputLines {
  private readonly lowerCache: Array<string | undefined> = [];
  private readonly contentCache: Array<number | undefined> = [];

  constructor(readonly lines: readonly string[]) {}

  /** Non-whitespace characters of line n. */
  content(n: number): number {
    return (this.contentCache[n] ??= this.lines[n].replace(/\s+/g, "").length);
  }

  lower(n: number): string {
    return (this.lowerCache[n] ??= this.lines[n].toLowerCase());
  }

  holds(n: number, requirement: RegexRequirement): boolean {
    const text = requirement.ignoreCase ? this.lower(n) : this.lines[n];
    for (const clause of requirement.clauses) {
      let any = false;
      for (const literal of clause) {
        if (text.includes(literal)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  }
}

/** A line whose rules take longer than this to try is looked at rule by rule. */
const SLOW_LINE_MS = 0.5;
const SLOW_TEST_MS = 0.2;
/** Lines shorter than this cannot make a regex backtrack for long: they are not timed. */
const TIMED_LINE_LENGTH = 16;

/** Times each rule on the line and moves the slow ones to the linear engine (when it can run them). */
function moveSlowRulesToLinearEngine(checks: readonly RuleCheck[], line: string): void {
  for (const check of checks) {
    if (check.linear) continue;
    const started = performance.now();
    check.rule.regex.test(line);
    if (performance.now() - started < SLOW_TEST_MS) continue;
    try {
      const js = check.rule.regex.js;
      check.tester = new RegExp(js.source, js.flags.replace(/[dgy]/g, "") + "l");
      check.linear = true;
    } catch {
      // The linear engine cannot run this regex (or is unavailable): it stays as it is.
    }
  }
}

/** Walks the template's state machine over the output's lines (see the file comment). */
export function walkTemplate(profile: TemplateProfile, output: OutputLines, deadline: number): Walk {
  const { lines } = output;
  const walk: Walk = {
    failed: false,
    captures: false,
    matchedLines: 0,
    literalChars: 0,
    wordLiteralChars: 0,
    timedOut: false,
  };
  let checks = profile.states.get("Start");
  for (let n = 0; n < lines.length && checks; n++) {
    if ((n & 15) === 15 && performance.now() > deadline) {
      walk.timedOut = true;
      return walk;
    }
    const line = lines[n];
    const lineStarted = line.length >= TIMED_LINE_LENGTH ? performance.now() : 0;
    let literal = 0;
    let wordLiteral = 0;
    let matched = false;
    let next = "";
    for (const check of checks) {
      if (check.guard && !output.holds(n, check.guard)) continue;
      if (!check.tester.test(line)) continue;
      const rule = check.rule;
      if (rule.lineOp === "Error") {
        walk.failed = true;
        return walk;
      }
      if (!rule.catchAll) {
        matched = true;
        if (check.literal > literal) literal = check.literal;
        if (check.wordLiteral > wordLiteral) wordLiteral = check.wordLiteral;
      }
      if (check.captures) walk.captures = true;
      if (rule.lineOp === "Continue") continue;
      next = rule.newState;
      break;
    }
    if (lineStarted !== 0 && performance.now() - lineStarted > SLOW_LINE_MS) moveSlowRulesToLinearEngine(checks, line);
    if (matched) {
      const content = output.content(n);
      walk.matchedLines++;
      walk.literalChars += Math.min(literal, content);
      walk.wordLiteralChars += Math.min(wordLiteral, content);
    }
    if (next === "End" || next === "EOF") break;
    if (next) checks = profile.states.get(next);
  }
  return walk;
}

/**
 * For templates that must be parsed sandboxed (their regexes could backtrack without bound in
 * this thread, so they are not walked): literal text is credited per line when the line holds
 * every literal of one of the template's rules, which over-counts a little (state is ignored).
 */
export function estimateLiteralChars(
  profile: TemplateProfile,
  lines: readonly string[],
): { literalChars: number; wordLiteralChars: number } {
  let literalChars = 0;
  let wordLiteralChars = 0;
  for (const line of lines) {
    const probe = new LiteralProbe(line);
    let best = 0;
    let bestWords = 0;
    for (const { requirement, chars, wordChars } of profile.ruleRequirements) {
      if (chars > best && probe.satisfies(requirement)) {
        best = chars;
        bestWords = wordChars;
      }
    }
    const content = line.replace(/\s+/g, "").length;
    literalChars += Math.min(best, content);
    wordLiteralChars += Math.min(bestWords, content);
  }
  return { literalChars, wordLiteralChars };
}
