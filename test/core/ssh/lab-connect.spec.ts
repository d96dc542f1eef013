import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { startLab, type LabDeviceInfo, type LabDeviceSpec } from "../../../lib/lab";
import {
  KnownHostsStore,
  openSession,
  testLogin,
  type DeviceSession,
  type SessionOptions,
} from "../../../lib/core/ssh";
import { BUILTIN_PROFILE_DIR } from "../../../lib/core/ssh/profile";
import { useLab } from "../../support/lab";
import { freePort } from "../../support/net";
import { findSecretsInText } from "../../support/secrets";
import { useTmpDir } from "../../support/tmp";
import { FIXTURE_RESPONSES, FIXTURE_TEXT, labSessionOptions, linesCommand, sessionError } from "./fixtures";
import { generateSshKeyPair } from "../../support/ssh-keys";

const PASSWORD = "Conn-Pass-4410";

const rejection = sessionError;
const options = labSessionOptions;

describe("ssh against the device lab: faults, each to its error class within its timeout", function () {
  this.timeout(20000);
  const faultSpecs: LabDeviceSpec[] = [
    { name: "f-refuse", platform: "cisco_ios", fault: "refuse" },
    { name: "f-banner", platform: "arista_eos", fault: "banner_hang" },
    { name: "f-auth", platform: "juniper_junos", fault: "auth_fail" },
    { name: "f-slow", platform: "cisco_nxos", fault: "slow" },
    { name: "f-noprompt", platform: "hp_comware", fault: "no_prompt" },
    { name: "f-drop", platform: "cisco_xr", fault: "drop_mid_output", faultAfterBytes: 700 },
    { name: "f-huge", platform: "paloalto_panos", fault: "huge_output" },
  ];
  const env = useLab({
    devices: faultSpecs.map((s) => ({ ...s, password: PASSWORD })),
    responsesDirs: [FIXTURE_RESPONSES],
    seed: "ssh-fault-tests",
  });
  const sessions: DeviceSession[] = [];
  const logs: string[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  after(() => {
    assert.deepEqual(findSecretsInText(logs.join("\n"), [PASSWORD]), []);
  });

  const dev = (name: string) => env.lab.devices.find((d) => d.name === name)!;
  const open = async (d: LabDeviceInfo, extra: Partial<SessionOptions> = {}) => {
    const s = await openSession(options(d, { log: (l) => logs.push(l), ...extra }));
    sessions.push(s);
    return s;
  };

  it("refuse → connect_refused", async () => {
    const d = dev("f-refuse");
    const err = await rejection(openSession(options(d)));
    assert.equal(err.errorClass, "connect_refused");
    assert.equal(err.host, `${d.host}:${d.port}`);
    assert.match(err.message, new RegExp(`^${d.host}:${d.port}: connection refused`));
  });

  it("banner_hang → banner_timeout after bannerMs", async function () {
    this.timeout(5000);
    const err = await rejection(openSession(options(dev("f-banner"), { timeouts: { bannerMs: 600 } })));
    assert.equal(err.errorClass, "banner_timeout");
    assert.match(err.message, /within 600 ms/);
  });

  it("banner_hang → cancelled on abort, device_timeout at the device limit, whichever comes first", async function () {
    this.timeout(5000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const cancelled = await rejection(
      openSession(options(dev("f-banner"), { signal: ac.signal, timeouts: { bannerMs: 10000 } })),
    );
    assert.equal(cancelled.errorClass, "cancelled");
    const limited = await rejection(
      openSession(options(dev("f-banner"), { timeouts: { bannerMs: 10000, deviceMs: 500 } })),
    );
    assert.equal(limited.errorClass, "device_timeout");
  });

  it("auth_fail → auth_failed naming the user, never the password", async () => {
    const d = dev("f-auth");
    const err = await rejection(openSession(options(d, { log: (l) => logs.push(l) })));
    assert.equal(err.errorClass, "auth_failed");
    assert.ok(err.message.includes(`user "${d.username}"`));
    assert.ok(!err.message.includes(PASSWORD));
  });

  it("slow → command_timeout after the command's timeout, with the partial output attached", async function () {
    this.timeout(8000);
    const s = await open(dev("f-slow"));
    const err = await rejection(s.run(linesCommand("cisco_nxos"), { timeoutMs: 800 }));
    assert.equal(err.errorClass, "command_timeout");
    assert.equal(typeof err.partialOutput, "string");
    assert.equal(err.command, "show vc-lines");
  });

  it("slow → device_timeout when the per-device time limit passes first", async function () {
    this.timeout(8000);
    const s = await open(dev("f-slow"), { timeouts: { deviceMs: 2500, commandMs: 60000 } });
    const err = await rejection(s.run(linesCommand("cisco_nxos")));
    assert.equal(err.errorClass, "device_timeout");
    const after = await rejection(s.run("show clock"));
    assert.equal(after.errorClass, "device_timeout");
  });

  it("no_prompt → command_timeout, never success, with the whole output kept as partial", async function () {
    this.timeout(8000);
    const s = await open(dev("f-noprompt"));
    const err = await rejection(s.run(linesCommand("hp_comware"), { timeoutMs: 1500 }));
    assert.equal(err.errorClass, "command_timeout");
    assert.equal(err.partialOutput, FIXTURE_TEXT);
  });

  it("drop_mid_output → disconnected with the output received so far", async () => {
    const s = await open(dev("f-drop"));
    const err = await rejection(s.run(linesCommand("cisco_xr")));
    assert.equal(err.errorClass, "disconnected");
    assert.ok(err.partialOutput && err.partialOutput.length > 100, `partial: ${JSON.stringify(err.partialOutput)}`);
    assert.ok(
      FIXTURE_TEXT.startsWith(err.partialOutput.split("\n").slice(0, -1).join("\n")),
      "the partial output is the start of the real output",
    );
  });

  it("huge_output → output_too_large at the configured cap", async () => {
    const s = await open(dev("f-huge"), { maxOutputBytes: 200_000 });
    const err = await rejection(s.run(linesCommand("paloalto_panos")));
    assert.equal(err.errorClass, "output_too_large");
    assert.match(err.message, /exceeded 200000 bytes/);
    assert.match(err.partialOutput!, /^Ethernet1\/1 /);
  });

  it("a device whose prompt the profile does not know (wrong platform) → prompt_not_found with what was seen", async function () {
    this.timeout(6000);
    // f-slow is an NX-OS device that logs in normally; only its show outputs are slow.
    const err = await rejection(
      openSession(options(dev("f-slow"), { platform: "hp_comware", timeouts: { commandMs: 1000 } })),
    );
    assert.equal(err.errorClass, "prompt_not_found");
    assert.match(err.message, /no hp_comware prompt within 1000 ms \(last line: ".*f-slow# ?"\)/);
  });

  it("a TCP connect that never completes → connect_timeout after connectMs", async function () {
    this.timeout(10000);
    // A socket that listens but never accepts: once its queue is full, further SYNs go unanswered.
    const port = await freePort();
    const holder: ChildProcess = spawn(
      "/usr/bin/python3",
      [
        "-c",
        `import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",${port}))\ns.listen(0)\nprint("ready",flush=True)\ntime.sleep(60)`,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const fillers: net.Socket[] = [];
    try {
      await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
      for (let i = 0; i < 4; i++) {
        const s = net.connect({ host: "127.0.0.1", port });
        s.on("error", () => undefined);
        fillers.push(s);
      }
      await new Promise((r) => setTimeout(r, 200));
      const err = await rejection(
        openSession({
          host: "127.0.0.1",
          port,
          username: "u",
          password: "p",
          platform: "cisco_ios",
          timeouts: { connectMs: 800 },
          hostKeys: { policy: "accept-any", store: KnownHostsStore.inMemory() },
        }),
      );
      assert.equal(err.errorClass, "connect_timeout");
    } finally {
      for (const s of fillers) s.destroy();
      holder.kill("SIGKILL");
    }
  });
});

describe("ssh against the device lab: host keys, algorithms, authentication, jump host", function () {
  this.timeout(20000);
  const tmp = useTmpDir("vc-ssh-lab-");
  const sessions: DeviceSession[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  const open = async (o: SessionOptions) => {
    const s = await openSession(o);
    sessions.push(s);
    return s;
  };

  it("pins a device's key on first use, matches it when pinned, and refuses it after the device is re-keyed", async () => {
    const host = "127.0.0.61";
    const port = await freePort(host);
    const file = path.join(tmp.path, "known_hosts");
    const first = await startLab({
      devices: [{ name: "rekeyed", platform: "cisco_ios", host, port, password: PASSWORD }],
      seed: "before",
    });
    let oldFingerprint: string;
    try {
      const d = first.devices[0];
      oldFingerprint = d.hostKeyFingerprint;
      const s = await open(options(d, { hostKeys: { policy: "tofu", store: new KnownHostsStore(file) } }));
      assert.equal(s.hostKeyFingerprint, d.hostKeyFingerprint);
      await s.close();
      assert.equal(new KnownHostsStore(file).check(host, port, d.hostKeyFingerprint), "match");
      const pinned = await testLogin(options(d, { hostKeys: { policy: "strict", store: new KnownHostsStore(file) } }));
      assert.equal(pinned.hostKeyFingerprint, d.hostKeyFingerprint);
    } finally {
      await first.stop();
    }
    const second = await startLab({
      devices: [{ name: "rekeyed", platform: "cisco_ios", host, port, password: PASSWORD }],
      seed: "after",
    });
    try {
      const d = second.devices[0];
      assert.notEqual(d.hostKeyFingerprint, oldFingerprint);
      const err = await rejection(
        openSession(options(d, { hostKeys: { policy: "tofu", store: new KnownHostsStore(file) } })),
      );
      assert.equal(err.errorClass, "hostkey_mismatch");
      assert.ok(err.message.includes(`${host}:${port}`));
      assert.ok(err.message.includes(oldFingerprint) && err.message.includes(d.hostKeyFingerprint), err.message);
      assert.ok(!err.message.includes(PASSWORD));
      assert.equal(new KnownHostsStore(file).check(host, port, oldFingerprint), "match", "the old pin is kept");
    } finally {
      await second.stop();
    }
  });

  describe("a legacy device (group14-sha1, aes128-cbc, ssh-rsa, hmac-sha1 only)", () => {
    const legacy = {
      kex: ["diffie-hellman-group14-sha1"],
      cipher: ["aes128-cbc"],
      serverHostKey: ["ssh-rsa"],
      hmac: ["hmac-sha1"],
    };
    const env = useLab({
      devices: [{ name: "legacy-rtr", platform: "cisco_ios", password: PASSWORD, algorithms: legacy }],
      responsesDirs: [FIXTURE_RESPONSES],
      seed: "legacy",
    });

    it("fails with algorithm_mismatch listing what the server offered", async () => {
      const d = env.lab.devices[0];
      const kex = await rejection(openSession(options(d)));
      assert.equal(kex.errorClass, "algorithm_mismatch");
      assert.match(
        kex.message,
        /no matching key exchange algorithm; server offered kex: diffie-hellman-group14-sha1; we offered: ecdh-sha2-nistp256, [^;]*curve25519/,
      );
      const cipher = await rejection(
        openSession(options(d, { algorithms: { kex: ["+diffie-hellman-group14-sha1"] } })),
      );
      assert.equal(cipher.errorClass, "algorithm_mismatch");
      assert.match(cipher.message, /no matching cipher algorithm; server offered cipher: aes128-cbc/);
    });

    it("connects with per-device algorithm lists", async () => {
      const d = env.lab.devices[0];
      const s = await open(
        options(d, { algorithms: { kex: ["+diffie-hellman-group14-sha1"], cipher: ["+aes128-cbc"] } }),
      );
      assert.equal(s.hostKeyFingerprint, d.hostKeyFingerprint);
      assert.equal((await s.run("show vc-lines")).output, FIXTURE_TEXT);
    });

    it("connects with algorithm lists from a (user) profile", async () => {
      const dir = path.join(tmp.path, "profiles");
      fs.mkdirSync(dir);
      const base = fs.readFileSync(path.join(BUILTIN_PROFILE_DIR, "cisco_ios.yaml"), "utf8");
      fs.writeFileSync(
        path.join(dir, "cisco_ios.yaml"),
        base.replace(
          "\nsession:\n",
          '\nsession:\n  algorithms:\n    kex: ["+diffie-hellman-group14-sha1"]\n    cipher: ["+aes128-cbc"]\n',
        ),
      );
      const s = await open(options(env.lab.devices[0], { profileDirs: [dir] }));
      assert.deepEqual(s.profile.algorithms?.kex, ["+diffie-hellman-group14-sha1"]);
      assert.equal((await s.run("show vc-lines")).output, FIXTURE_TEXT);
    });
  });

  describe("authentication methods and a jump host", () => {
    const key = generateSshKeyPair("ed25519", { passphrase: "Key-Pass-8812", cipher: "aes256-ctr", rounds: 4 });
    const env = useLab({
      devices: [
        { name: "kbd-only", platform: "arista_eos", keyboardInteractive: true },
        { name: "key-only", platform: "juniper_junos", authorizedKeys: [key.public], password: "Unused-Pass-0001" },
        { name: "bastion", platform: "cisco_ios", password: PASSWORD, allowForwarding: true },
        { name: "behind", platform: "cisco_nxos", password: PASSWORD },
      ],
      responsesDirs: [FIXTURE_RESPONSES],
      seed: "auth",
    });
    const dev = (name: string) => env.lab.devices.find((d) => d.name === name)!;

    it("falls back to keyboard-interactive when the device refuses the password method", async () => {
      const d = dev("kbd-only");
      assert.ok(d.password !== "");
      const s = await open(options(d));
      assert.equal((await s.run("show vc-lines")).output, FIXTURE_TEXT);
      const err = await rejection(openSession(options(d, { tryKeyboardInteractive: false })));
      assert.equal(err.errorClass, "auth_failed");
      assert.match(err.message, /tried: password; server accepts: keyboard-interactive/);
    });

    it("authenticates with an encrypted private key", async () => {
      const d = dev("key-only");
      const s = await open(options(d, { password: undefined, privateKey: key.private, passphrase: "Key-Pass-8812" }));
      assert.equal((await s.run("show vc-lines")).output, FIXTURE_TEXT);
    });

    it("refuses to trust a first-use key it cannot record in the known-hosts store", async () => {
      const blocker = path.join(tmp.path, "not-a-directory");
      fs.writeFileSync(blocker, "");
      const store = new KnownHostsStore(path.join(blocker, "known_hosts"));
      const err = await rejection(openSession(options(dev("behind"), { hostKeys: { policy: "tofu", store } })));
      assert.equal(err.errorClass, "internal_error");
      assert.match(err.message, /cannot record the host key in .*not-a-directory\/known_hosts/);
    });

    it("reaches a device through a jump host (direct-tcpip), and names the jump host when it fails", async () => {
      const jump = dev("bastion");
      const target = dev("behind");
      const store = new KnownHostsStore(path.join(tmp.path, "known_hosts"));
      const s = await open(
        options(target, {
          hostKeys: { policy: "tofu", store },
          jumpHost: { host: jump.host, port: jump.port, username: jump.username, password: jump.password },
        }),
      );
      assert.equal(s.hostKeyFingerprint, target.hostKeyFingerprint);
      assert.equal((await s.run(linesCommand("cisco_nxos"))).output, FIXTURE_TEXT);
      assert.equal(
        store.check(jump.host, jump.port, jump.hostKeyFingerprint),
        "match",
        "the jump host's key is pinned too",
      );
      const bad = await rejection(
        openSession(
          options(target, {
            jumpHost: { host: jump.host, port: jump.port, username: jump.username, password: "Wrong-Jump-Pass" },
          }),
        ),
      );
      assert.equal(bad.errorClass, "auth_failed");
      assert.match(
        bad.message,
        new RegExp(`^${target.host}:${target.port}: jump host ${jump.host}:${jump.port}: authentication failed`),
      );
      const refused = await rejection(
        openSession(
          options(target, {
            port: 1,
            jumpHost: { host: jump.host, port: jump.port, username: jump.username, password: jump.password },
          }),
        ),
      );
      assert.equal(refused.errorClass, "connect_refused");
      assert.match(refused.message, /jump host .* could not open a connection to/);
    });
  });
});
