import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { hoursAgo, writeCapture } from "../../support/capture-fixtures";
import { useTmpDir } from "../../support/tmp";

const PROBE = path.join(__dirname, "fixtures", "library-mode-probe.ts");
const EVIL = "a".repeat(40) + "b";

interface Outcome {
  value?: unknown;
  error?: string;
  message: string;
  workers: number;
}

interface ProbeOutput {
  linearEngine: boolean;
  engines: Record<string, string>;
  testAll: Outcome;
  matchLines: Outcome;
  search: Outcome;
  nameFilter: Outcome;
  lookaheadSync: Outcome;
  lookaheadSearch: Outcome;
  file: string;
}

// Library mode (inside Node-RED: no V8 regexp flags, so no linear fallback in the native engine).
// The flags are process-wide and this test process has them on, so the probe is a child process.
describe("regex-budget in library mode (no V8 regexp flags)", function () {
  this.timeout(120_000);
  const tmp = useTmpDir("vc-regex-libmode-");

  it("runs a catastrophic pattern on the VM on the calling thread (no worker); a lookahead still gets the deadline", () => {
    const collections = path.join(tmp.path, "collections");
    writeCapture(collections, "show_run", "r1", `hostname r1\n${EVIL}\naaaa\n`, hoursAgo(1));
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", PROBE, collections], {
      encoding: "utf8",
      timeout: 100_000,
    });
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as ProbeOutput;

    assert.strictEqual(out.linearEngine, false, "the probe must run without V8's linear engine");
    assert.deepStrictEqual(out.engines, {
      "(a+)+$": "vm",
      "^(?=a)(a+)+$": "worker",
      "(a)\\1": "worker",
      "a{1,100}": "vm",
      "(a*)*b": "worker",
    });
    // Right answers, and not one worker started for them.
    assert.deepStrictEqual(out.testAll, { value: [false, true, false], workers: 0 });
    assert.deepStrictEqual(out.matchLines, { value: [[1, 1, 4]], workers: 0 });
    assert.deepStrictEqual(out.search, { value: [["r1", 3, [0, 4]]], workers: 0 });
    assert.deepStrictEqual(out.nameFilter, { value: ["CORE-AA", "core-aaaa"], workers: 0 });

    assert.strictEqual(out.lookaheadSync.error, "regex_timeout", JSON.stringify(out.lookaheadSync));
    assert.match(out.lookaheadSync.message, /^filter\.name: regular expression '\^\(\?=a\)\(a\+\)\+\$' exceeded/);
    assert.ok(out.lookaheadSync.message.includes(EVIL), out.lookaheadSync.message);
    assert.ok(out.lookaheadSync.workers >= 1, "the lookahead ran without the worker");
    assert.strictEqual(out.lookaheadSearch.error, "regex_timeout", JSON.stringify(out.lookaheadSearch));
    assert.ok(out.lookaheadSearch.message.startsWith(`${out.file}: `), out.lookaheadSearch.message);
    assert.ok(out.lookaheadSearch.message.includes("'^(?=a)(a+)+$'"), out.lookaheadSearch.message);
    assert.match(out.lookaheadSearch.message, / at line 2 /);
  });
});
