import { VcError } from "../errors";

/**
 * A search pattern compiled twice: `line` finds every match inside one line; `block`, when set,
 * finds candidate lines in a block of many lines in one pass (multiline flag), which is what
 * makes searching large collections fast. Any line with a match also gives a block match at or
 * before it, so no line is missed; candidates are confirmed per line. Lookarounds can see across
 * a line break in a block, so patterns using them are checked line by line instead.
 */
export interface CompiledPattern {
  source: string;
  line: RegExp;
  block: RegExp | null;
}

const LOOKAROUND = /\(\?<?[=!]/;

export function compileSearchPattern(
  pattern: string,
  opts: { regex?: boolean; caseSensitive?: boolean } = {},
): CompiledPattern {
  if (typeof pattern !== "string" || pattern === "")
    throw new VcError("bad_pattern", "the search pattern is empty", "pattern");
  const source = opts.regex ? pattern : pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const flags = opts.caseSensitive ? "g" : "gi";
  let line: RegExp;
  try {
    line = new RegExp(source, flags);
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    throw new VcError("bad_pattern", `invalid regular expression: ${reason}`, `pattern '${pattern}'`);
  }
  const block = opts.regex && LOOKAROUND.test(pattern) ? null : new RegExp(source, flags + "m");
  return { source, line, block };
}
