import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  KnownHostsStore,
  openSession,
  testLogin,
  type DeviceSession,
  type SessionOptions,
} from "../../../lib/core/ssh";
import { BUILTIN_PROFILE_DIR } from "../../../lib/core/ssh/profile";
import { startOpenSsh, type OpenSshServer } from "../../support/openssh";
import { findSecretsInText } from "../../support/secrets";
import { useTmpDir } from "../../support/tmp";
import { sessionError } from "./fixtures";

describe("ssh against a real OpenSSH server (linux profile)", function () {
  this.timeout(60000);
  let sshd: OpenSshServer;
  const tmp = useTmpDir("vc-openssh-");
  const sessions: DeviceSession[] = [];
  const logs: string[] = [];

  before(async () => {
    sshd = await startOpenSsh();
  });
  after(async () => {
    await sshd?.stop();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });

  function options(extra: Partial<SessionOptions> = {}): SessionOptions {
    return {
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.clientKey,
      platform: "linux",
      hostKeys: { policy: "tofu", store: new KnownHostsStore(path.join(tmp.path, "known_hosts")) },
      log: (line) => logs.push(line),
      ...extra,
    };
  }

  async function open(extra: Partial<SessionOptions> = {}): Promise<DeviceSession> {
    const s = await openSession(options(extra));
    sessions.push(s);
    return s;
  }

  it("finds the shell prompt and returns clean outputs without echo or prompt", async () => {
    const s = await open();
    assert.match(s.prompt, new RegExp(`^${sshd.username}@[^:]+:~[#$]$`));
    assert.equal(s.hostKeyFingerprint, sshd.hostKeyFingerprint);
    const echo = await s.run("echo hello   world");
    assert.equal(echo.output, "hello world");
    assert.equal(echo.error, undefined);
    const seq = await s.run("seq 1 1500");
    assert.equal(seq.output, Array.from({ length: 1500 }, (_, i) => String(i + 1)).join("\n"));
    const empty = await s.run("true");
    assert.equal(empty.output, "");
    await assert.rejects(s.run("echo a\necho b"), /a command must be a single line/);
    assert.equal((await s.run("echo still open")).output, "still open");
  });

  it("marks a rejected command with command_error and keeps its output", async () => {
    const s = await open();
    const r = await s.run("no-such-command-xyz");
    assert.equal(r.error?.errorClass, "command_error");
    assert.match(r.output, /no-such-command-xyz: command not found/);
    assert.match(r.error!.message, new RegExp(`^${sshd.host}:${sshd.port}: `));
    const ok = await s.run("echo still usable");
    assert.equal(ok.output, "still usable");
  });

  it("stays robust when the terminal type makes bash send bracketed-paste and colour escapes", async () => {
    const dir = path.join(tmp.path, "profiles");
    fs.mkdirSync(dir);
    const linux = fs
      .readFileSync(path.join(BUILTIN_PROFILE_DIR, "linux.yaml"), "utf8")
      .replace("type: dumb", "type: xterm-256color");
    fs.writeFileSync(path.join(dir, "linux.yaml"), linux);
    const s = await open({ profileDirs: [dir] });
    assert.equal(s.profile.terminal.type, "xterm-256color");
    assert.ok(!s.prompt.includes("\x1b"), JSON.stringify(s.prompt));
    const r = await s.run("printf '\\033[1;31mred\\033[0m plain\\n'");
    assert.equal(r.output, "red plain");
  });

  it("authenticates with an encrypted private key and its passphrase", async () => {
    const s = await open({ privateKey: sshd.encryptedClientKey, passphrase: sshd.clientKeyPassphrase });
    assert.equal((await s.run("echo key-ok")).output, "key-ok");
  });

  it("rejects a wrong passphrase and an unknown key with auth_failed, without leaking the secret", async () => {
    logs.length = 0;
    const wrong = await sessionError(
      openSession(options({ privateKey: sshd.encryptedClientKey, passphrase: "not-the-passphrase-91" })),
    );
    assert.equal(wrong.errorClass, "auth_failed");
    assert.match(wrong.message, /passphrase does not decrypt/);
    const missing = await sessionError(openSession(options({ privateKey: sshd.encryptedClientKey })));
    assert.equal(missing.errorClass, "auth_failed");
    assert.match(missing.message, /encrypted and no passphrase/);
    const stranger = await sessionError(openSession(options({ privateKey: sshd.strangerKey })));
    assert.equal(stranger.errorClass, "auth_failed");
    assert.match(
      stranger.message,
      new RegExp(`^${sshd.host}:${sshd.port}: authentication failed for user "${sshd.username}" \\(tried: publickey`),
    );
    const texts = [wrong.message, missing.message, stranger.message, ...logs].join("\n");
    const keyBody = sshd.strangerKey.split("\n")[1];
    assert.deepEqual(findSecretsInText(texts, ["not-the-passphrase-91", sshd.clientKeyPassphrase, keyBody]), []);
  });

  it("pins the host key on first use, matches it later, and refuses a changed key naming both fingerprints", async () => {
    const file = path.join(tmp.path, "known_hosts");
    const store = new KnownHostsStore(file);
    await (await open({ hostKeys: { policy: "tofu", store } })).close();
    assert.equal(store.check(sshd.host, sshd.port, sshd.hostKeyFingerprint), "match");
    assert.match(fs.readFileSync(file, "utf8"), new RegExp(`^\\[${sshd.host}\\]:${sshd.port} ssh-ed25519 `, "m"));
    await (await open({ hostKeys: { policy: "strict", store: new KnownHostsStore(file) } })).close();

    // Another server's key pinned for this address: the real key must be refused.
    const forged = new KnownHostsStore(path.join(tmp.path, "forged_known_hosts"));
    const otherKey = Buffer.from(
      fs.readFileSync(path.join(sshd.dir, "stranger_key.pub"), "utf8").split(/\s+/)[1],
      "base64",
    );
    const pinned = forged.pin(sshd.host, sshd.port, otherKey);
    const err = await sessionError(openSession(options({ hostKeys: { policy: "tofu", store: forged } })));
    assert.equal(err.errorClass, "hostkey_mismatch");
    assert.ok(err.message.includes(`${sshd.host}:${sshd.port}`));
    assert.ok(err.message.includes(pinned.fingerprint) && err.message.includes(sshd.hostKeyFingerprint), err.message);
    assert.equal(
      forged.check(sshd.host, sshd.port, sshd.hostKeyFingerprint),
      "mismatch",
      "a refused key is never pinned",
    );

    const accepted = await open({ hostKeys: { policy: "accept-any", store: forged } });
    assert.equal(accepted.hostKeyFingerprint, sshd.hostKeyFingerprint);
  });

  it("refuses an unpinned host under the strict policy with hostkey_unknown", async () => {
    const store = new KnownHostsStore(path.join(tmp.path, "empty_known_hosts"));
    const err = await sessionError(openSession(options({ hostKeys: { policy: "strict", store } })));
    assert.equal(err.errorClass, "hostkey_unknown");
    assert.ok(err.message.includes(sshd.hostKeyFingerprint));
    assert.equal(store.get(sshd.host, sshd.port).length, 0);
  });

  it("rejects with command_timeout and the partial output, then refuses further commands", async () => {
    const s = await open();
    const err = await sessionError(s.run("echo started; sleep 30", { timeoutMs: 700 }));
    assert.equal(err.errorClass, "command_timeout");
    assert.equal(err.partialOutput, "started");
    assert.equal(err.command, "echo started; sleep 30");
    const after = await sessionError(s.run("echo again"));
    assert.equal(after.errorClass, "disconnected");
  });

  it("stops reading at the output cap with output_too_large", async () => {
    const s = await open({ maxOutputBytes: 20000 });
    const err = await sessionError(s.run("seq 1 100000"));
    assert.equal(err.errorClass, "output_too_large");
    assert.ok(err.partialOutput!.startsWith("1\n2\n3\n"));
  });

  it("ends a session at the device time limit with device_timeout", async () => {
    const s = await open({ timeouts: { deviceMs: 3000 } });
    const err = await sessionError(s.run("sleep 30"));
    assert.equal(err.errorClass, "device_timeout");
  });

  it("cancels a running command when the signal aborts, and close stays idempotent", async () => {
    const ac = new AbortController();
    const s = await open({ signal: ac.signal });
    const running = s.run("sleep 30");
    setTimeout(() => ac.abort(), 300);
    const err = await sessionError(running);
    assert.equal(err.errorClass, "cancelled");
    await s.close();
    await s.close();
    const already = await sessionError(openSession(options({ signal: ac.signal })));
    assert.equal(already.errorClass, "cancelled");
  });

  it("tests a login for credential discovery and reaches the device through an OpenSSH jump host", async () => {
    const login = await testLogin(options());
    assert.equal(login.ok, true);
    assert.match(login.prompt, /[#$]$/);
    const viaJump = await open({
      jumpHost: { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.clientKey },
    });
    assert.equal((await viaJump.run("echo through-the-jump")).output, "through-the-jump");
  });
});
