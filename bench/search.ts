/**
 * Search benchmark: 10,000 capture files of 50 KB (5 capture types x 2,000 devices) under a temp
 * directory, searched for a literal and for a regex. Target: each search <= 3 s. The files are
 * removed at the end.
 *   npm run bench -- search
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { searchCaptures, type SearchOptions } from "../lib/core/search";
import { captureText, TYPES } from "./support/captures";

const DEVICES_PER_TYPE = 2000;
const TARGET_MS = 3000;
const RUNS = 3;

function generate(root: string): { files: number; bytes: number; ms: number } {
  const started = performance.now();
  let files = 0;
  let bytes = 0;
  for (const type of TYPES) {
    fs.mkdirSync(path.join(root, type), { recursive: true });
    for (let d = 0; d < DEVICES_PER_TYPE; d++) {
      const text = captureText(type, d);
      fs.writeFileSync(path.join(root, type, `dev${String(d).padStart(5, "0")}.txt`), text);
      files++;
      bytes += Buffer.byteLength(text);
    }
  }
  return { files, bytes, ms: performance.now() - started };
}

async function time(label: string, opts: SearchOptions): Promise<boolean> {
  const durations: number[] = [];
  let last = await searchCaptures(opts);
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    last = await searchCaptures(opts);
    durations.push(performance.now() - t);
  }
  durations.sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)];
  const mbPerS = last.bytesSearched / 1024 / 1024 / (median / 1000);
  const ok = median <= TARGET_MS;
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(0).padStart(5)} ms  (min ${durations[0].toFixed(0)}, max ${durations[durations.length - 1].toFixed(0)})  ` +
      `${last.filesSearched} files, ${(last.bytesSearched / 1024 / 1024).toFixed(0)} MiB, ${mbPerS.toFixed(0)} MiB/s, ${last.matches.length} matches  ` +
      `target <= ${TARGET_MS} ms: ${ok ? "PASS" : "FAIL"}`,
  );
  return ok;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-search-"));
  try {
    const g = generate(root);
    console.log(
      `generated ${g.files} files, ${(g.bytes / 1024 / 1024).toFixed(0)} MiB in ${(g.ms / 1000).toFixed(1)} s (warm-up run not counted, ${RUNS} timed runs each)`,
    );
    const results = [
      await time("literal 'needle' (case-insensitive)", { collections: root, pattern: "needle" }),
      await time("regex CHG-\\d+-NEEDLE\\b", {
        collections: root,
        pattern: "CHG-\\d+-NEEDLE\\b",
        regex: true,
        caseSensitive: true,
      }),
      await time("regex ^interface Gi.*/4[0-7]$", {
        collections: root,
        pattern: "^interface Gi.*/4[0-7]$",
        regex: true,
        maxResults: 100000,
      }),
    ];
    if (results.some((ok) => !ok)) process.exitCode = 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
