/**
 * Content search over captures: literal or regex, case toggle, scoped by capture type, device and
 * time; bounded (max results, max file size); cancellable; streamed file by file.
 */
import * as fs from "node:fs";
import { VcError } from "../errors";
import { listCaptures, Pacer, type CaptureFile, type CaptureFilter } from "../captures/browse";
import { compileSearchPattern, type CompiledPattern } from "./pattern";
import { DEFAULT_REGEX_BUDGET_MS, matchLines } from "../regex-budget";
import { lineMatch, scanBlock, type LineMatch } from "./scan";

export { compileSearchPattern } from "./pattern";
export type { CompiledPattern } from "./pattern";
export { MAX_LINE_CHARS } from "./scan";

export const DEFAULT_MAX_RESULTS = 10_000;
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface SearchOptions extends CaptureFilter {
  collections: string;
  pattern: string;
  /** Treat the pattern as a JavaScript regular expression (default: literal text). */
  regex?: boolean;
  caseSensitive?: boolean;
  /** Stop after this many matches (the result then says truncated). Default 10,000. */
  maxResults?: number;
  /** Files larger than this are skipped with a notice. Default 50 MiB. */
  maxFileBytes?: number;
  /**
   * Time budget of a regex that could backtrack without bound, per block of up to 1 MiB of a
   * file (default 2000 ms); past it the search fails with "regex_timeout".
   */
  regexBudgetMs?: number;
  signal?: AbortSignal;
}

export interface SearchMatch {
  device: string;
  captureType: string;
  path: string;
  /** The line (without its line break), or a window of it when it is very long. */
  line: string;
  /** 1-based. */
  lineNumber: number;
  /** [start, end) of the match in `line`. */
  match: [number, number];
  /** Characters cut from the start of a very long line. */
  lineOffset?: number;
  capturedAt: string;
  history: boolean;
}

export interface SkippedFile {
  path: string;
  device: string;
  captureType: string;
  size: number;
  reason: string;
}

export type SearchEvent = { type: "match"; match: SearchMatch } | { type: "skipped"; file: SkippedFile };

export interface SearchResult {
  pattern: string;
  regex: boolean;
  caseSensitive: boolean;
  matches: SearchMatch[];
  /** True when more matches existed than maxResults. */
  truncated: boolean;
  filesSearched: number;
  filesMatched: number;
  bytesSearched: number;
  skipped: SkippedFile[];
  durationMs: number;
}

/** Files are read in chunks of this size into one reused buffer; most captures fit in one. */
const CHUNK_BYTES = 1 << 20;

