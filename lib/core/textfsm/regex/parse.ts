import { RegexError } from "../errors";
import { type ClassItem, type PyFlags, type ParsedPattern, type PyNode, repeatBodyRisk, widthOf } from "./ast";

/**
 * A parser for Python `re` syntax (str patterns), following CPython's sre_parse closely enough
 * that it accepts what Python accepts, rejects what Python rejects with a comparable message,
 * and refuses by name the few constructs JavaScript has no equivalent for.
 */

const DIGITS = "0123456789";
const OCT_DIGITS = "01234567";
const HEX_DIGITS = "0123456789abcdefABCDEF";
const ASCII_LETTERS = /^[A-Za-z]$/;
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
const CATEGORIES = "dDsSwW";
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

function validJsGroupName(name: string): boolean {
  try {
    new RegExp(`(?<${name}>)`);
    return true;
  } catch {
    return false;
  }
}

export function parsePythonRegex(pattern: string): ParsedPattern {
  return new PyRegexParser(pattern).parse();
}

class PyRegexParser {
  private pos = 0;
  private groupCount = 0;
  private readonly groupNames = new Map<string, number>();
  private readonly openGroups = new Set<number>();
  private readonly flags: PyFlags = { ignoreCase: false, multiline: false, dotAll: false };
  private lookbehindDepth = 0;
  private repeatRisk = false;

  constructor(private readonly src: string) {}

  parse(): ParsedPattern {
    const root = this.parseAlternation();
    if (this.pos < this.src.length) {
      // Only an unbalanced ')' can stop the top-level alternation early.
      throw this.invalid("unbalanced parenthesis", this.pos);
    }
    return {
      root,
      flags: this.flags,
      groups: this.groupCount,
      groupNames: [...this.groupNames.keys()],
      repeatRisk: this.repeatRisk,
    };
  }

  private invalid(detail: string, at = this.pos): RegexError {
    return new RegexError("invalid", detail, this.src, at);
  }

  private unsupported(detail: string, at = this.pos): RegexError {
    return new RegexError("unsupported", detail, this.src, at);
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private eat(s: string): boolean {
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  /** Next character as a code point (surrogate pairs read as one character, as Python sees them). */
  private nextCodePoint(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private parseAlternation(): PyNode {
    const branches: PyNode[] = [this.parseSequence()];
    while (this.eat("|")) branches.push(this.parseSequence());
    return branches.length === 1 ? branches[0] : { t: "alt", branches };
  }

  private parseSequence(): PyNode {
    const items: PyNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === "|" || c === ")") break;
      const start = this.pos;
      if (c === "*" || c === "+" || c === "?" || c === "{") {
        if (this.parseQuantifier(items, start)) continue;
        // A '{' that does not form a valid quantifier is a literal.
        this.pos = start + 1;
        items.push({ t: "char", cp: 0x7b });
        continue;
      }
      const node = this.parseAtom();
      if (node) items.push(node);
    }
    return items.length === 1 ? items[0] : { t: "seq", items };
  }

  /** Applies a quantifier to the last item; false when a '{' is not a quantifier. */
  private parseQuantifier(items: PyNode[], start: number): boolean {
    const c = this.src[this.pos++];
    let min: number;
    let max: number;
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else {
      if (this.peek() === "}") return false;
      let lo = "";
      let hi = "";
      while (this.peek() !== undefined && DIGITS.includes(this.peek()!)) lo += this.src[this.pos++];
      if (this.eat(",")) {
        while (this.peek() !== undefined && DIGITS.includes(this.peek()!)) hi += this.src[this.pos++];
      } else hi = lo;
      if (!this.eat("}")) return false;
      min = lo ? Number(lo) : 0;
      max = hi ? Number(hi) : Infinity;
      if (max < min) throw this.invalid("min repeat greater than max repeat", start + 1);
    }
    const last = items[items.length - 1];
    if (!last || last.t === "at") throw this.invalid("nothing to repeat", start);
    if (last.t === "repeat") throw this.invalid("multiple repeat", start);
    let lazy = false;
    if (this.eat("?")) lazy = true;
    else if (this.peek() === "+") throw this.unsupported("possessive quantifier (JavaScript has none)", this.pos);
    items[items.length - 1] = { t: "repeat", min, max, lazy, body: last };
    if (max > 1 && !this.repeatRisk) this.repeatRisk = repeatBodyRisk(last);
    return true;
  }

  private parseAtom(): PyNode | null {
    const start = this.pos;
    const c = this.peek()!;
    switch (c) {
      case "(":
        this.pos++;
        return this.parseGroup(start);
      case "[":
        this.pos++;
        return this.parseClass(start);
      case "\\":
        this.pos++;
        return this.parseEscape(start);
      case ".":
        this.pos++;
        return { t: "any" };
      case "^":
        this.pos++;
        return { t: "at", at: "^" };
      case "$":
        this.pos++;
        return { t: "at", at: "$" };
      default:
        return { t: "char", cp: this.nextCodePoint() };
    }
  }

  private parseGroup(start: number): PyNode | null {
    if (!this.eat("?")) return this.groupBody(start, "capture", this.openGroup(undefined, start));
    const c = this.peek();
    if (this.eat(":")) return this.groupBody(start, "noncapture");
    if (this.eat("=")) return this.groupBody(start, "ahead");
    if (this.eat("!")) return this.groupBody(start, "nahead");
    if (this.eat("<=")) return this.lookbehind(start, "behind");
    if (this.eat("<!")) return this.lookbehind(start, "nbehind");
    if (this.eat("P<")) {
      const end = this.src.indexOf(">", this.pos);
      if (end < 0) throw this.invalid("missing >, unterminated name", this.pos);
      const name = this.src.slice(this.pos, end);
      if (!name) throw this.invalid("missing group name", this.pos);
      if (!IDENTIFIER.test(name)) throw this.invalid(`bad character in group name '${name}'`, this.pos);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !validJsGroupName(name))
        throw this.unsupported(`group name '${name}' (not a JavaScript identifier)`, this.pos);
      this.pos = end + 1;
      if (this.groupNames.has(name)) throw this.invalid(`redefinition of group name '${name}'`, start);
      return this.groupBody(start, "capture", this.openGroup(name, start), name);
    }
    if (this.eat("P=")) {
      const end = this.src.indexOf(")", this.pos);
      if (end < 0) throw this.invalid("missing ), unterminated name", this.pos);
      const name = this.src.slice(this.pos, end);
      const index = this.groupNames.get(name);
      if (index === undefined) throw this.invalid(`unknown group name '${name}'`, this.pos);
      if (this.openGroups.has(index)) throw this.invalid("cannot refer to an open group", start);
      this.checkLookbehindRef(start);
      this.pos = end + 1;
      return { t: "backref", index };
    }
    if (this.eat("#")) {
      const end = this.src.indexOf(")", this.pos);
      if (end < 0) throw this.invalid("missing ), unterminated comment", this.pos);
      this.pos = end + 1;
      return null;
    }
    if (c === "(") throw this.unsupported("conditional group (?(...)...)", start);
    if (c === ">") throw this.unsupported("atomic group (?>...)", start);
    if (c !== undefined && "aiLmsux-".includes(c)) return this.inlineFlags(start);
    if (c === "<" || c === "P") throw this.invalid(`unknown extension ?${c}${this.src[this.pos + 1] ?? ""}`, start + 1);
    throw this.invalid(`unknown extension ?${c ?? ""}`, start + 1);
  }

