import type { VmNode } from "../textfsm/regex/linear";

/**
 * Reads a JavaScript regex source (non-unicode mode, already accepted by `new RegExp`) into the
 * tree the linear-time VM runs (textfsm/regex/linear.ts). Only the structure is interpreted here:
 * each atom (literal, `.`, escape, class) is kept as JavaScript source, one code unit wide, and
 * each assertion (`^`, `$`, `\b`, `\B`) as JavaScript source too, so the VM gives them exactly
 * the meaning the native engine does (i and m flags included).
 *
 * Returns `refused` (why) for what the VM cannot run or this reader does not interpret with certainty:
 * lookarounds, backreferences (`\1`, `\k<name>`), legacy octal escapes, `\c` without a letter,
 * modifier groups `(?i:...)`, and an optional repeat of something that can match empty, like
 * `(a*)*` or `(a|)?`: JavaScript rejects an optional iteration that matches empty and backtracks
 * into it, which changes which match wins; the VM, which merges threads by state, cannot follow
 * that history (differential fuzz: `(?:a*?)*` on "aa" is [0,2] natively, [0,1] on the VM). Such
 * patterns keep the worker deadline.
 */
export function parseJsRegex(source: string): { root: VmNode; groups: number } | { refused: string } {
  const reader = new Reader(source);
  try {
    const root = reader.disjunction();
    if (reader.pos !== source.length) return { refused: "unbalanced parenthesis" };
    return { root, groups: reader.groups };
  } catch (err) {
    if (err instanceof NotLinear) return { refused: err.message };
    throw err;
  }
}

class NotLinear extends Error {}

/** Whether the node can match the empty string. */
function nullable(node: VmNode): boolean {
  switch (node.t) {
    case "unit":
      return false;
    case "assert":
      return true;
    case "seq":
      return node.items.every(nullable);
    case "alt":
      return node.branches.some(nullable);
    case "capture":
      return nullable(node.body);
    case "repeat":
      return node.min === 0 || nullable(node.body);
  }
}

const QUANTIFIER = /^\{(\d+)(,(\d*))?\}/;
const CLASS_ESCAPES = "dDsSwW";
const CONTROL_ESCAPES = "fnrtv";

function literal(codeUnit: number): VmNode {
  return { t: "unit", source: "\\u" + codeUnit.toString(16).padStart(4, "0"), literal: codeUnit };
}

/**
 * The longest run of literal characters every match contains (assertions are zero-width, so
 * literals around one are still adjacent), "" when none. Line breaks never count: search lines
 * hold none.
 */
export function requiredLiteral(node: VmNode): string {
  return required(node).best;
}

function required(node: VmNode): { best: string; exact?: string } {
  switch (node.t) {
    case "unit":
      if (node.literal === undefined || node.literal === 10 || node.literal === 13) return { best: "" };
      return { best: String.fromCharCode(node.literal), exact: String.fromCharCode(node.literal) };
    case "assert":
      return { best: "", exact: "" };
    case "capture":
      return required(node.body);
    case "alt":
      return { best: "" };
    case "repeat": {
      if (node.min === 0) return { best: "" };
      const body = required(node.body);
      return { best: body.best, exact: node.min === node.max ? body.exact?.repeat(node.min) : undefined };
    }
    case "seq": {
      let best = "";
      let run = "";
      let exact: string | undefined = "";
      for (const item of node.items) {
        const r = required(item);
        if (r.exact !== undefined) {
          run += r.exact;
          if (exact !== undefined) exact += r.exact;
        } else {
          if (run.length > best.length) best = run;
          if (r.best.length > best.length) best = r.best;
          run = "";
          exact = undefined;
        }
      }
      if (run.length > best.length) best = run;
      return { best, exact };
    }
  }
}

class Reader {
  pos = 0;
  groups = 0;

  constructor(private readonly src: string) {}

  disjunction(): VmNode {
    const branches = [this.alternative()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      branches.push(this.alternative());
    }
    return branches.length === 1 ? branches[0] : { t: "alt", branches };
  }

