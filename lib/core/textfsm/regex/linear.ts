import type { PyFlags, PyNode } from "./ast";
import { atomSource, anchorSource } from "./emit";

/**
 * A linear-time matcher (Pike VM, after Thompson and Pike; see Russ Cox, "Regular Expression
 * Matching: the Virtual Machine Approach") for the regexes that may backtrack exponentially when
 * V8's own linear engine is not available (library mode: no V8 regexp flags, see guard.ts).
 * Every thread advances one character at a time in priority order, so the first match found is
 * the one a backtracking engine would find (leftmost-first, greedy and lazy repeats honoured) in
 * time proportional to pattern × line, and a failing line costs no more than a matching one.
 *
 * Captures behave as Python's: a group inside a repeat keeps the value of the last iteration
 * that set it (JavaScript would reset it). Characters are UTF-16 code units and each atom keeps
 * the meaning the JavaScript translation gives it (emit.ts), so results agree with the
 * backtracking path. Lookarounds and backreferences cannot run here (`compileLinear` returns
 * undefined): such regexes keep the worker sandbox.
 */

const enum Op {
  Char,
  Split,
  Jmp,
  Save,
  Assert,
  Match,
}

/** A program bigger than this (counted repeats unrolled) is left to the sandbox. */
const MAX_INSTRUCTIONS = 20000;

class Unsupported extends Error {}

interface CharTest {
  ascii: Uint8Array;
  other: RegExp;
}

function charTest(source: string, flags: string): CharTest {
  const other = new RegExp(`^(?:${source})$`, flags);
  const ascii = new Uint8Array(128);
  for (let cu = 0; cu < 128; cu++) ascii[cu] = other.test(String.fromCharCode(cu)) ? 1 : 0;
  return { ascii, other };
}

function passes(t: CharTest, cu: number): boolean {
  return cu < 128 ? t.ascii[cu] === 1 : t.other.test(String.fromCharCode(cu));
}

/**
 * What the VM runs, independent of the pattern syntax: every `unit` matches one UTF-16 code unit
 * and is tested by a JavaScript regex of that source (so each atom keeps exactly the meaning
 * JavaScript gives it), every `assert` is a zero-width JavaScript regex tested (sticky) at the
 * position in the whole input. Python patterns arrive through `fromPython`, JavaScript search
 * patterns through regex-budget/js-syntax.ts.
 */
export type VmNode =
  | { t: "unit"; source: string; /** set when the unit is this one literal code unit */ literal?: number }
  | { t: "assert"; source: string }
  | { t: "seq"; items: VmNode[] }
  | { t: "alt"; branches: VmNode[] }
  | { t: "capture"; index: number; body: VmNode }
  | { t: "repeat"; min: number; max: number; lazy: boolean; body: VmNode };

/** The VM tree of a Python pattern (atoms as emit.ts translates them); throws Unsupported for lookarounds and backreferences. */
function fromPython(node: PyNode, multiline: boolean): VmNode {
  switch (node.t) {
    case "char":
      if (node.cp > 0xffff) {
        const units = [...String.fromCodePoint(node.cp)].map((unit): VmNode => ({
          t: "unit",
          source: atomSource({ t: "char", cp: unit.charCodeAt(0) }),
        }));
        return { t: "seq", items: units };
      }
      return { t: "unit", source: atomSource(node) };
    case "any":
    case "cat":
    case "class":
      return { t: "unit", source: atomSource(node) };
    case "at":
      return { t: "assert", source: anchorSource(node.at, multiline) };
    case "backref":
      throw new Unsupported();
    case "seq":
      return { t: "seq", items: node.items.map((i) => fromPython(i, multiline)) };
    case "alt":
      return { t: "alt", branches: node.branches.map((b) => fromPython(b, multiline)) };
    case "group":
      if (node.kind === "capture") return { t: "capture", index: node.index!, body: fromPython(node.body, multiline) };
      if (node.kind === "noncapture") return fromPython(node.body, multiline);
      throw new Unsupported();
    case "repeat":
      return { t: "repeat", min: node.min, max: node.max, lazy: node.lazy, body: fromPython(node.body, multiline) };
  }
}

