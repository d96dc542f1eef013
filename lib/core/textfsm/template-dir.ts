import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";
import { type ParseResult, type TextFsmTemplate, DEFAULT_BUDGET_MS, compileTemplate } from "./compiled";
import { TemplateError } from "./errors";
import { TemplateIndex } from "./index-table";

/**
 * Templates on disk: compiled-template and index caches keyed by path + mtime + size, and
 * parseOutput (ntc-templates' parse_output / clitable ParseCmd).
 */

/** netmiko's variable naming a templates directory (the parse stage reads it: lib/core/parse). */
export const TEMPLATES_DIR_ENV = "NET_TEXTFSM";

interface Cached<T> {
  mtimeMs: number;
  size: number;
  value: T;
}

const templateCache = new Map<string, Cached<TextFsmTemplate>>();
const indexCache = new Map<string, Cached<TemplateIndex>>();
const CACHE_LIMIT = 5000;

function cached<T>(cache: Map<string, Cached<T>>, file: string, build: () => T): T {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new TemplateError(file, `cannot read: ${(err as Error).message}`, undefined, { cause: err });
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value;
  const value = build();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, value });
  return value;
}

/** A template file, compiled once and reused until the file changes. Named by its file name. */
export function loadTemplateFile(file: string): TextFsmTemplate {
  const abs = path.resolve(file);
  return cached(templateCache, abs, () => compileTemplate(fs.readFileSync(abs, "utf8"), path.basename(abs)));
}

/** The `index` of a template directory, parsed once and reused until the file changes. */
export function loadIndex(templatesDir: string): TemplateIndex {
  const dir = path.resolve(templatesDir);
  return cached(indexCache, path.join(dir, "index"), () => TemplateIndex.load(dir));
}

/** A template of a directory by name (".textfsm" optional), refusing names that leave the directory. */
export function templatePath(templatesDir: string, name: string): string {
  const file = name.endsWith(".textfsm") || fs.existsSync(path.join(templatesDir, name)) ? name : `${name}.textfsm`;
  const full = path.resolve(templatesDir, file);
  if (path.dirname(full) !== path.resolve(templatesDir))
    throw new VcError("no_template", `template name '${name}' must be a file name inside ${templatesDir}`);
  return full;
}

export interface ParseOutputOptions {
  templatesDir: string;
  platform: string;
  command: string;
  output: string;
  hostname?: string;
  budgetMs?: number;
  /** A loaded index to use instead of `<templatesDir>/index`. */
  index?: TemplateIndex;
}

/**
 * Finds the template(s) for platform + command through the index and parses the output, as
 * ntc-templates' parse_output does. A row naming several templates is parsed with each and the
 * tables merged the way clitable merges them. Throws VcError "no_template" when no row matches.
 */
export function parseOutput(opts: ParseOutputOptions): { templates: string[]; result: ParseResult } {
  const index = opts.index ?? loadIndex(opts.templatesDir);
  const templates = index.lookup(opts.platform, opts.command, opts.hostname);
  if (templates.length === 0) {
    throw new VcError(
      "no_template",
      `no template in ${index.file} for platform '${opts.platform}' and command '${opts.command}'`,
    );
  }
  const compiled = templates.map((t) => loadTemplateFile(path.join(opts.templatesDir, t)));
  return { templates, result: parseWithTemplates(compiled, opts.output, opts.budgetMs ?? DEFAULT_BUDGET_MS) };
}

/**
 * Parses with one template, or with several merged as clitable does: the first template decides
 * the rows; each later one only adds the columns not seen yet. With Key values (taken from the
 * first template that has any, as clitable does) a row takes the new cells of the first row of
 * the later table whose key cells are equal; without keys rows are paired by position.
 */
export function parseWithTemplates(
  templates: TextFsmTemplate[],
  output: string,
  budgetMs = DEFAULT_BUDGET_MS,
): ParseResult {
  const deadline = Date.now() + budgetMs;
  const remaining = () => Math.max(0, deadline - Date.now());
  const first = templates[0].parse(output, { budgetMs });
  if (templates.length === 1) return first;
  let keys = templates[0].keys;
  const header = [...first.header];
  const rows = first.rows.map((r) => [...r]);
  let matchedLines = first.stats.matchedLines;
  for (const t of templates.slice(1)) {
    const next = t.parse(output, { budgetMs: remaining() });
    if (keys.length === 0) keys = t.keys;
    matchedLines = Math.max(matchedLines, next.stats.matchedLines);
    for (const k of keys) {
      if (!header.includes(k))
        throw new TemplateError(
          t.name,
          `Key '${k}' is not a column of the table built so far (${header.join(", ")}), so the tables cannot be merged`,
        );
    }
    const added = next.header.map((h, i) => [h, i] as const).filter(([h]) => !header.includes(h));
    if (added.length === 0) continue;
    const keyCols = keys.map((k) => [header.indexOf(k), next.header.indexOf(k)] as const);
    for (const [h] of added) header.push(h);
    rows.forEach((row, r) => {
      let donor: unknown[] | undefined;
      if (keys.length === 0) donor = next.rows[r];
      else donor = next.rows.find((cand) => keyCols.every(([a, b]) => sameCell(row[a], cand[b])));
      for (const [, i] of added) row.push(donor ? donor[i] : "");
    });
  }
  const lower = header.map((h) => h.toLowerCase());
  const records = rows.map((row) => Object.fromEntries(lower.map((k, i) => [k, row[i]])));
  return { header, rows, records, stats: { lines: first.stats.lines, matchedLines } };
}

function sameCell(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
