import * as assert from "node:assert";
import { compileTemplate } from "../../../lib/core/textfsm";
import { pythonTextfsm } from "../../support/textfsm-fixtures";
import { ACTION_CASES, REGEX_CASES, VALUE_CASES } from "./semantics-cases";

// Every semantics case also runs through Python's textfsm (python3-textfsm, the reference): the
// expected rows written in semantics-cases.ts are what the reference produces, and so are ours.
describe("textfsm against the Python reference (python3-textfsm)", function () {
  this.timeout(60000);
  const cases = [...VALUE_CASES, ...ACTION_CASES, ...REGEX_CASES];

  it(`gives the reference's rows on all ${cases.length} semantics cases`, () => {
    const reference = pythonTextfsm(cases.map((c) => ({ template: c.template, input: c.input })));
    const differences: string[] = [];
    cases.forEach((c, i) => {
      const ref = reference[i];
      if (ref.error) {
        differences.push(`${c.name}: the reference fails: ${ref.error}`);
        return;
      }
      const ours = compileTemplate(c.template, "case.textfsm").parse(c.input);
      try {
        assert.deepStrictEqual(ours.header, ref.header);
        assert.deepStrictEqual(ours.rows, ref.rows);
        assert.deepStrictEqual(c.rows, ref.rows);
      } catch (err) {
        differences.push(`${c.name}: ${(err as Error).message}`);
      }
    });
    assert.deepStrictEqual(differences, []);
  });

  it("rejects the templates the reference rejects", () => {
    const bad = [
      "Value A\n\nStart\n  ^x\n",
      "Value Fildown A (a)\n\nStart\n  ^x\n",
      "Value A (a)\n\nStart\n  ^${B}\n",
      "Value A (a)\n\nStart\n  ^x -> Next Next\n",
      "Value A (a)\n\nBegin\n  ^x\n",
      "Value A (a)\n\nStart\n  ^x -> Nowhere\n",
      "Value A (x{3,1})\n\nStart\n  ^${A}\n",
    ];
    const reference = pythonTextfsm(bad.map((template) => ({ template, input: "" })));
    bad.forEach((template, i) => {
      assert.ok(reference[i].error, `the reference accepts ${JSON.stringify(template)}`);
      assert.throws(() => compileTemplate(template, "bad.textfsm"), `we accept ${JSON.stringify(template)}`);
    });
  });
});