class ProgramBuilder {
  readonly op: Op[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly tests: Array<CharTest | undefined> = [];
  readonly asserts: Array<RegExp | undefined> = [];
  private readonly testCache = new Map<string, CharTest>();

  /** `flags`: the JavaScript flags units and asserts are tested with (any of i, m, s). */
  constructor(readonly flags: string) {}

  emit(op: Op, x = 0, y = 0): number {
    if (this.op.length >= MAX_INSTRUCTIONS) throw new Unsupported();
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    this.tests.push(undefined);
    this.asserts.push(undefined);
    return this.op.length - 1;
  }

  private char(source: string): void {
    let t = this.testCache.get(source);
    if (!t) {
      t = charTest(source, this.flags);
      this.testCache.set(source, t);
    }
    this.tests[this.emit(Op.Char)] = t;
  }

  build(node: VmNode): void {
    switch (node.t) {
      case "unit":
        this.char(node.source);
        return;
      case "assert": {
        const at = this.emit(Op.Assert);
        this.asserts[at] = new RegExp(node.source, this.flags + "y");
        return;
      }
      case "seq":
        for (const item of node.items) this.build(item);
        return;
      case "alt": {
        const jumps: number[] = [];
        node.branches.forEach((branch, i) => {
          if (i < node.branches.length - 1) {
            const split = this.emit(Op.Split);
            this.x[split] = split + 1;
            this.build(branch);
            jumps.push(this.emit(Op.Jmp));
            this.y[split] = this.op.length;
          } else this.build(branch);
        });
        for (const j of jumps) this.x[j] = this.op.length;
        return;
      }
      case "capture":
        this.emit(Op.Save, 2 * node.index);
        this.build(node.body);
        this.emit(Op.Save, 2 * node.index + 1);
        return;
      case "repeat":
        return this.repeat(node);
    }
  }

  /** Split with the preferred branch first: the body for a greedy repeat, the exit for a lazy one. */
  private split(at: number, body: number, exit: number, lazy: boolean): void {
    this.x[at] = lazy ? exit : body;
    this.y[at] = lazy ? body : exit;
  }

  private repeat(node: Extract<VmNode, { t: "repeat" }>): void {
    // A count past the program limit cannot fit (and an empty body would loop that many times).
    if (node.min > MAX_INSTRUCTIONS || (node.max !== Infinity && node.max > MAX_INSTRUCTIONS)) throw new Unsupported();
    for (let i = 0; i < node.min; i++) this.build(node.body);
    if (node.max === Infinity) {
      const loop = this.emit(Op.Split);
      this.build(node.body);
      this.emit(Op.Jmp, loop);
      this.split(loop, loop + 1, this.op.length, node.lazy);
      return;
    }
    const splits: number[] = [];
    for (let i = node.min; i < node.max; i++) {
      const s = this.emit(Op.Split);
      splits.push(s);
      this.build(node.body);
    }
    for (const s of splits) this.split(s, s + 1, this.op.length, node.lazy);
  }
}

/** find ran past its deadline. */
export class LinearDeadline extends Error {
  constructor() {
    super("the linear matcher ran past its deadline");
  }
}

/** A compiled program; `exec` returns the capture positions of Python's re.match, or null. */
export class LinearMatcher {
  private readonly op: Uint8Array;
  private readonly x: Int32Array;
  private readonly y: Int32Array;
  private readonly tests: Array<CharTest | undefined>;
  private readonly asserts: Array<RegExp | undefined>;
  private readonly slots: number;
  /** Last position each instruction was added at (epsilon closure bookkeeping). */
  private readonly seen: Int32Array;

