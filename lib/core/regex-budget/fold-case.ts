/**
 * Rewrites a JavaScript regex source (non-unicode mode) so that, WITHOUT the `i` flag, it matches
 * what the original matches WITH it: every ASCII letter becomes a two-letter class and every
 * character class gains the other case of its letters. V8's linear-time engine (and so its
 * fallback after excessive backtracking) refuses the `i` flag; the folded source is accepted.
 *
 * Returns undefined when the pattern cannot be folded exactly this way (a non-ASCII character,
 * a named backreference, or a class this scanner does not understand); the caller then treats
 * the pattern as one that needs the worker deadline instead.
 */
export function foldCase(source: string): string | undefined {
  let out = "";
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c.charCodeAt(0) > 0x7f) return undefined;
    if (c === "\\") {
      const esc = readEscape(source, i, false);
      if (!esc) return undefined;
      out += esc.letter !== undefined ? pair(esc.letter) : esc.text;
      i = esc.end;
    } else if (c === "[") {
      const cls = foldClass(source, i);
      if (!cls) return undefined;
      out += cls.text;
      i = cls.end;
    } else if (c === "(" && source[i + 1] === "?" && source[i + 2] === "<" && !"=!".includes(source[i + 3] ?? "")) {
      // Named group: the name is syntax, not text to match.
      const close = source.indexOf(">", i);
      if (close === -1) return undefined;
      out += source.slice(i, close + 1);
      i = close + 1;
    } else if (c === "{") {
      // A quantifier {n}, {n,}, {n,m} (digits only), or a literal brace: copied as it is.
      out += c;
      i++;
    } else {
      out += isAsciiLetter(c) ? pair(c) : c;
      i++;
    }
  }
  return out;
}

interface Escape {
  text: string;
  end: number;
  /** Set when the escape stands for this ASCII letter (identity escape, \xHH, \uHHHH). */
  letter?: string;
  /** Set when the escape stands for one character code (for class ranges). */
  code?: number;
}

/** Escapes that are syntax (classes, anchors, control characters), never a letter to fold. */
const SYNTAX_ESCAPES = new Set("dDwWsSbBnrtvf0".split(""));

function readEscape(source: string, at: number, inClass: boolean): Escape | undefined {
  const next = source[at + 1];
  if (next === undefined) return undefined;
  if (next.charCodeAt(0) > 0x7f) return undefined;
  if (next === "k") return undefined;
  if (next === "c") {
    const letter = source[at + 2];
    if (letter !== undefined && isAsciiLetter(letter))
      return { text: source.slice(at, at + 3), end: at + 3, code: letter.charCodeAt(0) % 32 };
    return undefined;
  }
  if (next === "x" || next === "u") {
    const len = next === "x" ? 2 : 4;
    const hex = source.slice(at + 2, at + 2 + len);
    if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
      const code = parseInt(hex, 16);
      if (code > 0x7f) return undefined;
      const ch = String.fromCharCode(code);
      const text = source.slice(at, at + 2 + len);
      return isAsciiLetter(ch) ? { text, end: at + 2 + len, letter: ch, code } : { text, end: at + 2 + len, code };
    }
    // Annex B: a malformed \x or \u is the letter itself.
    return { text: source.slice(at, at + 2), end: at + 2, letter: next };
  }
  if (/[1-9]/.test(next)) {
    if (inClass) return undefined;
    let end = at + 2;
    while (end < source.length && /[0-9]/.test(source[end])) end++;
    return { text: source.slice(at, end), end };
  }
  if (SYNTAX_ESCAPES.has(next)) {
    const code = { n: 10, r: 13, t: 9, v: 11, f: 12, 0: 0 }[next as "n"];
    return { text: source.slice(at, at + 2), end: at + 2, code: inClass && next === "b" ? 8 : code };
  }
  if (isAsciiLetter(next))
    return { text: source.slice(at, at + 2), end: at + 2, letter: next, code: next.charCodeAt(0) };
  return { text: source.slice(at, at + 2), end: at + 2, code: next.charCodeAt(0) };
}

/** A character class with the other case of its letters and letter ranges added. */
function foldClass(source: string, at: number): { text: string; end: number } | undefined {
  let i = at + 1;
  let head = "[";
  if (source[i] === "^") {
    head += "^";
    i++;
  }
  let body = "";
  const extra: string[] = [];
  // In JavaScript a "]" right after "[" or "[^" closes an empty class.
  while (i < source.length && source[i] !== "]") {
    const lo = classAtom(source, i);
    if (!lo) return undefined;
    let end = lo.end;
    let hiCode: number | undefined;
    if (source[end] === "-" && source[end + 1] !== undefined && source[end + 1] !== "]") {
      const hi = classAtom(source, end + 1);
      if (!hi) return undefined;
      if (lo.code === undefined || hi.code === undefined) {
        // "\d-x" and the like: a literal "-" between a class escape and a character.
        body += source.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      hiCode = hi.code;
      end = hi.end;
    }
    body += source.slice(i, end);
    if (lo.code !== undefined) extra.push(...otherCase(lo.code, hiCode ?? lo.code));
    i = end;
  }
  if (i >= source.length) return undefined;
  return { text: head + body + extra.join("") + "]", end: i + 1 };
}

function classAtom(source: string, at: number): { end: number; code?: number } | undefined {
  const c = source[at];
  if (c === undefined || c.charCodeAt(0) > 0x7f) return undefined;
  if (c !== "\\") return { end: at + 1, code: c.charCodeAt(0) };
  const esc = readEscape(source, at, true);
  if (!esc) return undefined;
  return { end: esc.end, code: esc.code };
}

/** The other-case counterparts of the ASCII letters in [lo, hi], as class items. */
function otherCase(lo: number, hi: number): string[] {
  const items: string[] = [];
  const add = (from: number, to: number, shift: number) => {
    const a = Math.max(lo, from);
    const b = Math.min(hi, to);
    if (a > b) return;
    items.push(
      a === b ? String.fromCharCode(a + shift) : `${String.fromCharCode(a + shift)}-${String.fromCharCode(b + shift)}`,
    );
  };
  add(97, 122, -32);
  add(65, 90, 32);
  return items;
}

function isAsciiLetter(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

function pair(letter: string): string {
  return `[${letter.toLowerCase()}${letter.toUpperCase()}]`;
}
