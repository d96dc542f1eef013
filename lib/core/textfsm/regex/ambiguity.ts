import type { Category, ClassItem, PyNode } from "./ast";

/**
 * Static detection of exponential backtracking: a backtracking matcher takes exponential time on
 * some failing input exactly when the regex's NFA has exponential degree of ambiguity (EDA):
 * a state from which two different paths read the same word and come back to it
 * (Weber & Seidl; Weideman et al., "Analyzing matching time behavior of backtracking regular
 * expression matchers by using ambiguity of NFA"). The test: build a Thompson NFA, then the
 * product of the automaton with itself over overlapping character sets; EDA exists when one
 * strongly connected component holds a pair (q, q) together with a pair (p, r), p != r, or with
 * a step where one state reaches another through two different epsilon paths.
 *
 * `(\S+(\s)*)+:` and `(((\w+)(\s)?){1,})` (the two ntc templates that hang Python) are EDA;
 * `(?:\S+\s+){9}` and `(\d+,){0,10}\d+` are not. Lookaround bodies are checked on their own;
 * a backreference counts as "any text". Counted repeats are unrolled; past `MAX_STATES`
 * character states the answer is "risky" without looking further.
 */

type Ranges = Array<[number, number]>;

const MAX_CP = 0xffff;
const MAX_STATES = 800;
const MAX_PAIRS = 200_000;
const UNROLL = 3;

const CATEGORY_RANGES: Record<"d" | "w" | "s", Ranges> = {
  d: [[0x30, 0x39]],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  s: [
    [0x09, 0x0d],
    [0x20, 0x20],
    [0xa0, 0xa0],
    [0x1680, 0x1680],
    [0x2000, 0x200a],
    [0x2028, 0x2029],
    [0x202f, 0x202f],
    [0x205f, 0x205f],
    [0x3000, 0x3000],
    [0xfeff, 0xfeff],
  ],
};

