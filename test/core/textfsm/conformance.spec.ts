import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { compareWithReference, findConformanceCases, runConformance } from "../../../lib/core/textfsm";
import { NTC_TEMPLATES, NTC_TESTS, tpl } from "../../support/textfsm-fixtures";
import { useTmpDir } from "../../support/tmp";

describe("textfsm conformance with the ntc-templates test suite", function () {
  this.timeout(300000);
  const tmp = useTmpDir("vc-textfsm-conformance-");

  it("passes every case of ../shared/ntc-templates/tests (1400 of 1400)", () => {
    const summary = runConformance(NTC_TESTS, NTC_TEMPLATES);
    const failures = summary.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error ?? r.diff.join("; ")}`);
    assert.deepStrictEqual(failures, []);
    assert.strictEqual(summary.results.length, 1400);
    assert.strictEqual(summary.passed, 1400);
  });

  it("collects exactly <platform>/<command>/*.raw, with the command taken from the folder", () => {
    const cases = findConformanceCases(NTC_TESTS);
    assert.strictEqual(cases.length, 1400);
    assert.ok(cases.every((c) => !c.id.startsWith("mocks")));
    const c = cases.find((x) => x.id === path.join("cisco_ios", "show_version", "cisco_ios_show_version.raw"));
    assert.ok(c);
    assert.strictEqual(c.platform, "cisco_ios");
    assert.strictEqual(c.command, "show version");
  });

  it("reports a failing case with its differences", () => {
    const templates = path.join(tmp.path, "templates");
    const tests = path.join(tmp.path, "tests", "acme_os", "show_thing");
    fs.mkdirSync(templates, { recursive: true });
    fs.mkdirSync(tests, { recursive: true });
    fs.writeFileSync(
      path.join(templates, "index"),
      "Template, Hostname, Platform, Command\nacme_os_show_thing.textfsm, .*, acme_os, sh[[ow]] thing\n",
    );
    fs.writeFileSync(
      path.join(templates, "acme_os_show_thing.textfsm"),
      tpl(
        "Value NAME (\\w+)",
        "Value List TAGS (\\w+)",
        "",
        "Start",
        "  ^name ${NAME}",
        "  ^tag ${TAGS}",
        "  ^end -> Record",
      ),
    );
    fs.writeFileSync(path.join(tests, "good.raw"), "name a\ntag x\ntag y\nend\n");
    fs.writeFileSync(
      path.join(tests, "good.yml"),
      '---\nparsed_sample:\n  - name: "a"\n    tags:\n      - "x"\n      - "y"\n',
    );
    fs.writeFileSync(path.join(tests, "bad.raw"), "name a\ntag x\nend\nname b\nend\n");
    fs.writeFileSync(
      path.join(tests, "bad.yml"),
      '---\nparsed_sample:\n  - name: "A"\n    tags: ["x", "z"]\n    extra: ""\n',
    );
    const summary = runConformance(path.join(tmp.path, "tests"), templates);
    assert.deepStrictEqual([summary.passed, summary.failed], [1, 1]);
    const bad = summary.results.find((r) => !r.passed)!;
    assert.strictEqual(bad.id, path.join("acme_os", "show_thing", "bad.raw"));
    assert.deepStrictEqual(bad.templates, ["acme_os_show_thing.textfsm"]);
    assert.deepStrictEqual(bad.diff, [
      "record count: expected 1, got 2",
      "record 0: keys differ: missing [extra], unexpected []",
      "record 0 'name': expected 'A', got 'a'",
      "record 0 'tags': expected ['x', 'z'], got ['x']",
    ]);
  });

  it("compares the way ntc's tests do: values after clitable's str(), types as YAML 1.1 reads them", () => {
    assert.deepStrictEqual(compareWithReference([{ a: ["x", null] }], [{ a: ["x", "None"] }]), []);
    assert.deepStrictEqual(compareWithReference([{ a: "1" }], [{ a: 1 }]), ["record 0 'a': expected 1, got '1'"]);
    assert.deepStrictEqual(compareWithReference([{ a: [{ n: "1" }] }], [{ a: ["{'n': '1'}"] }]), []);
    assert.deepStrictEqual(compareWithReference([], {}), ["parsed_sample is not a list: {}"]);
  });
});
