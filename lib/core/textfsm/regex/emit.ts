import { RegexError } from "../errors";
import {
  type ClassItem,
  type ParsedPattern,
  type PyNode,
  canSkipGroup,
  containsCapture,
  isLookaround,
  namedGroupsIn,
  walk,
  widthOf,
} from "./ast";

/**
 * Turns a parsed Python pattern into JavaScript RegExp source (no `u`/`v` flag: legacy syntax
 * accepts everything the translation emits) with Python's matching semantics where they differ:
 *
 * - `re.match` anchoring: the whole pattern is wrapped as `^(?:...)`, so every top-level
 *   alternative is anchored at 0.
 * - `(X)?` whose body may match empty: Python takes the empty iteration (capture ''), JS refuses
 *   it (capture undefined). Emitted as `(?:X|)` (greedy) or `(?:|X)` (lazy), exact in both cases
 *   (only when X can match empty and holds a capture: otherwise both engines agree).
 * - Quantified lookarounds (`(?<=x)+`, legal in Python, a SyntaxError in JS): the assertion is
 *   emitted once (min >= 1) or made optional (min = 0).
 * - Named groups that may be skipped inside a repeat (`((?P<A>\w+)?\s)+`): Python keeps the
 *   capture of an earlier iteration, JS resets it every iteration. The repeat is wrapped in an
 *   internal group and re-scanned after a match (see RescanSpec).
 * - `.` is `[^\n]` (Python's dot excludes only \n); `\A`, `\Z`, `{,n}`, octal and \U escapes
 *   are rewritten; literal characters are escaped so Python-literal `{ } ]` stay literal.
 * `\d \w \s \b` keep JavaScript's (ASCII) meaning; see docs/textfsm.md.
 */

/** Prefix of the internal group names the translation adds (never a TextFSM Value name in practice). */
export const INTERNAL_GROUP_PREFIX = "__vc";

export interface RescanSpec {
  /** Internal group wrapping the whole repeat in the main regex. */
  wrapper: string;
  /** One iteration of the repeat, with its named groups. */
  body: string;
  /** The same iteration without capturing names, for the look-ahead that checks the rest. */
  bodyAnonymous: string;
  min: number;
  max: number;
  names: string[];
}

export interface EmittedPattern {
  /** JavaScript source, already anchored as `^(?:...)`. */
  source: string;
  /** JavaScript flags (i, m, s; plus d when a rescan needs match indices). */
  flags: string;
  /** Python named groups in pattern order. */
  groupNames: string[];
  /** Python's group count (outer Value parentheses included). */
  groups: number;
  rescans: RescanSpec[];
}

interface EmitContext {
  pyToJs: Map<number, number>;
  jsGroups: number;
  rescans: RescanSpec[];
  inRescan: boolean;
  anonymous: boolean;
  pattern: string;
  multiline: boolean;
}

/**
 * `anonymous`: every group non-capturing, for yes/no tests (index cells); simpler regexes that
 * V8 compiles and runs faster. Not for patterns with backreferences.
 */
export function emitJavaScript(parsed: ParsedPattern, pattern: string, anonymous = false): EmittedPattern {
  const ctx: EmitContext = {
    pyToJs: new Map(),
    jsGroups: 0,
    rescans: [],
    inRescan: false,
    anonymous,
    pattern,
    multiline: parsed.flags.multiline,
  };
  const body = emit(parsed.root, ctx);
  let flags = "";
  if (parsed.flags.ignoreCase) flags += "i";
  if (parsed.flags.multiline) flags += "m";
  if (parsed.flags.dotAll) flags += "s";
  if (ctx.rescans.length) flags += "d";
  return {
    source: `^(?:${body})`,
    flags,
    groupNames: parsed.groupNames,
    groups: parsed.groups,
    rescans: ctx.rescans,
  };
}

function emit(node: PyNode, ctx: EmitContext): string {
  switch (node.t) {
    case "seq":
      return node.items.map((i) => emit(i, ctx)).join("");
    case "alt":
      return node.branches.map((b) => emit(b, ctx)).join("|");
    case "char":
      return literal(node.cp);
    case "any":
      return "[^\\n]";
    case "cat":
      return "\\" + node.cat;
    case "class":
      return `[${node.negated ? "^" : ""}${node.items.map(classItem).join("")}]`;
    case "at":
      return anchor(node.at, ctx.multiline);
    case "backref": {
      const js = ctx.pyToJs.get(node.index);
      if (ctx.anonymous || js === undefined)
        throw new RegexError(
          "unsupported",
          "a backreference inside a repeated group whose captures need re-scanning",
          ctx.pattern,
          0,
        );
      return `(?:\\${js})`;
    }
    case "group":
      return group(node, ctx);
    case "repeat":
      return repeat(node, ctx);
  }
}

