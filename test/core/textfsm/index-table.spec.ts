import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  TemplateIndex,
  readIndexRows,
  TemplateError,
  expandCompletion,
  parseOutput,
  parseWithTemplates,
  compileTemplate,
} from "../../../lib/core/textfsm";
import { useTmpDir } from "../../support/tmp";
import { NTC_TEMPLATES, assertVcError, tpl } from "../../support/textfsm-fixtures";

const INDEX = [
  "# comment before the header",
  "",
  "Template, Hostname, Platform, Command  # trailing comment",
  "",
  "# a comment row",
  "  # an indented comment has the wrong field count and is dropped too",
  "a_show_ip_route_summary.textfsm, .*, vendor_(a|b), sh[[ow]] ip ro[[ute]] su[[mmary]]",
  "a_show_ip_route.textfsm, .*, vendor_(a|b), sh[[ow]] ip ro[[ute]]",
  "only_r1.textfsm, r1.*, vendor_c, show x",
  "any_host.textfsm, .*, vendor_c, show x",
  "bad row with, too, many, fields, here",
  "multi_a.textfsm:multi_b.textfsm, .*, vendor_m, show multi",
].join("\n");

describe("textfsm index (clitable)", () => {
  const tmp = useTmpDir("vc-textfsm-index-");

  it("expands [[...]] command completion as clitable does", () => {
    assert.strictEqual(expandCompletion("sh[[ow]]"), "sh(o(w)?)?");
    assert.strictEqual(expandCompletion("a[[bc]] de[[f]]"), "a(b(c)?)? de(f)?");
    assert.strictEqual(expandCompletion("x[[]]"), "x[[]]");
  });

  it("reads the header after comments, drops comment and malformed rows, keeps file order", () => {
    const index = TemplateIndex.parse(INDEX, "/t");
    assert.deepStrictEqual(index.header, ["Template", "Hostname", "Platform", "Command"]);
    assert.deepStrictEqual(
      index.entries().map((e) => [e.line, e.templates.join(":")]),
      [
        [7, "a_show_ip_route_summary.textfsm"],
        [8, "a_show_ip_route.textfsm"],
        [9, "only_r1.textfsm"],
        [10, "any_host.textfsm"],
        [12, "multi_a.textfsm:multi_b.textfsm"],
      ],
    );
  });

  it("readIndexRows (the one index reader) keeps the cells as written, completion included", () => {
    const { header, rows } = readIndexRows(INDEX, "/t/index");
    assert.deepStrictEqual(header, ["Template", "Hostname", "Platform", "Command"]);
    assert.deepStrictEqual(rows[1], {
      line: 8,
      templates: ["a_show_ip_route.textfsm"],
      cells: {
        Template: "a_show_ip_route.textfsm",
        Hostname: ".*",
        Platform: "vendor_(a|b)",
        Command: "sh[[ow]] ip ro[[ute]]",
      },
    });
    assert.strictEqual(rows[4].templates.length, 2);
    const ntc = readIndexRows(fs.readFileSync(path.join(NTC_TEMPLATES, "index"), "utf8")).rows;
    const version = ntc.find((r) => r.templates.includes("cisco_ios_show_version.textfsm"))!;
    assert.deepStrictEqual([version.cells.Platform, version.cells.Command], ["cisco_ios", "sh[[ow]] ver[[sion]]"]);
  });

  it("looks up by prefix regex on platform and command; the first matching row wins", () => {
    const index = TemplateIndex.parse(INDEX, "/t");
    assert.deepStrictEqual(index.lookup("vendor_a", "show ip route summary"), ["a_show_ip_route_summary.textfsm"]);
    assert.deepStrictEqual(index.lookup("vendor_b", "sh ip ro"), ["a_show_ip_route.textfsm"]);
    assert.deepStrictEqual(index.lookup("vendor_a_telnet", "sho ip rout"), ["a_show_ip_route.textfsm"]);
    assert.deepStrictEqual(index.lookup("vendor_z", "show ip route"), []);
    assert.deepStrictEqual(index.lookup("vendor_a", "show ip"), []);
  });

  it("matches the Hostname column only when a hostname is given", () => {
    const index = TemplateIndex.parse(INDEX, "/t");
    assert.deepStrictEqual(index.lookup("vendor_c", "show x"), ["only_r1.textfsm"]);
    assert.deepStrictEqual(index.lookup("vendor_c", "show x", "r1-core"), ["only_r1.textfsm"]);
    assert.deepStrictEqual(index.lookup("vendor_c", "show x", "r2-edge"), ["any_host.textfsm"]);
    assert.deepStrictEqual(index.lookup("vendor_m", "show multi"), ["multi_a.textfsm", "multi_b.textfsm"]);
  });

  it("index errors name the file and line", () => {
    assertVcError(
      () => TemplateIndex.parse("Hostname, Platform, Command\nx, y, z\n", "/t", "/t/index"),
      "template_error",
      /^\/t\/index:1: Index file does not have 'Template' column/,
    );
    assertVcError(() => TemplateIndex.parse("# only comments\n", "/t", "/t/index"), "template_error", /no header line/);
    assertVcError(
      () => TemplateIndex.parse("Template, Platform, Command\nx.textfsm, p, show (x\n", "/t", "/t/index"),
      "template_error",
      /^\/t\/index:2: bad Command regex 'show \(x'/,
    );
  });

  it("the ntc-templates index routes folders to templates the way ntc's tests expect", () => {
    const index = TemplateIndex.load(NTC_TEMPLATES);
    assert.deepStrictEqual(index.lookup("cisco_ios", "show version"), ["cisco_ios_show_version.textfsm"]);
    assert.deepStrictEqual(index.lookup("cisco_ftd", "show arp"), ["cisco_asa_show_arp.textfsm"]);
    assert.deepStrictEqual(index.lookup("arista_eos", "show bgp evpn summary"), [
      "arista_eos_show_ip_bgp_summary.textfsm",
    ]);
    assert.strictEqual(index.lookup("cisco_asa", "show module").length, 3);
  });

  it("merges a multi-template row by Key values: first template decides the rows", () => {
    fs.writeFileSync(
      path.join(tmp.path, "a.textfsm"),
      tpl("Value Key SLOT (\\d+)", "Value MODEL (\\S+)", "", "Start", "  ^${SLOT} model ${MODEL} -> Record"),
    );
    fs.writeFileSync(
      path.join(tmp.path, "b.textfsm"),
      tpl("Value Key SLOT (\\d+)", "Value STATUS (\\S+)", "", "Start", "  ^${SLOT} status ${STATUS} -> Record"),
    );
    fs.writeFileSync(
      path.join(tmp.path, "index"),
      "Template, Hostname, Platform, Command\na.textfsm:b.textfsm, .*, vm, show module\n",
    );
    const output = "1 model X\n2 model Y\n2 status ok\n9 status lost\n";
    const { templates, result } = parseOutput({
      templatesDir: tmp.path,
      platform: "vm",
      command: "show module",
      output,
    });
    assert.deepStrictEqual(templates, ["a.textfsm", "b.textfsm"]);
    assert.deepStrictEqual(result.header, ["SLOT", "MODEL", "STATUS"]);
    assert.deepStrictEqual(result.records, [
      { slot: "1", model: "X", status: "" },
      { slot: "2", model: "Y", status: "ok" },
    ]);
  });

  it("merges by position when no template has Key values", () => {
    const a = compileTemplate(tpl("Value N (\\d+)", "", "Start", "  ^n ${N} -> Record"), "a.textfsm");
    const b = compileTemplate(tpl("Value N (\\d+)", "Value W (\\w+)", "", "Start", "  ^w ${W} -> Record"), "b.textfsm");
    const r = parseWithTemplates([a, b], "n 1\nn 2\nw x\n");
    assert.deepStrictEqual(r.records, [
      { n: "1", w: "x" },
      { n: "2", w: "" },
    ]);
  });

  it("a Key missing from the first table is a located template error", () => {
    const a = compileTemplate(tpl("Value N (\\d+)", "", "Start", "  ^n ${N} -> Record"), "a.textfsm");
    const b = compileTemplate(
      tpl("Value Key K (\\d+)", "Value W (\\w+)", "", "Start", "  ^${K} ${W} -> Record"),
      "b.textfsm",
    );
    assert.throws(
      () => parseWithTemplates([a, b], "n 1\n1 x\n"),
      (err: unknown) => err instanceof TemplateError && /b\.textfsm: Key 'K' is not a column/.test(err.message),
    );
  });

  it("no matching row is a no_template error", () => {
    assertVcError(
      () =>
        parseOutput({ templatesDir: NTC_TEMPLATES, platform: "cisco_ios", command: "show nothing at all", output: "" }),
      "no_template",
      /no template in .*index for platform 'cisco_ios' and command 'show nothing at all'/,
    );
  });
});
