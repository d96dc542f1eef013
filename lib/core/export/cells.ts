/** How record values become CSV cell text. */

/** Lists (TextFSM List values) are joined with `listSeparator`; objects become JSON; null is empty. */
export function cellText(value: unknown, listSeparator: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return value
      .map((item) => (Array.isArray(item) ? JSON.stringify(item) : cellText(item, listSeparator)))
      .join(listSeparator);
  return JSON.stringify(value);
}

// What Excel, LibreOffice and Sheets start a formula with (OWASP "CSV injection"): = + - @ tab CR,
// and the full-width = + - @ some of them normalise. A plain number cannot be a formula, and
// neither can a lone '-' (what devices print for an unknown ARP age or an empty VLAN).
function startsLikeFormula(code: number): boolean {
  switch (code) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
    case 0xff1d:
    case 0xff0b:
    case 0xff0d:
    case 0xff20:
      return true;
    default:
      return false;
  }
}
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Neutralises a cell a spreadsheet would evaluate, by prefixing a single quote. */
export function guardFormula(text: string): string {
  if (text === "" || text === "-" || !startsLikeFormula(text.charCodeAt(0)) || PLAIN_NUMBER.test(text)) return text;
  return `'${text}`;
}
