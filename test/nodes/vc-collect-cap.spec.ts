import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startLab, type Lab } from "../../lib/lab";
import type { DeviceResult } from "../../lib/core/types";
import { VcError } from "../../lib/core/errors";
import { outputCapBytes, MAX_OUTPUT_CAP_MIB } from "../../nodes/vc-collect/options";
import { labDevices } from "../support/collect";
import { collectMessages, helper, nextMessage, useNodeRed } from "../support/nodered";
import { makeTmpDir } from "../support/tmp";
import { makeVault, vaultConfigNode } from "../support/vault";

const collectNode = require("../../nodes/vc-collect/vc-collect");
const vaultNode = require("../../nodes/vc-vault-config/vc-vault-config");

const PASSWORD = "Node-Cap-Pass-93be";
const HUGE = 3 * 1024 * 1024;

describe("vc-collect node: output cap (MiB)", function () {
  this.timeout(90_000);
  let dir: string;
  let lab: Lab;
  let vaultFile: string;
  let vaultPassword: string;

  before(async () => {
    dir = makeTmpDir("vc-node-cap-");
    lab = await startLab({
      devices: [
        {
          name: "huge1",
          platform: "cisco_ios",
          password: PASSWORD,
          fault: "huge_output",
          hugeOutputBytes: HUGE,
          chunkBytes: 16 * 1024,
        },
        { name: "small1", platform: "cisco_ios", password: PASSWORD },
      ],
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
        commands: "show interfaces",
        captureType: "ifaces",
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
    const by = (n: string) => messages.find((m) => m.payload.device.name === n)!.payload;
    return { huge: by("huge1"), small: by("small1"), home };
  }

  it("a small cap fails the huge device with output_too_large (no capture) and keeps the others", async () => {
    const capped = await run("capped", { maxOutputMiB: "1" });
    assert.deepStrictEqual([capped.huge.status, capped.huge.errorClass], ["failed", "output_too_large"]);
    assert.match(capped.huge.error ?? "", /exceeded 1048576 bytes/);
    assert.deepStrictEqual(capped.huge.capturePaths, []);
    assert.strictEqual(capped.small.status, "ok", capped.small.error);

    // Empty: the default for a non-config command (8 MiB) lets 3 MiB through, streamed to the file.
    const dflt = await run("default", { maxOutputMiB: "" });
    assert.strictEqual(dflt.huge.status, "ok", dflt.huge.error);
    const c = dflt.huge.commands[0];
    assert.strictEqual(c.outputTruncated, true);
    assert.ok(c.output.length <= 1024 * 1024);
    assert.ok(fs.statSync(dflt.huge.capturePaths[0]).size >= HUGE * 0.98);
  });

  it("validates the field: empty is the default, else a positive number of MiB up to the maximum", () => {
    assert.strictEqual(outputCapBytes(""), undefined);
    assert.strictEqual(outputCapBytes(undefined), undefined);
    assert.strictEqual(outputCapBytes("2"), 2 * 1024 * 1024);
    assert.strictEqual(outputCapBytes(0.5), 512 * 1024);
    for (const bad of ["0", "-1", "abc", String(MAX_OUTPUT_CAP_MIB + 1), "Infinity"]) {
      assert.throws(
        () => outputCapBytes(bad),
        (err: unknown) =>
          err instanceof VcError && err.errorClass === "invalid_config" && /vc-collect output cap/.test(err.message),
        bad,
      );
    }
  });
});