  constructor(b: ProgramBuilder, groups: number) {
    this.op = Uint8Array.from(b.op);
    this.x = Int32Array.from(b.x);
    this.y = Int32Array.from(b.y);
    this.tests = b.tests;
    this.asserts = b.asserts;
    this.slots = 2 * (groups + 1);
    this.seen = new Int32Array(b.op.length);
  }

  /**
   * Whether the pattern matches at 0 (re.match), without captures: integer thread lists and no
   * priorities, several times cheaper than exec. Most lines a template tries do not match.
   */
  test(line: string): boolean {
    const n = this.op.length;
    const seen = this.seen.fill(-1);
    let clist = new Int32Array(n);
    let nlist = new Int32Array(n);
    const stack = new Int32Array(n);
    // Adds pc and its epsilon closure at pos to `list`; true when it reaches Match.
    const add = (list: Int32Array, count: number, pc0: number, pos: number): number => {
      if (seen[pc0] === pos) return count;
      seen[pc0] = pos;
      let top = 0;
      stack[top++] = pc0;
      while (top > 0) {
        const pc = stack[--top];
        let next = -1;
        let other = -1;
        switch (this.op[pc]) {
          case Op.Jmp:
            next = this.x[pc];
            break;
          case Op.Split:
            next = this.x[pc];
            other = this.y[pc];
            break;
          case Op.Save:
            next = pc + 1;
            break;
          case Op.Assert: {
            const re = this.asserts[pc]!;
            re.lastIndex = pos;
            if (re.test(line)) next = pc + 1;
            break;
          }
          case Op.Match:
            return -1;
          default:
            list[count++] = pc;
        }
        if (next >= 0 && seen[next] !== pos) {
          seen[next] = pos;
          stack[top++] = next;
        }
        if (other >= 0 && seen[other] !== pos) {
          seen[other] = pos;
          stack[top++] = other;
        }
      }
      return count;
    };
    let ccount = add(clist, 0, 0, 0);
    for (let pos = 0; ccount > 0; pos++) {
      if (ccount < 0) return true;
      if (pos >= line.length) return false;
      const cu = line.charCodeAt(pos);
      let ncount = 0;
      for (let i = 0; i < ccount; i++) {
        const pc = clist[i];
        if (passes(this.tests[pc]!, cu)) {
          ncount = add(nlist, ncount, pc + 1, pos + 1);
          if (ncount < 0) return true;
        }
      }
      [clist, nlist] = [nlist, clist];
      ccount = ncount;
    }
    return ccount < 0;
  }

