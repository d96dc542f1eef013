import type { RedactionRule } from "../platforms";
import { applyRules, maskSecrets } from "../redact";

/** Longest text held back for a block (a private key) not closed yet; past it the block is masked to its end. */
export const MAX_HELD_BLOCK_CHARS = 1024 * 1024;

/**
 * Redacts an output that arrives as whole lines, piece by piece, with the result redacting the
 * whole text at once would give (lib/core/redact's applyRules + maskSecrets): line rules work
 * line by line; a block rule (a key from its BEGIN line to its END line) whose end has not
 * arrived yet is held back until it does; a vault secret of several lines keeps that many last
 * lines back. Memory stays bounded: a block longer than MAX_HELD_BLOCK_CHARS is masked at once
 * (fail closed) and the following lines are dropped until its end line.
 */
export class LineStreamRedactor {
  private held: string[] = [];
  private heldChars = 0;
  /** The end pattern of a block cut by the hold limit: lines are masked until it matches. */
  private skippingTo?: RegExp;
  private started = false;
  private readonly blocks: Array<RedactionRule & { kind: "block" }>;
  /** Lines kept back so a secret spanning lines is masked whole (its line count less one). */
  private readonly tailLines: number;

  constructor(
    private readonly rules: readonly RedactionRule[],
    private readonly secrets: readonly string[],
  ) {
    this.blocks = rules.filter((r): r is RedactionRule & { kind: "block" } => r.kind === "block");
    this.tailLines = Math.max(0, ...secrets.map((s) => s.split("\n").length - 1));
  }

  /** The redacted text for these lines, to append to what was returned before ("\n"-separated, like the output). */
  push(lines: readonly string[]): string {
    let incoming = lines;
    if (this.skippingTo) {
      const i = incoming.findIndex((line) => this.endAt(this.skippingTo!, line) >= 0);
      if (i < 0) return "";
      const at = this.endAt(this.skippingTo, incoming[i]);
      this.skippingTo = undefined;
      incoming = [incoming[i].slice(at), ...incoming.slice(i + 1)];
    }
    for (const line of incoming) {
      this.held.push(line);
      this.heldChars += line.length + 1;
    }
    let cut = this.held.length - this.tailLines;
    if (this.blocks.length > 0) {
      const open = this.openBlock(this.held.join("\n"));
      if (open) {
        if (this.heldChars > MAX_HELD_BLOCK_CHARS) {
          // Fail closed: everything from the block's begin is masked, up to the end line when it comes.
          this.skippingTo = new RegExp(open.rule.end.source, open.rule.end.flags.replace("g", ""));
          return this.emit(this.held.length);
        }
        cut = Math.min(cut, open.line);
      }
    }
    if (this.tailLines > 0) cut = this.beforeSpanningSecret(cut);
    return this.emit(cut);
  }

  /** The rest (an unclosed block is masked to the end of the output: fail closed). */
  end(): string {
    return this.emit(this.held.length);
  }

  private emit(count: number): string {
    if (count <= 0) return "";
    const lines = count >= this.held.length ? this.held : this.held.slice(0, count);
    this.held = count >= this.held.length ? [] : this.held.slice(count);
    this.heldChars = 0;
    for (const line of this.held) this.heldChars += line.length + 1;
    const text = maskSecrets(applyRules(lines.join("\n"), this.rules), this.secrets);
    const sep = this.started ? "\n" : "";
    this.started = true;
    return sep + text;
  }

  /**
   * Moves a cut (a line index into `held`) up to the line where a secret of several lines starts,
   * when that secret runs across the cut. A secret not complete yet lies within the tail kept back.
   */
  private beforeSpanningSecret(cut: number): number {
    const text = this.held.join("\n");
    const lineStart = (line: number): number => {
      let pos = 0;
      for (let i = 0; i < line; i++) pos += this.held[i].length + 1;
      return pos;
    };
    for (let moved = true; moved && cut > 0;) {
      moved = false;
      const at = lineStart(cut);
      for (const secret of this.secrets) {
        if (!secret.includes("\n")) continue;
        for (let i = text.indexOf(secret); i >= 0 && i < at; i = text.indexOf(secret, i + 1)) {
          if (i + secret.length <= at) continue;
          cut = text.slice(0, i).split("\n").length - 1;
          moved = true;
          break;
        }
      }
    }
    return Math.max(0, cut);
  }

  /** Where the end pattern matches in a line (-1: not there). */
  private endAt(end: RegExp, line: string): number {
    end.lastIndex = 0;
    const m = end.exec(line);
    return m ? m.index : -1;
  }

  /** The first block whose begin is in the text and whose end is not (as applyRules pairs them), and its line. */
  private openBlock(text: string): { rule: RedactionRule & { kind: "block" }; line: number } | undefined {
    let first: { rule: RedactionRule & { kind: "block" }; index: number } | undefined;
    for (const rule of this.blocks) {
      const begin = new RegExp(
        rule.begin.source,
        rule.begin.flags.includes("g") ? rule.begin.flags : rule.begin.flags + "g",
      );
      const end = new RegExp(rule.end.source, rule.end.flags.includes("g") ? rule.end.flags : rule.end.flags + "g");
      for (let b = begin.exec(text); b !== null; b = begin.exec(text)) {
        if (b[0] === "") begin.lastIndex++;
        end.lastIndex = b.index + b[0].length;
        const e = end.exec(text);
        if (!e) {
          if (!first || b.index < first.index) first = { rule, index: b.index };
          break;
        }
        begin.lastIndex = Math.max(begin.lastIndex, e.index + e[0].length);
      }
    }
    if (!first) return undefined;
    let line = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < first.index; i = text.indexOf("\n", i + 1)) line++;
    return { rule: first.rule, line };
  }
}
