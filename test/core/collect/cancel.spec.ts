import * as assert from "node:assert";
import * as path from "node:path";
import { CollectorDb, runCollection } from "../../../lib/core/collect";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { DeviceResult } from "../../../lib/core/types";
import { labDevices } from "../../support/collect";
import { useLabWithVault } from "../../support/lab";

const PASSWORD = "Cancel-Lab-Pass-90ee";

describe("collect: cancellation", function () {
  this.timeout(60_000);
  // Every device answers show commands only after 30 s: sessions stay open until cancelled.
  const fx = useLabWithVault({
    tmpPrefix: "vc-cancel-",
    lab: () => ({ count: 10, platforms: ["cisco_ios"], password: PASSWORD, faults: Array(10).fill("slow") }),
    credentials: [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }],
  });

  it("closes every open session and ends the run within 2 s of the abort; unstarted devices are reported cancelled", async () => {
    const ac = new AbortController();
    const results: DeviceResult[] = [];
    const sent = new Set<string>();
    let allBusy: () => void = () => undefined;
    const busy = new Promise<void>((resolve) => {
      allBusy = resolve;
    });
    const history = CollectorDb.open(path.join(fx.dir, "collector.db"));
    try {
      const run = runCollection({
        devices: labDevices(fx.lab),
        commands: ["show version"],
        captureType: "version",
        credentials: fx.vault,
        concurrency: 4,
        jitterMs: 0,
        history,
        hostKeys: { policy: "tofu", store: new KnownHostsStore(path.join(fx.dir, "known_hosts")) },
        signal: ac.signal,
        onDeviceResult: (r) => results.push(r),
        // The driver logs each command it sends; four in flight means four sessions are open.
        log: (line) => {
          const m = /^(\S+) > show version$/.exec(line);
          if (m) sent.add(m[1]);
          if (sent.size === 4) allBusy();
        },
      });
      await Promise.race([busy, new Promise((r) => setTimeout(r, 10_000))]);
      assert.strictEqual(sent.size, 4, "four sessions were running a command when the run was cancelled");
      const t0 = Date.now();
      ac.abort();
      const summary = await run;
      const elapsed = Date.now() - t0;
      assert.ok(elapsed < 2_000, `the run ended ${elapsed} ms after the abort`);
      assert.strictEqual(results.length, 10);
      assert.ok(
        results.every((r) => r.status === "failed" && r.errorClass === "cancelled"),
        JSON.stringify(results.map((r) => r.errorClass)),
      );
      const interrupted = results.filter((r) => r.commands.length === 1);
      assert.strictEqual(interrupted.length, 4, "the four running devices report their interrupted command");
      assert.ok(interrupted.every((r) => r.commands[0].errorClass === "cancelled"));
      assert.deepStrictEqual(
        {
          status: summary.status,
          cancelled: summary.cancelled,
          failed: summary.failed,
          errorCounts: summary.errorCounts,
        },
        { status: "cancelled", cancelled: 10, failed: 10, errorCounts: { cancelled: 10 } },
      );
      assert.strictEqual(history.getRun(summary.runId)!.status, "cancelled");
    } finally {
      history.close();
    }
  });

  it("a run aborted before it starts connects nothing and reports every device cancelled", async () => {
    const ac = new AbortController();
    ac.abort();
    const results: DeviceResult[] = [];
    const summary = await runCollection({
      devices: labDevices(fx.lab),
      commands: ["show version"],
      captureType: "version",
      credentials: fx.vault,
      signal: ac.signal,
      hostKeys: { policy: "tofu", store: KnownHostsStore.inMemory() },
      onDeviceResult: (r) => results.push(r),
    });
    assert.strictEqual(results.length, 10);
    assert.ok(results.every((r) => r.errorClass === "cancelled" && r.commands.length === 0));
    assert.strictEqual(summary.status, "cancelled");
  });
});
