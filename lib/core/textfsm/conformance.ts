import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { errorMessage } from "../errors";
import { type ListItem, pyRepr, pyStr } from "./pytext";
import { loadIndex, parseOutput } from "./template-dir";

/**
 * The ntc-templates test suite, run the way its own tests run it
 * (tests/test_structured_data_against_parsed_reference_files.py): every
 * `<platform>/<command>/*.raw` exactly three levels below the tests directory is parsed through
 * the index with platform = folder 1 and command = folder 2 with '_' turned into ' ', and
 * compared with `parsed_sample` of the `.yml` beside it: same number of records, same key set
 * per record, equal values (strings exact, lists element by element, record order significant).
 * Values are compared after clitable's str() conversion (a None list item is 'None').
 */

export interface ConformanceCase {
  /** Path of the .raw file relative to the tests directory. */
  id: string;
  raw: string;
  yml: string;
  platform: string;
  command: string;
}

export interface ConformanceResult {
  id: string;
  platform: string;
  command: string;
  templates: string[];
  passed: boolean;
  /** Why it failed: an error while parsing or reading, or the differences (one per line). */
  error?: string;
  diff: string[];
  ms: number;
}

export interface ConformanceOptions {
  budgetMs?: number;
  /** Only run cases whose id contains this text. */
  filter?: string;
  onResult?: (r: ConformanceResult) => void;
}

export interface ConformanceSummary {
  results: ConformanceResult[];
  passed: number;
  failed: number;
}

export function findConformanceCases(testsDir: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const dirs = (p: string) =>
    fs
      .readdirSync(p, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  for (const platform of dirs(testsDir)) {
    for (const commandDir of dirs(path.join(testsDir, platform))) {
      const dir = path.join(testsDir, platform, commandDir);
      const raws = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".raw"))
        .sort();
      for (const f of raws) {
        const raw = path.join(dir, f);
        cases.push({
          id: path.join(platform, commandDir, f),
          raw,
          yml: raw.slice(0, -4) + ".yml",
          platform,
          command: commandDir.replace(/_/g, " "),
        });
      }
    }
  }
  return cases;
}

export function runConformance(
  testsDir: string,
  templatesDir: string,
  opts: ConformanceOptions = {},
): ConformanceSummary {
  const index = loadIndex(templatesDir);
  const results: ConformanceResult[] = [];
  for (const c of findConformanceCases(testsDir)) {
    if (opts.filter && !c.id.includes(opts.filter)) continue;
    const r = runCase(c, templatesDir, index, opts.budgetMs);
    results.push(r);
    opts.onResult?.(r);
  }
  const passed = results.filter((r) => r.passed).length;
  return { results, passed, failed: results.length - passed };
}

function runCase(
  c: ConformanceCase,
  templatesDir: string,
  index: ReturnType<typeof loadIndex>,
  budgetMs?: number,
): ConformanceResult {
  const started = Date.now();
  const base = { id: c.id, platform: c.platform, command: c.command };
  let templates: string[] = [];
  try {
    // Python reads the .raw in text mode: universal newlines.
    const output = fs.readFileSync(c.raw, "utf8").replace(/\r\n?/g, "\n");
    const expected = loadParsedSample(c.yml);
    const parsed = parseOutput({ templatesDir, platform: c.platform, command: c.command, output, budgetMs, index });
    templates = parsed.templates;
    const diff = compareWithReference(parsed.result.records, expected);
    return { ...base, templates, passed: diff.length === 0, diff, ms: Date.now() - started };
  } catch (err) {
    return { ...base, templates, passed: false, error: errorMessage(err), diff: [], ms: Date.now() - started };
  }
}

/** `parsed_sample` of an ntc .yml file, read with YAML 1.1 rules as PyYAML's safe_load reads it. */
export function loadParsedSample(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  let doc: { parsed_sample?: unknown } | null;
  try {
    doc = yaml.load(text, { schema: yaml.YAML11_SCHEMA }) as typeof doc;
  } catch (err) {
    if (!/deficient indentation/.test(errorMessage(err))) throw err;
    doc = yaml.load(indentFlowClosers(text), { schema: yaml.YAML11_SCHEMA }) as typeof doc;
  }
  if (!doc || typeof doc !== "object" || !("parsed_sample" in doc)) throw new Error(`${file}: no parsed_sample`);
  return doc.parsed_sample;
}

/**
 * PyYAML accepts a flow collection whose closing bracket sits at its parent key's indentation
 * (one ntc .yml does this); js-yaml rejects it. Such a closer is moved under the line above.
 */
function indentFlowClosers(text: string): string {
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const closer = /^([ ]*)([\]}],?)[ ]*$/.exec(lines[i]);
    if (!closer) continue;
    const above = /^[ ]*/.exec(lines[i - 1])![0].length;
    if (closer[1].length < above) lines[i] = " ".repeat(above) + closer[2];
  }
  return lines.join("\n");
}

/** A cell the way clitable stores it: strings, or lists of str(item). */
export function clitableCell(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((i) => pyStr(i as ListItem));
  if (v === null || v === undefined) return "None";
  return v;
}

function show(v: unknown): string {
  if (typeof v === "string") return pyRepr(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return JSON.stringify(v) ?? String(v);
}

function equalValues(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equalValues(x, b[i]));
  }
  return a === b;
}

/**
 * The ntc-templates comparison. Returns the differences, one line each (empty when equal).
 * `actual` are parse records (lower-cased keys); `expected` is the parsed_sample.
 */
export function compareWithReference(actual: Record<string, unknown>[], expected: unknown, maxLines = 20): string[] {
  const diff: string[] = [];
  if (!Array.isArray(expected)) return [`parsed_sample is not a list: ${show(expected)}`];
  if (actual.length !== expected.length) diff.push(`record count: expected ${expected.length}, got ${actual.length}`);
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n && diff.length < maxLines; i++) {
    const exp = expected[i] as Record<string, unknown>;
    if (!exp || typeof exp !== "object") {
      diff.push(`record ${i}: expected is not a mapping: ${show(exp)}`);
      continue;
    }
    const got = actual[i];
    const missing = Object.keys(exp).filter((k) => !(k in got));
    const extra = Object.keys(got).filter((k) => !(k in exp));
    if (missing.length || extra.length)
      diff.push(`record ${i}: keys differ: missing [${missing.join(", ")}], unexpected [${extra.join(", ")}]`);
    for (const k of Object.keys(exp)) {
      if (!(k in got)) continue;
      const g = clitableCell(got[k]);
      if (!equalValues(g, exp[k])) diff.push(`record ${i} '${k}': expected ${show(exp[k])}, got ${show(g)}`);
    }
  }
  if (diff.length >= maxLines) diff.push("...");
  return diff;
}
