/**
 * Literal text that every match of a (Python-syntax) TextFSM rule regex must contain.
 *
 * Auto-detect uses it to reject a template before running it: if no line of the output can
 * contain what the template's capturing rules require, the template cannot produce a record.
 * The analysis is deliberately conservative: anything it does not fully understand (classes,
 * escapes, optional parts, back-references, lookarounds) contributes no requirement, so a
 * template is never rejected wrongly; it merely survives the filter and is run.
 *
 * The result is in conjunctive form: every clause must hold, and a clause holds when the text
 * contains at least one of its literals (a clause of several literals comes from an alternation
 * such as `(up|down)`).
 */

export type Clause = readonly string[];

export interface RegexRequirement {
  clauses: Clause[];
  /** True when the regex carries the `i` flag anywhere: literals are then lower-case and must be
   *  looked up in lower-cased text. */
  ignoreCase: boolean;
}

/** Literals shorter than this say nothing useful about a whole output (almost every output
 *  contains any one character); tests on single lines may use 1. */
const MIN_LITERAL = 2;

type Node =
  | { kind: "char"; ch: string; min: number; max: number }
  | { kind: "opaque"; min: number }
  | { kind: "group"; alternatives: Node[][]; min: number; counts: boolean };

class RegexReader {
  private pos = 0;
  ignoreCase = false;
  /** `(?x)`: spaces in the pattern are not literal, so no literal can be trusted. */
  verbose = false;

  constructor(private readonly src: string) {}

  /** alternatives of a sequence up to `)` or the end. */
  readAlternatives(): Node[][] {
    const alternatives: Node[][] = [[]];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === ")") break;
      if (c === "|") {
        this.pos++;
        alternatives.push([]);
        continue;
      }
      const atom = this.readAtom();
      if (atom) alternatives[alternatives.length - 1].push(this.applyQuantifier(atom));
    }
    return alternatives;
  }

  private readAtom(): Node | undefined {
    const c = this.src[this.pos];
    if (c === "(") return this.readGroup();
    if (c === "[") {
      this.skipClass();
      return { kind: "opaque", min: 1 };
    }
    if (c === "\\") return this.readEscape();
    this.pos++;
    if (c === "^" || c === "$") return { kind: "opaque", min: 0 };
    if (c === ".") return { kind: "opaque", min: 1 };
    return { kind: "char", ch: c, min: 1, max: 1 };
  }

  private readGroup(): Node {
    this.pos++; // (
    let counts = true;
    if (this.src[this.pos] === "?") {
      const rest = this.src.slice(this.pos + 1);
      const named = /^P<[A-Za-z_]\w*>/.exec(rest);
      const flags = /^([aiLmsux]+)(?:-[imsx]+)?([:)])/.exec(rest);
      if (named) this.pos += 1 + named[0].length;
      else if (rest.startsWith(":")) this.pos += 2;
      else if (flags) {
        if (flags[1].includes("i")) this.ignoreCase = true;
        if (flags[1].includes("x")) this.verbose = true;
        this.pos += 1 + flags[0].length;
        if (flags[2] === ")") return { kind: "opaque", min: 0 };
      } else {
        // lookarounds, (?P=name), conditionals, comments: they never add a requirement.
        counts = false;
        this.pos += 1;
      }
    }
    const alternatives = this.readAlternatives();
    if (this.src[this.pos] === ")") this.pos++;
    return { kind: "group", alternatives, min: 1, counts };
  }

  private readEscape(): Node {
    const next = this.src[this.pos + 1];
    this.pos += 2;
    if (next === undefined) return { kind: "opaque", min: 0 };
    if (/[bBAZ]/.test(next)) return { kind: "opaque", min: 0 };
    if (next === "t") return { kind: "char", ch: "\t", min: 1, max: 1 };
    if (/[A-Za-z0-9]/.test(next)) return { kind: "opaque", min: 1 };
    return { kind: "char", ch: next, min: 1, max: 1 };
  }

  private skipClass(): void {
    this.pos++; // [
    if (this.src[this.pos] === "^") this.pos++;
    if (this.src[this.pos] === "]") this.pos++;
    while (this.pos < this.src.length && this.src[this.pos] !== "]") this.pos += this.src[this.pos] === "\\" ? 2 : 1;
    this.pos++;
  }

  private applyQuantifier(atom: Node): Node {
    const rest = this.src.slice(this.pos);
    let min = 1;
    let max = 1;
    let length = 0;
    const braces = /^\{(\d*)(?:(,)(\d*))?\}/.exec(rest);
    if (rest[0] === "*") [min, max, length] = [0, Infinity, 1];
    else if (rest[0] === "+") [min, max, length] = [1, Infinity, 1];
    else if (rest[0] === "?") [min, max, length] = [0, 1, 1];
    else if (braces && (braces[1] !== "" || braces[3] !== "")) {
      min = braces[1] === "" ? 0 : Number(braces[1]);
      max = braces[2] ? (braces[3] === "" ? Infinity : Number(braces[3])) : min;
      length = braces[0].length;
    }
    if (length === 0) return atom;
    this.pos += length;
    if (this.src[this.pos] === "?" || this.src[this.pos] === "+") this.pos++; // lazy / possessive
    if (atom.kind === "char")
      return { ...atom, min: atom.min * min, max: max === Infinity ? Infinity : atom.max * max };
    return { ...atom, min: Math.min(atom.min, min) === 0 ? 0 : atom.min * min };
  }
}

function usable(literal: string, minLength: number): boolean {
  return literal.length >= minLength && literal.trim() !== "";
}

/** Clauses required by a sequence: runs of consecutive mandatory characters, plus what mandatory
 *  groups require. */
function sequenceClauses(nodes: Node[], minLength: number): Clause[] {
  const clauses: Clause[] = [];
  let run = "";
  const flush = () => {
    if (usable(run, minLength)) clauses.push([run]);
    run = "";
  };
  for (const node of nodes) {
    if (node.kind === "char") {
      if (node.min === 0) {
        flush();
        continue;
      }
      run += node.ch.repeat(Math.min(node.min, 8));
      if (node.max !== node.min) flush();
      continue;
    }
    flush();
    if (node.kind === "group" && node.min > 0 && node.counts)
      clauses.push(...groupClauses(node.alternatives, minLength));
  }
  flush();
  return clauses;
}

/** A single alternative contributes all its clauses; an alternation contributes one clause
 *  holding one literal per alternative (only if every alternative has one). */
function groupClauses(alternatives: Node[][], minLength: number): Clause[] {
  if (alternatives.length === 1) return sequenceClauses(alternatives[0], minLength);
  const options: string[] = [];
  for (const alternative of alternatives) {
    const singles = sequenceClauses(alternative, minLength).filter((c) => c.length === 1);
    if (singles.length === 0) return [];
    options.push(singles.map((c) => c[0]).reduce((a, b) => (b.length > a.length ? b : a)));
  }
  return [options];
}

/** What every match of `pattern` must contain. Never throws: unreadable input yields no clauses. */
export function requiredLiterals(pattern: string, minLength = MIN_LITERAL): RegexRequirement {
  const reader = new RegexReader(pattern);
  try {
    const alternatives = reader.readAlternatives();
    const clauses = reader.verbose ? [] : groupClauses(alternatives, minLength);
    if (!reader.ignoreCase) return { clauses, ignoreCase: false };
    return { clauses: clauses.map((c) => c.map((l) => l.toLowerCase())), ignoreCase: true };
  } catch {
    return { clauses: [], ignoreCase: reader.ignoreCase };
  }
}
