/**
 * Auto-detect benchmark: `npm run bench:autodetect -- <tests-dir>` (default
 * ../shared/ntc-templates/tests, templates from the `templates` folder beside it).
 *
 * Imports the templates into a fresh library, then for every case of the ntc test layout
 * (<platform>/<command>/<name>.raw + .yml) detects the template (a) with the platform as only
 * hint and (b) with no hint at all, over every template. A hit: the top-ranked template is the
 * case's own template (the index lookup for its platform and command), or the detector's answer
 * equals the expected parsed_sample the way ntc-templates compares (the answer is the best
 * fitting template's parse, and no records when no template fits). Prints accuracy per mode,
 * misses per platform, the pre-filter's effect, per-output latency (p50 / p95 / max), and ends
 * with the three summary lines.
 *
 * Latency is per output with a warm detector (templates compiled once beforehand, as in a
 * running flow); the one-time preparation is printed separately.
 *
 * Two modes, each in its own process (V8's regexp flags are process-wide and act when a regex
 * is compiled): `--mode=flags` sets them first, as the vcollector process does; `--mode=library`
 * does not, as inside Node-RED (risky regexes run on the linear matcher, or in the worker
 * sandbox). Without --mode both run, one after the other.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compareWithReference, findConformanceCases, loadIndex, loadParsedSample } from "../lib/core/textfsm";
import { TemplateLibrary } from "../lib/core/templates/library";
import { TemplateDetector, type DetectResult } from "../lib/core/templates/detect";
import type { DetectHints } from "../lib/core/templates/hints";
import { enableRegexEngineFlags } from "../lib/core/textfsm/guard";

const root = path.resolve(__dirname, "..");
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const modeArg = process.argv.find((a) => a.startsWith("--mode="))?.slice("--mode=".length);
const testsDir = path.resolve(positional[0] ?? path.join(root, "..", "shared", "ntc-templates", "tests"));
const templatesDir = path.resolve(positional[1] ?? path.join(testsDir, "..", "templates"));

interface Mode {
  name: string;
  hints: (platform: string) => DetectHints;
  hits: number;
  fitFlagged: number;
  latencies: number[];
  cpuTimes: number[];
  slowest: Array<{ ms: number; id: string; lines: number; parsed: number; survivors: number }>;
  passedLiterals: number[];
  survivors: number[];
  parsed: number[];
  misses: Map<string, string[]>;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function answerOf(result: DetectResult): Record<string, unknown>[] {
  return result.best ? result.best.records : [];
}

/** Runs this bench once per regex mode, each in a child process. */
function runBothModes(): void {
  let failed = false;
  for (const mode of ["flags", "library"]) {
    console.log(`\n--- mode ${mode}`);
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...positional, `--mode=${mode}`], {
      stdio: "inherit",
    });
    if (r.status !== 0) failed = true;
  }
  if (failed) process.exitCode = 1;
}