  /**
   * The leftmost-first match starting at or after `from` (a JavaScript `exec` with lastIndex
   * `from`, as an unanchored search): [start, end], or null. With `any`, the first match found
   * is returned (its span may differ from exec's), for callers that only ask whether one exists.
   * Threads carry only their start (no captures); a new thread starts at each position, with the
   * lowest priority, until a match is found. Past `deadline` (a performance.now() time, checked
   * every ~64k thread steps, across calls) it throws LinearDeadline: linear time can still be
   * long for a big program on a big text.
   */
  find(line: string, from = 0, any = false, deadline?: number): [number, number] | null {
    const n = this.op.length;
    this.seen.fill(-1);
    // Thread lists (pc and start) reused across calls: find runs once per line of a search.
    const bufs = (this.findBuffers ??= {
      lists: [0, 1, 2, 3].map(() => new Int32Array(n)),
      // Every pop marks a pc and pushes at most two: 2n + 1 entries at most.
      stack: new Int32Array(2 * n + 2),
      skip: this.startSet(),
      onlyAtZero: this.startsAtZeroOnly(),
      ascii: this.asciiTable(),
    });
    let cpc = bufs.lists[0];
    let cstart = bufs.lists[1];
    let npc = bufs.lists[2];
    let nstart = bufs.lists[3];
    const { skip, onlyAtZero, ascii } = bufs;
    let found: [number, number] | null = null;
    let ccount = 0;
    for (let pos = from; pos <= line.length; pos++) {
      this.work += ccount + 1;
      if (this.work > 65536) {
        this.work = 0;
        if (deadline !== undefined && performance.now() > deadline) throw new LinearDeadline();
      }
      if (found === null && !(onlyAtZero && pos > 0)) {
        if (ccount === 0 && skip) {
          // No thread alive: jump to the next position where the pattern's first unit can match.
          while (pos < line.length) {
            const cu = line.charCodeAt(pos);
            if (cu >= 128 || skip[cu] === 1) break;
            pos++;
          }
        }
        ccount = this.addFrom(line, bufs.stack, cpc, cstart, ccount, 0, pos, pos);
      }
      if (ccount === 0) {
        if (found !== null || onlyAtZero) break;
        continue;
      }
      const cu = pos < line.length ? line.charCodeAt(pos) : -1;
      let ncount = 0;
      for (let i = 0; i < ccount; i++) {
        const pc = cpc[i];
        if (this.op[pc] === Op.Match) {
          found = [cstart[i], pos];
          if (any) return found;
          break; // lower-priority threads can no longer win
        }
        if (cu >= 0 && (cu < 128 ? ascii[(pc << 7) | cu] === 1 : passes(this.tests[pc]!, cu)))
          ncount = this.addFrom(line, bufs.stack, npc, nstart, ncount, pc + 1, cstart[i], pos + 1);
      }
      const pcs = cpc;
      cpc = npc;
      npc = pcs;
      const starts = cstart;
      cstart = nstart;
      nstart = starts;
      ccount = ncount;
    }
    return found;
  }

  /** find's step: adds pc0 and its epsilon closure at pos to the list, in priority order (first reached wins). */
  private addFrom(
    line: string,
    stack: Int32Array,
    pcs: Int32Array,
    starts: Int32Array,
    count: number,
    pc0: number,
    start: number,
    pos: number,
  ): number {
    const seen = this.seen;
    let top = 0;
    stack[top++] = pc0;
    while (top > 0) {
      const pc = stack[--top];
      if (seen[pc] === pos) continue;
      seen[pc] = pos;
      switch (this.op[pc]) {
        case Op.Jmp:
          stack[top++] = this.x[pc];
          break;
        case Op.Split:
          stack[top++] = this.y[pc];
          stack[top++] = this.x[pc];
          break;
        case Op.Save:
          stack[top++] = pc + 1;
          break;
        case Op.Assert: {
          const re = this.asserts[pc]!;
          re.lastIndex = pos;
          if (re.test(line)) stack[top++] = pc + 1;
          break;
        }
        default:
          pcs[count] = pc;
          starts[count++] = start;
      }
    }
    return count;
  }

  /** Thread steps since find last looked at the clock. */
  private work = 0;

  private findBuffers?: {
    lists: Int32Array[];
    stack: Int32Array;
    skip: Uint8Array | null;
    onlyAtZero: boolean;
    ascii: Uint8Array;
  };

  /** Every unit's ASCII table in one array (pc * 128 + code unit): one load per thread and character. */
  private asciiTable(): Uint8Array {
    const table = new Uint8Array(this.op.length * 128);
    this.tests.forEach((t, pc) => {
      if (t) table.set(t.ascii, pc * 128);
    });
    return table;
  }

  /**
   * The ASCII code units a match can begin with (1 = may), or null when the start is not that
   * simple (an assertion or an empty match is reachable without reading a unit).
   */
  private startSet(): Uint8Array | null {
    const set = new Uint8Array(128);
    const visited = new Uint8Array(this.op.length);
    const stack = [0];
    let simple = true;
    while (stack.length > 0 && simple) {
      const pc = stack.pop()!;
      if (visited[pc]) continue;
      visited[pc] = 1;
      switch (this.op[pc]) {
        case Op.Jmp:
          stack.push(this.x[pc]);
          break;
        case Op.Split:
          stack.push(this.x[pc], this.y[pc]);
          break;
        case Op.Save:
          stack.push(pc + 1);
          break;
        case Op.Char: {
          const t = this.tests[pc]!;
          for (let cu = 0; cu < 128; cu++) set[cu] |= t.ascii[cu];
          break;
        }
        default:
          simple = false;
      }
    }
    return simple ? set : null;
  }

