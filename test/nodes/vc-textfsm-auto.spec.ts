import * as assert from "node:assert";
import * as path from "node:path";
import { helper, useNodeRed, nextMessage, toHelperFlow } from "../support/nodered";
import { useTmpDir } from "../support/tmp";
import { UNFIT_OUTPUTS, makeMiniNtcDir, ntcCase } from "../support/templates-fixtures";
import { TemplateLibrary } from "../../lib/core/templates/library";
import { compareWithReference } from "../../lib/core/textfsm";
import type { DeviceResult, ParsedResult } from "../../lib/core/types";

const textfsmNode = require("../../nodes/vc-textfsm/vc-textfsm");

type Msg = {
  payload: DeviceResult & { parsed: Array<ParsedResult & { detection?: { ranking: Array<{ template: string }> } }> };
};

const vlans = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
const version = ntcCase("cisco_ios", "show_version", "cisco_ios_show_version");

function deviceResult(platform: string, commands: Array<[string, string]>): DeviceResult {
  return {
    device: { name: "sw1", host: "127.0.0.1", port: 22, platform },
    status: "ok",
    commands: commands.map(([command, output]) => ({ command, output, status: "ok" as const, durationMs: 1 })),
    capturePaths: [],
    startedAt: "2026-11-25T20:00:00.000Z",
    finishedAt: "2026-11-25T20:00:01.000Z",
    durationMs: 1000,
  };
}

describe("vc-textfsm node, mode auto", function () {
  this.timeout(30000);
  useNodeRed();
  const tmp = useTmpDir("vc-node-auto-");
  const saved: Record<string, string | undefined> = {};
  let ntcDir: string;

  beforeEach(() => {
    for (const key of ["NET_TEXTFSM", "VCOLLECTOR_HOME"]) saved[key] = process.env[key];
    delete process.env.NET_TEXTFSM;
    process.env.VCOLLECTOR_HOME = path.join(tmp.path, "home");
    ntcDir = makeMiniNtcDir(path.join(tmp.path, "ntc"), [
      "arista_eos_show_vlan",
      "cisco_ios_show_version",
      "cisco_nxos_show_version",
      "cisco_ios_show_arp",
    ]);
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const flow = (props: Record<string, unknown>) => toHelperFlow({ id: "fsm", type: "vc-textfsm", name: "" }, props);

  it("detects the template of each command output, with a score, and says when none fits", async () => {
    await helper.load(textfsmNode, flow({ mode: "auto", templatesDir: ntcDir }));
    const got = nextMessage<Msg>("out");
    helper.getNode("fsm").receive({
      payload: deviceResult("", [
        ["show vlan", `sw1#show vlan\n${vlans.raw}\nsw1#`],
        ["show version", version.raw],
        ["show motd", UNFIT_OUTPUTS.prose],
      ]),
    } as never);
    const [vlan, ver, motd] = (await got).payload.parsed;
    assert.strictEqual(vlan.status, "ok");
    assert.deepStrictEqual(vlan.templates, ["arista_eos_show_vlan.textfsm"]);
    assert.deepStrictEqual(compareWithReference(vlan.records, vlans.expected), []);
    assert.ok(vlan.score! > 0 && vlan.score! <= 1);
    assert.strictEqual(vlan.detection!.ranking[0].template, "arista_eos_show_vlan");
    assert.strictEqual(ver.status, "ok");
    assert.deepStrictEqual(ver.templates, ["cisco_ios_show_version.textfsm"]);
    assert.deepStrictEqual(compareWithReference(ver.records, version.expected), []);
    assert.strictEqual(motd.status, "no_template");
    assert.strictEqual(motd.recordCount, 0);
    assert.match(motd.error!, /no template/);
  });

  it("with no directory set: the bundled templates, the data home's library (user templates) overriding them", async () => {
    const library = TemplateLibrary.open(path.join(tmp.path, "home", "templates.db"));
    library.importNtc(ntcDir);
    library.addUserTemplate({
      name: "arista_eos_show_vlan",
      text: "Value VLAN (\\d+)\n\nStart\n  ^VLAN\\s+Name -> Table\n\nTable\n  ^${VLAN}\\s+\\S+\\s+(active|suspended) -> Record\n",
    });
    library.close();
    await helper.load(textfsmNode, flow({ mode: "auto" }));
    const got = nextMessage<Msg>("out");
    helper.getNode("fsm").receive({ payload: deviceResult("arista_eos", [["show vlan", vlans.raw]]) } as never);
    const [vlan] = (await got).payload.parsed;
    assert.strictEqual(vlan.status, "ok");
    assert.deepStrictEqual(Object.keys(vlan.records[0]), ["vlan"]);
    assert.strictEqual(vlan.records.length, vlans.expected.length);
  });
});
