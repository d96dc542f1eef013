import { spawnSync } from "node:child_process";
import * as assert from "node:assert";
import * as path from "node:path";
import { REPO_ROOT } from "./cli";
import { VcError } from "../../lib/core/errors";

/** The ntc-templates snapshot beside the repository (never copied into it). */
export const NTC_DIR = path.resolve(REPO_ROOT, "..", "shared", "ntc-templates");
export const NTC_TEMPLATES = path.join(NTC_DIR, "templates");
export const NTC_TESTS = path.join(NTC_DIR, "tests");

/** Debian's python3 with python3-textfsm: the reference implementation. */
export const PYTHON = "/usr/bin/python3";

const REFERENCE_SCRIPT = `
import io, json, sys, textfsm
data = json.load(sys.stdin)
out = []
for case in data:
    try:
        fsm = textfsm.TextFSM(io.StringIO(case["template"]))
        out.append({"header": fsm.header, "rows": fsm.ParseText(case["input"])})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`;

export interface ReferenceResult {
  header?: string[];
  rows?: unknown[][];
  error?: string;
}

/** Runs Python's textfsm on each (template, input) and returns header + rows, or the error. */
export function pythonTextfsm(cases: Array<{ template: string; input: string }>): ReferenceResult[] {
  const r = spawnSync(PYTHON, ["-c", REFERENCE_SCRIPT], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    timeout: 60000,
  });
  if (r.status !== 0) throw new Error(`python textfsm failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReferenceResult[];
}

/** Asserts that `fn` throws a VcError of `errorClass` whose message matches every pattern. */
export function assertVcError(fn: () => unknown, errorClass: string, ...patterns: RegExp[]): VcError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof VcError, `expected a VcError, got ${String(caught)}`);
  assert.strictEqual(caught.errorClass, errorClass, caught.message);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

/** A template from lines (joined with \n). */
export function tpl(...lines: string[]): string {
  return lines.join("\n") + "\n";
}