  private inlineFlags(start: number): PyNode | null {
    let letters = "";
    while (this.peek() !== undefined && "aiLmsux".includes(this.peek()!)) letters += this.src[this.pos++];
    if (this.peek() === "-" || this.peek() === ":")
      throw this.unsupported(`scoped inline flags (?${letters}${this.peek()}...)`, start);
    if (!this.eat(")")) throw this.invalid("missing -, : or )", this.pos);
    if (start !== 0) throw this.invalid("global flags not at the start of the expression", start);
    for (const f of letters) {
      if (f === "i") this.flags.ignoreCase = true;
      else if (f === "m") this.flags.multiline = true;
      else if (f === "s") this.flags.dotAll = true;
      else if (f === "x") throw this.unsupported("verbose flag (?x)", start);
      else if (f === "L") throw this.unsupported("locale flag (?L)", start);
      // 'a' (ASCII classes) is what the translation does anyway; 'u' is Python's default.
    }
    return null;
  }

  private openGroup(name: string | undefined, _start: number): number {
    const index = ++this.groupCount;
    if (name !== undefined) this.groupNames.set(name, index);
    this.openGroups.add(index);
    return index;
  }

  private groupBody(
    start: number,
    kind: "capture" | "noncapture" | "ahead" | "nahead" | "behind" | "nbehind",
    index?: number,
    name?: string,
  ): PyNode {
    const body = this.parseAlternation();
    if (!this.eat(")")) throw this.invalid("missing ), unterminated subpattern", start);
    if (index !== undefined) this.openGroups.delete(index);
    return { t: "group", kind, index, name, body };
  }

  private lookbehind(start: number, kind: "behind" | "nbehind"): PyNode {
    this.lookbehindDepth++;
    const node = this.groupBody(start, kind);
    this.lookbehindDepth--;
    const [lo, hi] = widthOf((node as { body: PyNode }).body);
    if (lo !== hi) throw this.invalid("look-behind requires fixed-width pattern", start);
    return node;
  }

  private checkLookbehindRef(at: number): void {
    if (this.lookbehindDepth > 0) throw this.invalid("group references in lookbehind assertions are not supported", at);
  }

