/** The syntax tree of a Python `re` pattern, as far as TextFSM templates need it. */

export type Category = "d" | "D" | "w" | "W" | "s" | "S";

export type ClassItem =
  { t: "char"; cp: number } | { t: "range"; lo: number; hi: number } | { t: "cat"; cat: Category };

export type GroupKind = "capture" | "noncapture" | "ahead" | "nahead" | "behind" | "nbehind";

export type PyNode =
  | { t: "alt"; branches: PyNode[] }
  | { t: "seq"; items: PyNode[] }
  | { t: "char"; cp: number }
  | { t: "any" }
  | { t: "class"; negated: boolean; items: ClassItem[] }
  | { t: "cat"; cat: Category }
  | { t: "at"; at: "^" | "$" | "A" | "Z" | "b" | "B" }
  | { t: "group"; kind: GroupKind; name?: string; index?: number; body: PyNode }
  | { t: "repeat"; min: number; max: number; lazy: boolean; body: PyNode }
  | { t: "backref"; index: number };

/** Python global inline flags that have a JavaScript equivalent. */
export interface PyFlags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

export interface ParsedPattern {
  root: PyNode;
  flags: PyFlags;
  /** Number of capturing groups (Python's `compiled.groups`). */
  groups: number;
  /** Named groups in pattern order (the key order of Python's groupdict()). */
  groupNames: string[];
  /** A repeat (max > 1) around another repeat or an alternation: the only shapes that can backtrack exponentially. */
  repeatRisk: boolean;
}

export function isLookaround(node: PyNode): boolean {
  return (
    node.t === "group" &&
    (node.kind === "ahead" || node.kind === "nahead" || node.kind === "behind" || node.kind === "nbehind")
  );
}

/** Visits every node, parents before children. */
export function walk(node: PyNode, visit: (n: PyNode) => void): void {
  visit(node);
  switch (node.t) {
    case "alt":
      for (const b of node.branches) walk(b, visit);
      break;
    case "seq":
      for (const i of node.items) walk(i, visit);
      break;
    case "group":
    case "repeat":
      walk(node.body, visit);
      break;
    default:
      break;
  }
}

export function containsCapture(node: PyNode): boolean {
  let found = false;
  walk(node, (n) => {
    if (n.t === "group" && n.kind === "capture") found = true;
  });
  return found;
}

export function namedGroupsIn(node: PyNode): string[] {
  const names: string[] = [];
  walk(node, (n) => {
    if (n.t === "group" && n.kind === "capture" && n.name !== undefined) names.push(n.name);
  });
  return names;
}

/**
 * True when some path through `node` does not enter the named group `name`, i.e. one
 * iteration of a repeat around `node` can leave that group unset.
 */
export function canSkipGroup(node: PyNode, name: string): boolean {
  switch (node.t) {
    case "group":
      if (node.kind === "capture" && node.name === name) return false;
      if (node.kind === "nahead" || node.kind === "nbehind") return true;
      return canSkipGroup(node.body, name);
    case "seq":
      return node.items.every((i) => canSkipGroup(i, name));
    case "alt":
      return node.branches.some((b) => canSkipGroup(b, name));
    case "repeat":
      return node.min === 0 || canSkipGroup(node.body, name);
    default:
      return true;
  }
}

/** [min, max] number of characters `node` can match (max may be Infinity). */
export function widthOf(node: PyNode): [number, number] {
  switch (node.t) {
    case "char":
    case "any":
    case "class":
    case "cat":
      return [1, 1];
    case "at":
      return [0, 0];
    case "backref":
      return [0, Infinity];
    case "seq": {
      let lo = 0;
      let hi = 0;
      for (const i of node.items) {
        const [a, b] = widthOf(i);
        lo += a;
        hi += b;
      }
      return [lo, hi];
    }
    case "alt": {
      const ws = node.branches.map(widthOf);
      return [Math.min(...ws.map((w) => w[0])), Math.max(...ws.map((w) => w[1]))];
    }
    case "group":
      return isLookaround(node) ? [0, 0] : widthOf(node.body);
    case "repeat": {
      const [a, b] = widthOf(node.body);
      return [a * node.min, b === 0 ? 0 : b * node.max];
    }
  }
}

/** Whether a repeat (max > 1) of `body` could backtrack exponentially: it holds a repeat or an alternation. */
export function repeatBodyRisk(body: PyNode): boolean {
  if (body.t !== "group") return false;
  let risk = false;
  walk(body, (inner) => {
    if ((inner.t === "repeat" && inner.max > 1) || inner.t === "alt") risk = true;
  });
  return risk;
}