function group(node: Extract<PyNode, { t: "group" }>, ctx: EmitContext): string {
  switch (node.kind) {
    case "capture": {
      if (ctx.anonymous) return `(?:${emit(node.body, ctx)})`;
      ctx.jsGroups++;
      ctx.pyToJs.set(node.index!, ctx.jsGroups);
      const open = node.name !== undefined ? `(?<${node.name}>` : "(";
      return open + emit(node.body, ctx) + ")";
    }
    case "noncapture":
      return `(?:${emit(node.body, ctx)})`;
    case "ahead":
      return `(?=${emit(node.body, ctx)})`;
    case "nahead":
      return `(?!${emit(node.body, ctx)})`;
    case "behind":
      return `(?<=${emit(node.body, ctx)})`;
    case "nbehind":
      return `(?<!${emit(node.body, ctx)})`;
  }
}

function quantifier(min: number, max: number, lazy: boolean): string {
  let q: string;
  if (min === 0 && max === Infinity) q = "*";
  else if (min === 1 && max === Infinity) q = "+";
  else if (min === 0 && max === 1) q = "?";
  else if (max === Infinity) q = `{${min},}`;
  else if (min === max) q = `{${min}}`;
  else q = `{${min},${max}}`;
  return lazy ? q + "?" : q;
}

function repeat(node: Extract<PyNode, { t: "repeat" }>, ctx: EmitContext): string {
  const body = node.body;
  if (isLookaround(body)) {
    // JS cannot quantify a lookbehind; an assertion repeated is the assertion once, or optional.
    const assertion = emit(body, ctx);
    if (node.min >= 1) return assertion;
    return node.lazy ? `(?:|${assertion})` : `(?:${assertion}|)`;
  }
  const compound = body.t === "group";
  if (
    compound &&
    !ctx.anonymous &&
    node.min === 0 &&
    node.max === 1 &&
    widthOf(body)[0] === 0 &&
    containsCapture(body)
  ) {
    const inner = emit(body, ctx);
    return node.lazy ? `(?:|${inner})` : `(?:${inner}|)`;
  }
  if (compound && !ctx.inRescan && !ctx.anonymous && node.max > 1 && needsRescan(body)) return rescanned(node, ctx);
  const bigCount = node.min > MAX_REPLICATION || (node.max !== Infinity && node.max > MAX_REPLICATION);
  if ((compound || bigCount) && replication(node) > MAX_REPLICATION && !hasNamedGroupOrBackref(body)) {
    return isSingleCharacter(body)
      ? chunkedCharRepeat(atom(body, ctx), node.min, node.max, node.lazy)
      : chunkedRepeat(node, ctx);
  }
  return atom(body, ctx) + quantifier(node.min, node.max, node.lazy);
}

/**
 * V8's linear engine refuses a regex whose nested quantifier counts multiply past 16 (`\s{20}`,
 * `(?:\S+\s+){9}`). Such repeats are emitted as equivalent sequences of smaller ones so that
 * the linear engine can take over when they backtrack too much.
 */
const MAX_REPLICATION = 16;

function replication(node: PyNode): number {
  switch (node.t) {
    case "repeat":
      return (node.max === Infinity ? node.min + 1 : node.max) * replication(node.body);
    case "seq":
      return Math.max(1, ...node.items.map(replication));
    case "alt":
      return Math.max(1, ...node.branches.map(replication));
    case "group":
      return replication(node.body);
    default:
      return 1;
  }
}

function hasNamedGroupOrBackref(node: PyNode): boolean {
  let found = false;
  walk(node, (n) => {
    if (n.t === "backref" || (n.t === "group" && n.kind === "capture" && n.name !== undefined)) found = true;
  });
  return found;
}

function isSingleCharacter(node: PyNode): boolean {
  return node.t === "any" || node.t === "class" || node.t === "cat" || (node.t === "char" && node.cp <= 0xffff);
}

/**
 * `\s{54}` as `\s{16}\s{16}\s{16}\s{6}`, `x{2,40}` as `x{2}x{0,16}x{0,16}x{0,6}`. For a
 * single-character body the first match found is the same: every iteration takes one character
 * and the chunks still try counts from the most (greedy) or the fewest (lazy) possible.
 */
function chunkedCharRepeat(atomSource: string, min: number, max: number, lazy: boolean): string {
  const chunks: string[] = [];
  const lz = lazy ? "?" : "";
  for (let left = min; left > 0; left -= MAX_REPLICATION)
    chunks.push(`${atomSource}{${Math.min(left, MAX_REPLICATION)}}`);
  if (max === Infinity) chunks.push(`${atomSource}*${lz}`);
  else
    for (let left = max - min; left > 0; left -= MAX_REPLICATION)
      chunks.push(`${atomSource}{0,${Math.min(left, MAX_REPLICATION)}}${lz}`);
  return chunks.join("");
}

/**
 * `X{n,m}` as `(?:X){k}(?:X){k}...` for the n mandatory iterations, then m-n nested optionals
 * `(?:X(?:X)?)?` (or `X*`): the same iterations tried in the same order. The copies are emitted
 * without capturing groups (the body has no named ones; unnamed ones are never read).
 */