function normalize(r: Ranges): Ranges {
  const sorted = [...r].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(r: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [lo, hi] of normalize(r)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function category(cat: Category): Ranges {
  const base = CATEGORY_RANGES[cat.toLowerCase() as "d" | "w" | "s"];
  return cat === cat.toUpperCase() ? complement(base) : base;
}

function withOtherCase(r: Ranges): Ranges {
  const extra: Ranges = [];
  for (const [lo, hi] of r) {
    for (const [a, b, shift] of [
      [0x41, 0x5a, 32],
      [0x61, 0x7a, -32],
    ] as const) {
      const l = Math.max(lo, a);
      const h = Math.min(hi, b);
      if (l <= h) extra.push([l + shift, h + shift]);
    }
  }
  return normalize([...r, ...extra]);
}

function overlap(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

class TooLarge extends Error {}

interface State {
  eps: number[];
  /** A character state: one transition on `set` to `to`. */
  set?: Ranges;
  to?: number;
}

class NfaBuilder {
  readonly states: State[] = [];
  private charStates = 0;
  readonly lookarounds: PyNode[] = [];

  constructor(
    private readonly ignoreCase: boolean,
    private readonly dotAll: boolean,
  ) {}

  private add(): number {
    this.states.push({ eps: [] });
    return this.states.length - 1;
  }

  private charEdge(set: Ranges): [number, number] {
    if (++this.charStates > MAX_STATES) throw new TooLarge();
    const s = this.add();
    const e = this.add();
    this.states[s].set = this.ignoreCase ? withOtherCase(set) : set;
    this.states[s].to = e;
    return [s, e];
  }

  private epsilon(): [number, number] {
    const s = this.add();
    const e = this.add();
    this.states[s].eps.push(e);
    return [s, e];
  }

  private classRanges(items: ClassItem[], negated: boolean): Ranges {
    const r: Ranges = [];
    for (const i of items) {
      if (i.t === "char") r.push([i.cp, i.cp]);
      else if (i.t === "range") r.push([i.lo, i.hi]);
      else r.push(...category(i.cat));
    }
    return negated ? complement(r) : normalize(r);
  }

  private star(node: PyNode): [number, number] {
    const s = this.add();
    const e = this.add();
    const [bs, be] = this.build(node);
    this.states[s].eps.push(bs, e);
    this.states[be].eps.push(s);
    return [s, e];
  }

  private optional(node: PyNode): [number, number] {
    const s = this.add();
    const e = this.add();
    const [bs, be] = this.build(node);
    this.states[s].eps.push(bs, e);
    this.states[be].eps.push(e);
    return [s, e];
  }

  private sequence(parts: Array<() => [number, number]>): [number, number] {
    if (parts.length === 0) return this.epsilon();
    const [start, first] = parts[0]();
    let end = first;
    for (const part of parts.slice(1)) {
      const [s, e] = part();
      this.states[end].eps.push(s);
      end = e;
    }
    return [start, end];
  }

  build(node: PyNode): [number, number] {
    switch (node.t) {
      case "char":
        return this.charEdge(node.cp > MAX_CP ? [[MAX_CP, MAX_CP]] : [[node.cp, node.cp]]);
      case "any":
        return this.charEdge(this.dotAll ? [[0, MAX_CP]] : complement([[10, 10]]));
      case "cat":
        return this.charEdge(category(node.cat));
      case "class":
        return this.charEdge(this.classRanges(node.items, node.negated));
      case "at":
        return this.epsilon();
      case "backref":
        return this.star({ t: "any" });
      case "seq":
        return this.sequence(node.items.map((i) => () => this.build(i)));
      case "alt": {
        const s = this.add();
        const e = this.add();
        for (const b of node.branches) {
          const [bs, be] = this.build(b);
          this.states[s].eps.push(bs);
          this.states[be].eps.push(e);
        }
        return [s, e];
      }
      case "group":
        if (node.kind === "capture" || node.kind === "noncapture") return this.build(node.body);
        this.lookarounds.push(node.body);
        return this.epsilon();
      case "repeat": {
        if (node.body.t === "group" && node.body.kind !== "capture" && node.body.kind !== "noncapture") {
          // A repeated lookaround is emitted as one assertion (see emit.ts).
          return this.build(node.body);
        }
        // Ambiguity between copies only involves neighbours, so a few copies of a counted
        // repeat show whatever the full unrolling would.
        const parts: Array<() => [number, number]> = [];
        const mandatory = Math.min(node.min, UNROLL);
        for (let i = 0; i < mandatory; i++) parts.push(() => this.build(node.body));
        if (node.max === Infinity) parts.push(() => this.star(node.body));
        else for (let i = 0; i < Math.min(node.max - node.min, UNROLL); i++) parts.push(() => this.optional(node.body));
        return this.sequence(parts);
      }
    }
  }
}

/**
 * Character states reachable from `from` through epsilon edges, with the number of distinct
 * epsilon paths (saturated at 2). An epsilon cycle makes every count 2.
 */
function epsilonTargets(states: State[], from: number, keep: (s: number) => boolean = () => true): Map<number, number> {
  const order: number[] = [];
  const mark = new Map<number, number>(); // 1 = on stack, 2 = done
  let cyclic = false;
  const stack: Array<[number, number]> = [[from, 0]];
  mark.set(from, 1);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [s, i] = top;
    const eps = states[s].eps;
    if (i < eps.length) {
      top[1]++;
      const t = eps[i];
      if (!keep(t)) continue;
      const m = mark.get(t);
      if (m === 1) cyclic = true;
      else if (m === undefined) {
        mark.set(t, 1);
        stack.push([t, 0]);
      }
    } else {
      mark.set(s, 2);
      order.push(s);
      stack.pop();
    }
  }
  const ways = new Map<number, number>([[from, 1]]);
  for (let k = order.length - 1; k >= 0; k--) {
    const s = order[k];
    const w = ways.get(s) ?? 0;
    if (w === 0) continue;
    for (const t of states[s].eps) if (mark.has(t)) ways.set(t, Math.min(2, (ways.get(t) ?? 0) + w));
  }
  const out = new Map<number, number>();
  for (const [s, w] of ways) if (states[s].set) out.set(s, cyclic ? 2 : w);
  return out;
}

function isExponential(states: State[]): boolean {
  // Both halves of an EDA witness stay inside one strongly connected part of the NFA (each
  // comes back to the same state), so only pairs within the same cyclic component are explored.
  const component = new Array<number>(states.length);
  const cyclic = new Set<number>();
  stronglyConnected(states.map((st) => (st.to === undefined ? st.eps : [...st.eps, st.to]))).forEach((comp, i) => {
    for (const n of comp) component[n] = i;
    if (comp.length > 1 || states[comp[0]].eps.includes(comp[0]) || states[comp[0]].to === comp[0]) cyclic.add(i);
  });
  const succ = new Map<number, Map<number, number>>();
  const next = (c: number) => {
    let m = succ.get(c);
    if (!m) {
      m = new Map();
      const within = (s: number) => component[s] === component[c];
      if (within(states[c].to!)) for (const [t, w] of epsilonTargets(states, states[c].to!, within)) m.set(t, w);
      succ.set(c, m);
    }
    return m;
  };
  const charStates = states.map((s, i) => (s.set && cyclic.has(component[i]) ? i : -1)).filter((i) => i >= 0);
  // Product graph over pairs of character states that can read the same character.
  const id = new Map<number, number>();
  const width = states.length;
  const nodes: Array<[number, number]> = [];
  const edges: number[][] = [];
  const divergent: Array<Set<number>> = [];
  const nodeOf = (a: number, b: number): number => {
    const key = a * width + b;
    let n = id.get(key);
    if (n === undefined) {
      if (nodes.length >= MAX_PAIRS) throw new TooLarge();
      n = nodes.length;
      id.set(key, n);
      nodes.push([a, b]);
      edges.push([]);
      divergent.push(new Set());
    }
    return n;
  };
  const queue: number[] = [];
  for (const c of charStates) queue.push(nodeOf(c, c));
  for (let qi = 0; qi < queue.length; qi++) {
    const n = queue[qi];
    const [a, b] = nodes[n];
    for (const [x, wx] of next(a)) {
      for (const [y] of next(b)) {
        if (!overlap(states[x].set!, states[y].set!)) continue;
        const known = id.has(x * width + y);
        const m = nodeOf(x, y);
        edges[n].push(m);
        if (a === b && x === y && wx > 1) divergent[n].add(m);
        if (!known) queue.push(m);
      }
    }
  }
  for (const scc of stronglyConnected(edges)) {
    const inScc = new Set(scc);
    const hasDiagonal = scc.some((n) => nodes[n][0] === nodes[n][1]);
    if (!hasDiagonal) continue;
    if (scc.some((n) => nodes[n][0] !== nodes[n][1])) return true;
    if (scc.some((n) => [...divergent[n]].some((m) => inScc.has(m)))) return true;
  }
  return false;
}

/** Tarjan's algorithm, iterative. */
function stronglyConnected(edges: number[][]): number[][] {
  const index = new Array<number>(edges.length).fill(-1);
  const low = new Array<number>(edges.length).fill(0);
  const onStack = new Array<boolean>(edges.length).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < edges.length; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      if (i < edges[v].length) {
        top[1]++;
        const w = edges[v][i];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1][0];
          low[parent] = Math.min(low[parent], low[v]);
        }
        if (low[v] === index[v]) {
          const comp: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = false;
            comp.push(w);
          } while (w !== v);
          out.push(comp);
        }
      }
    }
  }
  return out;
}

