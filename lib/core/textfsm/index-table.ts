import * as fs from "node:fs";
import * as path from "node:path";
import { RegexError, TemplateError } from "./errors";
import { pyFileLines, pyStrip } from "./pytext";
import { compilePythonRegex } from "./regex/compile";

/**
 * The ntc-templates `index` file, read the way textfsm's clitable/texttable read it:
 * the header is the first line with text before any '#'; later lines starting with '#' in
 * column 0 are comments; every line is split on every ',' (no quoting) and a line whose field
 * count differs from the header's is dropped (blank lines and indented comments vanish that
 * way). `[[xyz]]` in the Command column is command completion: `x(y(z)?)?`. Every non-empty
 * cell except Template is a Python regex matched with re.match (a prefix match). The first row
 * that matches wins.
 */

export interface IndexRow {
  /** 1-based line in the index file. */
  line: number;
  templates: string[];
  /** Cells by column name, as written (the Command keeps its `[[...]]` completion). */
  cells: Record<string, string>;
}

interface CompiledRow extends IndexRow {
  matchers: Map<string, Matcher>;
}

/** re.match of a cell: a plain word (most Platform cells) is a prefix test, anything else a regex. */
type Matcher = { test(value: string): boolean };

function matcher(cell: string): Matcher {
  if (/^[A-Za-z0-9_ ]+$/.test(cell)) return { test: (value) => value.startsWith(cell) };
  return compilePythonRegex(cell);
}

/** Lookups remembered per index (attribute strings to row). */
const MEMO_LIMIT = 10000;

/** Attribute name for each lookup argument (the index's column names). */
const ATTRIBUTES = { platform: "Platform", command: "Command", hostname: "Hostname" } as const;

/**
 * The one reader of an ntc-style index: its header and rows, cells as written. Everything that
 * reads an index (lookup below, the template library's import, auto-detect's directory source)
 * goes through it. Throws TemplateError (template_error) naming the file and line.
 */
export function readIndexRows(text: string, file = "index"): { header: string[]; rows: IndexRow[] } {
  const lines = pyFileLines(text);
  let n = 0;
  let headerText = "";
  while (!headerText) {
    if (n >= lines.length)
      throw new TemplateError(file, "the index has no header line (e.g. 'Template, Hostname, Platform, Command')");
    headerText = pyStrip(lines[n++].split("#")[0]);
  }
  const header = headerText.split(",").map(pyStrip);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new TemplateError(file, `Duplicate header entry '${h}'`, n);
    seen.add(h);
  }
  if (!header.includes("Template")) throw new TemplateError(file, "Index file does not have 'Template' column", n);
  const rows: IndexRow[] = [];
  for (; n < lines.length; n++) {
    const line = lines[n];
    if (line.startsWith("#")) continue;
    const fields = line.split(",").map(pyStrip);
    if (fields.length !== header.length) continue;
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = fields[i]));
    const templates = cells.Template.split(":")
      .map(pyStrip)
      .filter((t) => t !== "");
    rows.push({ line: n + 1, templates, cells });
  }
  return { header, rows };
}

export class TemplateIndex {
  readonly header: string[];
  private readonly rows: CompiledRow[];
  private readonly platformRows = new Map<string, CompiledRow[]>();
  private readonly matches = new Map<string, CompiledRow | null>();

  private constructor(
    readonly templatesDir: string,
    readonly file: string,
    header: string[],
    rows: CompiledRow[],
  ) {
    this.header = header;
    this.rows = rows;
  }

  static load(templatesDir: string, indexName = "index"): TemplateIndex {
    const file = path.join(templatesDir, indexName);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new TemplateError(file, `cannot read the template index: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    }
    return TemplateIndex.parse(text, templatesDir, file);
  }

  static parse(text: string, templatesDir: string, file = path.join(templatesDir, "index")): TemplateIndex {
    const { header, rows } = readIndexRows(text, file);
    const compiled = rows.map((row): CompiledRow => {
      const matchers = new Map<string, Matcher>();
      for (const h of header) {
        if (h === "Template" || !row.cells[h]) continue;
        const pattern = h === "Command" ? expandCompletion(row.cells[h]) : row.cells[h];
        try {
          matchers.set(h, matcher(pattern));
        } catch (err) {
          const detail =
            err instanceof RegexError ? `${err.detail} at position ${err.position}` : (err as Error).message;
          throw new TemplateError(file, `bad ${h} regex '${pattern}': ${detail}`, row.line, { cause: err });
        }
      }
      return { ...row, matchers };
    });
    return new TemplateIndex(templatesDir, file, header, compiled);
  }

  /** Every row, in file order. */
  entries(): IndexRow[] {
    return this.rows.map(({ line, templates, cells }) => ({ line, templates: [...templates], cells: { ...cells } }));
  }

  /** The row that clitable picks for these attributes, or undefined. */
  match(platform: string, command: string, hostname?: string): IndexRow | undefined {
    const key = `${platform}\u0000${command}\u0000${hostname ?? "\u0001"}`;
    let row = this.matches.get(key);
    if (row === undefined) {
      // Platform first: it rules out most rows, and the rows of one platform are reused.
      let rows = this.platformRows.get(platform);
      if (!rows) {
        rows = this.rows.filter(
          (r) => !r.matchers.has(ATTRIBUTES.platform) || r.matchers.get(ATTRIBUTES.platform)!.test(platform),
        );
        this.platformRows.set(platform, rows);
      }
      row =
        rows.find(
          (r) =>
            (!r.matchers.has(ATTRIBUTES.command) || r.matchers.get(ATTRIBUTES.command)!.test(command)) &&
            (hostname === undefined ||
              !r.matchers.has(ATTRIBUTES.hostname) ||
              r.matchers.get(ATTRIBUTES.hostname)!.test(hostname)),
        ) ?? null;
      if (this.matches.size >= MEMO_LIMIT) this.matches.clear();
      this.matches.set(key, row);
    }
    return row ?? undefined;
  }

  /** Template file names for platform + command (+ hostname): one or several (merged), or []. */
  lookup(platform: string, command: string, hostname?: string): string[] {
    return this.match(platform, command, hostname)?.templates.slice() ?? [];
  }
}

/** clitable's command completion: `sh[[ow]]` becomes `sh(o(w)?)?`. */
export function expandCompletion(cell: string): string {
  return cell.replace(/\[\[.+?\]\]/g, (m) => {
    const word = [...m.slice(2, -2)];
    return "(" + word.join("(") + ")?".repeat(word.length);
  });
}
