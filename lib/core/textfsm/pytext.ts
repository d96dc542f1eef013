/**
 * The few Python `str` behaviours TextFSM depends on, reproduced exactly: what counts as
 * whitespace for rstrip()/strip(), where splitlines() breaks, and Python truthiness of the cell
 * values a parse produces (None, strings, lists).
 */

/** Characters for which Python's str.isspace() is true (what rstrip()/strip() remove). */
export const PY_WHITESPACE =
  "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const TRAILING_WS = new RegExp(`[${PY_WHITESPACE}]+$`);
const LEADING_WS = new RegExp(`^[${PY_WHITESPACE}]+`);
// Python line boundaries include the VT, FF and FS/GS/RS control characters.
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/;

export function pyRstrip(s: string): string {
  return s.replace(TRAILING_WS, "");
}

export function pyStrip(s: string): string {
  return s.replace(LEADING_WS, "").replace(TRAILING_WS, "");
}

/** str.splitlines(): every Python line boundary, no trailing empty element. */
export function pySplitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Lines of a file read in Python text mode (universal newlines: \r\n and \r become \n). */
export function pyFileLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** A cell value during a parse: Python None is null, List values are arrays. */
export type Cell = string | null | ListItem[];
export type ListItem = string | null | Record<string, string | null>;

/** Python truthiness of a cell: None, "" and [] are false. */
export function pyTruthy(v: Cell | undefined): boolean {
  if (v === null || v === undefined) return false;
  return v.length > 0;
}

/** Python's repr() of a str, as str(list) / str(dict) print it (used for ntc-style stringification). */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/** str(item) of a List item, the way clitable turns rows into strings ('None', dict repr). */
export function pyStr(item: ListItem): string {
  if (item === null) return "None";
  if (typeof item === "string") return item;
  const parts = Object.entries(item).map(([k, v]) => `${pyRepr(k)}: ${v === null ? "None" : pyRepr(v)}`);
  return `{${parts.join(", ")}}`;
}