  private alternative(): VmNode {
    const items: VmNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const atom = this.term();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0] : { t: "seq", items };
  }

  private quantified(atom: VmNode): VmNode {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.pos++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{") {
      const m = QUANTIFIER.exec(this.src.slice(this.pos));
      if (!m) return atom; // Annex B: a "{" that is no quantifier is a literal (read by term()).
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else return atom;
    if (min < max && nullable(atom)) throw new NotLinear("optional repeat of an empty match");
    let lazy = false;
    if (this.src[this.pos] === "?") {
      lazy = true;
      this.pos++;
    }
    return { t: "repeat", min, max, lazy, body: atom };
  }

  private term(): VmNode {
    const c = this.src[this.pos];
    switch (c) {
      case "^":
      case "$":
        this.pos++;
        return { t: "assert", source: c === "^" ? "^" : "$" };
      case ".":
        this.pos++;
        return { t: "unit", source: "." };
      case "[":
        return this.characterClass();
      case "(":
        return this.group();
      case "\\":
        return this.escape();
      default:
        this.pos++;
        return literal(c.charCodeAt(0));
    }
  }

  private group(): VmNode {
    const open = this.pos;
    let capture = true;
    if (this.src.startsWith("(?:", open)) {
      capture = false;
      this.pos += 3;
    } else if (this.src.startsWith("(?<", open) && !"=!".includes(this.src[open + 3] ?? "=")) {
      const close = this.src.indexOf(">", open);
      if (close === -1) throw new NotLinear("unterminated group name");
      this.pos = close + 1;
    } else if (this.src[open + 1] === "?") {
      throw new NotLinear(
        this.src[open + 2] === "=" || this.src[open + 2] === "!" || this.src[open + 2] === "<"
          ? "lookaround"
          : "modifier group",
      );
    } else this.pos++;
    const index = capture ? ++this.groups : 0;
    const body = this.disjunction();
    if (this.src[this.pos] !== ")") throw new NotLinear("unterminated group");
    this.pos++;
    return capture ? { t: "capture", index, body } : body;
  }

  private characterClass(): VmNode {
    const start = this.pos;
    let i = start + 1;
    if (this.src[i] === "^") i++;
    // In JavaScript a "]" right after "[" or "[^" closes an empty class.
    while (i < this.src.length && this.src[i] !== "]") i += this.src[i] === "\\" ? 2 : 1;
    if (i >= this.src.length) throw new NotLinear("unterminated class");
    this.pos = i + 1;
    return { t: "unit", source: this.src.slice(start, this.pos) };
  }

  private escape(): VmNode {
    const start = this.pos;
    const c = this.src[start + 1];
    if (c === undefined) throw new NotLinear("trailing backslash");
    if (c === "b" || c === "B") {
      this.pos += 2;
      return { t: "assert", source: `\\${c}` };
    }
    if (c >= "1" && c <= "9") throw new NotLinear("backreference"); // or an Annex B octal escape
    if (c === "k") throw new NotLinear("backreference"); // named (or, without named groups, "k")
    if (c === "0") {
      if (/[0-9]/.test(this.src[start + 2] ?? "")) throw new NotLinear("legacy octal escape");
      this.pos += 2;
      return literal(0);
    }
    if (c === "c") {
      if (!/[A-Za-z]/.test(this.src[start + 2] ?? "")) throw new NotLinear("\\c without a letter");
      this.pos += 3;
      return { t: "unit", source: this.src.slice(start, start + 3) };
    }
    if (c === "x" || c === "u") {
      const len = c === "x" ? 2 : 4;
      const hex = this.src.slice(start + 2, start + 2 + len);
      if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
        this.pos += 2 + len;
        return literal(parseInt(hex, 16));
      }
      this.pos += 2; // Annex B: a malformed \x or \u is the letter itself
      return literal(c.charCodeAt(0));
    }
    if (CLASS_ESCAPES.includes(c) || CONTROL_ESCAPES.includes(c)) {
      this.pos += 2;
      return { t: "unit", source: `\\${c}` };
    }
    // Identity escape: the character itself (one code unit).
    this.pos += 2;
    return literal(c.charCodeAt(0));
  }
}
