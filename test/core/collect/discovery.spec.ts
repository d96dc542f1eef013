import * as assert from "node:assert";
import * as path from "node:path";
import { discoverCredentials, testCredential, type DiscoveryDeviceResult } from "../../../lib/core/collect";
import { Inventory } from "../../../lib/core/inventory";
import { KnownHostsStore } from "../../../lib/core/ssh";
import { startRecordingServer } from "../../support/collect";
import { findSecretsInText } from "../../support/secrets";
import { useLabWithVault } from "../../support/lab";

const SECRETS = { alpha: "Alpha-Pass-401", beta: "Beta-Pass-402", gamma: "Gamma-Pass-403" };

describe("collect: credential discovery", function () {
  this.timeout(60_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-discovery-",
    lab: () => ({
      devices: [
        { name: "uses-alpha", platform: "cisco_ios", username: "ops", password: SECRETS.alpha },
        { name: "uses-beta", platform: "arista_eos", username: "ops", password: SECRETS.beta },
        { name: "uses-gamma", platform: "juniper_junos", username: "ops", password: SECRETS.gamma },
        { name: "rejects-all", platform: "cisco_ios", username: "ops", password: SECRETS.alpha, fault: "auth_fail" },
        { name: "refuses", platform: "cisco_ios", fault: "refuse" },
      ],
    }),
    credentials: [
      { name: "alpha", username: "ops", password: SECRETS.alpha },
      { name: "beta", username: "ops", password: SECRETS.beta, isDefault: true },
      { name: "gamma", username: "ops", password: SECRETS.gamma },
    ],
  });

  function inventoryIn(name: string): Inventory {
    const inv = Inventory.open(path.join(fx.dir, `${name}.db`), { create: true });
    inv.init();
    const report = inv.importCsv(fx.lab.inventoryCsv(), { createMissing: true });
    assert.deepStrictEqual(report.errors, []);
    return inv;
  }

  async function discover(
    inv: Inventory,
    knownHosts: KnownHostsStore,
    opts: Partial<Parameters<typeof discoverCredentials>[0]> = {},
  ) {
    const results = new Map<string, DiscoveryDeviceResult>();
    const report = await discoverCredentials({
      devices: inv.listDevices(),
      credentials: fx.vault,
      knownHosts,
      recorder: inv,
      timeouts: { connectMs: 2000, bannerMs: 2000, authMs: 3000 },
      onDevice: (r) => results.set(r.device.name, r),
      ...opts,
    });
    return { report, results };
  }

  it("skips hosts whose key is not pinned, without connecting to them", async () => {
    const inv = inventoryIn("unpinned");
    try {
      const { report, results } = await discover(inv, new KnownHostsStore(path.join(fx.dir, "kh-unpinned")));
      assert.strictEqual(report.skipped.unpinned, 5);
      assert.strictEqual(report.tested, 0);
      assert.match(results.get("uses-alpha")!.reason!, /host key not pinned/);
      assert.strictEqual(inv.getDevice("uses-alpha")!.credentialStatus, "untested");
    } finally {
      inv.close();
    }
  });

  it("with explicit pinning, finds the working credential of each device, saves it, and reports coverage", async () => {
    const inv = inventoryIn("pin");
    try {
      const knownHosts = new KnownHostsStore(path.join(fx.dir, "kh-pin"));
      const { report, results } = await discover(inv, knownHosts, { pinNewHosts: true });
      assert.deepStrictEqual(
        {
          matched: report.matched,
          noMatch: report.noMatch,
          unreachable: report.unreachable,
          tested: report.tested,
          byCred: report.matchesByCredential,
          coverage: report.coveragePercent,
        },
        { matched: 3, noMatch: 1, unreachable: 1, tested: 5, byCred: { alpha: 1, beta: 1, gamma: 1 }, coverage: 60 },
      );
      assert.deepStrictEqual(report.credentialsTested, ["beta", "alpha", "gamma"], "the default first, then by name");
      for (const [name, cred] of [
        ["uses-alpha", "alpha"],
        ["uses-beta", "beta"],
        ["uses-gamma", "gamma"],
      ]) {
        assert.strictEqual(results.get(name)!.credentialName, cred);
        const saved = inv.getDevice(name)!;
        assert.deepStrictEqual([saved.credentialName, saved.credentialStatus], [cred, "ok"]);
        const info = fx.lab.devices.find((d) => d.name === name)!;
        assert.strictEqual(knownHosts.check(info.host, info.port, info.hostKeyFingerprint), "match");
      }
      assert.deepStrictEqual(
        results.get("uses-alpha")!.attempts.map((a) => [a.credential, a.ok, a.errorClass ?? null]),
        [
          ["beta", false, "auth_failed"],
          ["alpha", true, null],
        ],
      );
      const none = results.get("rejects-all")!;
      assert.deepStrictEqual([none.status, none.attempts.length], ["no_match", 3]);
      assert.strictEqual(inv.getDevice("rejects-all")!.credentialStatus, "failed");
      const refused = results.get("refuses")!;
      assert.deepStrictEqual(
        [refused.status, refused.errorClass, refused.attempts.length],
        ["unreachable", "connect_refused", 0],
      );
      assert.deepStrictEqual(
        findSecretsInText(JSON.stringify([...results.values(), report]), Object.values(SECRETS)),
        [],
      );

      const again = await discover(inv, knownHosts);
      assert.strictEqual(
        again.report.skipped.recent,
        4,
        "devices tested in the last 24 h are skipped (the unreachable one was never tested)",
      );
      const forced = await discover(inv, knownHosts, { force: true, skipConfigured: true });
      assert.strictEqual(forced.report.skipped.configured, 3, "skip-configured leaves out devices with a credential");
      assert.deepStrictEqual(
        [forced.report.tested, forced.report.skipped.unpinned],
        [1, 1],
        "the refusing host never got its key pinned",
      );
      const mappedFirst = await discover(inv, knownHosts, { force: true, names: ["gamma", "alpha"] });
      assert.deepStrictEqual(
        mappedFirst.results.get("uses-alpha")!.attempts.map((a) => a.credential),
        ["alpha"],
        "the device's own credential goes first",
      );
      assert.deepStrictEqual(
        mappedFirst.results.get("uses-beta")!.attempts.map((a) => a.credential),
        ["gamma", "alpha"],
      );
      assert.strictEqual(mappedFirst.results.get("uses-beta")!.status, "no_match");
    } finally {
      inv.close();
    }
  });

  it("a dry run connects to nothing and says what would be tried", async () => {
    const server = await startRecordingServer();
    try {
      const knownHosts = new KnownHostsStore(path.join(fx.dir, "kh-dry"));
      const results: DiscoveryDeviceResult[] = [];
      const report = await discoverCredentials({
        devices: [
          { name: "rec", host: server.host, port: server.port, platform: "cisco_ios", credentialName: "gamma" },
        ],
        credentials: fx.vault,
        knownHosts,
        dryRun: true,
        pinNewHosts: true,
        onDevice: (r) => results.push(r),
      });
      assert.strictEqual(server.connections, 0);
      assert.deepStrictEqual([results[0].status, results[0].candidates], ["planned", ["gamma", "beta", "alpha"]]);
      assert.strictEqual(report.dryRun, true);
    } finally {
      await server.stop();
    }
  });

  it("pinning a new host sends no credential; only then are the credentials tried", async () => {
    const server = await startRecordingServer();
    try {
      const knownHosts = new KnownHostsStore(path.join(fx.dir, "kh-rec"));
      const device = { name: "rec", host: server.host, port: server.port, platform: "cisco_ios" };
      await discoverCredentials({ devices: [device], credentials: fx.vault, knownHosts });
      assert.strictEqual(server.connections, 0, "an unpinned host is not even contacted");
      await discoverCredentials({
        devices: [device],
        credentials: fx.vault,
        knownHosts,
        pinNewHosts: true,
        names: ["alpha"],
      });
      assert.strictEqual(knownHosts.check(server.host, server.port, server.fingerprint), "match");
      assert.strictEqual(server.connections, 2, "one key scan, one login");
      assert.deepStrictEqual([...new Set(server.passwords)], [SECRETS.alpha]);
    } finally {
      await server.stop();
    }
  });

  it("refuses unknown credential names, listing the known ones", async () => {
    await assert.rejects(
      discoverCredentials({
        devices: [],
        credentials: fx.vault,
        knownHosts: KnownHostsStore.inMemory(),
        names: ["alpha", "nope"],
      }),
      /discovery\.credentials: not in the vault: nope \(known: alpha, beta, gamma\)/,
    );
  });

  it("testCredential reports ok or the error class, never the secret", async () => {
    const info = fx.lab.devices.find((d) => d.name === "uses-gamma")!;
    const device = { name: info.name, host: info.host, port: info.port, platform: info.platform };
    const hostKeys = { policy: "tofu" as const, store: new KnownHostsStore(path.join(fx.dir, "kh-test")) };
    const ok = await testCredential(device, fx.vault.get("gamma"), { hostKeys });
    assert.deepStrictEqual([ok.ok, ok.credential], [true, "gamma"]);
    const bad = await testCredential(device, fx.vault.get("alpha"), { hostKeys });
    assert.deepStrictEqual([bad.ok, bad.errorClass], [false, "auth_failed"]);
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(bad), Object.values(SECRETS)), []);
  });
});
