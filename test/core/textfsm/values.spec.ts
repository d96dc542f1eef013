import * as assert from "node:assert";
import { compileTemplate } from "../../../lib/core/textfsm";
import { VALUE_CASES } from "./semantics-cases";

describe("textfsm Value options", () => {
  for (const c of VALUE_CASES) {
    it(c.name, () => {
      assert.deepStrictEqual(compileTemplate(c.template, "values.textfsm").parse(c.input).rows, c.rows);
    });
  }

  it("records are keyed by the lower-cased header; List values are arrays", () => {
    const t = compileTemplate(
      "Value VLAN_ID (\\d+)\nValue List Ports (\\S+)\n\nStart\n  ^vlan ${VLAN_ID}\n  ^ port ${Ports}\n  ^end -> Record\n",
      "v.textfsm",
    );
    const r = t.parse("vlan 10\n port a\n port b\nend\n");
    assert.deepStrictEqual(r.header, ["VLAN_ID", "Ports"]);
    assert.deepStrictEqual(r.records, [{ vlan_id: "10", ports: ["a", "b"] }]);
    assert.deepStrictEqual(t.keys, []);
  });

  it("Key values are reported for multi-template merges", () => {
    const t = compileTemplate(
      "Value Key NAME (\\w+)\nValue Key,Required SLOT (\\d+)\nValue V (\\d+)\n\nStart\n  ^${NAME} ${SLOT} ${V} -> Record\n",
      "k.textfsm",
    );
    assert.deepStrictEqual(t.keys, ["NAME", "SLOT"]);
  });
});
