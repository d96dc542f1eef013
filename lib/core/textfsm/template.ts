import { RegexError, TemplateError } from "./errors";
import { PY_WHITESPACE, pyFileLines, pyRstrip, pyStrip } from "./pytext";
import { type PyRegex, compilePythonRegex } from "./regex/compile";
import { VALUE_OPTION_NAMES, type ValueOption, defineValueOptions, isValueOption } from "./value-options";

/**
 * The TextFSM template language, parsed the way Google's textfsm parser.py does it (Values,
 * then states of rules), with the same checks and the same line numbering. Errors are
 * TemplateError(template name, line, what is wrong).
 */

export type { ValueOption } from "./value-options";

export type LineOp = "Next" | "Continue" | "Error";
export type RecordOp = "NoRecord" | "Record" | "Clear" | "Clearall";

export interface ValueDef {
  name: string;
  options: ValueOption[];
  /** The Value's regex as written, outer parentheses included. */
  regex: string;
  /** The regex with its first '(' turned into the named group `(?P<name>`. */
  template: string;
  line: number;
  /** For List values whose regex has inner groups: the regex re-matched on every capture. */
  listRegex?: PyRegex;
}

export interface RuleDef {
  line: number;
  /** The regex part of the rule as written (before ${Value} substitution). */
  match: string;
  /** The Python regex after substitution. */
  regexText: string;
  regex: PyRegex;
  lineOp: LineOp;
  recordOp: RecordOp;
  /** Target state, the Error message for Error rules, or "" to stay. */
  newState: string;
  /** [group name, Value index] for every named group that assigns a Value, in pattern order. */
  assigns: Array<[string, number]>;
  /** Matches any line, or blank lines only (`^.*`, `^\s*$`...): says nothing about the input. */
  readonly catchAll: boolean;
}

export interface StateDef {
  name: string;
  rules: RuleDef[];
}

export interface TemplateDefinition {
  name: string;
  values: ValueDef[];
  /** States by name; "End" is removed after validation, as TextFSM does. */
  states: Map<string, StateDef>;
  /** An (empty) EOF state is declared: no implicit record at the end of input. */
  hasEofState: boolean;
}

const MAX_NAME_LEN = 48;
const COMMENT = new RegExp(`^[${PY_WHITESPACE}]*#`);
const STATE_NAME = /^[\p{L}\p{N}_]+$/u;
const RESERVED_STATE_NAMES = new Set(["Continue", "Next", "Error", "Clear", "Clearall", "Record", "NoRecord"]);
const WS = `[${PY_WHITESPACE}]`;
const WORD = "[\\p{L}\\p{N}_]";
const MATCH_ACTION = new RegExp(`^(.*)${WS}->(.*)$`, "su");
const NEW_STATE = `(?<newState>${WORD}+|".*")`;
const ACTION_RE = new RegExp(
  `^${WS}+(?<lineOp>Continue|Next|Error)(?:\\.(?<recordOp>Clear|Clearall|Record|NoRecord))?(?:${WS}+${NEW_STATE})?$`,
  "su",
);
const ACTION2_RE = new RegExp(`^${WS}+(?<recordOp>Clear|Clearall|Record|NoRecord)(?:${WS}+${NEW_STATE})?$`, "su");
const ACTION3_RE = new RegExp(`^(?:${WS}+${NEW_STATE})?$`, "su");
const STARTS_WITH_WORD = new RegExp(`^${WORD}`, "u");
/** Python string.Template placeholders: $$, $name, ${name}, or an invalid '$'. */
const PLACEHOLDER = /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\}|())/g;
/** Probe lines for the catch-all classification of rules. */
const CATCH_ALL_PROBES = ["x", "#", "   ~~~ 9", "Zq9 Xk!@# 17.3.4 foo/bar"];

class Lines {
  private readonly lines: string[];
  /** 1-based number of the last line read. */
  num = 0;

  constructor(text: string) {
    this.lines = pyFileLines(text);
  }

  /** The next line, right-stripped as TextFSM reads it, or undefined at the end. */
  next(): string | undefined {
    if (this.num >= this.lines.length) return undefined;
    return pyRstrip(this.lines[this.num++]);
  }
}

