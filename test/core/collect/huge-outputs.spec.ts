import * as assert from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CaptureStore, CollectorDb, runCollection } from "../../../lib/core/collect";
import { defaultMaxOutputBytes, excerptResult, JSON_OUTPUT_CHARS } from "../../../lib/core/collect/excerpt";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { DeviceResult } from "../../../lib/core/types";
import { startLab, type Lab } from "../../../lib/lab";
import { labDevices } from "../../support/collect";
import { makeTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

const PASSWORD = "Huge-Lab-Pass-4f2a";
const HUGE = 3 * 1024 * 1024;

describe("collect: huge outputs stream to their capture file; results keep an excerpt", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;

  before(async () => {
    dir = makeTmpDir("vc-huge-");
    lab = await startLab({
      devices: [
        { name: "big1", platform: "cisco_ios", password: PASSWORD, fault: "huge_output", hugeOutputBytes: HUGE },
        { name: "big2", platform: "arista_eos", password: PASSWORD, fault: "huge_output", hugeOutputBytes: HUGE },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("CaptureWriter: appends go to a temp file beside the capture; commit replaces it atomically, discard keeps the old one", async () => {
    const store = new CaptureStore({ collections: path.join(dir, "writer"), keepHistory: true });
    const old = await store.save("t", "r1", "old\n");
    const w = await store.open("t", "r1");
    await w.append("new ");
    await w.append("text\n");
    const temps = fs.readdirSync(path.dirname(old.path)).filter((f) => f.endsWith(".tmp"));
    assert.strictEqual(temps.length, 1, "the temp file sits in the same folder");
    assert.strictEqual(fs.readFileSync(old.path, "utf8"), "old\n", "readers see the previous capture until commit");
    const saved = await w.commit(new Date("2026-12-07T00:00:00Z"));
    assert.deepStrictEqual(
      [fs.readFileSync(saved.path, "utf8"), saved.size, fs.readFileSync(saved.historyPath!, "utf8")],
      ["new text\n", 9, "new text\n"],
    );
    assert.strictEqual(saved.sha256, createHash("sha256").update("new text\n").digest("hex"));
    assert.strictEqual((fs.statSync(saved.path).mode & 0o777).toString(8), "600");
    const dropped = await store.open("t", "r1");
    await dropped.append("half");
    await dropped.discard();
    assert.strictEqual(fs.readFileSync(saved.path, "utf8"), "new text\n");
    assert.deepStrictEqual(
      fs.readdirSync(path.dirname(saved.path)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });

  it("writes the whole output to the capture, keeps at most 1 MiB per command in the result", async () => {
    const vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]).open();
    const collections = path.join(dir, "collections");
    const history = CollectorDb.open(path.join(dir, "collector.db"));
    const results: DeviceResult[] = [];
    try {
      const summary = await runCollection({
        devices: labDevices(lab),
        commands: ["show interfaces", "show version"],
        captureType: "big",
        credentials: vault,
        jitterMs: 0,
        hostKeys: { policy: "tofu", store: new KnownHostsStore(path.join(dir, "known_hosts")) },
        store: new CaptureStore({ collections }),
        history,
        onDeviceResult: (r) => results.push(r),
      });
      assert.deepStrictEqual([summary.status, summary.ok], ["success", 2], JSON.stringify(results.map((r) => r.error)));
      for (const r of results) {
        const file = r.capturePaths[0];
        const text = fs.readFileSync(file, "utf8");
        const first = r.commands[0];
        assert.strictEqual(first.outputTruncated, true);
        assert.ok(first.output.length <= 1024 * 1024, `${first.output.length} chars kept`);
        assert.ok(first.outputBytes! >= HUGE * 0.95, `outputBytes ${first.outputBytes}`);
        assert.ok(text.includes(first.output), "the excerpt is the start of what the file holds");
        assert.ok(Buffer.byteLength(text) > first.outputBytes!, "the file holds the whole output of both commands");
        // No temp file left beside the capture; the captures row has the file's real hash.
        assert.deepStrictEqual(
          fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith(".tmp")),
          [],
        );
        const row = history.listCaptures({ runId: r.runId }).find((c) => c.deviceName === r.device.name);
        assert.strictEqual(row?.sha256, createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
        // --json prints at most 64 KiB of each output.
        const json = excerptResult(r, JSON_OUTPUT_CHARS);
        assert.ok(json.commands.every((c) => c.output.length <= JSON_OUTPUT_CHARS));
        assert.strictEqual(r.commands[0].output.length > JSON_OUTPUT_CHARS, true, "the result itself is unchanged");
      }
    } finally {
      history.close();
      vault.close();
    }
  });

  it("the default cap is lower for non-config commands and past it the device fails with output_too_large", async () => {
    assert.strictEqual(defaultMaxOutputBytes(["show version", "show ip arp"]), 8 * 1024 * 1024);
    assert.strictEqual(defaultMaxOutputBytes(["show running-config"]), 32 * 1024 * 1024);
    assert.strictEqual(defaultMaxOutputBytes(["display current-configuration"]), 32 * 1024 * 1024);
    const vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }], {
      file: "v2.db",
    }).open();
    const collections = path.join(dir, "collections-cap");
    const results: DeviceResult[] = [];
    try {
      await runCollection({
        devices: labDevices(lab).slice(0, 1),
        commands: ["show interfaces"],
        captureType: "capped",
        credentials: vault,
        jitterMs: 0,
        maxOutputBytes: 1024 * 1024,
        hostKeys: { policy: "accept-any" },
        store: new CaptureStore({ collections }),
        onDeviceResult: (r) => results.push(r),
      });
      assert.deepStrictEqual([results[0].status, results[0].errorClass], ["failed", "output_too_large"]);
      assert.ok(!fs.existsSync(path.join(collections, "capped", "big1.txt")), "no capture for a failed device");
      const folder = path.join(collections, "capped");
      assert.deepStrictEqual(fs.existsSync(folder) ? fs.readdirSync(folder) : [], [], "and no temp file left");
    } finally {
      vault.close();
    }
  });
});
