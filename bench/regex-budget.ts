/**
 * Search latency in library mode (no V8 regexp flags, as inside Node-RED): every regex search
 * pattern either runs on the Pike VM on this thread or, when it needs lookarounds or
 * backreferences, in the regex-budget worker (see lib/core/regex-budget/index.ts). Two sizes:
 * one device's captures (5 files of 50 KB, what a vc-search on one device reads) and 200 files
 * (10 MB). Median wall and CPU time of 7 runs after a warm-up (CPU time, of all threads, is the
 * steadier figure on a loaded machine); the files are removed at the end.
 *   npm run bench -- regex-budget
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileBounded } from "../lib/core/regex-budget";
import { searchCaptures, type SearchOptions } from "../lib/core/search";
import { captureText, TYPES } from "./support/captures";
import { linearEngineAvailable } from "../lib/core/textfsm/guard";

const RUNS = 7;

function generate(root: string, devices: number): number {
  let bytes = 0;
  for (const type of TYPES) {
    fs.mkdirSync(path.join(root, type), { recursive: true });
    for (let d = 0; d < devices; d++) {
      const text = captureText(type, d === 0 ? 7 : d, 40);
      fs.writeFileSync(path.join(root, type, `dev${String(d).padStart(5, "0")}.txt`), text);
      bytes += text.length;
    }
  }
  return bytes;
}

const PATTERNS: Array<[string, Partial<SearchOptions>]> = [
  ["needle", {}],
  ["CHG-\\d+-NEEDLE\\b", { regex: true, caseSensitive: true }],
  ["^interface Gi.*/4[0-7]$", { regex: true }],
  ["\\d+\\.\\d+\\.\\d+\\.1\\b", { regex: true, caseSensitive: true }],
  ["(a+)+$", { regex: true, caseSensitive: true }],
  ["(?<=ticket )CHG", { regex: true, caseSensitive: true }],
];

/** Median wall and CPU time (all threads: the worker's too) of RUNS searches after a warm-up. */
async function median(opts: SearchOptions): Promise<{ ms: number; cpuMs: number; matches: number }> {
  let last = await searchCaptures(opts);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    last = await searchCaptures(opts);
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[RUNS >> 1];
  return { ms: mid(wall), cpuMs: mid(cpu), matches: last.matches.length };
}

async function main(): Promise<void> {
  if (linearEngineAvailable()) throw new Error("this bench measures library mode: run it without V8's regexp flags");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-regex-"));
  try {
    const small = path.join(root, "one-device");
    const large = path.join(root, "200-files");
    const smallBytes = generate(small, 1);
    const largeBytes = generate(large, 40);
    console.log(
      `library mode; one device: ${TYPES.length} files, ${(smallBytes / 1024).toFixed(0)} KiB; ` +
        `200 files, ${(largeBytes / 1024 / 1024).toFixed(1)} MiB; median of ${RUNS} runs after a warm-up`,
    );
    for (const [pattern, opts] of PATTERNS) {
      const engine = (
        compileBounded(pattern, { global: true, caseInsensitive: !opts.caseSensitive }) as { engine?: string }
      ).engine;
      const s = await median({ collections: small, pattern, maxResults: 100000, ...opts });
      const l = await median({ collections: large, pattern, maxResults: 100000, ...opts });
      console.log(
        `${JSON.stringify(pattern).padEnd(30)} ${String(engine ?? "?").padEnd(6)} one device ${s.ms.toFixed(1).padStart(6)} ms (CPU ${s.cpuMs.toFixed(1)}, ${s.matches} matches)` +
          `   200 files ${l.ms.toFixed(1).padStart(7)} ms (CPU ${l.cpuMs.toFixed(0)}, ${l.matches} matches, ${(largeBytes / 1024 / 1024 / (l.ms / 1000)).toFixed(0)} MiB/s)`,
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
