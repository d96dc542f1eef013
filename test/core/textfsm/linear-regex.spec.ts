import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileTemplate, findConformanceCases } from "../../../lib/core/textfsm";
import { walk } from "../../../lib/core/textfsm/regex/ast";
import { hasExponentialBacktracking } from "../../../lib/core/textfsm/regex/ambiguity";
import { compilePythonRegex } from "../../../lib/core/textfsm/regex/compile";
import { compileLinear } from "../../../lib/core/textfsm/regex/linear";
import { parsePythonRegex } from "../../../lib/core/textfsm/regex/parse";
import { NTC_TEMPLATES, NTC_TESTS } from "../../support/textfsm-fixtures";
import { REGEX_CASES, VALUE_CASES } from "./semantics-cases";

const programs = new Map<string, { vm: ReturnType<typeof compileLinear>; named: Array<[string, number]> }>();

/** Named groups as PyRegex.exec gives them, from the linear matcher. */
function linearExec(pattern: string, line: string): Record<string, string | undefined> | null | "unsupported" {
  let program = programs.get(pattern);
  if (!program) {
    const parsed = parsePythonRegex(pattern);
    const named: Array<[string, number]> = [];
    walk(parsed.root, (n) => {
      if (n.t === "group" && n.kind === "capture" && n.name !== undefined) named.push([n.name, n.index!]);
    });
    program = { vm: compileLinear(parsed.root, parsed.flags, parsed.groups), named };
    programs.set(pattern, program);
  }
  if (!program.vm) return "unsupported";
  const slots = program.vm.exec(line);
  // test() (no captures, used by the walk) must agree with exec().
  assert.strictEqual(program.vm.test(line), slots !== null, `test() and exec() disagree: ${pattern} on ${line}`);
  if (!slots) return null;
  const out: Record<string, string | undefined> = {};
  for (const [name, i] of program.named) {
    const [s, e] = [slots[2 * i], slots[2 * i + 1]];
    out[name] = s >= 0 && e >= 0 ? line.slice(s, e) : undefined;
  }
  return out;
}

/** The backtracking path (this test process has V8's linear fallback on, so it always ends). */
function backtrackingExec(pattern: string, line: string): Record<string, string | undefined> | null {
  const m = compilePythonRegex(pattern).exec(line);
  return m ? { ...m } : null;
}

function rulePatterns(templateText: string): string[] {
  const t = compileTemplate(templateText, "case.textfsm");
  return [...t.definition.states.values()].flatMap((s) => s.rules.map((r) => r.regex.pattern));
}

describe("textfsm linear-time matcher (risky regexes without V8's flags)", function () {
  this.timeout(120_000);

  it("finds what the backtracking engine finds: greedy, lazy, alternation order, anchors, classes", () => {
    const cases: Array<[string, string]> = [
      ["(?P<A>a+?)(?P<B>a*)", "aaa"],
      ["(?P<A>a|ab)(?P<B>c|bcd)", "abcd"],
      ["(?P<A>\\S+)\\s+(?P<B>.*)$", "Gi0/1   up   up"],
      ["(?P<A>\\w+)\\b(?P<B>.*)", "hello, world"],
      ["(?P<A>(\\d+\\/?)+)\\s+x", "1/2/3 x"],
      ["(?i)(?P<A>HOST)\\s(?P<B>[a-f]+)", "host ABC"],
      ["(?P<A>(\\S+(\\s)*)+):\\s(?P<B>\\w+)", "Some feature name: enabled"],
      ["(?:(?P<A>x)|y)+z", "xyz"],
      ["(?P<A>a*)?b", "b"],
      ["(?P<A>x{2,3})(?P<B>x*)", "xxxxx"],
      ["\\s*(?P<A>\\d+)\\s*$", "  42  "],
      ["(?P<A>.)é(?P<B>\\S+)", "xéz€"],
    ];
    for (const [pattern, line] of cases) {
      assert.deepStrictEqual(linearExec(pattern, line), backtrackingExec(pattern, line), `${pattern} on ${line}`);
      assert.strictEqual(
        linearExec(pattern, line + "\u0000!") === null,
        backtrackingExec(pattern, line + "\u0000!") === null,
      );
    }
  });

  it("keeps the last iteration's capture of a group inside a repeat, as Python does", () => {
    // JavaScript resets (?P<A>x) on the iteration that takes y; Python keeps 'x'.
    assert.deepStrictEqual(linearExec("(?:(?P<A>x)|y)+", "xy"), { A: "x" });
  });

  it("agrees with the backtracking path on every rule of the semantics cases", () => {
    let compared = 0;
    for (const c of [...REGEX_CASES, ...VALUE_CASES]) {
      for (const pattern of rulePatterns(c.template)) {
        for (const line of c.input.split("\n")) {
          const linear = linearExec(pattern, line);
          if (linear === "unsupported") continue;
          assert.deepStrictEqual(
            linear,
            backtrackingExec(pattern, line),
            `${c.name}: ${pattern} on ${JSON.stringify(line)}`,
          );
          compared++;
        }
      }
    }
    assert.ok(compared > 100, `only ${compared} comparisons`);
  });

  it("agrees with the backtracking path for every risky ntc regex on the lines of the ntc corpus", () => {
    const risky = new Set<string>();
    for (const f of fs.readdirSync(NTC_TEMPLATES).filter((n) => n.endsWith(".textfsm"))) {
      for (const pattern of rulePatterns(fs.readFileSync(path.join(NTC_TEMPLATES, f), "utf8"))) {
        const p = parsePythonRegex(pattern);
        if (p.repeatRisk && hasExponentialBacktracking(p.root, p.flags)) risky.add(pattern);
      }
    }
    assert.ok(risky.size > 50, `${risky.size} risky regexes`);
    const lines = new Set<string>();
    for (const c of findConformanceCases(NTC_TESTS).filter((_, i) => i % 8 === 0))
      for (const line of fs.readFileSync(c.raw, "utf8").split(/\r?\n/)) if (line.length < 300) lines.add(line);
    let matched = 0;
    for (const pattern of risky) {
      for (const line of lines) {
        const linear = linearExec(pattern, line);
        assert.notStrictEqual(linear, "unsupported", pattern);
        const expected = backtrackingExec(pattern, line);
        assert.deepStrictEqual(linear, expected, `${pattern} on ${JSON.stringify(line)}`);
        if (expected) matched++;
      }
    }
    assert.ok(matched > 1000, `only ${matched} matches`);
  });

  it("a lookaround or a backreference is left to the worker sandbox", () => {
    assert.strictEqual(linearExec("(?=a)(?P<A>a+)", "aa"), "unsupported");
    assert.strictEqual(linearExec("(?P<A>a)(?P=A)", "aa"), "unsupported");
  });
});
