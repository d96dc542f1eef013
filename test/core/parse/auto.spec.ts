import * as assert from "node:assert";
import * as path from "node:path";
import {
  parseDeviceResult,
  parsePayload,
  parseText,
  resolveTemplateSource,
  type ParseSettings,
  type TemplateSource,
} from "../../../lib/core/parse";
import { TemplateLibrary } from "../../../lib/core/templates/library";
import { compareWithReference } from "../../../lib/core/textfsm";
import type { DeviceResult } from "../../../lib/core/types";
import { useTmpDir } from "../../support/tmp";
import { UNFIT_OUTPUTS, makeMiniNtcDir, ntcCase } from "../../support/templates-fixtures";

const vlans = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
const version = ntcCase("cisco_ios", "show_version", "cisco_ios_show_version");

function deviceResult(): DeviceResult {
  const command = (cmd: string, output: string, status: "ok" | "error" = "ok") => ({
    command: cmd,
    output,
    status,
    durationMs: 5,
    ...(status === "error" ? { errorClass: "command_timeout" as const, error: "no prompt within 30 s" } : {}),
  });
  return {
    device: { name: "spine1", host: "127.0.0.1", port: 22, platform: "arista_eos" },
    status: "partial",
    commands: [
      command("show vlan", vlans.raw),
      command("show banner", UNFIT_OUTPUTS.prose),
      command("show version", "", "error"),
    ],
    capturePaths: [],
    startedAt: "2026-11-25T20:00:00.000Z",
    finishedAt: "2026-11-25T20:00:01.000Z",
    durationMs: 1000,
  };
}

