import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CaptureStore, CollectorDb, runCollection, type RunSummary } from "../../../lib/core/collect";
import { LAB_FAULTS, startLab, type Lab, type LabFault } from "../../../lib/lab";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { DeviceResult, SessionErrorClass } from "../../../lib/core/types";
import type { Vault } from "../../../lib/core/vault";
import { labDevices, PROBE_COMMANDS, probeOutput, writeProbeResponses } from "../../support/collect";
import { findSecretsInDir, findSecretsInText } from "../../support/secrets";
import { makeTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

const PASSWORD = "Fault-Lab-Pass-4c2d";
const PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos"];
const HEALTHY = 50;

/** The class each lab fault must be reported with. */
const EXPECTED: Record<LabFault, SessionErrorClass> = {
  refuse: "connect_refused",
  banner_hang: "banner_timeout",
  drop_mid_output: "disconnected",
  slow: "command_timeout",
  no_prompt: "command_timeout",
  huge_output: "output_too_large",
  auth_fail: "auth_failed",
};

// Short enough for the fault devices to fail fast, long enough for healthy ones on a loaded CI machine.
const TIMEOUTS = { connectMs: 3_000, bannerMs: 3_000, authMs: 4_000, commandMs: 4_000, deviceMs: 15_000 };
const RETRY = { retries: 1, baseDelayMs: 100, maxDelayMs: 200 };
const MAX_OUTPUT = 1024 * 1024;
/** Slack over a limit for scheduling on a loaded 2-core machine. */
const SLACK_MS = 1_500;

describe("collect: fault test (50 healthy lab devices + one of every fault)", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;
  let vault: Vault;
  let history: CollectorDb;
  let summary: RunSummary;
  const results = new Map<string, DeviceResult>();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let rssBefore = 0;
  let rssPeak = 0;

  before(async () => {
    dir = makeTmpDir("vc-faults-");
    process.on("unhandledRejection", onUnhandled);
    lab = await startLab({
      count: HEALTHY + LAB_FAULTS.length,
      platforms: PLATFORMS,
      password: PASSWORD,
      latencyMs: 10,
      jitterMs: 10,
      faults: [...LAB_FAULTS],
      responsesDirs: [writeProbeResponses(dir, PLATFORMS)],
    });
    vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]).open();
    history = CollectorDb.open(path.join(dir, "collector.db"));
    global.gc?.();
    rssBefore = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);
    try {
      summary = await runCollection({
        devices: labDevices(lab),
        commands: PROBE_COMMANDS,
        captureType: "probe",
        credentials: vault,
        concurrency: 20,
        jitterMs: 50,
        timeouts: TIMEOUTS,
        retry: RETRY,
        maxOutputBytes: MAX_OUTPUT,
        history,
        store: new CaptureStore({ collections: path.join(dir, "collections") }),
        hostKeys: { policy: "tofu", store: new KnownHostsStore(path.join(dir, "known_hosts")) },
        onDeviceResult: (r) => results.set(r.device.name, r),
      });
    } finally {
      clearInterval(sampler);
    }
    // Rejections that surface late (a socket closing after the run) must be caught too.
    await new Promise((r) => setTimeout(r, 300));
  });
  after(async () => {
    process.removeListener("unhandledRejection", onUnhandled);
    history?.close();
    vault?.close();
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("collects every healthy device with the right outputs", () => {
    const healthy = lab.devices.filter((d) => !d.fault);
    assert.strictEqual(healthy.length, HEALTHY);
    for (const d of healthy) {
      const r = results.get(d.name)!;
      assert.strictEqual(r.status, "ok", `${d.name}: ${r.errorClass} ${r.error}`);
      assert.deepStrictEqual(
        r.commands.map((c) => c.output.trim()),
        PROBE_COMMANDS.map((c) => probeOutput(c, d.hostname)),
      );
      assert.ok(fs.existsSync(r.capturePaths[0]));
    }
  });

  it("reports every fault device with its class, within its limit", () => {
    for (const d of lab.devices.filter((x) => x.fault)) {
      const r = results.get(d.name)!;
      assert.strictEqual(r.status, "failed", `${d.name} (${d.fault})`);
      assert.strictEqual(r.errorClass, EXPECTED[d.fault!], `${d.name} (${d.fault}): ${r.error}`);
      assert.ok(r.durationMs <= TIMEOUTS.deviceMs + SLACK_MS, `${d.fault} took ${r.durationMs} ms`);
      assert.ok(
        !fs.existsSync(path.join(dir, "collections", "probe", `${d.name}.txt`)),
        `${d.fault}: no capture saved for a failed device`,
      );
      if (d.fault === "huge_output") assert.ok(r.commands[0].output.length <= MAX_OUTPUT, "partial output is capped");
    }
  });

  it("raises no unhandled rejection and keeps memory bounded", () => {
    assert.deepStrictEqual(unhandled, []);
    assert.ok(rssPeak - rssBefore < 300 * 1024 * 1024, `RSS grew by ${Math.round((rssPeak - rssBefore) / 1048576)} MB`);
  });

  it("writes the right history row", () => {
    const row = history.getRun(summary.runId)!;
    const expectedCounts: Record<string, number> = {};
    for (const f of LAB_FAULTS) expectedCounts[EXPECTED[f]] = (expectedCounts[EXPECTED[f]] ?? 0) + 1;
    assert.deepStrictEqual(
      {
        status: row.status,
        total: row.total,
        ok: row.ok,
        failed: row.failed,
        partial: row.partial,
        errorCounts: row.errorCounts,
      },
      {
        status: "partial",
        total: HEALTHY + LAB_FAULTS.length,
        ok: HEALTHY,
        failed: LAB_FAULTS.length,
        partial: 0,
        errorCounts: expectedCounts,
      },
    );
    assert.ok(row.finishedAt && row.durationMs !== null);
    assert.strictEqual(history.listCaptures({ runId: summary.runId }).length, HEALTHY);
  });

  it("leaves the lab password nowhere in results or files", () => {
    assert.deepStrictEqual(findSecretsInText(JSON.stringify([...results.values()]), [PASSWORD]), []);
    assert.deepStrictEqual(
      findSecretsInDir(dir, [PASSWORD]).filter((hit) => !hit.startsWith(vault.file)),
      [],
    );
  });
});