  private parseEscape(start: number): PyNode {
    const c = this.peek();
    if (c === undefined) throw this.invalid("bad escape (end of pattern)", start);
    this.pos++;
    if (c === "A") return { t: "at", at: "A" };
    if (c === "Z") return { t: "at", at: "Z" };
    if (c === "b") return { t: "at", at: "b" };
    if (c === "B") return { t: "at", at: "B" };
    if (CATEGORIES.includes(c)) return { t: "cat", cat: c as "d" };
    if (c === "0") return { t: "char", cp: this.octal("0", start) };
    if (DIGITS.includes(c)) {
      let escape = c;
      if (this.peek() !== undefined && DIGITS.includes(this.peek()!)) {
        escape += this.src[this.pos++];
        if (
          OCT_DIGITS.includes(escape[0]) &&
          OCT_DIGITS.includes(escape[1]) &&
          this.peek() !== undefined &&
          OCT_DIGITS.includes(this.peek()!)
        ) {
          escape += this.src[this.pos++];
          const value = parseInt(escape, 8);
          if (value > 0o377) throw this.invalid(`octal escape value \\${escape} outside of range 0-0o377`, start);
          return { t: "char", cp: value };
        }
      }
      const index = Number(escape);
      if (index > this.groupCount) throw this.invalid(`invalid group reference ${index}`, start + 1);
      if (this.openGroups.has(index)) throw this.invalid("cannot refer to an open group", start);
      this.checkLookbehindRef(start);
      return { t: "backref", index };
    }
    const cp = this.commonEscape(c, start);
    if (cp !== undefined) return { t: "char", cp };
    return { t: "char", cp: this.escapedLiteral(c, start) };
  }

  /** \x \u \U \N and the single-letter escapes shared by patterns and classes. */
  private commonEscape(c: string, start: number): number | undefined {
    if (c === "x") return this.hexEscape(2, start, "x");
    if (c === "u") return this.hexEscape(4, start, "u");
    if (c === "U") {
      const cp = this.hexEscape(8, start, "U");
      if (cp > 0x10ffff) throw this.invalid(`bad escape \\U${this.src.slice(start + 2, this.pos)}`, start);
      return cp;
    }
    if (c === "N") throw this.unsupported("named character escape \\N{...}", start);
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
    return undefined;
  }

  /** Any other escaped character: a literal, except ASCII letters and digits (errors in Python). */
  private escapedLiteral(c: string, start: number): number {
    if (ASCII_LETTERS.test(c) || DIGITS.includes(c)) throw this.invalid(`bad escape \\${c}`, start);
    this.pos--;
    return this.nextCodePoint();
  }

  private hexEscape(len: number, start: number, letter: string): number {
    const digits = this.src.slice(this.pos, this.pos + len);
    if (digits.length < len || [...digits].some((d) => !HEX_DIGITS.includes(d))) {
      throw this.invalid(
        `incomplete escape \\${letter}${[...digits].filter((d) => HEX_DIGITS.includes(d)).join("")}`,
        start,
      );
    }
    this.pos += len;
    return parseInt(digits, 16);
  }

  private octal(first: string, start: number): number {
    let digits = first;
    while (digits.length < 3 && this.peek() !== undefined && OCT_DIGITS.includes(this.peek()!))
      digits += this.src[this.pos++];
    const value = parseInt(digits, 8);
    if (value > 0o377) throw this.invalid(`octal escape value \\${digits} outside of range 0-0o377`, start);
    return value;
  }

  private parseClass(start: number): PyNode {
    const negated = this.eat("^");
    const items: ClassItem[] = [];
    for (;;) {
      const itemStart = this.pos;
      if (this.pos >= this.src.length) throw this.invalid("unterminated character set", start);
      if (this.peek() === "]" && items.length > 0) {
        this.pos++;
        break;
      }
      const first = this.classAtom();
      if (this.eat("-")) {
        if (this.pos >= this.src.length) throw this.invalid("unterminated character set", start);
        if (this.peek() === "]") {
          this.pos++;
          items.push(first, { t: "char", cp: 0x2d });
          break;
        }
        const second = this.classAtom();
        if (first.t !== "char" || second.t !== "char" || second.cp < first.cp) {
          throw this.invalid(`bad character range ${this.src.slice(itemStart, this.pos)}`, itemStart);
        }
        items.push({ t: "range", lo: first.cp, hi: second.cp });
      } else items.push(first);
    }
    return { t: "class", negated, items };
  }

  private classAtom(): ClassItem {
    const item = this.classAtomUnchecked();
    if (item.t === "char" && item.cp > 0xffff)
      throw this.unsupported("a character outside the Basic Multilingual Plane inside [...]", this.pos);
    return item;
  }

  private classAtomUnchecked(): ClassItem {
    const start = this.pos;
    if (!this.eat("\\")) return { t: "char", cp: this.nextCodePoint() };
    const c = this.peek();
    if (c === undefined) throw this.invalid("unterminated character set", start);
    this.pos++;
    if (CATEGORIES.includes(c)) return { t: "cat", cat: c as "d" };
    if (c === "b") return { t: "char", cp: 8 };
    if (OCT_DIGITS.includes(c)) return { t: "char", cp: this.octal(c, start) };
    const cp = this.commonEscape(c, start);
    if (cp !== undefined) return { t: "char", cp };
    return { t: "char", cp: this.escapedLiteral(c, start) };
  }
}
