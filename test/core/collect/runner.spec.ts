import * as assert from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CaptureStore,
  CollectorDb,
  runCollection,
  type CollectRequest,
  type RunSummary,
} from "../../../lib/core/collect";
import { openVersionStore } from "../../../lib/core/changes";
import { Inventory } from "../../../lib/core/inventory";
import { startLab } from "../../../lib/lab";
import { KnownHostsStore, parseKnownHosts } from "../../../lib/core/ssh";
import type { DeviceResult } from "../../../lib/core/types";
import { labDevices, PROBE_COMMANDS, probeOutput, writeProbeResponses } from "../../support/collect";
import { findSecretsInDir, findSecretsInText } from "../../support/secrets";
import { useLabWithVault } from "../../support/lab";
import { makeVault } from "../../support/vault";

const LAB_PASSWORD = "Lab-Pass-7d41e9";
const PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos"];

/** Runs a collection and returns its summary with every device result, keyed by device name. */
async function collectAll(
  req: Omit<CollectRequest, "onDeviceResult">,
): Promise<{ summary: RunSummary; results: Map<string, DeviceResult>; order: DeviceResult[] }> {
  const order: DeviceResult[] = [];
  const summary = await runCollection({ jitterMs: 0, ...req, onDeviceResult: (r) => order.push(r) });
  return { summary, results: new Map(order.map((r) => [r.device.name, r])), order };
}