function positiveInteger(value: number | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new VcError("invalid_input", `expected a positive whole number, got ${value}`, where);
  return value;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VcError("cancelled", "search cancelled");
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Scans a file block by block (whole lines, at most about one chunk plus one line in memory).
 * Synchronous reads are several times faster than the thread pool for many small files; the
 * pacer returns to the event loop between slices. Returns the bytes read.
 */
async function scanFile(
  file: string,
  buffer: Buffer,
  pattern: CompiledPattern,
  sink: (m: LineMatch) => boolean,
  pacer: Pacer,
  opts: { signal?: AbortSignal; budgetMs: number; remaining: () => number },
): Promise<number> {
  const { signal } = opts;
  const fd = fs.openSync(file, "r");
  let bytes = 0;
  let line = 1;
  let previous: string | undefined;
  const scan = async (text: string): Promise<boolean> => {
    // Lines of the block before are counted only when another block follows.
    if (previous !== undefined) line += countNewlines(previous);
    previous = text;
    if (pattern.bounded.linear) return scanBlock(text, line, pattern, sink);
    // A pattern that could backtrack without bound: matched in the worker, under the budget.
    const hits = await matchLines(pattern.bounded, text, {
      where: file,
      budgetMs: opts.budgetMs,
      limit: opts.remaining() + 1,
      firstLine: line,
      signal,
    });
    const lines = hits.length > 0 ? text.split("\n") : [];
    for (const [index, start, end] of hits) {
      const raw = lines[index];
      const content = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (!sink(lineMatch(content, line + index, start, end))) return false;
    }
    return true;
  };
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      const data =
        carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
      // A "\n" byte never occurs inside a multi-byte UTF-8 sequence, so cutting after it is safe.
      const cut = data.lastIndexOf(10) + 1;
      carry = Buffer.from(data.subarray(cut));
      if (cut > 0 && !(await scan(data.toString("utf8", 0, cut)))) return bytes;
      if (bytesRead === buffer.length) {
        await pacer.pause();
        throwIfAborted(signal);
      }
    }
    if (carry.length > 0) await scan(carry.toString("utf8"));
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

export interface SearchStats {
  truncated: boolean;
  filesSearched: number;
  filesMatched: number;
  bytesSearched: number;
}

/**
 * Streams search events: each file's matches once the file is scanned, and each file skipped (too
 * large, unreadable). Throws a VcError for an invalid pattern (before reading anything) and when
 * the signal aborts. Returns the counts.
 */
export async function* streamSearch(opts: SearchOptions): AsyncGenerator<SearchEvent, SearchStats> {
  const pattern: CompiledPattern = compileSearchPattern(opts.pattern, opts);
  const maxResults = positiveInteger(opts.maxResults, DEFAULT_MAX_RESULTS, "maxResults");
  const maxFileBytes = positiveInteger(opts.maxFileBytes, DEFAULT_MAX_FILE_BYTES, "maxFileBytes");
  const regexBudgetMs = positiveInteger(opts.regexBudgetMs, DEFAULT_REGEX_BUDGET_MS, "regexBudgetMs");
  const files = await listCaptures(opts.collections, opts);
  const pacer = new Pacer();
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const stats: SearchStats = { truncated: false, filesSearched: 0, filesMatched: 0, bytesSearched: 0 };
  let found = 0;
  const skip = (f: CaptureFile, reason: string): SearchEvent => ({
    type: "skipped",
    file: { path: f.path, device: f.device, captureType: f.captureType, size: f.size, reason },
  });

  for (const file of files) {
    throwIfAborted(opts.signal);
    await pacer.pause();
    if (file.size > maxFileBytes) {
      yield skip(file, `larger than the ${maxFileBytes}-byte limit (${file.size} bytes)`);
      continue;
    }
    const batch: SearchMatch[] = [];
    const capturedAt = file.capturedAt.toISOString();
    const sink = (m: LineMatch): boolean => {
      if (found >= maxResults) {
        stats.truncated = true;
        return false;
      }
      found++;
      batch.push({
        device: file.device,
        captureType: file.captureType,
        path: file.path,
        ...m,
        capturedAt,
        history: file.history,
      });
      return true;
    };
    try {
      stats.bytesSearched += await scanFile(file.path, buffer, pattern, sink, pacer, {
        signal: opts.signal,
        budgetMs: regexBudgetMs,
        remaining: () => maxResults - found,
      });
    } catch (err) {
      if (err instanceof VcError) throw err;
      // One unreadable file (removed meanwhile, no permission) does not end the search.
      yield skip(file, `unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    stats.filesSearched++;
    if (batch.length > 0) stats.filesMatched++;
    for (const match of batch) yield { type: "match", match };
    if (stats.truncated) break;
  }
  return stats;
}

/** Runs a search to the end and collects everything (bounded by maxResults). */
export async function searchCaptures(opts: SearchOptions): Promise<SearchResult> {
  const started = process.hrtime.bigint();
  const matches: SearchMatch[] = [];
  const skipped: SkippedFile[] = [];
  const stream = streamSearch(opts);
  let next = await stream.next();
  while (!next.done) {
    if (next.value.type === "match") matches.push(next.value.match);
    else skipped.push(next.value.file);
    next = await stream.next();
  }
  return {
    pattern: opts.pattern,
    regex: opts.regex === true,
    caseSensitive: opts.caseSensitive === true,
    matches,
    ...next.value,
    skipped,
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
}
