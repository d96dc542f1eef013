import * as assert from "node:assert";
import { RegexError, compileTemplate, compilePythonRegex, translatePythonRegex } from "../../../lib/core/textfsm";
import { REGEX_CASES } from "./semantics-cases";

function js(pattern: string): string {
  return translatePythonRegex(pattern).source;
}

function refused(pattern: string, kind: "invalid" | "unsupported", detail: RegExp): void {
  assert.throws(
    () => translatePythonRegex(pattern),
    (err: unknown) => err instanceof RegexError && err.kind === kind && detail.test(err.message),
  );
}

describe("textfsm Python regex translation", () => {
  for (const c of REGEX_CASES) {
    it(c.name, () => {
      assert.deepStrictEqual(compileTemplate(c.template, "regex.textfsm").parse(c.input).rows, c.rows);
    });
  }

  it("named groups, re.match anchoring and Python's dot", () => {
    assert.strictEqual(js("(?P<A>a).b|c"), "^(?:(?<A>a)[^\\n]b|c)");
  });

  it("a re-scanned repeat that took no part leaves no internal group in the result", () => {
    const re = compilePythonRegex("x(?:((?P<A>a)?b)+)?y");
    assert.deepStrictEqual({ ...re.exec("xy") }, { A: undefined });
    assert.deepStrictEqual({ ...re.exec("xabby") }, { A: "a" });
  });

  it("{,n}, a literal {, \\A and \\Z", () => {
    assert.strictEqual(js("\\Ax{,3}y{2,}z{a}\\Z"), "^(?:^x{0,3}y{2,}z\\{a\\}$)");
  });

  it("(X)? becomes (?:X|) so an empty iteration captures '' as in Python", () => {
    assert.strictEqual(js("(a*)?"), "^(?:(?:(a*)|))");
    assert.strictEqual(js("(a*)??"), "^(?:(?:|(a*)))");
    assert.strictEqual(js("(a+)?"), "^(?:(a+)?)");
  });

  it("long counted repeats are split so that V8's linear engine accepts them", () => {
    assert.strictEqual(js("\\s{40}"), "^(?:\\s{16}\\s{16}\\s{8})");
    assert.strictEqual(js("(?:\\S+\\s+){9}"), "^(?:(?:\\S+\\s+){8}(?:\\S+\\s+))");
  });

  it("Python errors are reported with Python's message and position", () => {
    refused("a**", "invalid", /multiple repeat at position 2/);
    refused("^*", "invalid", /nothing to repeat at position 1/);
    refused("[z-a]", "invalid", /bad character range z-a/);
    refused("\\q", "invalid", /bad escape \\q/);
    refused("(a)\\2", "invalid", /invalid group reference 2/);
    refused("(?<=a+)b", "invalid", /look-behind requires fixed-width pattern/);
    refused("a(?i)b", "invalid", /global flags not at the start/);
    refused("(?<n>a)", "invalid", /unknown extension \?<n/);
  });

  it("constructs JavaScript has no equivalent for are refused by name", () => {
    refused("(?>a)", "unsupported", /atomic group/);
    refused("a++", "unsupported", /possessive quantifier/);
    refused("(?(1)a|b)", "unsupported", /conditional group/);
    refused("(?x) a", "unsupported", /verbose flag/);
    refused("(?i:a)", "unsupported", /scoped inline flags/);
    refused("\\N{DIGIT ONE}", "unsupported", /named character escape/);
  });

  it("a leading (?i) flag becomes the RegExp's i flag", () => {
    const t = translatePythonRegex("(?i)vlan");
    assert.strictEqual(t.flags, "i");
    assert.ok(new RegExp(t.source, t.flags).test("VLAN"));
  });
});