  /** The program begins (after group starts) with a non-multiline `^`: a match can only start at 0. */
  private startsAtZeroOnly(): boolean {
    let pc = 0;
    while (this.op[pc] === Op.Save) pc++;
    const re = this.asserts[pc];
    return this.op[pc] === Op.Assert && re !== undefined && re.source === "^" && !re.multiline;
  }

  /** Slots [2i, 2i+1] hold group i's start and end (-1 = did not take part); null when no match. */
  exec(line: string): Int32Array | null {
    if (!this.test(line)) return null;
    const seen = this.seen.fill(-1);
    let clist: Thread[] = [];
    let nlist: Thread[] = [];
    const start = new Int32Array(this.slots).fill(-1);
    start[0] = 0;
    let matched: Int32Array | null = null;
    this.add(clist, 0, start, 0, line, seen);
    for (let pos = 0; clist.length > 0; pos++) {
      const cu = pos < line.length ? line.charCodeAt(pos) : -1;
      for (let i = 0; i < clist.length; i++) {
        const t = clist[i];
        const op = this.op[t.pc];
        if (op === Op.Match) {
          matched = t.caps.slice();
          matched[1] = pos;
          break; // lower-priority threads can no longer win
        }
        if (cu >= 0 && passes(this.tests[t.pc]!, cu)) this.add(nlist, t.pc + 1, t.caps, pos + 1, line, seen);
      }
      if (cu < 0) break;
      [clist, nlist] = [nlist, clist];
      nlist.length = 0;
    }
    return matched;
  }

  /** Adds the thread at `pc` and everything its epsilon moves reach, in priority order. */
  private add(list: Thread[], pc0: number, caps0: Int32Array, pos: number, line: string, seen: Int32Array): void {
    const stack: Thread[] = [{ pc: pc0, caps: caps0 }];
    while (stack.length > 0) {
      const { pc, caps } = stack.pop()!;
      if (seen[pc] === pos) continue;
      seen[pc] = pos;
      switch (this.op[pc]) {
        case Op.Jmp:
          stack.push({ pc: this.x[pc], caps });
          break;
        case Op.Split:
          stack.push({ pc: this.y[pc], caps }, { pc: this.x[pc], caps });
          break;
        case Op.Save: {
          const copy = caps.slice();
          copy[this.x[pc]] = pos;
          stack.push({ pc: pc + 1, caps: copy });
          break;
        }
        case Op.Assert: {
          const re = this.asserts[pc]!;
          re.lastIndex = pos;
          if (re.test(line)) stack.push({ pc: pc + 1, caps });
          break;
        }
        default:
          list.push({ pc, caps });
      }
    }
  }
}

interface Thread {
  pc: number;
  caps: Int32Array;
}

/** The program for a parsed pattern (anchored at 0, as re.match), or undefined when it needs
 *  lookarounds or backreferences, or would be too large. */
export function compileLinear(root: PyNode, flags: PyFlags, groups: number): LinearMatcher | undefined {
  const jsFlags = (flags.ignoreCase ? "i" : "") + (flags.multiline ? "m" : "") + (flags.dotAll ? "s" : "");
  try {
    return compileVm(fromPython(root, flags.multiline), jsFlags, groups);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/**
 * The program for a VM tree whose units and asserts are tested with the JavaScript `flags` (any
 * of i, m, s), or undefined when it would be too large.
 */
export function compileVm(root: VmNode, flags: string, groups: number): LinearMatcher | undefined {
  const b = new ProgramBuilder(flags);
  try {
    b.build(root);
    b.emit(Op.Match);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return new LinearMatcher(b, groups);
}
