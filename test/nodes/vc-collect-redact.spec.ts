import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startLab, type Lab } from "../../lib/lab";
import type { DeviceResult } from "../../lib/core/types";
import { labDevices } from "../support/collect";
import { collectMessages, helper, nextMessage, useNodeRed } from "../support/nodered";
import { PLANTED, SECRETS_COMMAND, writeSecretsResponses } from "../support/redaction";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { makeTmpDir } from "../support/tmp";
import { makeVault, vaultConfigNode } from "../support/vault";

const collectNode = require("../../nodes/vc-collect/vc-collect");
const vaultNode = require("../../nodes/vc-vault-config/vc-vault-config");

const PASSWORD = "Node-Redact-Pass-41d7";

describe("vc-collect node: redact option", function () {
  this.timeout(60_000);
  let dir: string;
  let lab: Lab;
  let vaultFile: string;
  let vaultPassword: string;

  before(async () => {
    dir = makeTmpDir("vc-node-redact-");
    lab = await startLab({
      count: 2,
      platforms: ["cisco_ios"],
      password: PASSWORD,
      responsesDirs: [writeSecretsResponses(dir, ["cisco_ios"], [PASSWORD])],
    });
    const v = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
    vaultFile = v.file;
    vaultPassword = v.password;
  });
  after(async () => {
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  useNodeRed();

  async function run(name: string, extra: Record<string, unknown>) {
    const home = path.join(dir, `home-${name}`);
    const vc = vaultConfigNode(vaultFile, vaultPassword, "vault1");
    const nodes = [
      { id: "tab1", type: "tab", label: "t" },
      { ...vc.node, z: "tab1" },
      {
        id: "c1",
        type: "vc-collect",
        z: "tab1",
        vault: "vault1",
        commands: SECRETS_COMMAND,
        captureType: "cfg",
        jitter: 0,
        retries: 0,
        hostKeyPolicy: "accept-any",
        home,
        ...extra,
        wires: [["out1"], ["out2"]],
      },
      { id: "out1", type: "helper", z: "tab1" },
      { id: "out2", type: "helper", z: "tab1" },
    ];
    await helper.load([vaultNode, collectNode], nodes, vc.credentials);
    const perDevice = collectMessages<{ payload: DeviceResult }>("out1", 2);
    const summary = nextMessage("out2");
    helper.getNode("c1").receive({ payload: labDevices(lab) } as never);
    const messages = await perDevice;
    await summary;
    await helper.unload();
    return { messages, home };
  }

  it("redact on: no planted secret in messages or captures, lines readable; off: only the vault's secret masked", async () => {
    const all = [...Object.values(PLANTED), PASSWORD];
    const on = await run("on", { redact: true });
    for (const m of on.messages) assert.strictEqual(m.payload.status, "ok", m.payload.error);
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(on.messages), all), []);
    assert.deepStrictEqual(findSecretsInDir(path.join(on.home, "collections"), all), []);
    assert.ok(on.messages[0].payload.commands[0].output.includes("snmp-server community <redacted> RO 10"));

    const off = await run("off", {});
    assert.ok(JSON.stringify(off.messages).includes(PLANTED.community), "raw output when redact is off");
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(off.messages), [PASSWORD]), []);
    assert.deepStrictEqual(findSecretsInDir(path.join(off.home, "collections"), [PASSWORD]), []);
  });
});
