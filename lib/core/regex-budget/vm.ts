import { compileVm, type LinearMatcher } from "../textfsm/regex/linear";
import { parseJsRegex, requiredLiteral } from "./js-syntax";
import { lineHitsBy, type LineHit } from "./lines";

/**
 * A JavaScript pattern on the linear-time Pike VM (textfsm/regex/linear.ts), on the calling
 * thread. Most lines of a search cannot match; when every match must contain a literal of two
 * or more characters, the native engine finds the lines holding it first (a literal search is
 * linear) and only those lines run on the VM.
 */
export class VmRegex {
  constructor(
    readonly matcher: LinearMatcher,
    /** The required literal as a global regex (i flag as the pattern's), when there is one. */
    private readonly literal: RegExp | undefined,
  ) {}

  /** `regex.test(text)` with lastIndex 0. Throws LinearDeadline past `deadline` (performance.now() time). */
  test(text: string, deadline?: number): boolean {
    if (this.literal) {
      this.literal.lastIndex = 0;
      if (!this.literal.test(text)) return false;
    }
    return this.matcher.find(text, 0, true, deadline) !== null;
  }

  /**
   * lineHits (lines.ts) of the global pattern. Past `deadline` throws LinearDeadline, with the
   * 0-based index of the line it was on in `reached`.
   */
  lineHits(text: string, limit: number, deadline?: number, reached?: { line: number }): LineHit[] {
    let line = 0;
    const find = (text: string, from: number) => this.matcher.find(text, from, false, deadline);
    const progress = (index: number) => {
      if (reached) reached.line = line + index;
    };
    const literal = this.literal;
    if (!literal) return lineHitsBy(find, text, limit, progress);
    const hits: LineHit[] = [];
    let lineIndex = 0;
    let counted = 0; // newlines before `counted` are in lineIndex
    literal.lastIndex = 0;
    for (let m = literal.exec(text); m !== null; m = literal.exec(text)) {
      const lineStart = text.lastIndexOf("\n", m.index - 1) + 1;
      for (let i = text.indexOf("\n", counted); i !== -1 && i < lineStart; i = text.indexOf("\n", i + 1)) lineIndex++;
      counted = lineStart;
      line = lineIndex;
      const nl = text.indexOf("\n", m.index);
      const lineEnd = nl === -1 ? text.length : nl;
      const lineHitsHere = lineHitsBy(find, text.slice(lineStart, lineEnd), limit - hits.length, progress);
      for (const [, start, end] of lineHitsHere) hits.push([lineIndex, start, end]);
      if (hits.length >= limit || nl === -1) break;
      literal.lastIndex = nl + 1;
    }
    return hits;
  }
}

/**
 * A JavaScript pattern (non-unicode; flags i and m as given) on the VM, or undefined when the VM
 * cannot run it (lookarounds, backreferences, see js-syntax.ts; a program past the VM's size).
 */
export function compileVmRegex(
  pattern: string,
  opts: { caseInsensitive?: boolean; multiline?: boolean } = {},
): VmRegex | undefined {
  const tree = parseJsRegex(pattern);
  if ("refused" in tree) return undefined;
  const matcher = compileVm(tree.root, (opts.caseInsensitive ? "i" : "") + (opts.multiline ? "m" : ""), tree.groups);
  if (!matcher) return undefined;
  const lit = requiredLiteral(tree.root);
  const literal =
    lit.length >= 2
      ? new RegExp(lit.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"), opts.caseInsensitive ? "gi" : "g")
      : undefined;
  return new VmRegex(matcher, literal);
}