/**
 * True when a backtracking matcher can take exponential time on this pattern (or it is too big
 * to tell). Every cycle of the NFA comes from an unbounded repeat, and an EDA witness stays in
 * one cycle, so each outermost unbounded repeat (lookaround bodies included) is analysed alone:
 * far smaller automata than the whole pattern.
 */
export function hasExponentialBacktracking(root: PyNode, flags: { ignoreCase: boolean; dotAll: boolean }): boolean {
  const loops: PyNode[] = [];
  const collect = (node: PyNode): void => {
    if (
      node.t === "repeat" &&
      node.max === Infinity &&
      !(node.body.t === "group" && node.body.kind !== "capture" && node.body.kind !== "noncapture")
    ) {
      loops.push(node);
      return;
    }
    if (node.t === "backref") return;
    if (node.t === "seq") node.items.forEach(collect);
    else if (node.t === "alt") node.branches.forEach(collect);
    else if (node.t === "group" || node.t === "repeat") collect(node.body);
  };
  collect(root);
  for (const loop of loops) {
    const builder = new NfaBuilder(flags.ignoreCase, flags.dotAll);
    try {
      builder.build(loop);
      if (isExponential(builder.states)) return true;
      if (builder.lookarounds.some((body) => hasExponentialBacktracking(body, flags))) return true;
    } catch (err) {
      if (err instanceof TooLarge) return true;
      throw err;
    }
  }
  return false;
}
