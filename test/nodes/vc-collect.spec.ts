import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../lib/core/collect";
import type { Lab } from "../../lib/lab";
import type { DeviceResult } from "../../lib/core/types";
import { labDevices, PROBE_COMMANDS, probeOutput, writeProbeResponses } from "../support/collect";
import { collectFlow, collectNode, vaultNode } from "../support/collect-flow";
import { useLab, useLabWithVault } from "../support/lab";
import { collectMessages, helper, nextMessage, useNodeRed } from "../support/nodered";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";

const PASSWORD = "Node-Lab-Pass-6b1f";
const WRONG = "Node-Wrong-Pass-6b20";
const PLATFORMS = ["cisco_ios", "arista_eos"];

interface StatusArg {
  fill?: string;
  shape?: string;
  text?: string;
}

describe("vc-collect node", function () {
  this.timeout(60_000);
  const fixture = useLabWithVault({
    tmpPrefix: "vc-node-collect-",
    lab: (dir) => ({
      count: 4,
      platforms: PLATFORMS,
      password: PASSWORD,
      responsesDirs: [writeProbeResponses(dir, PLATFORMS)],
    }),
    credentials: [
      { name: "lab", username: "admin", password: PASSWORD, isDefault: true },
      { name: "wrong", username: "admin", password: WRONG },
    ],
  });
  const slow = useLab({ count: 3, platforms: ["cisco_ios"], password: PASSWORD, faults: ["slow", "slow", "slow"] });
  let dir: string;
  let lab: Lab;
  let vaultPassword: string;

  before(() => {
    ({ dir, lab } = fixture);
    vaultPassword = fixture.testVault.password;
  });

  useNodeRed();

  function flow(home: string, extra: Record<string, unknown> = {}) {
    return collectFlow(
      fixture.testVault,
      {
        name: "collect",
        commands: PROBE_COMMANDS.join("\n"),
        captureType: "probe",
        concurrency: 4,
        connectTimeout: 15,
        commandTimeout: 15,
        deviceTimeout: 60,
        home,
        ...extra,
      },
      [
        { id: "done1", type: "complete", scope: ["c1"], uncaught: false, wires: [["doneOut"]] },
        { id: "doneOut", type: "helper" },
        { id: "catch1", type: "catch", scope: ["c1"], uncaught: false, wires: [["errOut"]] },
        { id: "errOut", type: "helper" },
      ],
    );
  }

  it("sends one message per device, then the summary, then completes; status shows the progress", async () => {
    const home = path.join(dir, "home-ok");
    const f = flow(home);
    await helper.load([vaultNode, collectNode], f.nodes, f.credentials);
    const c1 = helper.getNode("c1");
    const order: string[] = [];
    for (const id of ["out1", "out2", "doneOut"]) helper.getNode(id).on("input", () => order.push(id));
    const perDevice = collectMessages<{
      topic: string;
      payload: DeviceResult;
      parts: { index: number; count: number };
    }>("out1", 4);
    const summaryMsg = nextMessage<{
      payload: { status: string; ok: number; total: number; runId: string; historyId: number };
      trigger: string;
    }>("out2");
    const completed = nextMessage("doneOut");
    c1.receive({ payload: labDevices(lab), trigger: "kept" } as never);
    const devices = await perDevice;
    const summary = await summaryMsg;
    await completed;

    assert.deepStrictEqual(order.slice(-2), ["out2", "doneOut"], "done() comes after the summary");
    assert.deepStrictEqual(devices.map((m) => m.parts.index).sort(), [0, 1, 2, 3]);
    for (const m of devices) {
      const info = lab.devices.find((d) => d.name === m.topic)!;
      assert.strictEqual(m.payload.status, "ok", m.payload.error);
      assert.strictEqual(m.payload.credentialName, "lab");
      assert.deepStrictEqual(
        m.payload.commands.map((c) => c.output.trim()),
        PROBE_COMMANDS.map((c) => probeOutput(c, info.hostname)),
      );
      assert.deepStrictEqual(m.payload.capturePaths, [path.join(home, "collections", "probe", `${info.name}.txt`)]);
      assert.ok(fs.existsSync(m.payload.capturePaths[0]));
    }
    assert.deepStrictEqual(
      [summary.payload.status, summary.payload.ok, summary.payload.total, summary.trigger],
      ["success", 4, 4, "kept"],
    );

    const statuses = (c1.status as unknown as { args: Array<[StatusArg]> }).args.map((a) => a[0]);
    assert.deepStrictEqual(statuses[statuses.length - 1], { fill: "green", shape: "dot", text: "4/4 ✓4 ✗0" });
    assert.ok(
      statuses.some((s) => s.fill === "blue" && /^\d\/4 ✓\d ✗0$/.test(s.text ?? "")),
      JSON.stringify(statuses),
    );

    const db = CollectorDb.open(path.join(home, "collector.db"));
    try {
      const run = db.getRun(summary.payload.runId)!;
      assert.deepStrictEqual([run.id, run.status, run.ok], [summary.payload.historyId, "success", 4]);
    } finally {
      db.close();
    }
    const everything = JSON.stringify({ devices, summary: summary.payload, statuses });
    assert.deepStrictEqual(findSecretsInText(everything, [PASSWORD, WRONG, vaultPassword]), []);
    assert.deepStrictEqual(findSecretsInDir(home, [PASSWORD, WRONG, vaultPassword]), []);
  });

  it("takes commands and one device from the message, and reports a rejected command as partial", async () => {
    const f = flow(path.join(dir, "home-msg"), { save: false, history: false });
    await helper.load([vaultNode, collectNode], f.nodes, f.credentials);
    const one = labDevices(lab)[0];
    const device = nextMessage<{ payload: DeviceResult }>("out1");
    const summary = nextMessage<{ payload: { status: string; partial: number; errorCounts: Record<string, number> } }>(
      "out2",
    );
    helper.getNode("c1").receive({ payload: one, commands: [PROBE_COMMANDS[1], "show nonsense"] } as never);
    const r = (await device).payload;
    assert.deepStrictEqual(
      r.commands.map((c) => [c.command, c.status]),
      [
        [PROBE_COMMANDS[1], "ok"],
        ["show nonsense", "error"],
      ],
    );
    assert.deepStrictEqual(r.capturePaths, [], "save off");
    const s = (await summary).payload;
    assert.deepStrictEqual([s.status, s.partial, s.errorCounts], ["partial", 1, { command_error: 1 }]);
    assert.ok(!fs.existsSync(path.join(dir, "home-msg", "collector.db")), "history off");
  });

  it("sends bad input to done(err) with a clear message, and runs the good devices of a mixed list", async () => {
    const f = flow(path.join(dir, "home-bad"), { save: false, history: false });
    await helper.load([vaultNode, collectNode], f.nodes, f.credentials);
    const c1 = helper.getNode("c1");
    const err = nextMessage<{ error: { message: string } }>("errOut");
    c1.receive({ payload: "not devices" } as never);
    assert.match((await err).error.message, /msg\.payload/);
    const err2 = nextMessage<{ error: { message: string } }>("errOut");
    c1.receive({ payload: labDevices(lab), commands: 42 } as never);
    assert.match((await err2).error.message, /msg\.commands: must be a string or a list of strings, got number/);
    const summary = nextMessage<{ payload: { total: number; ok: number }; invalidDevices: string[] }>("out2");
    c1.receive({ payload: [labDevices(lab)[0], { name: "broken" }] } as never);
    const s = await summary;
    assert.deepStrictEqual([s.payload.total, s.payload.ok], [1, 1]);
    assert.ok(s.invalidDevices.length >= 1);
    assert.ok(
      s.invalidDevices.every((m) => m.startsWith("msg.payload[1]")),
      JSON.stringify(s.invalidDevices),
    );
  });

  it("closing the flow aborts the run and closes every session within 2 s", async () => {
    const f = flow(path.join(dir, "home-close"), {
      save: false,
      history: false,
      commandTimeout: 60,
      deviceTimeout: 120,
    });
    await helper.load([vaultNode, collectNode], f.nodes, f.credentials);
    let after = 0;
    helper.getNode("out2").on("input", () => after++);
    helper.getNode("c1").receive({ payload: labDevices(slow.lab), commands: "show version" } as never);
    await new Promise((r) => setTimeout(r, 1_000));
    const t0 = Date.now();
    await helper.clearFlows();
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 2_000, `the flow stopped ${elapsed} ms after close`);
    assert.strictEqual(after, 0, "no summary after close");
  });

  it("the test-credential endpoint answers ok or the error class only", async () => {
    const f = flow(path.join(dir, "home-test"));
    await helper.load([vaultNode, collectNode], f.nodes, f.credentials);
    const info = lab.devices[0];
    const device = { host: info.host, port: info.port, platform: info.platform };
    const ok = await helper
      .request()
      .post("/vc-collect/test-credential")
      .send({ vault: "vault1", credential: "lab", device, node: "c1" })
      .expect(200);
    assert.strictEqual(ok.body.ok, true);
    assert.ok(typeof ok.body.durationMs === "number");
    assert.ok(fs.existsSync(path.join(dir, "home-test", "known_hosts")), "pinned in the deployed node's home");
    const bad = await helper
      .request()
      .post("/vc-collect/test-credential")
      .send({ vault: "vault1", credential: "wrong", device, node: "c1" })
      .expect(200);
    assert.deepStrictEqual(
      [bad.body.ok, bad.body.errorClass, Object.keys(bad.body).sort()],
      [false, "auth_failed", ["durationMs", "errorClass", "ok"]],
    );
    const missing = await helper
      .request()
      .post("/vc-collect/test-credential")
      .send({ vault: "vault1", credential: "lab", device: { host: info.host } })
      .expect(400);
    assert.match(missing.body.error, /platform/);
    const noVault = await helper
      .request()
      .post("/vc-collect/test-credential")
      .send({ vault: "nope", credential: "lab", device })
      .expect(400);
    assert.match(noVault.body.error, /not deployed/);
    assert.deepStrictEqual(
      findSecretsInText(JSON.stringify([ok.body, bad.body, missing.body, noVault.body]), [
        PASSWORD,
        WRONG,
        vaultPassword,
      ]),
      [],
    );
  });
});
