import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ParseTimeoutError, compileTemplate, type TextFsmTemplate } from "../../../lib/core/textfsm";
import { enableRegexEngineFlags } from "../../../lib/core/textfsm/guard";
import { NTC_TEMPLATES, assertVcError, pythonTextfsm, tpl } from "../../support/textfsm-fixtures";

function ntc(name: string): { text: string; template: TextFsmTemplate } {
  const text = fs.readFileSync(path.join(NTC_TEMPLATES, name), "utf8");
  return { text, template: compileTemplate(text, name) };
}

// Inputs on which these templates make a backtracking engine run for 2^n steps: Python's
// textfsm does not finish them (n = 40 would take days). Ours must end, and quickly enough that
// the test's own timeout (the mocha default) is never the one that stops it.
describe("textfsm time budget: parsing never hangs", function () {
  this.timeout(30000);
  // As in the vcollector process (library mode, without the flags: library-mode.spec.ts).
  before(() => assert.strictEqual(enableRegexEngineFlags(), true));

  it("cisco_ios_show_capability_feature_routing on long words without ':' finishes with the reference's result", () => {
    const { text, template } = ntc("cisco_ios_show_capability_feature_routing.textfsm");
    const input = (n: number) =>
      [
        "Displaying capability information for all available features: ",
        "x".repeat(n),
        "Routing: enabled",
        "y".repeat(n) + " " + "z".repeat(n),
      ].join("\n");
    // Small enough for Python to finish (n = 12 already takes it seconds): the reference result.
    const [reference] = pythonTextfsm([{ template: text, input: input(6) }]);
    assert.deepStrictEqual(template.parse(input(6)).rows, reference.rows);
    assert.deepStrictEqual(reference.rows, [["Routing", "enabled"]]);
    // 2^60 backtracking steps for a backtracking engine; V8's linear engine takes over.
    assert.deepStrictEqual(template.parse(input(60)).rows, [["Routing", "enabled"]]);
  });

  it("cisco_ios_show_aliases on long unmatched words finishes with the reference's result", () => {
    const { text, template } = ntc("cisco_ios_show_aliases.textfsm");
    const input = (n: number) =>
      ["Exec mode aliases:", "  h                     help", "  " + "w".repeat(n) + "!", "word ".repeat(n) + "!"].join(
        "\n",
      );
    // Python needs 17 s for n = 8; n = 3 is instant.
    const [reference] = pythonTextfsm([{ template: text, input: input(3) }]);
    assert.deepStrictEqual(template.parse(input(3)).rows, reference.rows);
    // The trailing row is the implicit end-of-input record of the Filldown MODE (as in ntc's data).
    assert.deepStrictEqual(reference.rows, [
      ["Exec mode", "h", "help"],
      ["Exec mode", "", ""],
    ]);
    assert.deepStrictEqual(template.parse(input(60)).rows, reference.rows);
  });

  it("a regex the linear engine cannot run is stopped at the budget with a located parse_timeout", () => {
    // The lookahead keeps V8's linear engine out; (\w+\s?)+ not followed by ':' backtracks 2^n.
    // The line holds the rule's literal text (">" then ":x"), so the prefilter lets it through.
    const template = compileTemplate(
      tpl("Value A ((\\w+\\s?)+)", "", "Start", "  ^(?=>)>${A}:x -> Record"),
      "slow.textfsm",
    );
    assert.strictEqual(template.needsSandbox, true);
    assert.deepStrictEqual(template.parse(">ab cd:x\n").rows, [["ab cd"]]);
    const err = assertVcError(
      () => template.parse(`first\n>${"a".repeat(45)}-:x\nlast\n`, { budgetMs: 400 }),
      "parse_timeout",
      /^slow\.textfsm: /,
      /400 ms budget/,
      /input line 2/,
    ) as ParseTimeoutError;
    assert.strictEqual(err.inputLine, 2);
    // The template is still usable afterwards.
    assert.deepStrictEqual(template.parse(">ef:x\n").rows, [["ef"]]);
  });

  it("a parse of a huge input past its budget stops between lines, naming the line", () => {
    const template = compileTemplate(tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Record"), "big.textfsm");
    const input = "a=1\n".repeat(300000);
    const err = assertVcError(
      () => template.parse(input, { budgetMs: 1 }),
      "parse_timeout",
      /big\.textfsm: parse exceeded its 1 ms budget at input line \d+/,
    ) as ParseTimeoutError;
    assert.ok(err.inputLine > 1 && err.inputLine <= 300000);
    assert.strictEqual(template.parse("a=7\n").rows.length, 1);
  });

  it("with the engine flags none of the ntc templates needs the worker sandbox (all risky regexes run on the linear engine)", () => {
    const slow = fs
      .readdirSync(NTC_TEMPLATES)
      .filter((f) => f.endsWith(".textfsm"))
      .filter((f) => ntc(f).template.needsSandbox);
    assert.deepStrictEqual(slow, []);
  });
});
