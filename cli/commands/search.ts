import { UsageError, VcError } from "../../lib/core/errors";
import { parseAge } from "../../lib/core/captures/browse";
import {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_RESULTS,
  streamSearch,
  type SearchMatch,
  type SearchEvent,
  type SearchOptions,
  type SearchStats,
  type SkippedFile,
} from "../../lib/core/search";
import { parseCommandArgs, printJson, writeLine, type CliCommand } from "../command";
import { terminalSafe } from "../terminal-safe";

const USAGE = `Usage: vcollector search <pattern> [options]

Searches the captured outputs (<home>/collections/<capture_type>/<device>.txt) line by line.
Prints one line per match: <capture_type>/<device>:<line number>: <line>

Options:
  --regex                the pattern is a regular expression (JavaScript syntax); default: literal text
  --case-sensitive       match case exactly (default: ignore case)
  --type <t>             only this capture type (repeatable)
  --device <d>           only this device, ignoring case; * and ? are wildcards (repeatable)
  --since <age>          only captures younger than this: 30m, 24h, 7d, 2w
  --history              also search the timestamped history copies
  --max-results <n>      stop after n matches (default ${DEFAULT_MAX_RESULTS})
  --max-file-size <size> skip larger files, with a notice (bytes, or 500K, 20M, 1G; default ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024}M)
  --json                 print the result (matches, counts, skipped files) as JSON
  --collections <dir>    the captures directory (default <home>/collections)

A regular expression that could backtrack without bound (lookarounds, backreferences) gets a
time budget of 2 s per MiB block of a file; past it the search stops with regex_timeout naming
the pattern and the file. Nested repeats like (a+)+ are safe: they fall back to a linear engine.

Exit codes (like grep): 0 matches found, 1 no match or failure, 2 usage error (an invalid regex too),
130 interrupted (Ctrl-C).`;

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseByteSize(text: string, option: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text);
  if (!m || Number(m[1]) === 0) throw new UsageError(`${option} must be a size like 500K, 20M or 1G, got '${text}'`);
  return Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()];
}

function positive(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) === 0)
    throw new UsageError(`${option} must be a positive whole number, got '${text}'`);
  return Number(text);
}

function formatMatch(m: SearchMatch): string {
  const where = m.history ? `${m.captureType}/${m.device}@${m.capturedAt}` : `${m.captureType}/${m.device}`;
  return terminalSafe(`${where}:${m.lineNumber}: ${m.line}`);
}

function skippedNotice(f: SkippedFile): string {
  return terminalSafe(`vcollector search: skipped ${f.path}: ${f.reason}`);
}

export const command: CliCommand = {
  name: "search",
  summary: "search captured outputs (literal or regex)",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      regex: { type: "boolean" },
      "case-sensitive": { type: "boolean" },
      type: { type: "string", multiple: true },
      device: { type: "string", multiple: true },
      since: { type: "string" },
      history: { type: "boolean" },
      "max-results": { type: "string" },
      "max-file-size": { type: "string" },
      json: { type: "boolean" },
      collections: { type: "string" },
    });
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? "give the pattern to search for"
          : `one pattern only (got ${positionals.length}; quote a pattern with spaces)`,
      );
    let maxAgeMs: number | undefined;
    try {
      maxAgeMs = values.since !== undefined ? parseAge(values.since, "--since") : undefined;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const opts: SearchOptions = {
      collections: values.collections ?? ctx.home.collections,
      pattern: positionals[0],
      regex: values.regex === true,
      caseSensitive: values["case-sensitive"] === true,
      captureTypes: values.type,
      devices: values.device,
      maxAgeMs,
      includeHistory: values.history === true,
      maxResults: positive(values["max-results"], "--max-results"),
      maxFileBytes:
        values["max-file-size"] !== undefined ? parseByteSize(values["max-file-size"], "--max-file-size") : undefined,
      signal: ctx.signal,
    };

    const matches: SearchMatch[] = [];
    const skipped: SkippedFile[] = [];
    const stream = streamSearch(opts);
    let count = 0;
    let next: IteratorResult<SearchEvent, SearchStats>;
    try {
      for (next = await stream.next(); !next.done; next = await stream.next()) {
        const event = next.value;
        if (event.type === "skipped") {
          skipped.push(event.file);
          writeLine(ctx.stderr, skippedNotice(event.file));
          continue;
        }
        count++;
        if (values.json) matches.push(event.match);
        else writeLine(ctx.stdout, formatMatch(event.match));
      }
    } catch (err) {
      if (!(err instanceof VcError)) throw err;
      if (err.errorClass === "bad_pattern") throw new UsageError(err.message);
      if (err.errorClass === "cancelled") {
        writeLine(ctx.stderr, "vcollector search: cancelled");
        return 130;
      }
      if (err.errorClass === "regex_timeout") {
        writeLine(ctx.stderr, `vcollector search: regex_timeout: ${err.message}`);
        return 1;
      }
      throw err;
    }
    const stats = next.value;
    if (values.json) {
      printJson(ctx.stdout, {
        pattern: opts.pattern,
        regex: opts.regex,
        caseSensitive: opts.caseSensitive,
        matchCount: count,
        ...stats,
        skipped,
        matches,
      });
    } else if (stats.truncated) {
      writeLine(ctx.stderr, `vcollector search: stopped after ${count} matches (--max-results); there are more`);
    }
    return count > 0 ? 0 : 1;
  },
};
