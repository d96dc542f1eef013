import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as net from "node:net";
import { parse } from "csv-parse/sync";
import { Client } from "ssh2";
import { LAB_FAULTS, labPlatforms, startLab, type Lab } from "../../lib/lab";
import { openShell, useLab } from "../support/lab";
import { login } from "../support/lab-shell";

const fingerprintOf = (key: Buffer) => "SHA256:" + createHash("sha256").update(key).digest("base64").replace(/=+$/, "");

/** Connects with a raw client and returns the host key fingerprint it was shown. */
function seenFingerprint(host: string, port: number, extra: Record<string, unknown> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen = "";
    client.on("ready", () => {
      client.end();
      resolve(seen);
    });
    client.on("error", reject);
    client.connect({
      host,
      port,
      username: "admin",
      password: "admin",
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOf(key);
        return true;
      },
      ...extra,
    });
  });
}

const connectOutcome = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const sock = net.connect(port, host);
    sock.on("connect", () => {
      sock.destroy();
      resolve("connected");
    });
    sock.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

describe("startLab", function () {
  this.timeout(60_000);

  describe("count mode", () => {
    const ctx = useLab({ count: 12, faults: ["slow", "auth_fail"], latencyMs: 5, seed: "fixed-seed" });

    it("names devices per platform, round-robin, each on its own 127.0.0.x address", () => {
      const devices = ctx.lab.devices;
      assert.equal(devices.length, 12);
      const platforms = labPlatforms();
      devices.forEach((d, i) => {
        assert.equal(d.platform, platforms[i % platforms.length]);
        assert.match(d.name, /^[a-z]+-[a-z]+-\d\d$/);
        assert.equal(d.hostname, d.name);
        assert.equal(d.username, "admin");
        assert.equal(d.password, "admin");
        assert.ok(d.port > 0);
      });
      assert.deepEqual(
        devices.map((d) => d.host),
        Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`),
      );
      assert.equal(new Set(devices.map((d) => d.hostKeyFingerprint)).size, 12, "every device has its own host key");
    });

    it("gives the faults to the last devices", () => {
      assert.deepEqual(
        ctx.lab.devices.map((d) => d.fault ?? "-"),
        [...Array(10).fill("-"), "slow", "auth_fail"],
      );
    });

    it("writes the inventory CSV with the agreed columns", () => {
      const rows = parse(ctx.lab.inventoryCsv(), { columns: true }) as Record<string, string>[];
      assert.deepEqual(Object.keys(rows[0]), ["name", "primary_ip4", "platform", "site", "role", "status", "port"]);
      assert.equal(rows.length, 12);
      const first = ctx.lab.devices[0];
      assert.deepEqual(rows[0], {
        name: first.name,
        primary_ip4: first.host,
        platform: first.platform,
        site: "lab",
        role: "switch",
        status: "active",
        port: String(first.port),
      });
      assert.ok(!ctx.lab.inventoryCsv().includes("admin"), "no credentials in the inventory");
    });

    it("reports the host key fingerprint the client actually sees", async () => {
      const d = ctx.lab.devices[2];
      assert.match(d.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
      assert.equal(await seenFingerprint(d.host, d.port), d.hostKeyFingerprint);
    });

    it("keeps fingerprints for the same seed and changes them for another", async () => {
      const again = await startLab({ count: 2, seed: "fixed-seed", baseAddress: "127.0.9.2" });
      const other = await startLab({ count: 2, seed: "other-seed", baseAddress: "127.0.9.10" });
      try {
        assert.deepEqual(
          again.devices.map((d) => d.hostKeyFingerprint),
          ctx.lab.devices.slice(0, 2).map((d) => d.hostKeyFingerprint),
        );
        assert.notDeepEqual(
          other.devices.map((d) => d.hostKeyFingerprint),
          again.devices.map((d) => d.hostKeyFingerprint),
        );
      } finally {
        await again.stop();
        await other.stop();
      }
    });
  });

  it("stops every server and connection", async () => {
    const lab = await startLab({ count: 3, baseAddress: "127.0.8.2" });
    const d = lab.devices[0];
    const s = await login(d);
    await lab.stop();
    await s.shell.closed;
    for (const dev of lab.devices) assert.equal(await connectOutcome(dev.host, dev.port), "ECONNREFUSED");
    await lab.stop();
    s.shell.close();
  });

  it("rejects bad specs with an error naming the device", async () => {
    await assert.rejects(
      startLab({ devices: [{ platform: "cisco_ios" }, { platform: "nope" }] }),
      /lab device 2: unknown platform 'nope'/,
    );
    await assert.rejects(
      startLab({ devices: [{ platform: "cisco_ios", host: "10.0.0.1" }] }),
      /lab device 1: host '10\.0\.0\.1' is not a loopback address/,
    );
    await assert.rejects(
      startLab({
        devices: [
          { platform: "cisco_ios", name: "a" },
          { platform: "cisco_ios", name: "a" },
        ],
      }),
      /lab device 2 \(a\): name 'a' is used by another device/,
    );
    await assert.rejects(startLab({ devices: [{ platform: "cisco_ios", name: "bad name" }] }), /not a valid hostname/);
    await assert.rejects(
      startLab({ devices: [{ platform: "cisco_ios", latencyMs: -1 }] }),
      /latencyMs must be a non-negative integer/,
    );
    await assert.rejects(startLab({ count: 1, faults: ["slow", "refuse"] }), /2 faults need at least as many devices/);
    await assert.rejects(
      startLab({ devices: [{ platform: "cisco_ios", responsesDirs: ["/nonexistent-dir"] }] }),
      /responses directory not found/,
    );
    await assert.rejects(
      startLab({ devices: [{ platform: "cisco_ios", algorithms: { kex: ["no-such-kex"] } }] }),
      /lab device ios-rtr-01: cannot create the SSH server: Unsupported algorithm: no-such-kex/,
    );
    assert.deepEqual([...LAB_FAULTS].sort(), [
      "auth_fail",
      "banner_hang",
      "drop_mid_output",
      "huge_output",
      "no_prompt",
      "refuse",
      "slow",
    ]);
  });

  it("stops what already started when a later device cannot listen", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.7.3", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await assert.rejects(
        startLab({
          devices: [
            { platform: "cisco_ios", host: "127.0.7.2", port },
            { platform: "cisco_ios", host: "127.0.7.3", port },
          ],
        }),
        /cannot listen on 127\.0\.7\.3/,
      );
      assert.equal(await connectOutcome("127.0.7.2", port), "ECONNREFUSED");
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  describe("legacy algorithms, one address, jump host", () => {
    let lab: Lab;
    before(async () => {
      lab = await startLab({
        devices: [
          {
            name: "old",
            platform: "cisco_ios",
            algorithms: {
              kex: ["diffie-hellman-group14-sha1"],
              serverHostKey: ["ssh-rsa"],
              cipher: ["aes128-ctr"],
              hmac: ["hmac-sha1"],
            },
          },
          { name: "jump", platform: "cisco_ios", allowForwarding: true },
          { name: "inner", platform: "arista_eos" },
          { name: "noforward", platform: "cisco_ios" },
        ],
      });
    });
    after(async () => {
      await lab?.stop();
    });
    const dev = (name: string) => lab.devices.find((d) => d.name === name)!;

    it("offers only the configured algorithms (with an RSA host key)", async () => {
      const d = dev("old");
      await assert.rejects(
        seenFingerprint(d.host, d.port, { algorithms: { kex: ["curve25519-sha256"] } }),
        /kex|key exchange|handshake|no matching/i,
      );
      const fp = await seenFingerprint(d.host, d.port, {
        algorithms: {
          kex: ["diffie-hellman-group14-sha1"],
          serverHostKey: ["ssh-rsa"],
          cipher: ["aes128-ctr"],
          hmac: ["hmac-sha1"],
        },
      });
      assert.equal(fp, d.hostKeyFingerprint);
    });

    it("forwards direct-tcpip to loopback when allowed (jump host), and refuses otherwise", async () => {
      const jump = dev("jump");
      const inner = dev("inner");
      const hop = await openShell(jump);
      const stream = await new Promise<import("ssh2").ClientChannel>((resolve, reject) =>
        hop.client.forwardOut("127.0.0.1", 0, inner.host, inner.port, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      const s = await login(inner, { sock: stream as never, host: undefined, port: undefined });
      assert.match(await s.run("show version"), /Arista DCS-7050SX3/);
      s.shell.close();
      hop.close();
      const closed = await openShell(dev("noforward"));
      await assert.rejects(
        new Promise((resolve, reject) =>
          closed.client.forwardOut("127.0.0.1", 0, inner.host, inner.port, (err, ch) =>
            err ? reject(err) : resolve(ch),
          ),
        ),
      );
      closed.close();
    });

    it("puts every device on one address with consecutive ports when asked", async () => {
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, "127.0.6.1", r));
      const base = (probe.address() as net.AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const one = await startLab({ count: 3, oneAddress: true, baseAddress: "127.0.6.1", port: base });
      try {
        assert.deepEqual(
          one.devices.map((d) => `${d.host}:${d.port}`),
          [0, 1, 2].map((i) => `127.0.6.1:${base + i}`),
        );
      } finally {
        await one.stop();
      }
    });
  });
});