function main(): void {
  if (modeArg !== "flags" && modeArg !== "library") {
    if (modeArg !== undefined) throw new Error(`--mode must be flags or library, not ${modeArg}`);
    runBothModes();
    return;
  }
  const linear = modeArg === "flags" ? enableRegexEngineFlags() : false;
  console.log(
    modeArg === "library"
      ? "mode: library (no V8 regexp flags, as inside Node-RED; risky regexes on the linear matcher or in the worker sandbox)"
      : `mode: vcollector process (V8 regexp flags set; linear engine ${linear ? "on" : "unavailable"})`,
  );
  if (!fs.existsSync(testsDir)) throw new Error(`no tests directory ${testsDir}`);
  if (!fs.existsSync(path.join(templatesDir, "index")))
    throw new Error(`no templates with an index in ${templatesDir} (pass it as the second argument)`);
  const cases = findConformanceCases(testsDir);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-autodetect-"));
  try {
    let t = performance.now();
    const library = TemplateLibrary.open(path.join(home, "templates.db"));
    const report = library.importNtc(templatesDir);
    const detector = TemplateDetector.fromLibrary(library);
    library.close();
    const importMs = performance.now() - t;
    t = performance.now();
    const prepared = detector.prepare();
    const prepareMs = performance.now() - t;
    console.log(
      `templates: ${detector.size} (${report.added} imported in ${importMs.toFixed(0)} ms; compiled and pre-filters built in ${prepareMs.toFixed(0)} ms, ${prepared.failed.length} failed to compile)`,
    );
    console.log(`cases: ${cases.length} in ${testsDir}`);
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ")} at start`,
    );

    const index = loadIndex(templatesDir);
    const newMode = (name: string, hints: Mode["hints"]): Mode => ({
      name,
      hints,
      hits: 0,
      fitFlagged: 0,
      latencies: [],
      cpuTimes: [],
      slowest: [],
      passedLiterals: [],
      survivors: [],
      parsed: [],
      misses: new Map(),
    });
    const modes: Mode[] = [newMode("platform-hint", (platform) => ({ platform })), newMode("no-hint", () => ({}))];
    const timeouts = new Map<string, number>();
    let skipped = 0;
    for (const c of cases) {
      const raw = fs.readFileSync(c.raw, "utf8").replace(/\r\n?/g, "\n");
      const expected = loadParsedSample(c.yml);
      const own = new Set(index.lookup(c.platform, c.command).map((f) => f.replace(/\.textfsm$/, "")));
      for (const mode of modes) {
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        const result = detector.detect(raw, mode.hints(c.platform), { clean: false, top: 1 });
        const ms = performance.now() - started;
        const cpu = process.cpuUsage(cpuStart);
        mode.latencies.push(ms);
        mode.cpuTimes.push((cpu.user + cpu.system) / 1000);
        mode.slowest.push({
          ms,
          id: c.id,
          lines: raw.split("\n").length,
          parsed: result.stats.parsed,
          survivors: result.stats.survivors,
        });
        mode.slowest.sort((a, b) => b.ms - a.ms).splice(5);
        mode.passedLiterals.push(result.stats.passedLiterals);
        mode.survivors.push(result.stats.survivors);
        mode.parsed.push(result.stats.parsed);
        for (const name of result.stats.timedOut) timeouts.set(name, (timeouts.get(name) ?? 0) + 1);
        skipped += result.stats.skipped;
        const top = result.ranking[0]?.template;
        const hit =
          (top !== undefined && own.has(top)) || compareWithReference(answerOf(result), expected, 1).length === 0;
        if (hit) {
          mode.hits++;
          if (result.fits) mode.fitFlagged++;
        } else {
          const list = mode.misses.get(c.platform) ?? [];
          list.push(`${c.id} → ${top ?? "(nothing)"}${result.fits ? "" : " [no fit]"}`);
          mode.misses.set(c.platform, list);
        }
      }
    }

    for (const mode of modes) {
      const lat = [...mode.latencies].sort((a, b) => a - b);
      console.log(
        `\n--- ${mode.name}: ${mode.hits}/${cases.length} hits (${mode.fitFlagged} of them flagged as fitting)`,
      );
      const spread = (values: number[]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return `p50 ${quantile(sorted, 0.5)}, p95 ${quantile(sorted, 0.95)}, max ${sorted[sorted.length - 1]}`;
      };
      console.log(
        `templates per output (of ${detector.size}): passing the literal pre-filter ${spread(mode.passedLiterals)}; surviving the walk ${spread(mode.survivors)}; parsed ${spread(mode.parsed)}`,
      );
      const cpu = [...mode.cpuTimes].sort((a, b) => a - b);
      console.log(
        `latency p50 ${quantile(lat, 0.5).toFixed(1)} ms p95 ${quantile(lat, 0.95).toFixed(1)} ms max ${lat[lat.length - 1].toFixed(1)} ms`,
      );
      console.log(
        `cpu time p50 ${quantile(cpu, 0.5).toFixed(1)} ms p95 ${quantile(cpu, 0.95).toFixed(1)} ms max ${cpu[cpu.length - 1].toFixed(1)} ms (wall time above it is time the machine gave to other processes)`,
      );
      console.log(
        `slowest: ${mode.slowest.map((s) => `${s.id} ${s.ms.toFixed(1)} ms (${s.lines} lines, ${s.survivors} walked through, ${s.parsed} parsed)`).join("; ")}`,
      );
      const platforms = [...mode.misses.keys()].sort();
      for (const platform of platforms) {
        const misses = mode.misses.get(platform)!;
        console.log(`  ${platform}: ${misses.length} miss${misses.length === 1 ? "" : "es"}`);
        for (const miss of misses) console.log(`    ${miss}`);
      }
    }
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ")}`,
    );
    const slow = [...timeouts.entries()].sort((a, b) => b[1] - a[1]);
    console.log(
      `\nparses that ran out of their budget: ${slow.length === 0 ? "none" : slow.map(([n, k]) => `${n} ×${k}`).join(", ")}; survivors skipped for lack of time: ${skipped}`,
    );
    const [hinted, unhinted] = modes;
    const pct = (m: Mode) => ((100 * m.hits) / cases.length).toFixed(1);
    const lat = [...unhinted.latencies].sort((a, b) => a - b);
    console.log(`accuracy platform-hint: ${pct(hinted)} %`);
    console.log(`accuracy no-hint: ${pct(unhinted)} %`);
    console.log(
      `latency p50 ${quantile(lat, 0.5).toFixed(1)} ms p95 ${quantile(lat, 0.95).toFixed(1)} ms max ${lat[lat.length - 1].toFixed(1)} ms`,
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main();