function chunkedRepeat(node: Extract<PyNode, { t: "repeat" }>, ctx: EmitContext): string {
  const copy = () => {
    const source = emit(node.body, { ...ctx, anonymous: true });
    return node.body.t === "group" ? source : `(?:${source})`;
  };
  const k = Math.max(1, Math.floor(MAX_REPLICATION / replication(node.body)));
  const lz = node.lazy ? "?" : "";
  let out = "";
  for (let left = node.min; left > 0; left -= k)
    out += left === 1 || k === 1 ? copy().repeat(Math.min(left, k)) : `${copy()}{${Math.min(left, k)}}`;
  if (node.max === Infinity) return out + copy() + "*" + lz;
  let optional = "";
  for (let i = node.max - node.min; i > 0; i--) optional = `(?:${copy()}${optional})?${lz}`;
  return out + optional;
}

function atom(body: PyNode, ctx: EmitContext): string {
  const s = emit(body, ctx);
  if (body.t === "char" && body.cp > 0xffff) return `(?:${s})`;
  if (body.t === "seq" || body.t === "alt") return `(?:${s})`;
  return s;
}

function needsRescan(body: PyNode): boolean {
  let backref = false;
  walk(body, (n) => {
    if (n.t === "backref") backref = true;
  });
  if (backref) return false;
  return namedGroupsIn(body).some((name) => canSkipGroup(body, name));
}

function rescanned(node: Extract<PyNode, { t: "repeat" }>, ctx: EmitContext): string {
  const wrapper = `${INTERNAL_GROUP_PREFIX}r${ctx.rescans.length}`;
  const spec: RescanSpec = {
    wrapper,
    body: "",
    bodyAnonymous: "",
    min: node.min,
    max: node.max,
    names: namedGroupsIn(node.body),
  };
  ctx.rescans.push(spec);
  ctx.jsGroups++;
  ctx.inRescan = true;
  const mainBody = atom(node.body, ctx);
  ctx.inRescan = false;
  // The stand-alone iteration regexes have their own group numbering, so they are emitted
  // with a throw-away context.
  const sub: EmitContext = { ...ctx, pyToJs: new Map(ctx.pyToJs), rescans: [], inRescan: true, jsGroups: 0 };
  spec.body = emit(node.body, sub);
  spec.bodyAnonymous = emit(node.body, { ...sub, anonymous: true });
  return `(?<${wrapper}>${mainBody}${quantifier(node.min, node.max, node.lazy)})`;
}

/** JavaScript source of one character atom (a literal, `.`, a category or a class). */
export function atomSource(node: Extract<PyNode, { t: "char" | "any" | "cat" | "class" }>): string {
  return emit(node, {} as EmitContext);
}

/** JavaScript source of an anchor (^, $, \A, \Z, \b, \B). */
export function anchorSource(at: "^" | "$" | "A" | "Z" | "b" | "B", multiline: boolean): string {
  return anchor(at, multiline);
}

function anchor(at: "^" | "$" | "A" | "Z" | "b" | "B", multiline: boolean): string {
  switch (at) {
    case "^":
      return "^";
    case "$":
      return "$";
    case "A":
      return multiline ? "(?<![\\s\\S])" : "^";
    case "Z":
      return multiline ? "(?![\\s\\S])" : "$";
    case "b":
      return "\\b";
    case "B":
      return "\\B";
  }
}

const PLAIN = /^[A-Za-z0-9 _,:;=@#%!"'<>~`&-]$/;
const SYNTAX = "\\^$.|?*+()[]{}/";

function hex4(cu: number): string {
  return "\\u" + cu.toString(16).padStart(4, "0");
}

/** JavaScript source for each ASCII character outside and inside a class. */
const ASCII_LITERAL: string[] = [];
const ASCII_CLASS_CHAR: string[] = [];
for (let cp = 0; cp < 128; cp++) {
  const ch = String.fromCharCode(cp);
  ASCII_LITERAL.push(PLAIN.test(ch) ? ch : SYNTAX.includes(ch) ? "\\" + ch : hex4(cp));
  ASCII_CLASS_CHAR.push(/^[A-Za-z0-9 _]$/.test(ch) ? ch : hex4(cp));
}

function literal(cp: number): string {
  if (cp < 128) return ASCII_LITERAL[cp];
  if (cp > 0xffff)
    return String.fromCodePoint(cp)
      .split("")
      .map((u) => hex4(u.charCodeAt(0)))
      .join("");
  return hex4(cp);
}

function classChar(cp: number): string {
  return cp < 128 ? ASCII_CLASS_CHAR[cp] : hex4(cp);
}

function classItem(item: ClassItem): string {
  switch (item.t) {
    case "char":
      return classChar(item.cp);
    case "range":
      return `${classChar(item.lo)}-${classChar(item.hi)}`;
    case "cat":
      return "\\" + item.cat;
  }
}
