import { requiredLiterals, type RegexRequirement } from "./regex-literals";
import { outlineTemplate, type OutlineRule } from "./template-outline";

/**
 * The cheap tests auto-detect runs before a template, so that most of ~1000 templates are never
 * run on an output they cannot parse. Both are necessary conditions, never heuristics:
 *
 * 1. Records: a record needs a capturing rule to match a line, in a state the parse can reach;
 *    reaching a state other than Start needs a transition rule to match. The template survives
 *    when some capturing rule, in a state reachable through transitions whose literals are
 *    present, has all its literals present in the output.
 * 2. Strict start: most ntc templates end their Start state with a catch-all `^. -> Error`, so
 *    the first non-blank line must be taken by one of the Next rules above it, or the parse
 *    fails on line 1. The template survives when that line holds the literals of at least one
 *    of those rules.
 *
 * Literals come from the rule regexes with the Value regexes substituted (regex-literals.ts).
 */

interface StateRequirements {
  transitions: Array<{ to: string; requirement: RegexRequirement }>;
  captures: RegexRequirement[];
}

export interface TemplatePrefilter {
  /** undefined: the template's structure was not understood, it always survives. */
  states?: Map<string, StateRequirements>;
  /** Requirements of the Start rules that can take the first line (one must hold), when Start
   *  ends in a catch-all Error rule; undefined when the first line is not constrained. */
  firstLine?: RegexRequirement[];
  /** A Start-state capturing rule without any literal: test 1 never rejects the template. */
  generic: boolean;
}

const CATCH_ALL = /^\^\.[*+]?\$?$/;
/** Rules such as `^\s*$$` that can only take blank lines, never the first non-blank one. */
const BLANK_ONLY = /^\^(?:\\s[*+]?| [*+]?)*\$$/;

function firstLineGate(startRules: OutlineRule[]): RegexRequirement[] | undefined {
  const gate: RegexRequirement[] = [];
  for (const rule of startRules) {
    if (rule.lineOp === "Error") {
      if (CATCH_ALL.test(rule.regex)) return gate.some((r) => r.clauses.length === 0) ? undefined : gate;
      continue;
    }
    if (rule.lineOp === "Next" && !BLANK_ONLY.test(rule.regex)) gate.push(requiredLiterals(rule.regex));
  }
  return undefined;
}

export function buildPrefilter(templateText: string): TemplatePrefilter {
  const outline = outlineTemplate(templateText);
  if (!outline) return { generic: true };
  const states = new Map<string, StateRequirements>();
  for (const [name, rules] of outline.states) {
    const entry: StateRequirements = { transitions: [], captures: [] };
    for (const rule of rules) {
      if (rule.lineOp === "Error") continue;
      const requirement = requiredLiterals(rule.regex);
      if (rule.captures) entry.captures.push(requirement);
      if (rule.newState && rule.newState !== name && outline.states.has(rule.newState))
        entry.transitions.push({ to: rule.newState, requirement });
    }
    states.set(name, entry);
  }
  const generic = states.get("Start")!.captures.some((r) => r.clauses.length === 0);
  return { states, generic, firstLine: firstLineGate(outline.states.get("Start")!) };
}

/** Answers "does this text contain that literal?", memoised. */
export class LiteralProbe {
  private readonly exact = new Map<string, boolean>();
  private readonly folded = new Map<string, boolean>();
  private lower?: string;

  constructor(private readonly text: string) {}

  has(literal: string, ignoreCase: boolean): boolean {
    const memo = ignoreCase ? this.folded : this.exact;
    let found = memo.get(literal);
    if (found === undefined) {
      if (ignoreCase) this.lower ??= this.text.toLowerCase();
      found = (ignoreCase ? this.lower! : this.text).includes(literal);
      memo.set(literal, found);
    }
    return found;
  }

  satisfies(requirement: RegexRequirement): boolean {
    for (const clause of requirement.clauses) {
      let any = false;
      for (const literal of clause) {
        if (this.has(literal, requirement.ignoreCase)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  }
}

/** The output as the pre-filter sees it: all of it, and its first non-blank line. */
export class OutputProbe {
  readonly whole: LiteralProbe;
  readonly firstLine: LiteralProbe;

  constructor(text: string) {
    this.whole = new LiteralProbe(text);
    const first = /^\s*?([^\r\n]*\S[^\r\n]*)/.exec(text);
    this.firstLine = new LiteralProbe(first ? first[1] : "");
  }
}

function recordsPossible(states: Map<string, StateRequirements>, probe: LiteralProbe): boolean {
  const start = states.get("Start")!;
  if (start.captures.some((r) => probe.satisfies(r))) return true;
  if (start.transitions.length === 0) return false;
  const reached = new Set(["Start"]);
  const queue = ["Start"];
  // Each state is queued at most once, so this ends after at most |states| rounds.
  while (queue.length > 0) {
    const state = states.get(queue.shift()!);
    if (!state) continue;
    if (state !== start && state.captures.some((r) => probe.satisfies(r))) return true;
    for (const t of state.transitions) {
      if (!reached.has(t.to) && probe.satisfies(t.requirement)) {
        reached.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return false;
}

/** False when the template certainly cannot produce a record from the probed output. */
export function mayProduceRecords(filter: TemplatePrefilter, probe: OutputProbe): boolean {
  if (!filter.states) return true;
  if (filter.firstLine && !filter.firstLine.some((r) => probe.firstLine.satisfies(r))) return false;
  return recordsPossible(filter.states, probe.whole);
}
