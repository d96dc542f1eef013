import { stringify, type Options as StringifyOptions } from "csv-stringify/sync";

/**
 * RFC 4180 CSV text from rows of cell strings: comma separated, CRLF line ends, a cell holding a
 * comma, a quote or a line break is quoted with its quotes doubled.
 *
 * csv-stringify does the quoting. It costs about a microsecond per cell, so rows in which no cell
 * needs quoting are joined directly: for them csv-stringify's output is the cells joined by commas,
 * byte for byte (a test compares both on every kind of cell).
 */
const STRINGIFY_OPTIONS: StringifyOptions = {
  delimiter: ",",
  quote: '"',
  record_delimiter: "\r\n",
  // Without this, csv-stringify quotes only the configured record delimiter (\r\n), not a lone
  // \n or \r inside a cell, which would split the row for every CSV reader.
  quote_record_delimiter: true,
  eof: true,
};
const QUOTE_OR_BREAK = /["\r\n]/;

function countCommas(line: string): number {
  let n = 0;
  for (let i = line.indexOf(","); i !== -1; i = line.indexOf(",", i + 1)) n++;
  return n;
}

/**
 * Collects rows and hands out their CSV text. A row is first joined with commas; it needs no
 * quoting when that line holds no quote or line break and exactly one comma per cell boundary.
 * Rows that do need quoting go through csv-stringify, in runs, keeping the order.
 */
export class CsvEncoder {
  private out = "";
  private pending: string[][] = [];

  /** `cells` may be reused by the caller after this returns. */
  add(cells: string[]): void {
    const line = cells.join(",");
    if (cells.length === 0 || QUOTE_OR_BREAK.test(line) || countCommas(line) !== cells.length - 1) {
      this.pending.push(cells.slice());
      return;
    }
    if (this.pending.length > 0) this.flush();
    this.out += line + "\r\n";
  }

  /** The text of the rows added since the last call. */
  take(): string {
    this.flush();
    const text = this.out;
    this.out = "";
    return text;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.out += stringify(this.pending, STRINGIFY_OPTIONS);
    this.pending = [];
  }
}

export function encodeCsvRows(rows: string[][]): string {
  const encoder = new CsvEncoder();
  for (const row of rows) encoder.add(row);
  return encoder.take();
}

/** The reference: every row through csv-stringify (used by the tests to prove the shortcut). */
export function encodeCsvRowsStrict(rows: string[][]): string {
  return stringify(rows, STRINGIFY_OPTIONS);
}
