import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { resolveTemplateSource, smartExport, smartExportFile, type TemplateSource } from "../../../lib/core/parse";
import { VcError } from "../../../lib/core/errors";
import { useTmpDir } from "../../support/tmp";
import { UNFIT_OUTPUTS, makeMiniNtcDir, ntcCase } from "../../support/templates-fixtures";

describe("Smart Export", function () {
  this.timeout(30000);
  const tmp = useTmpDir("vc-smart-export-");
  let templates: TemplateSource;
  const vlans = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
  const exportedAt = new Date("2026-11-25T20:15:00.000Z");

  beforeEach(() => {
    templates = resolveTemplateSource({
      explicit: makeMiniNtcDir(path.join(tmp.path, "ntc"), [
        "arista_eos_show_vlan",
        "cisco_ios_show_version",
        "cisco_ios_show_arp",
        "cisco_nxos_show_vlan",
      ]),
    });
  });

  it("exports JSON as {source, template, score, exported_at, record_count, fields, data}", () => {
    const result = smartExport(
      vlans.raw,
      {},
      { format: "json", templates, source: "/captures/vlans/spine1.txt", exportedAt },
    );
    const doc = JSON.parse(result.content);
    assert.deepStrictEqual(Object.keys(doc), "source template score exported_at record_count fields data".split(" "));
    assert.deepStrictEqual(doc, result.document);
    assert.strictEqual(doc.source, "/captures/vlans/spine1.txt");
    assert.strictEqual(doc.template, "arista_eos_show_vlan");
    assert.ok(doc.score > 0 && doc.score <= 1);
    assert.strictEqual(doc.exported_at, exportedAt.toISOString());
    assert.strictEqual(doc.record_count, vlans.expected.length);
    assert.deepStrictEqual(doc.fields, ["vlan_id", "vlan_name", "status", "interfaces"]);
    assert.deepStrictEqual(
      doc.data,
      vlans.expected.map((r) => ({
        vlan_id: r.vlan_id,
        vlan_name: r.vlan_name,
        status: r.status,
        interfaces: r.interfaces,
      })),
    );
    assert.strictEqual(result.fileName, "spine1_parsed.json");
    assert.strictEqual(result.detection.fits, true);
  });

  it("exports CSV with a header row and list values joined, never Python reprs", () => {
    const result = smartExport(vlans.raw, { platform: "arista_eos" }, { format: "csv", templates, exportedAt });
    const rows = parseCsv(result.content) as string[][];
    assert.deepStrictEqual(rows[0], ["vlan_id", "vlan_name", "status", "interfaces"]);
    assert.strictEqual(rows.length, vlans.expected.length + 1);
    const second = vlans.expected[1];
    assert.deepStrictEqual(rows[2], [
      second.vlan_id,
      second.vlan_name,
      second.status,
      (second.interfaces as string[]).join(";"),
    ]);
    assert.ok(!result.content.includes("['"), "no Python list repr");
    assert.strictEqual(result.fileName, "arista_eos_show_vlan_parsed.csv");
    const semicolons = smartExport(vlans.raw, {}, { format: "csv", templates, listSeparator: " " });
    assert.ok((parseCsv(semicolons.content) as string[][])[2][3].includes("Et1 Et2"));
  });

  it("refuses an output no template fits, saying why, instead of exporting an accidental parse", () => {
    assert.throws(
      () => smartExport(UNFIT_OUTPUTS.prose, {}, { format: "json", templates, source: "letter.txt" }),
      (e: VcError) => e.errorClass === "no_template" && e.message.startsWith("letter.txt: no template"),
    );
  });

  it("uses the bundled ntc-templates when no templates are named (NET_TEXTFSM unset)", () => {
    const bundled = resolveTemplateSource({ env: {} });
    assert.strictEqual(bundled.kind, "bundled");
    const result = smartExport(vlans.raw, { platform: "arista_eos" }, { format: "json", templates: bundled });
    assert.strictEqual(result.document.template, "arista_eos_show_vlan");
    assert.strictEqual(result.document.record_count, vlans.expected.length);
  });

  it("rejects an unknown format", () => {
    assert.throws(
      () => smartExport(vlans.raw, {}, { format: "xml" as "json", templates }),
      (e: VcError) => e.errorClass === "invalid_input" && /json or csv/.test(e.message),
    );
  });

  it("exports a capture file, taking the capture type from its folder as a hint", () => {
    const file = path.join(tmp.path, "collections", "arp", "router1.txt");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, ntcCase("cisco_ios", "show_arp", "cisco_ios_show_arp").raw);
    const result = smartExportFile(file, {}, { format: "json", templates });
    assert.strictEqual(result.document.template, "cisco_ios_show_arp");
    assert.strictEqual(result.document.source, file);
    assert.strictEqual(result.fileName, "router1_parsed.json");
    assert.strictEqual(result.detection.stats.candidates, 1, "only the arp templates were candidates");
    assert.throws(
      () => smartExportFile(path.join(tmp.path, "missing.txt"), {}, { format: "json", templates }),
      (e: VcError) => e.errorClass === "not_found",
    );
  });
});
