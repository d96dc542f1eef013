// npm run bench -- textfsm [<tests-dir>] [--templates <dir>]
//
// Compiles every template of the ntc-templates library and parses every corpus case
// (<tests-dir>/<platform>/<command>/*.raw) through the index, the way ntc-templates does, then
// times Python's reference textfsm (Debian python3-textfsm, /usr/bin/python3) on the same cases
// in the same run and prints the ratio ours / reference. Target: ratio <= 0.1.
// By default V8's regexp flags are set first, as the vcollector process does; --library-mode
// leaves them off (the pack inside Node-RED). --no-reference skips the Python run.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  TemplateIndex,
  compileTemplate,
  findConformanceCases,
  parseWithTemplates,
  type TextFsmTemplate,
} from "../lib/core/textfsm";
import { enableRegexEngineFlags } from "../lib/core/textfsm/guard";

const PYTHON = "/usr/bin/python3";

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed<T>(fn: () => T): [T, Timing] {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(cpu);
  return [value, { wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (c.user + c.system) / 1000 }];
}

function parseArgs(): { testsDir: string; templatesDir: string } {
  const args = process.argv.slice(2);
  const t = args.indexOf("--templates");
  const templatesArg = t >= 0 ? args[t + 1] : undefined;
  const positional = args.filter((a, i) => !a.startsWith("--") && (t < 0 || (i !== t + 1 && i !== t)));
  const testsDir = path.resolve(
    positional[0] ?? path.resolve(__dirname, "..", "..", "shared", "ntc-templates", "tests"),
  );
  const templatesDir = path.resolve(templatesArg ?? path.join(testsDir, "..", "templates"));
  return { testsDir, templatesDir };
}

function runReference(templatesDir: string, caseList: string): Record<string, number> | string {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ["-c", "import textfsm"], { encoding: "utf8" });
  if (probe.status !== 0) return "Python textfsm is not installed (Debian package python3-textfsm)";
  const script = path.join(__dirname, "textfsm_ref.py");
  const r = spawnSync(PYTHON, [script, templatesDir, caseList], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    timeout: 900_000,
  });
  if (r.status !== 0) return `reference run failed: ${r.stderr.trim().split("\n").pop()}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number>;
}

function main(): void {
  const libraryMode = process.argv.includes("--library-mode");
  const linear = libraryMode ? false : enableRegexEngineFlags();
  console.log(
    libraryMode
      ? "mode: library (no V8 regexp flags; risky regexes run on the linear matcher, regex/linear.ts)"
      : `mode: vcollector process (V8 regexp flags set; linear engine ${linear ? "on" : "unavailable"})`,
  );
  const { testsDir, templatesDir } = parseArgs();
  const cases = findConformanceCases(testsDir);
  const names = fs
    .readdirSync(templatesDir)
    .filter((f) => f.endsWith(".textfsm"))
    .sort();
  const texts = new Map(names.map((n) => [n, fs.readFileSync(path.join(templatesDir, n), "utf8")]));
  const outputs = cases.map((c) => fs.readFileSync(c.raw, "utf8").replace(/\r\n?/g, "\n"));
  console.log(`corpus: ${names.length} templates, ${cases.length} cases (${testsDir})`);

  const [compiled, compile] = timed(() => {
    const map = new Map<string, TextFsmTemplate>();
    for (const [n, text] of texts) map.set(n, compileTemplate(text, n));
    return map;
  });
  const [counts, parse] = timed(() => {
    const index = TemplateIndex.load(templatesDir);
    let records = 0;
    let errors = 0;
    cases.forEach((c, i) => {
      try {
        const templates = index.lookup(c.platform, c.command).map((n) => compiled.get(n)!);
        records += parseWithTemplates(templates, outputs[i]).records.length;
      } catch {
        errors++;
      }
    });
    return { records, errors };
  });
  const ours = { wallMs: compile.wallMs + parse.wallMs, cpuMs: compile.cpuMs + parse.cpuMs };
  console.log(
    `ours: compile ${compile.wallMs.toFixed(0)} ms, parse ${parse.wallMs.toFixed(0)} ms (index lookup + parse of every case), total ${ours.wallMs.toFixed(0)} ms wall, ${ours.cpuMs.toFixed(0)} ms CPU; ${counts.records} records, ${counts.errors} errors`,
  );

  if (process.argv.includes("--no-reference")) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-textfsm-"));
  try {
    const caseList = path.join(dir, "cases.tsv");
    fs.writeFileSync(caseList, cases.map((c) => `${c.platform}\t${c.command}\t${c.raw}`).join("\n") + "\n");
    const ref = runReference(templatesDir, caseList);
    if (typeof ref === "string") {
      console.log(`reference: not run (${ref}); no ratio`);
      return;
    }
    const refWall = ref.compile_wall + ref.parse_wall;
    const refCpu = ref.compile_cpu + ref.parse_cpu;
    console.log(
      `reference (Python textfsm ${ref.textfsm}): compile ${ref.compile_wall.toFixed(2)} s, parse ${ref.parse_wall.toFixed(2)} s (clitable, as ntc-templates parses), total ${refWall.toFixed(2)} s wall, ${refCpu.toFixed(2)} s CPU; ${ref.records} records, ${ref.errors} errors`,
    );
    console.log(
      `ratio ours/reference: ${(ours.wallMs / 1000 / refWall).toFixed(3)} wall, ${(ours.cpuMs / 1000 / refCpu).toFixed(3)} CPU (target <= 0.1)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
