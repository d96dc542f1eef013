import type { Category, ClassItem, PyNode } from "./ast";

/**
 * Cheap filters that tell, without running (or even compiling) a rule's regex, that a line
 * cannot match it: the set of characters a match can start with, and a literal every match
 * must contain (`Interface` in `^\s*Interface\s+(?P<NAME>\S+)`). On the ntc corpus they turn
 * away about 9 lines in 10 before the regex. Conservative: whatever they cannot reason about
 * (lookarounds, backreferences, patterns that can match the empty string) lets the line through.
 */
export interface FirstChar {
  /** The pattern can match without consuming a character: no filtering possible. */
  nullable: boolean;
  /** ASCII code points 0-127 that can start a match, as four 32-bit masks. */
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  /** Some non-ASCII character can start a match. */
  nonAscii: boolean;
}

interface Bits {
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  nonAscii: boolean;
}

function bitsOf(ranges: Array<[number, number]>, nonAscii: boolean): Bits {
  const b: Bits = { a0: 0, a1: 0, a2: 0, a3: 0, nonAscii };
  for (const [lo, hi] of ranges) addRange(b, lo, hi);
  return b;
}

function addRange(b: Bits, lo: number, hi: number): void {
  for (let c = lo; c <= Math.min(hi, 127); c++) {
    const bit = 1 << (c & 31);
    if (c < 32) b.a0 |= bit;
    else if (c < 64) b.a1 |= bit;
    else if (c < 96) b.a2 |= bit;
    else b.a3 |= bit;
  }
  if (hi > 127) b.nonAscii = true;
}

function or(into: Bits, b: Bits): void {
  into.a0 |= b.a0;
  into.a1 |= b.a1;
  into.a2 |= b.a2;
  into.a3 |= b.a3;
  into.nonAscii ||= b.nonAscii;
}

function invert(b: Bits): Bits {
  return { a0: ~b.a0, a1: ~b.a1, a2: ~b.a2, a3: ~b.a3, nonAscii: true };
}

// JavaScript's \s also matches Unicode spaces, hence nonAscii for \s.
const CATEGORY_BITS: Record<Category, Bits> = (() => {
  const d = bitsOf([[48, 57]], false);
  const w = bitsOf(
    [
      [48, 57],
      [65, 90],
      [95, 95],
      [97, 122],
    ],
    false,
  );
  const s = bitsOf(
    [
      [9, 13],
      [32, 32],
    ],
    true,
  );
  return { d, w, s, D: invert(d), W: invert(w), S: invert(s) };
})();

const NEWLINE_BIT = 1 << 10;

function setAll(acc: Bits): void {
  acc.a0 = acc.a1 = acc.a2 = acc.a3 = ~0;
  acc.nonAscii = true;
}

function classBits(items: ClassItem[], negated: boolean): Bits {
  const b: Bits = { a0: 0, a1: 0, a2: 0, a3: 0, nonAscii: false };
  for (const i of items) {
    if (i.t === "char") addRange(b, i.cp, i.cp);
    else if (i.t === "range") addRange(b, i.lo, i.hi);
    else or(b, CATEGORY_BITS[i.cat]);
  }
  return negated ? invert(b) : b;
}

/** ORs the possible first characters of `node` into `acc`; returns whether `node` can match empty. */
function addFirst(node: PyNode, acc: Bits, dotAll: boolean): boolean {
  switch (node.t) {
    case "char":
      addRange(acc, node.cp, node.cp);
      return false;
    case "any":
      acc.a1 = acc.a2 = acc.a3 = ~0;
      acc.a0 |= dotAll ? ~0 : ~NEWLINE_BIT;
      acc.nonAscii = true;
      return false;
    case "cat":
      or(acc, CATEGORY_BITS[node.cat]);
      return false;
    case "class":
      or(acc, classBits(node.items, node.negated));
      return false;
    case "at":
      return true;
    case "backref":
      setAll(acc);
      return true;
    case "group":
      if (node.kind === "capture" || node.kind === "noncapture") return addFirst(node.body, acc, dotAll);
      // A lookaround consumes nothing and its effect is not modelled: let everything through.
      setAll(acc);
      return true;
    case "repeat":
      return addFirst(node.body, acc, dotAll) || node.min === 0;
    case "alt": {
      let nullable = false;
      for (const b of node.branches) if (addFirst(b, acc, dotAll)) nullable = true;
      return nullable;
    }
    case "seq":
      for (const item of node.items) if (!addFirst(item, acc, dotAll)) return false;
      return true;
  }
}

export function firstChar(root: PyNode, flags: { ignoreCase: boolean; dotAll: boolean }): FirstChar {
  const acc: Bits = { a0: 0, a1: 0, a2: 0, a3: 0, nonAscii: false };
  const nullable = addFirst(root, acc, flags.dotAll);
  if (flags.ignoreCase) {
    // Letters in either case ('A'-'Z' is bits 1-26 of a2, 'a'-'z' the same bits of a3).
    const letters = (acc.a2 | acc.a3) & 0x07fffffe;
    acc.a2 |= letters;
    acc.a3 |= letters;
    acc.nonAscii = true;
  }
  return { nullable, a0: acc.a0, a1: acc.a1, a2: acc.a2, a3: acc.a3, nonAscii: acc.nonAscii };
}

/** False when `line` certainly cannot match. */
export function mayMatch(fc: FirstChar, line: string): boolean {
  if (fc.nullable) return true;
  const c = line.charCodeAt(0);
  if (c !== c) return false; // empty line
  if (c >= 128) return fc.nonAscii;
  const word = c < 32 ? fc.a0 : c < 64 ? fc.a1 : c < 96 ? fc.a2 : fc.a3;
  return (word & (1 << (c & 31))) !== 0;
}

/**
 * The runs of literal characters every match must contain, in the order they appear (e.g.
 * ["Interface", " is "] for `^\s*Interface\s+(?P<NAME>\S+) is `). A line lacking one of them,
 * in that order, cannot match, which `indexOf` tells much faster than the regex. Whitespace-only
 * runs are left out (nearly every line has them).
 */
export function requiredLiterals(root: PyNode, flags: { ignoreCase: boolean }): string[] {
  if (flags.ignoreCase) return [];
  const st = { runs: [] as string[], run: "" };
  collectLiterals(root, st);
  flush(st);
  return st.runs;
}

function flush(st: { runs: string[]; run: string }): void {
  if (st.run.trim() !== "") st.runs.push(st.run);
  st.run = "";
}

function collectLiterals(node: PyNode, st: { runs: string[]; run: string }): void {
  switch (node.t) {
    case "char":
      st.run += String.fromCodePoint(node.cp);
      return;
    case "seq":
      for (const i of node.items) collectLiterals(i, st);
      return;
    case "group":
      if (node.kind === "capture" || node.kind === "noncapture") collectLiterals(node.body, st);
      return; // a lookaround consumes nothing: the run continues across it
    case "at":
      return;
    default:
      flush(st);
      if (node.t === "repeat" && node.min >= 1) {
        // At least one iteration: its longest literal is there, at this place in the order.
        const inner = requiredLiterals(node.body, { ignoreCase: false });
        const longest = inner.reduce((a, b) => (b.length > a.length ? b : a), "");
        if (longest) st.runs.push(longest);
      }
  }
}

/** False when `line` lacks one of the required literals (in order). */
export function hasLiterals(literals: readonly string[], line: string): boolean {
  let pos = 0;
  for (let i = 0; i < literals.length; i++) {
    const at = line.indexOf(literals[i], pos);
    if (at < 0) return false;
    pos = at + literals[i].length;
  }
  return true;
}