describe("collect: runner against the lab", function () {
  this.timeout(60_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-runner-",
    lab: (dir) => ({
      count: 4,
      platforms: PLATFORMS,
      password: LAB_PASSWORD,
      latencyMs: 5,
      responsesDirs: [writeProbeResponses(dir, PLATFORMS)],
    }),
    credentials: [
      { name: "wrong", username: "admin", password: "Wrong-Pass-118c" },
      { name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true },
    ],
  });

  function freshHome(name: string) {
    const home = path.join(fx.dir, name);
    fs.mkdirSync(home, { recursive: true });
    const knownHosts = new KnownHostsStore(path.join(home, "known_hosts"));
    return {
      home,
      store: new CaptureStore({ collections: path.join(home, "collections") }),
      knownHosts,
      /** A probe collection with the lab vault, host keys trusted on first use into this home; `over` changes any of it. */
      request: (
        over: Partial<CollectRequest> & Pick<CollectRequest, "devices">,
      ): Omit<CollectRequest, "onDeviceResult"> => ({
        commands: PROBE_COMMANDS,
        captureType: "probe",
        credentials: fx.vault,
        hostKeys: { policy: "tofu", store: knownHosts },
        ...over,
      }),
    };
  }

  it("collects every device: outputs per command, capture file and row, history, the credential remembered", async () => {
    const h = freshHome("happy");
    const inventory = Inventory.open(path.join(h.home, "dcim.db"), { create: true });
    const history = CollectorDb.open(path.join(h.home, "collector.db"));
    try {
      inventory.init();
      const report = inventory.importCsv(fx.lab.inventoryCsv(), { createMissing: true, source: "lab.csv" });
      assert.deepStrictEqual(report.errors, []);
      const devices = inventory.listDevices();
      const progress: number[] = [];
      const { summary, results } = await collectAll(
        h.request({
          devices,
          store: h.store,
          history,
          recorder: inventory,
          concurrency: 2,
          onProgress: (p) => progress.push(p.done),
        }),
      );
      assert.deepStrictEqual(progress, [1, 2, 3, 4]);
      assert.deepStrictEqual(
        {
          status: summary.status,
          total: summary.total,
          ok: summary.ok,
          failed: summary.failed,
          errorCounts: summary.errorCounts,
        },
        { status: "success", total: 4, ok: 4, failed: 0, errorCounts: {} },
      );
      for (const info of fx.lab.devices) {
        const r = results.get(info.name)!;
        assert.strictEqual(r.status, "ok", `${info.name}: ${r.error}`);
        assert.strictEqual(r.credentialName, "lab");
        assert.strictEqual(r.runId, summary.runId);
        assert.deepStrictEqual(
          r.commands.map((c) => [c.command, c.status, c.output.trim()]),
          PROBE_COMMANDS.map((c) => [c, "ok", probeOutput(c, info.hostname)]),
        );
        const file = path.join(h.home, "collections", "probe", `${info.name}.txt`);
        assert.deepStrictEqual(r.capturePaths, [file]);
        const text = fs.readFileSync(file, "utf8");
        for (const c of PROBE_COMMANDS) assert.ok(text.includes(`${c}\n${probeOutput(c, info.hostname)}`), text);
        const row = history.listCaptures({ runId: summary.runId, deviceName: info.name });
        assert.strictEqual(row.length, 1);
        assert.strictEqual(row[0].sha256, createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
        assert.strictEqual(row[0].size, fs.statSync(file).size);
        assert.strictEqual(row[0].historyId, summary.historyId);
        const saved = inventory.getDevice(info.name)!;
        assert.strictEqual(saved.credentialName, "lab");
        assert.strictEqual(saved.credentialStatus, "ok");
        assert.ok(saved.credentialTestedAt, "tested-at is set");
        assert.strictEqual(h.knownHosts.check(info.host, info.port, info.hostKeyFingerprint), "match");
      }
      // Pins are saved in coalesced writes, but all of them are on disk when the run returns.
      const onDisk = parseKnownHosts(fs.readFileSync(path.join(h.home, "known_hosts"), "utf8"));
      for (const info of fx.lab.devices) {
        assert.ok(
          onDisk.some((e) => e.hosts === `[${info.host}]:${info.port}` && e.fingerprint === info.hostKeyFingerprint),
          `${info.name}'s key is in the known_hosts file`,
        );
      }
      assert.strictEqual(h.knownHosts.hasUnsavedPins, false);
      const run = history.getRun(summary.runId)!;
      assert.deepStrictEqual(
        {
          status: run.status,
          total: run.total,
          ok: run.ok,
          failed: run.failed,
          errorCounts: run.errorCounts,
          jobName: run.jobName,
        },
        { status: "success", total: 4, ok: 4, failed: 0, errorCounts: {}, jobName: "probe" },
      );
    } finally {
      history.close();
      inventory.close();
    }
  });

  it("each device's capture version is committed before its result goes out; the run's log counts the commits", async () => {
    const h = freshHome("versions");
    const devices = fx.lab.devices.map((d) => ({ name: d.name, host: d.host, port: d.port, platform: d.platform }));
    const seen: Array<{ device: string; version?: number }> = [];
    const lines: string[] = [];
    const collections = path.join(h.home, "collections");
    const summary = await runCollection({
      ...h.request({ devices }),
      store: h.store,
      concurrency: 4,
      jitterMs: 0,
      log: (l) => lines.push(l),
      // What vc-diff does on a device's message: look up the version this run created.
      onDeviceResult: (r) => {
        const vs = openVersionStore(collections, { importExisting: false });
        try {
          seen.push({ device: r.device.name, version: vs.createdByRun("probe", r.device.name, r.runId!)?.version });
        } finally {
          vs.close();
        }
      },
    });
    assert.strictEqual(summary.ok, devices.length);
    assert.deepStrictEqual(
      seen.map((s) => s.version),
      devices.map(() => 1),
      JSON.stringify(seen),
    );
    const counted = lines.map((l) => /^capture versions: (\d+) recorded in (\d+) commits$/.exec(l)).find(Boolean);
    assert.ok(counted, lines.join("\n"));
    assert.strictEqual(Number(counted[1]), devices.length);
    assert.ok(Number(counted[2]) >= 1 && Number(counted[2]) <= devices.length);
  });

  it("reports a rejected command as partial, keeps the other outputs and saves the capture", async () => {
    const h = freshHome("partial");
    const device = labDevices(fx.lab).find((d) => d.platform === "cisco_ios")!;
    const { summary, results } = await collectAll(
      h.request({
        devices: [device],
        commands: ["show vcprobe alpha", "show no-such-thing"],
        captureType: "mixed",
        store: h.store,
      }),
    );
    const r = results.get(device.name)!;
    assert.strictEqual(r.status, "partial");
    assert.strictEqual(r.errorClass, "command_error");
    assert.deepStrictEqual(
      r.commands.map((c) => [c.status, c.errorClass]),
      [
        ["ok", undefined],
        ["error", "command_error"],
      ],
    );
    assert.match(r.commands[1].output, /Invalid input/);
    assert.strictEqual(r.capturePaths.length, 1);
    assert.deepStrictEqual(
      { status: summary.status, ok: summary.ok, partial: summary.partial, errorCounts: summary.errorCounts },
      { status: "partial", ok: 0, partial: 1, errorCounts: { command_error: 1 } },
    );
  });

  it("counts a failed save as a failed device (save_failed), never a success", async () => {
    const h = freshHome("savefail");
    fs.mkdirSync(path.join(h.home, "collections"), { recursive: true });
    fs.writeFileSync(path.join(h.home, "collections", "probe"), "a file where the capture folder should be");
    const history = CollectorDb.open(path.join(h.home, "collector.db"));
    try {
      const devices = labDevices(fx.lab).slice(0, 2);
      const { summary, results } = await collectAll(
        h.request({
          devices,
          store: h.store,
          history,
        }),
      );
      for (const d of devices) {
        const r = results.get(d.name)!;
        assert.strictEqual(r.status, "failed");
        assert.strictEqual(r.errorClass, "save_failed");
        assert.match(r.error!, new RegExp(`^${d.name}: could not save the capture`));
        assert.strictEqual(r.commands.length, 2, "the outputs are still reported");
        assert.deepStrictEqual(r.capturePaths, []);
      }
      assert.deepStrictEqual(
        { status: summary.status, ok: summary.ok, failed: summary.failed, errorCounts: summary.errorCounts },
        { status: "failed", ok: 0, failed: 2, errorCounts: { save_failed: 2 } },
      );
      assert.strictEqual(history.getRun(summary.runId)!.status, "failed");
      assert.strictEqual(history.listCaptures({ runId: summary.runId }).length, 0);
    } finally {
      history.close();
    }
  });

  it("moves to the next credential only after an auth failure, and names the credential that worked", async () => {
    const h = freshHome("chain");
    const devices = labDevices(fx.lab)
      .slice(0, 2)
      .map((d) => ({ ...d, credentialName: "wrong" }));
    const { summary, results } = await collectAll(
      h.request({
        devices,
        commands: [PROBE_COMMANDS[0]],
      }),
    );
    assert.strictEqual(summary.ok, 2);
    for (const d of devices) assert.strictEqual(results.get(d.name)!.credentialName, "lab");
  });

  it("reports duplicate device names without connecting the second one", async () => {
    const h = freshHome("dupes");
    const [first] = labDevices(fx.lab);
    const { summary, order } = await collectAll(
      h.request({
        devices: [first, { ...first }],
        commands: [PROBE_COMMANDS[0]],
        store: h.store,
      }),
    );
    assert.deepStrictEqual(order.map((r) => [r.status, r.errorClass ?? null]).sort(), [
      ["failed", "save_failed"],
      ["ok", null],
    ]);
    assert.match(order.find((r) => r.status === "failed")!.error!, /same capture file/);
    assert.strictEqual(summary.total, 2);
  });

  it("stops a device at its time limit with device_timeout", async () => {
    const h = freshHome("deadline");
    const slowLab = await startLab({ count: 1, platforms: ["cisco_ios"], password: LAB_PASSWORD, faults: ["slow"] });
    try {
      const { results } = await collectAll(
        h.request({
          devices: labDevices(slowLab),
          commands: ["show version"],
          captureType: "slow",
          timeouts: { commandMs: 20_000, deviceMs: 1_500 },
        }),
      );
      const r = [...results.values()][0];
      assert.strictEqual(r.status, "failed");
      assert.strictEqual(r.errorClass, "device_timeout");
      assert.ok(r.durationMs < 20_000, `stopped by the device limit, not the command timeout (${r.durationMs} ms)`);
    } finally {
      await slowLab.stop();
    }
  });

  it("gives only the first wave a start jitter: later devices start as slots free up", async () => {
    const h = freshHome("jitter");
    let draws = 0;
    const { summary } = await collectAll(
      h.request({
        devices: labDevices(fx.lab),
        commands: [PROBE_COMMANDS[0]],
        concurrency: 2,
        jitterMs: 20,
        retry: { retries: 0 },
        random: () => {
          draws++;
          return 0.5;
        },
      }),
    );
    assert.strictEqual(summary.ok, 4);
    assert.strictEqual(
      draws,
      2,
      "one jitter draw per device of the first wave (concurrency 2), none for the other two",
    );
  });

  it("refuses a bad request before connecting anything, naming the field", async () => {
    const base = { devices: labDevices(fx.lab), commands: PROBE_COMMANDS, captureType: "probe", credentials: fx.vault };
    await assert.rejects(runCollection({ ...base, commands: [" "] }), /collect\.commands: no command to run/);
    await assert.rejects(
      runCollection({ ...base, captureType: "" }),
      /collect\.captureType: a capture type is required/,
    );
    await assert.rejects(
      runCollection({ ...base, concurrency: 0 }),
      /collect\.concurrency: must be a whole number from 1 to 5000, got 0/,
    );
    await assert.rejects(
      runCollection({ ...base, credential: "nope" }),
      /collect\.credential: credential 'nope' is not in the vault \(known: lab, wrong\)/,
    );
    await assert.rejects(
      runCollection({ ...base, timeouts: { commandMs: -1 } }),
      /collect\.commandMs: must be a number of at least 0/,
    );
  });

  it("a device without a usable credential is no_credential; a device missing its host is reported, others go on", async () => {
    const h = freshHome("nocred");
    const empty = makeVault(path.join(h.home), [{ name: "only", username: "x", password: "Only-Pass-55aa" }], {
      file: "empty.db",
    }).open();
    try {
      const [good] = labDevices(fx.lab);
      const { results, summary } = await collectAll(
        h.request({
          devices: [good, { ...good, name: "nohost", host: "" }],
          commands: [PROBE_COMMANDS[0]],
          credentials: empty,
        }),
      );
      assert.strictEqual(results.get(good.name)!.errorClass, "no_credential");
      assert.match(results.get(good.name)!.error!, /no credential to try/);
      assert.match(results.get("nohost")!.error!, /no host/);
      assert.strictEqual(summary.failed, 2);
    } finally {
      empty.close();
    }
  });

  it("keeps every planted secret out of results, captures, history, known_hosts and the inventory", async () => {
    const h = freshHome("secrets");
    const inventory = Inventory.open(path.join(h.home, "dcim.db"), { create: true });
    const history = CollectorDb.open(path.join(h.home, "collector.db"));
    try {
      inventory.init();
      inventory.importCsv(fx.lab.inventoryCsv(), { createMissing: true });
      const devices = inventory.listDevices().map((d, i) => (i === 0 ? { ...d, credentialName: "wrong" } : d));
      const { order, summary } = await collectAll(
        h.request({
          devices,
          commands: [...PROBE_COMMANDS, "show bogus"],
          store: new CaptureStore({ collections: path.join(h.home, "collections"), keepHistory: true }),
          history,
          recorder: inventory,
        }),
      );
      assert.strictEqual(summary.partial, 4);
      const secrets = [LAB_PASSWORD, "Wrong-Pass-118c"];
      assert.deepStrictEqual(findSecretsInText(JSON.stringify({ order, summary }), secrets), []);
    } finally {
      history.close();
      inventory.close();
    }
    assert.deepStrictEqual(findSecretsInDir(h.home, [LAB_PASSWORD, "Wrong-Pass-118c"]), []);
  });
});