describe("parse stage: mode auto (auto-detect)", function () {
  this.timeout(30000);
  const tmp = useTmpDir("vc-auto-parse-");
  let ntcDir: string;
  let source: TemplateSource;

  beforeEach(() => {
    ntcDir = makeMiniNtcDir(path.join(tmp.path, "ntc"), [
      "arista_eos_show_vlan",
      "cisco_ios_show_version",
      "cisco_nxos_show_vlan",
      "cisco_ios_show_arp",
    ]);
    source = resolveTemplateSource({ explicit: ntcDir });
  });

  it("parses each command of a device result with the detected template; what fits nothing or failed says so", () => {
    const [ok, unfit, failed] = parseDeviceResult(deviceResult(), { mode: "auto", source });
    assert.strictEqual(ok.status, "ok");
    assert.deepStrictEqual(ok.templates, ["arista_eos_show_vlan.textfsm"]);
    assert.deepStrictEqual(compareWithReference(ok.records, vlans.expected), []);
    assert.strictEqual(ok.recordCount, vlans.expected.length);
    assert.ok(ok.score! > 0);
    assert.deepStrictEqual(
      [ok.device, ok.platform, ok.command, ok.collectedAt],
      ["spine1", "arista_eos", "show vlan", "2026-11-25T20:00:01.000Z"],
    );
    assert.strictEqual(ok.detection!.ranking[0].template, "arista_eos_show_vlan");

    assert.strictEqual(unfit.status, "no_template");
    assert.deepStrictEqual([unfit.records, unfit.recordCount, unfit.templates], [[], 0, []]);
    assert.match(unfit.error!, /no template/);

    assert.strictEqual(failed.status, "parse_error");
    assert.match(failed.error!, /command failed during collection \(no prompt within 30 s\)/);
  });

  it("a minimum score turns a weak fit into no_template; fixed hints replace the device's", () => {
    const strict = parseText({ text: vlans.raw, mode: "auto", minScore: 0.99 }, { source });
    assert.strictEqual(strict.status, "no_template");
    assert.match(strict.error!, /below the minimum 0\.99/);
    const {
      parsed: [hinted],
    } = parsePayload(
      { output: version.raw, platform: "arista_eos", command: "show version" },
      {},
      { mode: "auto", source, hints: { platform: "cisco_ios" } },
    );
    assert.strictEqual(hinted.status, "ok");
    assert.deepStrictEqual(hinted.templates, ["cisco_ios_show_version.textfsm"]);
    assert.deepStrictEqual(hinted.detection!.hintsIgnored, []);
  });

  it("with no directory named: the bundled templates, the data home's library overriding them by name", () => {
    const settings: ParseSettings = {
      mode: "auto",
      source: resolveTemplateSource({ env: {}, libraryFile: path.join(tmp.path, "empty-home", "templates.db") }),
    };
    assert.strictEqual(settings.source!.kind, "bundled");
    const fromBundled = parsePayload(deviceResult(), {}, settings);
    assert.deepStrictEqual(
      fromBundled.parsed.map((p) => p.status),
      ["ok", "no_template", "parse_error"],
    );
    assert.deepStrictEqual(fromBundled.parsed[0].templates, ["arista_eos_show_vlan.textfsm"]);

    const home = path.join(tmp.path, "home");
    const library = TemplateLibrary.open(path.join(home, "templates.db"));
    library.addUserTemplate({
      name: "arista_eos_show_vlan",
      text: "Value VLAN (\\d+)\n\nStart\n  ^VLAN\\s+Name -> Table\n\nTable\n  ^${VLAN}\\s+\\S+\\s+active -> Record\n",
    });
    library.close();
    const withLibrary: ParseSettings = {
      mode: "auto",
      source: resolveTemplateSource({ env: {}, libraryFile: path.join(home, "templates.db") }),
    };
    const fromLibrary = parsePayload(
      { platform: "arista_eos", command: "show vlan", output: vlans.raw },
      {},
      withLibrary,
    );
    assert.strictEqual(fromLibrary.parsed[0].status, "ok");
    assert.deepStrictEqual(Object.keys(fromLibrary.parsed[0].records[0]), ["vlan"], "the user's override was used");
    const byIndex = parsePayload(
      { platform: "arista_eos", command: "show vlan", output: vlans.raw },
      {},
      { ...withLibrary, mode: "index" },
    );
    assert.deepStrictEqual(Object.keys(byIndex.parsed[0].records[0]), ["vlan"], "the index mode uses the override too");

    const dirOnly = parsePayload(
      { platform: "arista_eos", command: "show vlan", output: vlans.raw },
      {},
      {
        mode: "auto",
        source: resolveTemplateSource({ env: { NET_TEXTFSM: ntcDir }, libraryFile: path.join(home, "templates.db") }),
      },
    );
    assert.deepStrictEqual(
      Object.keys(dirOnly.parsed[0].records[0]),
      ["vlan_id", "vlan_name", "status", "interfaces"],
      "NET_TEXTFSM is used alone",
    );
  });
  it("candidates: a tfsm filter or a named template restricts which templates auto mode chooses from", () => {
    const auto = (candidates?: { filter: string } | { template: string }) =>
      parseText({ text: vlans.raw, mode: "auto", ...(candidates ? { candidates } : {}) }, { source });
    const ranked = (o: ReturnType<typeof auto>) => o.detection!.ranking.map((r) => r.template);
    assert.deepStrictEqual(auto().templates, ["arista_eos_show_vlan.textfsm"]);
    // "show_vlan": both VLAN templates compete, the right one wins.
    const both = auto({ filter: "show_vlan" });
    assert.deepStrictEqual(both.templates, ["arista_eos_show_vlan.textfsm"]);
    assert.ok(
      ranked(both).every((t) => t.includes("show_vlan")),
      ranked(both).join(),
    );
    // Only NX-OS templates: the Arista one is out of the choice, whatever it would score.
    const nxos = auto({ filter: "cisco-nxos" });
    assert.ok(!ranked(nxos).includes("arista_eos_show_vlan"), ranked(nxos).join());
    assert.ok(
      ranked(nxos).every((t) => t.startsWith("cisco_nxos")),
      ranked(nxos).join(),
    );
    assert.notDeepStrictEqual(nxos.templates, ["arista_eos_show_vlan.textfsm"]);
    // One named template is ranked and scored alone.
    const named = auto({ template: "cisco_nxos_show_vlan.textfsm" });
    assert.ok(
      ranked(named).every((t) => t === "cisco_nxos_show_vlan"),
      ranked(named).join(),
    );
    // Nothing left: no_template naming the filter or the template.
    const none = auto({ filter: "juniper_junos" });
    assert.strictEqual(none.status, "no_template");
    assert.strictEqual(none.error, "filter 'juniper_junos' matches no template");
    assert.strictEqual(auto({ template: "nope" }).error, "template 'nope' not found");
  });
});
