import * as assert from "node:assert";
import * as path from "node:path";
import { labDevices } from "../support/collect";
import { collectFlow, collectNode, vaultNode } from "../support/collect-flow";
import { login } from "../support/lab-shell";
import { useLabWithVault } from "../support/lab";
import { collectMessages, helper, nextMessage, useNodeRed } from "../support/nodered";
import { findSecretsInText } from "../support/secrets";

const diffNode = require("../../nodes/vc-diff/vc-diff");

const PASSWORD = "Diff-Lab-Pass-41c9";
const ENABLE = "Diff-Enable-Secret-9d2e";

interface ChangeMsg {
  topic: string;
  correlation?: string;
  payload: {
    status: string;
    deviceName: string;
    diff: string;
    added: number;
    removed: number;
    from?: { version: number; capturedAt: string; sha256: string };
    to: { version: number; capturedAt: string; sha256: string };
    redacted: boolean;
  };
}

describe("vc-diff node after vc-collect (lab devices, real runtime)", function () {
  this.timeout(90_000);
  const fixture = useLabWithVault({
    tmpPrefix: "vc-node-diff-",
    lab: () => ({
      devices: [
        { name: "ios-a", platform: "cisco_ios", password: PASSWORD },
        { name: "ios-b", platform: "cisco_ios", password: PASSWORD },
        { name: "eos-a", platform: "arista_eos", password: PASSWORD, enableSecret: ENABLE },
        { name: "nxos-a", platform: "cisco_nxos", password: PASSWORD },
      ],
    }),
    credentials: [{ name: "lab", username: "admin", password: PASSWORD, enableSecret: ENABLE, isDefault: true }],
  });

  useNodeRed();

  function flow(home: string) {
    return collectFlow(
      fixture.testVault,
      {
        commands: "show running-config",
        captureType: "configs",
        concurrency: 4,
        home,
        wires: [["out1", "d1"], ["out2"]],
      },
      [
        { id: "d1", type: "vc-diff", reportNew: true, redact: true, context: 3, wires: [["diffs"]] },
        { id: "diffs", type: "helper" },
        { id: "done1", type: "complete", scope: ["d1"], uncaught: false, wires: [["diffDone"]] },
        { id: "diffDone", type: "helper" },
      ],
    );
  }

  /** One collection run; resolves with the change messages once vc-diff has handled every device. */
  async function run(correlation: string): Promise<ChangeMsg[]> {
    const devices = labDevices(fixture.lab);
    const changes: ChangeMsg[] = [];
    const onChange = (m: ChangeMsg) => changes.push(m);
    const diffs = helper.getNode("diffs") as unknown as NodeJS.EventEmitter;
    diffs.on("input", onChange);
    const handled = collectMessages("diffDone", devices.length, 60_000);
    const summary = nextMessage<{ payload: { ok: number } }>("out2", 60_000);
    helper.getNode("c1").receive({ payload: devices, correlation } as never);
    const sum = await summary;
    assert.strictEqual(sum.payload.ok, devices.length, JSON.stringify(sum.payload));
    await handled;
    diffs.removeListener("input", onChange);
    return changes;
  }

  it("first run: every device new; unchanged run: no message; a description changed on one device: exactly its diff", async () => {
    const home = path.join(fixture.dir, "home");
    const f = flow(home);
    await helper.load([vaultNode, collectNode, diffNode], f.nodes, f.credentials);
    const perDevice = collectMessages<{ correlation?: string; parts: { count: number } }>("out1", 4, 60_000);

    const first = await run("corr-1");
    assert.deepStrictEqual(first.map((m) => m.payload.status).sort(), ["new", "new", "new", "new"]);
    assert.ok(
      first.every((m) => m.correlation === "corr-1"),
      "vc-diff keeps the message's properties",
    );
    const collected = await perDevice;
    assert.ok(
      collected.every((m) => m.correlation === "corr-1" && m.parts.count === 4),
      "vc-collect's per-device messages keep the incoming message's properties",
    );

    // IOS stamps `! Last configuration change at <now>` and a new `ntp clock-period` in every capture.
    assert.deepStrictEqual(await run("corr-2"), [], "no change, no message");

    const target = fixture.lab.devices.find((d) => d.name === "ios-b")!;
    const s = await login(target);
    try {
      await s.run("configure terminal", /\(config\)#$/);
      await s.run("interface GigabitEthernet0/0/1", /\(config-if\)#$/);
      await s.run("description CHG-1234 moved to core-2", /\(config-if\)#$/);
      await s.run("end");
    } finally {
      s.shell.close();
    }

    const third = await run("corr-3");
    assert.deepStrictEqual(
      third.map((m) => [m.topic, m.payload.status]),
      [["ios-b", "changed"]],
    );
    const change = third[0].payload;
    assert.match(change.diff, /^\+ description CHG-1234 moved to core-2$/m);
    assert.match(change.diff, /^- description LAN core$/m);
    assert.deepStrictEqual([change.added, change.removed], [1, 1]);
    assert.ok(!/Last configuration change|clock-period|uptime/i.test(change.diff), change.diff);
    assert.deepStrictEqual([change.from?.version, change.to.version], [1, 2]);
    assert.ok(Date.parse(change.to.capturedAt) > Date.parse(change.from!.capturedAt));
    assert.strictEqual(change.redacted, true);
    assert.strictEqual(third[0].correlation, "corr-3");
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(third), [PASSWORD, ENABLE]), []);

    // unchanged once more: the changed description is now the baseline
    assert.deepStrictEqual(await run("corr-4"), []);
  });
});
