import { VcError } from "../errors";
import { compileBounded, type BoundedRegex } from "../regex-budget";

/**
 * A search pattern compiled twice: `line` finds every match inside one line; `block`, when set,
 * finds candidate lines in a block of many lines in one pass (multiline flag), which is what
 * makes searching large collections fast. Any line with a match also gives a block match at or
 * before it, so no line is missed; candidates are confirmed per line. Lookarounds can see across
 * a line break in a block, so patterns using them are checked line by line instead.
 * `bounded.linear` false means the native engine could backtrack without bound on it: it is then
 * matched by regex-budget's matchLines (on its linear-time VM on this thread, or in its worker
 * under a time budget), never by the native engine on this thread.
 */
export interface CompiledPattern {
  source: string;
  line: RegExp;
  block: RegExp | null;
  bounded: BoundedRegex;
}

const LOOKAROUND = /\(\?<?[=!]/;

export function compileSearchPattern(
  pattern: string,
  opts: { regex?: boolean; caseSensitive?: boolean } = {},
): CompiledPattern {
  if (typeof pattern !== "string" || pattern === "")
    throw new VcError("bad_pattern", "the search pattern is empty", "pattern");
  const source = opts.regex ? pattern : pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  let bounded: BoundedRegex;
  try {
    bounded = compileBounded(source, { global: true, caseInsensitive: !opts.caseSensitive });
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    throw new VcError("bad_pattern", `invalid regular expression: ${reason}`, `pattern '${pattern}'`);
  }
  const block =
    !bounded.linear || (opts.regex && LOOKAROUND.test(pattern))
      ? null
      : new RegExp(bounded.source, bounded.flags + "m");
  return { source, line: bounded.regex, block, bounded };
}
