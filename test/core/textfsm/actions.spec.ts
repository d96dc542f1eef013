import * as assert from "node:assert";
import { TextFsmParseError, compileTemplate } from "../../../lib/core/textfsm";
import { assertVcError, tpl } from "../../support/textfsm-fixtures";
import { ACTION_CASES } from "./semantics-cases";

describe("textfsm rules and actions", () => {
  for (const c of ACTION_CASES) {
    it(c.name, () => {
      assert.deepStrictEqual(compileTemplate(c.template, "actions.textfsm").parse(c.input).rows, c.rows);
    });
  }

  it("an Error action with a message fails the whole parse, naming the rule, the message and the input line", () => {
    const t = compileTemplate(
      tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Record", '  ^bad -> Error "unexpected line"'),
      "err.textfsm",
    );
    const err = assertVcError(
      () => t.parse("a=1\na=2\nbad things\n"),
      "parse_error",
      /^err\.textfsm: /,
      /rule line 5/,
      /"unexpected line"/,
      /input line 3/,
      /"bad things"/,
    ) as TextFsmParseError;
    assert.strictEqual(err.inputLine, 3);
    assert.strictEqual(err.ruleLine, 5);
    assert.strictEqual(err.ruleMessage, '"unexpected line"');
  });

  it("an Error action without a message", () => {
    const t = compileTemplate(tpl("Value A (\\d+)", "", "Start", "  ^a=${A}", "  ^. -> Error"), "err2.textfsm");
    const err = assertVcError(
      () => t.parse("a=1\n?\n"),
      "parse_error",
      /rule line 5/,
      /input line 2/,
    ) as TextFsmParseError;
    assert.strictEqual(err.ruleMessage, undefined);
  });

  it("a template can be parsed again after an Error, with fresh state", () => {
    const t = compileTemplate(
      tpl(
        "Value Filldown A (\\d+)",
        "Value B (\\w)",
        "",
        "Start",
        "  ^a=${A}",
        "  ^b=${B} -> Record",
        "  ^stop -> Error",
      ),
      "again.textfsm",
    );
    assert.throws(() => t.parse("a=1\nb=x\nstop\n"));
    assert.deepStrictEqual(t.parse("b=y\n").rows, [["", "y"]]);
  });

  it("interleaved parses with one template do not share state", () => {
    const t = compileTemplate(
      tpl("Value Filldown A (\\d+)", "Value B (\\w)", "", "Start", "  ^a=${A}", "  ^b=${B} -> Record", "", "EOF"),
      "shared.textfsm",
    );
    const first = t.parse("a=1\nb=x\n");
    const second = t.parse("b=y\n");
    assert.deepStrictEqual(first.rows, [["1", "x"]]);
    assert.deepStrictEqual(second.rows, [["", "y"]]);
  });

  it("stats count input lines and the lines matched by rules that are not catch-alls", () => {
    const t = compileTemplate(
      tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Record", "  ^\\s*$$", "  ^.*"),
      "stats.textfsm",
    );
    const r = t.parse("a=1\n\nnoise\na=2\n");
    assert.deepStrictEqual(r.stats, { lines: 4, matchedLines: 2 });
  });

  it("input lines split the way Python's splitlines splits them", () => {
    const t = compileTemplate(tpl("Value A (.+)", "", "Start", "  ^${A} -> Record"), "lines.textfsm");
    assert.deepStrictEqual(t.parse("a\r\nb\rc\x0bd\u2028e\n\n").rows, [["a"], ["b"], ["c"], ["d"], ["e"]]);
    assert.deepStrictEqual(t.parse("").rows, []);
  });
});
