import * as assert from "node:assert/strict";
import * as net from "node:net";
import { derivedEd25519 } from "../../lib/lab/hostkeys";
import { openShell, useLab } from "../support/lab";
import { login } from "../support/lab-shell";

const clientKey = derivedEd25519("test-client-key");
const otherKey = derivedEd25519("some-other-key");
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function loginFails(
  device: Parameters<typeof openShell>[0],
  opts: Parameters<typeof openShell>[1] = {},
): Promise<Error & { level?: string }> {
  try {
    const s = await openShell(device, opts);
    s.close();
  } catch (err) {
    return err as Error & { level?: string };
  }
  throw new Error("login succeeded but should have failed");
}

describe("lab authentication", function () {
  this.timeout(30_000);
  const ctx = useLab({
    devices: [
      { name: "pw", platform: "cisco_ios", username: "netops", password: "Lab-Pass-1" },
      { name: "key", platform: "juniper_junos", authorizedKeys: [clientKey.publicKey], password: "unused-but-set" },
      { name: "kbd", platform: "arista_eos", keyboardInteractive: true },
      { name: "deny", platform: "cisco_ios", fault: "auth_fail" },
    ],
  });
  const dev = (name: string) => ctx.lab.devices.find((d) => d.name === name)!;

  it("accepts the device's username and password and rejects others", async () => {
    const s = await login(dev("pw"));
    s.shell.close();
    assert.equal((await loginFails({ ...dev("pw"), password: "wrong" })).level, "client-authentication");
    assert.equal((await loginFails({ ...dev("pw"), username: "admin" })).level, "client-authentication");
  });

  it("accepts an authorized public key and no other", async () => {
    const s = await login(dev("key"), { password: undefined, privateKey: clientKey.privateKey });
    s.shell.close();
    assert.equal(
      (
        await loginFails(
          { ...dev("key"), password: undefined },
          { password: undefined, privateKey: otherKey.privateKey },
        )
      ).level,
      "client-authentication",
    );
  });

  it("offers keyboard-interactive only (no password method) when asked to, with the password as the answer", async () => {
    const d = dev("kbd");
    assert.equal(
      (await loginFails(d, { tryKeyboard: false })).level,
      "client-authentication",
      "the password method is not offered",
    );
    const s = await login(d, { tryKeyboard: true });
    s.shell.close();
    assert.equal(
      (await loginFails(d, { tryKeyboard: true, keyboardPassword: "wrong" })).level,
      "client-authentication",
    );
  });

  it("rejects every credential on an auth_fail device", async () => {
    const d = dev("deny");
    assert.equal((await loginFails(d)).level, "client-authentication");
  });
});

describe("lab faults", function () {
  this.timeout(30_000);
  const ctx = useLab({
    devices: [
      { name: "refuse", platform: "cisco_ios", fault: "refuse" },
      { name: "hang", platform: "cisco_ios", fault: "banner_hang" },
      { name: "drop", platform: "cisco_ios", fault: "drop_mid_output", faultAfterBytes: 100 },
      { name: "slow", platform: "cisco_ios", fault: "slow", slowMs: 60_000 },
      { name: "noprompt", platform: "cisco_ios", fault: "no_prompt" },
      { name: "huge", platform: "cisco_ios", fault: "huge_output" },
      { name: "ok", platform: "cisco_ios", latencyMs: 20, jitterMs: 20, chunkBytes: 7 },
    ],
  });
  const dev = (name: string) => ctx.lab.devices.find((d) => d.name === name)!;

  it("refuse: nothing listens on the device's address and port", async () => {
    const d = dev("refuse");
    assert.ok(d.port > 0);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const sock = net.connect(d.port, d.host);
      sock.on("error", resolve);
      sock.on("connect", () => {
        sock.destroy();
        resolve(Object.assign(new Error("connected"), { code: "CONNECTED" }));
      });
    });
    assert.equal(err.code, "ECONNREFUSED");
  });

  it("banner_hang: TCP is accepted but no SSH identification ever comes", async () => {
    const d = dev("hang");
    const received = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(d.port, d.host);
      let data = "";
      sock.on("data", (b) => (data += b.toString()));
      sock.on("error", reject);
      sock.on("connect", () =>
        setTimeout(() => {
          sock.destroy();
          resolve(data);
        }, 500),
      );
    });
    assert.equal(received, "");
    const err = await loginFails(d, { readyTimeout: 800 });
    assert.match(err.message, /handshake/i);
  });

  it("drop_mid_output: the connection is cut after faultAfterBytes of output", async () => {
    const s = await login(dev("drop"));
    await s.run("terminal length 0");
    const from = s.shell.output.length;
    s.shell.write("show running-config\n");
    await s.shell.closed;
    const after = s.shell.output.slice(from);
    assert.ok(after.startsWith("show running-config\r\n"));
    assert.equal(Buffer.byteLength(after) - "show running-config\r\n".length, 100);
    s.shell.close();
  });

  it("slow: the echo comes back but the output does not (within half a second of a 60 s delay)", async () => {
    const s = await login(dev("slow"));
    const from = s.shell.output.length;
    s.shell.write("show version\n");
    await delay(500);
    assert.equal(s.shell.output.slice(from), "show version\r\n");
    s.shell.close();
  });

  it("no_prompt: the output comes, the prompt never does", async () => {
    const s = await login(dev("noprompt"));
    await s.run("terminal length 0");
    const from = s.shell.output.length;
    s.shell.write("show version\n");
    await s.shell.expect(/Configuration register is 0x2102\r\n$/, { from });
    await delay(400);
    assert.match(s.shell.output.slice(from), /Configuration register is 0x2102\r\n$/);
    s.shell.close();
  });

  it("huge_output: output keeps coming far beyond any real command", async () => {
    const s = await login(dev("huge"));
    await s.run("terminal length 0");
    const from = s.shell.output.length;
    let bytes = 0;
    const enough = new Promise<void>((resolve) =>
      s.shell.channel.on("data", (d: Buffer) => {
        if ((bytes += d.length) > 4_000_000) resolve();
      }),
    );
    s.shell.write("show version\n");
    await enough;
    assert.match(s.shell.output.slice(from, from + 400), /^show version\r\nEthernet1\/1 /);
    s.shell.close();
    // the lab survives a client that walks away in the middle
    const again = await login(dev("huge"));
    again.shell.close();
  });

  it("latency, jitter and small chunks still deliver the whole output", async () => {
    const s = await login(dev("ok"));
    try {
      await s.run("terminal length 0");
      const out = await s.run("show ip interface brief");
      assert.equal(out.split("\r\n").length, 9);
    } finally {
      s.shell.close();
    }
  });
});
