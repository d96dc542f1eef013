import { ParseTimeoutError, TextFsmParseError } from "./errors";
import { type Cell, pySplitLines } from "./pytext";
import type { StateDef, TemplateDefinition } from "./template";
import { ValueSlot } from "./value-options";

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

export interface RunOptions {
  budgetMs: number;
  /** Reports the 1-based input line being processed (the sandbox uses it to name the line at a timeout). */
  onLine?: (lineNumber: number) => void;
}

export function runTemplate(def: TemplateDefinition, text: string, opts: RunOptions): RunOutput {
  return new FsmRun(def).run(text, opts);
}

class FsmRun {
  private readonly values: ValueSlot[];
  readonly rows: Cell[][] = [];

  constructor(private readonly def: TemplateDefinition) {
    this.values = def.values.map((v, i) => new ValueSlot(v, i, this));
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
        for (let a = 0; a < assigns.length; a++) {
          const captured = groups[assigns[a][0]];
          this.values[assigns[a][1]].assign(captured === undefined ? null : captured);
        }
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

  private appendRecord(): void {
    const values = this.values;
    if (values.length === 0) return;
    const record: Cell[] = [];
    let empty = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!v.save()) {
        this.clearRecord();
        return;
      }
      const cell = v.value;
      if (cell === null) record.push("");
      else {
        if (!Array.isArray(cell) || cell.length > 0) empty = false;
        record.push(cell);
      }
    }
    if (empty) return;
    this.rows.push(record);
    this.clearRecord();
  }

  private clearRecord(): void {
    for (const v of this.values) v.clear();
  }

  private clearAll(): void {
    for (const v of this.values) v.clearAll();
  }
}