export function parseTemplateDefinition(text: string, name: string): TemplateDefinition {
  if (text === "") throw new TemplateError(name, "Null template: the template text is empty");
  const lines = new Lines(text);
  const values = parseValues(lines, name);
  const valueMap = new Map(values.map((v) => [v.name, v.template]));
  const valueIndex = new Map(values.map((v, i) => [v.name, i]));
  const states = new Map<string, StateDef>();
  for (;;) {
    const state = parseState(lines, name, states, valueMap, valueIndex);
    if (!state) break;
  }
  return validate(name, values, states);
}

function parseValues(lines: Lines, name: string): ValueDef[] {
  const values: ValueDef[] = [];
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    if (!line) return values;
    if (COMMENT.test(line)) continue;
    if (line.startsWith("Value ")) {
      const value = parseValue(line, lines.num, name);
      if (values.some((v) => v.name === value.name))
        throw new TemplateError(name, `Duplicate declarations for Value '${value.name}'`, lines.num);
      values.push(value);
    } else if (values.length === 0) {
      throw new TemplateError(name, "No Value definitions found (a template starts with 'Value' lines)", lines.num);
    } else {
      throw new TemplateError(name, "Expected blank line after last Value entry", lines.num);
    }
  }
  return values;
}

function parseValue(line: string, num: number, template: string): ValueDef {
  const tokens = line.split(" ");
  if (tokens.length < 3)
    throw new TemplateError(template, "Expect at least 3 tokens on line (Value [options] name (regex))", num);
  const options: ValueOption[] = [];
  let name: string;
  let regex: string;
  if (!tokens[2].startsWith("(")) {
    for (const option of tokens[1].split(",")) {
      if ((options as string[]).includes(option))
        throw new TemplateError(template, `Duplicate option "${option}"`, num);
      if (!isValueOption(option))
        throw new TemplateError(template, `Unknown option "${option}" (valid: ${VALUE_OPTION_NAMES.join(", ")})`, num);
      options.push(option);
    }
    name = tokens[2];
    regex = tokens.slice(3).join(" ");
  } else {
    name = tokens[1];
    regex = tokens.slice(2).join(" ");
  }
  if (name.length > MAX_NAME_LEN)
    throw new TemplateError(template, `Invalid Value name '${name}' or name too long`, num);
  if (!regex.startsWith("(") || !regex.endsWith(")") || regex.at(-2) === "\\") {
    throw new TemplateError(template, `Value '${regex}' must be contained within a '()' pair`, num);
  }
  let compiled: PyRegex;
  try {
    compiled = compilePythonRegex(regex);
  } catch (err) {
    throw regexTemplateError(err, template, num, regex);
  }
  const value: ValueDef = { name, options, regex, template: regex.replace(/^\(/, `(?P<${name}>`), line: num };
  defineValueOptions(value, compiled);
  return value;
}

function regexTemplateError(err: unknown, template: string, num: number, regex: string): TemplateError {
  if (err instanceof RegexError) {
    const what =
      err.kind === "invalid"
        ? `Invalid regular expression '${regex}': ${err.detail} at position ${err.position}`
        : `Regular expression '${regex}' uses ${err.detail} (at position ${err.position}), which cannot be translated to JavaScript`;
    return new TemplateError(template, what, num, { cause: err });
  }
  return new TemplateError(template, `Invalid regular expression '${regex}': ${(err as Error).message}`, num, {
    cause: err,
  });
}

function parseState(
  lines: Lines,
  template: string,
  states: Map<string, StateDef>,
  valueMap: Map<string, string>,
  valueIndex: Map<string, number>,
): StateDef | undefined {
  let state: StateDef | undefined;
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    if (!line || COMMENT.test(line)) continue;
    if (!STATE_NAME.test(line) || line.length > MAX_NAME_LEN || RESERVED_STATE_NAMES.has(line)) {
      throw new TemplateError(
        template,
        `Invalid state name: '${line}' (a state name is one word; rules are indented by 1-2 spaces or a tab and start with '^')`,
        lines.num,
      );
    }
    if (states.has(line)) throw new TemplateError(template, `Duplicate state name: '${line}'`, lines.num);
    state = { name: line, rules: [] };
    states.set(line, state);
    break;
  }
  if (!state) return undefined;
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    if (!line) break;
    if (COMMENT.test(line)) continue;
    if (!(line.startsWith(" ^") || line.startsWith("  ^") || line.startsWith("\t^"))) {
      throw new TemplateError(
        template,
        "Missing white space or carat ('^') before rule (rules start with 1-2 spaces or a tab, then '^')",
        lines.num,
      );
    }
    state.rules.push(parseRule(line, lines.num, template, valueMap, valueIndex));
  }
  return state;
}

