import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { fetchHostKey, runCollection, type CollectRequest } from "../../../lib/core/collect";
import { startLab, type Lab } from "../../../lib/lab";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { Device, DeviceResult } from "../../../lib/core/types";
import type { Vault } from "../../../lib/core/vault";
import {
  labDevices,
  PROBE_COMMANDS,
  startDroppingServer,
  startRecordingServer,
  writeProbeResponses,
  type RecordingServer,
} from "../../support/collect";
import { freePort } from "../../support/net";
import { makeTmpDir } from "../../support/tmp";
import { makeVault } from "../../support/vault";

const SECRETS = {
  mapped: "Mapped-Pass-31",
  explicit: "Explicit-Pass-32",
  dflt: "Default-Pass-33",
  extra: "Extra-Pass-34",
  other: "Other-Pass-35",
};

async function collectOne(
  req: Omit<CollectRequest, "onDeviceResult" | "commands" | "captureType">,
): Promise<DeviceResult[]> {
  const out: DeviceResult[] = [];
  await runCollection({
    commands: [PROBE_COMMANDS[0]],
    captureType: "probe",
    jitterMs: 0,
    ...req,
    onDeviceResult: (r) => out.push(r),
  });
  return out;
}

describe("collect: credential chain and retries over SSH", function () {
  this.timeout(60_000);
  let dir: string;
  let vault: Vault;

  before(() => {
    dir = makeTmpDir("vc-chain-ssh-");
    vault = makeVault(dir, [
      { name: "mapped", username: "netops", password: SECRETS.mapped },
      { name: "explicit", username: "netops", password: SECRETS.explicit },
      { name: "dflt", username: "netops", password: SECRETS.dflt, isDefault: true },
      { name: "extra", username: "netops", password: SECRETS.extra },
      { name: "other", username: "netops", password: SECRETS.other },
    ]).open();
  });
  after(() => {
    vault?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("on lab devices that each accept one credential", () => {
    let lab: Lab;
    let devices: Device[];
    before(async () => {
      const responsesDirs = [writeProbeResponses(dir, ["cisco_ios"])];
      const spec = (name: string, password: string) => ({
        name,
        platform: "cisco_ios",
        username: "netops",
        password,
        responsesDirs,
      });
      lab = await startLab({
        devices: [
          spec("by-mapping", SECRETS.mapped),
          spec("by-explicit", SECRETS.explicit),
          spec("by-default", SECRETS.dflt),
          spec("by-discovery", SECRETS.extra),
          spec("by-discovery-unpinned", SECRETS.extra),
        ],
      });
      devices = labDevices(lab).map((d) => (d.name === "by-mapping" ? { ...d, credentialName: "mapped" } : d));
    });
    after(async () => {
      await lab?.stop();
    });

    it("uses mapped → explicit → default → discovery (pinned hosts only), reporting the credential by name", async () => {
      const knownHosts = new KnownHostsStore(path.join(dir, "chain_known_hosts"));
      const pinned = lab.devices.find((d) => d.name === "by-discovery")!;
      knownHosts.pin(pinned.host, pinned.port, await fetchHostKey(pinned.host, pinned.port, 5000));
      const results = await collectOne({
        devices,
        credentials: vault,
        credential: "explicit",
        discovery: true,
        hostKeys: { policy: "tofu", store: knownHosts },
      });
      const by = new Map(results.map((r) => [r.device.name, r]));
      assert.strictEqual(by.get("by-mapping")!.credentialName, "mapped");
      assert.strictEqual(by.get("by-explicit")!.credentialName, "explicit");
      assert.strictEqual(by.get("by-default")!.credentialName, "dflt");
      assert.strictEqual(by.get("by-discovery")!.credentialName, "extra");
      const unpinned = by.get("by-discovery-unpinned")!;
      assert.strictEqual(unpinned.status, "failed");
      assert.strictEqual(unpinned.errorClass, "auth_failed");
      assert.match(
        unpinned.error!,
        /every credential was rejected \(explicit, dflt\); discovery skipped: the host key was not pinned before this run/,
      );
      for (const r of results)
        assert.strictEqual(
          r.status === "ok",
          r.device.name !== "by-discovery-unpinned",
          `${r.device.name}: ${r.error}`,
        );
    });

    it("without discovery, a host that accepts only another vault credential fails with auth_failed", async () => {
      const knownHosts = new KnownHostsStore(path.join(dir, "nodisc_known_hosts"));
      const results = await collectOne({
        devices: devices.filter((d) => d.name === "by-discovery"),
        credentials: vault,
        hostKeys: { policy: "tofu", store: knownHosts },
      });
      assert.strictEqual(results[0].errorClass, "auth_failed");
      assert.match(results[0].error!, /rejected \(dflt\)$/);
    });
  });

  describe("on a server that records every login attempt", () => {
    let server: RecordingServer;
    beforeEach(async () => {
      server = await startRecordingServer();
    });
    afterEach(async () => {
      await server.stop();
    });
    const device = (): Device => ({
      name: "rec",
      host: server.host,
      port: server.port,
      platform: "cisco_ios",
      credentialName: "mapped",
    });

    it("never sprays the other credentials at an unpinned host, and never retries an auth failure", async () => {
      const knownHosts = new KnownHostsStore(path.join(dir, `rec1_${server.port}`));
      const [r] = await collectOne({
        devices: [device()],
        credentials: vault,
        discovery: true,
        retry: { retries: 3, baseDelayMs: 10 },
        hostKeys: { policy: "tofu", store: knownHosts },
      });
      assert.strictEqual(r.errorClass, "auth_failed");
      assert.strictEqual(server.connections, 2, "one connection per credential: no retry after an auth failure");
      assert.deepStrictEqual([...new Set(server.passwords)].sort(), [SECRETS.dflt, SECRETS.mapped].sort());
    });

    it("tries the rest of the vault once the host key was pinned before the run", async () => {
      const knownHosts = new KnownHostsStore(path.join(dir, `rec2_${server.port}`));
      knownHosts.pin(server.host, server.port, await fetchHostKey(server.host, server.port, 5000));
      const before = server.connections;
      const [r] = await collectOne({
        devices: [device()],
        credentials: vault,
        discovery: true,
        hostKeys: { policy: "tofu", store: knownHosts },
      });
      assert.strictEqual(r.errorClass, "auth_failed");
      assert.match(r.error!, /rejected \(mapped, dflt, explicit, extra, other\)/);
      assert.strictEqual(server.connections - before, 5);
      assert.deepStrictEqual([...new Set(server.passwords)].sort(), Object.values(SECRETS).sort());
    });

    it("sends no discovery credential to a host whose pinned key does not match", async () => {
      const knownHosts = new KnownHostsStore(path.join(dir, `rec3_${server.port}`));
      const other = await startRecordingServer();
      try {
        knownHosts.pin(server.host, server.port, await fetchHostKey(other.host, other.port, 5000));
      } finally {
        await other.stop();
      }
      const [r] = await collectOne({
        devices: [device()],
        credentials: vault,
        discovery: true,
        hostKeys: { policy: "tofu", store: knownHosts },
      });
      assert.strictEqual(r.errorClass, "hostkey_mismatch");
      assert.deepStrictEqual(server.passwords, []);
    });
  });

  it("retries a connection dropped before authentication, with backoff, then reports it", async () => {
    const dropper = await startDroppingServer();
    try {
      const [r] = await collectOne({
        devices: [{ name: "drops", host: dropper.host, port: dropper.port, platform: "cisco_ios" }],
        credentials: vault,
        retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 50 },
        hostKeys: { policy: "tofu", store: KnownHostsStore.inMemory() },
      });
      assert.strictEqual(r.errorClass, "disconnected");
      assert.match(r.error!, /after 3 attempts/);
      assert.strictEqual(dropper.connections, 3);
    } finally {
      await dropper.stop();
    }
  });

  it("retries connect_refused and reports the class with the number of attempts", async () => {
    const port = await freePort();
    const [r] = await collectOne({
      devices: [{ name: "closed", host: "127.0.0.1", port, platform: "cisco_ios" }],
      credentials: vault,
      retry: { retries: 1, baseDelayMs: 20 },
      hostKeys: { policy: "tofu", store: KnownHostsStore.inMemory() },
    });
    assert.strictEqual(r.errorClass, "connect_refused");
    assert.match(r.error!, /connection refused .*\(after 2 attempts\)/);
  });
});
