import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { NTC_TEMPLATES } from "../../support/textfsm-fixtures";
import { useTmpDir } from "../../support/tmp";

const PROBE = path.join(__dirname, "fixtures", "library-mode-probe.ts");

function probe(mode: "library" | "cli", home: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ["--require", "tsx/cjs", PROBE, mode, home, NTC_TEMPLATES], {
    encoding: "utf8",
    timeout: 150_000,
  });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

// Loaded as a library (inside Node-RED) the pack must not change process-wide settings: no V8
// flags, no exit hooks. Flags are process-wide and cannot be unset, so each mode is its own process.
describe("textfsm as a library: no process-wide side effects", function () {
  this.timeout(180_000);
  const tmp = useTmpDir("vc-libmode-");

  it("loading every node and the core sets no V8 flag and adds no exit hook; risky regexes run on the linear matcher", () => {
    const r = probe("library", tmp.path);
    assert.strictEqual(r.linearFlag, false, "V8's linear-engine flag was turned on by an import");
    assert.strictEqual(r.addedExitListeners, 0, "an exit hook was installed");
    // Without V8's linear engine the risky regexes run on lib/core/textfsm/regex/linear.ts in
    // this thread: no worker round trip, no timeout, the same result (2^60 steps for a
    // backtracking engine).
    assert.strictEqual(r.needsSandbox, false);
    assert.deepStrictEqual(r.normal, [["Routing", "enabled"]]);
    assert.deepStrictEqual(r.pathological, [["Routing", "enabled"]]);
    // No ntc template needs the worker sandbox any more (58 did), and their own cases pass.
    assert.ok((r.riskyTemplates as number) >= 50, String(r.riskyTemplates));
    assert.deepStrictEqual(r.sandboxed, []);
    assert.ok((r.riskyCases as number) >= 50, String(r.riskyCases));
    assert.deepStrictEqual(r.riskyCaseFailures, []);
  });

  it("the vcollector process opts in: the linear engine finishes the same input", () => {
    const r = probe("cli", tmp.path);
    assert.strictEqual(r.linearFlag, true);
    assert.strictEqual(r.needsSandbox, false);
    assert.deepStrictEqual(r.normal, [["Routing", "enabled"]]);
    assert.deepStrictEqual(r.pathological, [["Routing", "enabled"]]);
  });
});