function substitute(match: string, valueMap: Map<string, string>, template: string, num: number): string {
  if (valueMap.size === 0) return match;
  return match.replace(
    PLACEHOLDER,
    (_all, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped !== undefined) return "$";
      const key = named ?? braced;
      const sub = key === undefined ? undefined : valueMap.get(key);
      if (sub === undefined) {
        const why = key === undefined ? "a '$' must be '$$' (end of line) or '${Value}'" : `no Value named '${key}'`;
        throw new TemplateError(template, `Duplicate or invalid variable substitution: '${match}' (${why})`, num);
      }
      return sub;
    },
  );
}

function parseRule(
  raw: string,
  num: number,
  template: string,
  valueMap: Map<string, string>,
  valueIndex: Map<string, number>,
): RuleDef {
  const line = pyStrip(raw);
  const split = MATCH_ACTION.exec(line);
  const match = split ? split[1] : line;
  const regexText = substitute(match, valueMap, template, num);
  let regex: PyRegex;
  try {
    regex = compilePythonRegex(regexText);
  } catch (err) {
    throw regexTemplateError(err, template, num, regexText);
  }
  let lineOp: LineOp = "Next";
  let recordOp: RecordOp = "NoRecord";
  let newState = "";
  if (split) {
    const action = split[2];
    const parsed = ACTION_RE.exec(action) ?? ACTION2_RE.exec(action) ?? ACTION3_RE.exec(action);
    if (!parsed) {
      throw new TemplateError(
        template,
        `Badly formatted rule '${line}' (expected '-> [Next|Continue|Error][.Record|.NoRecord|.Clear|.Clearall] [State]')`,
        num,
      );
    }
    const g = parsed.groups ?? {};
    if (g.lineOp) lineOp = g.lineOp as LineOp;
    if (g.recordOp) recordOp = g.recordOp as RecordOp;
    if (g.newState) newState = g.newState;
    if (lineOp === "Continue" && newState)
      throw new TemplateError(template, `Action 'Continue' with new state ${newState} specified`, num);
    if (lineOp !== "Error" && newState && !STARTS_WITH_WORD.test(newState)) {
      throw new TemplateError(template, `Alphanumeric characters only in state names ('${newState}')`, num);
    }
  }
  const assigns: Array<[string, number]> = [];
  for (const group of regex.groupNames) {
    const index = valueIndex.get(group);
    if (index !== undefined) assigns.push([group, index]);
  }
  return new Rule(num, match, regexText, regex, lineOp, recordOp, newState, assigns);
}

class Rule implements RuleDef {
  private catchAllCache?: boolean;

  constructor(
    readonly line: number,
    readonly match: string,
    readonly regexText: string,
    readonly regex: PyRegex,
    readonly lineOp: LineOp,
    readonly recordOp: RecordOp,
    readonly newState: string,
    readonly assigns: Array<[string, number]>,
  ) {}

  /** Computed on first use: probing compiles the regex, which most rules of a parse never need. */
  get catchAll(): boolean {
    this.catchAllCache ??= this.regex.test("") || CATCH_ALL_PROBES.every((p) => this.regex.test(p));
    return this.catchAllCache;
  }
}

function validate(name: string, values: ValueDef[], states: Map<string, StateDef>): TemplateDefinition {
  if (!states.has("Start")) throw new TemplateError(name, "Missing state 'Start'");
  if (states.get("End")?.rules.length) throw new TemplateError(name, "Non-Empty 'End' state (End must have no rules)");
  if (states.get("EOF")?.rules.length) throw new TemplateError(name, "Non-Empty 'EOF' state (EOF must have no rules)");
  states.delete("End");
  for (const state of states.values()) {
    for (const rule of state.rules) {
      if (rule.lineOp === "Error" || !rule.newState || rule.newState === "End" || rule.newState === "EOF") continue;
      if (!states.has(rule.newState))
        throw new TemplateError(
          name,
          `State '${rule.newState}' not found, referenced in state '${state.name}'`,
          rule.line,
        );
    }
  }
  return { name, values, states, hasEofState: states.has("EOF") };
}
