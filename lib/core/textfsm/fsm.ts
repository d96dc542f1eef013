import { ParseTimeoutError, TextFsmParseError } from "./errors";
import { type Cell, type ListItem, pySplitLines, pyTruthy } from "./pytext";
import type { StateDef, TemplateDefinition, ValueDef } from "./template";

/**
 * One run of the TextFSM state machine over one input (textfsm's ParseText on a fresh FSM).
 * All mutable state lives here, so a compiled template can be parsed with any number of times,
 * interleaved, and after errors.
 */

export interface RunOutput {
  rows: Cell[][];
  lines: number;
  matchedLines: number;
}

/** Per-Value state: the current value, the Filldown memory and the List accumulator. */
interface ValueState {
  def: ValueDef;
  value: Cell;
  memory: Cell;
  list: ListItem[];
  filldown: boolean;
  fillup: boolean;
  isList: boolean;
  /** Required / List in declaration order: the save hooks whose order matters. */
  saveOps: Array<"Required" | "List">;
}

export interface RunOptions {
  budgetMs: number;
  /** Reports the 1-based input line being processed (the sandbox uses it to name the line at a timeout). */
  onLine?: (lineNumber: number) => void;
}

export function runTemplate(def: TemplateDefinition, text: string, opts: RunOptions): RunOutput {
  return new FsmRun(def).run(text, opts);
}

class FsmRun {
  private readonly values: ValueState[];
  private readonly rows: Cell[][] = [];

  constructor(private readonly def: TemplateDefinition) {
    this.values = def.values.map((v) => ({
      def: v,
      value: null,
      memory: null,
      list: [],
      filldown: v.options.includes("Filldown"),
      fillup: v.options.includes("Fillup"),
      isList: v.options.includes("List"),
      saveOps: v.options.filter((o): o is "Required" | "List" => o === "Required" || o === "List"),
    }));
  }

  run(text: string, opts: RunOptions): RunOutput {
    const lines = pySplitLines(text);
    const deadline = Date.now() + opts.budgetMs;
    let state: StateDef = this.def.states.get("Start")!;
    let stateName = "Start";
    let matchedLines = 0;
    const onLine = opts.onLine;
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n];
      if (onLine) onLine(n + 1);
      if (Date.now() > deadline) throw new ParseTimeoutError(this.def.name, opts.budgetMs, n + 1, line);
      let counted = false;
      const rules = state.rules;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        const groups = rule.regex.exec(line);
        if (groups === null) continue;
        if (!counted && !rule.catchAll) {
          counted = true;
          matchedLines++;
        }
        const assigns = rule.assigns;
        for (let a = 0; a < assigns.length; a++) this.assign(assigns[a][1], groups[assigns[a][0]]);
        if (rule.recordOp === "Record") this.appendRecord();
        else if (rule.recordOp === "Clear") this.clearRecord();
        else if (rule.recordOp === "Clearall") this.clearAll();
        if (rule.lineOp === "Error") {
          throw new TextFsmParseError(this.def.name, rule.line, n + 1, line, rule.newState || undefined);
        }
        if (rule.lineOp === "Continue") continue;
        if (rule.newState) {
          if (rule.newState !== "End" && rule.newState !== "EOF") state = this.def.states.get(rule.newState)!;
          stateName = rule.newState;
        }
        break;
      }
      if (stateName === "End" || stateName === "EOF") break;
    }
    if (stateName !== "End" && !this.def.hasEofState) this.appendRecord();
    return { rows: this.rows, lines: lines.length, matchedLines };
  }

  private assign(index: number, captured: string | undefined): void {
    const v = this.values[index];
    const value = captured === undefined ? null : captured;
    v.value = value;
    if (v.filldown) v.memory = value;
    if (v.fillup && pyTruthy(value)) {
      for (let r = this.rows.length - 1; r >= 0; r--) {
        if (pyTruthy(this.rows[r][index])) break;
        this.rows[r][index] = value;
      }
    }
    if (v.isList) v.list.push(listItem(v.def, value));
  }

  private appendRecord(): void {
    if (this.values.length === 0) return;
    const record: Cell[] = [];
    for (const v of this.values) {
      for (const op of v.saveOps) {
        if (op === "Required") {
          if (!pyTruthy(v.value)) {
            this.clearRecord();
            return;
          }
        } else v.value = [...v.list];
      }
      record.push(v.value);
    }
    if (record.every((c) => c === null || (Array.isArray(c) && c.length === 0))) return;
    this.rows.push(record.map((c) => (c === null ? "" : c)));
    this.clearRecord();
  }

  private clearRecord(): void {
    for (const v of this.values) {
      v.value = v.filldown ? v.memory : null;
      if (v.isList && !v.filldown) v.list = [];
    }
  }

  private clearAll(): void {
    for (const v of this.values) {
      v.value = null;
      v.memory = null;
      v.list = [];
    }
  }
}

/**
 * What a List value appends for one capture: the string, or — when the Value's regex has inner
 * named groups and re-matches the capture — a dict of those groups (textfsm's nested List).
 */
function listItem(def: ValueDef, value: string | null): ListItem {
  if (value === null || !def.listRegex) return value;
  const groups = def.listRegex.exec(value);
  if (groups === null || def.listRegex.groupNames.length === 0) return value;
  const item: Record<string, string | null> = {};
  for (const name of def.listRegex.groupNames) item[name] = groups[name] ?? null;
  return item;
}
