import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fingerprintOf } from "../../lib/core/ssh/known-hosts";
import { freePort } from "./net";
import { startProcess, type Started } from "./process";

/**
 * A real OpenSSH server (Debian's /usr/sbin/sshd) on 127.0.0.1 and a free high port, started by
 * hand as /work/shared/docs/ENVIRONMENT-NOTES.md section 5 describes: its own host key and
 * config in a temporary directory, public-key authentication only, for the current user.
 * Stopped by pid.
 */
export interface OpenSshServer {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key accepted by the server (no passphrase). */
  clientKey: string;
  /** Another accepted private key, encrypted with `clientKeyPassphrase`. */
  encryptedClientKey: string;
  clientKeyPassphrase: string;
  /** A valid key the server does NOT accept. */
  strangerKey: string;
  hostKeyFingerprint: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export const SSHD = "/usr/sbin/sshd";

export function openSshAvailable(): boolean {
  return fs.existsSync(SSHD) && fs.existsSync("/usr/bin/ssh-keygen");
}

function keygen(file: string, passphrase = ""): void {
  execFileSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", "vc-test", "-f", file], {
    stdio: "ignore",
  });
}

function waitForPort(host: string, port: number, ms: number, proc: Started): Promise<void> {
  const until = Date.now() + ms;
  return new Promise<void>((resolve, reject) => {
    const attempt = () => {
      if (proc.child.exitCode !== null) {
        reject(new Error(`sshd exited with code ${proc.child.exitCode}:\n${proc.output()}`));
        return;
      }
      const s = net.connect({ host, port });
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > until)
          reject(new Error(`sshd did not listen on ${host}:${port} within ${ms} ms:\n${proc.output()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startOpenSsh(): Promise<OpenSshServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-sshd-"));
  fs.chmodSync(dir, 0o700);
  const hostKey = path.join(dir, "ssh_host_ed25519_key");
  const clientKey = path.join(dir, "client_key");
  const encryptedKey = path.join(dir, "client_key_enc");
  const strangerKey = path.join(dir, "stranger_key");
  const passphrase = "sshd-fixture-passphrase-7f3a";
  keygen(hostKey);
  keygen(clientKey);
  keygen(encryptedKey, passphrase);
  keygen(strangerKey);
  const authorized = path.join(dir, "authorized_keys");
  fs.writeFileSync(
    authorized,
    fs.readFileSync(clientKey + ".pub", "utf8") + fs.readFileSync(encryptedKey + ".pub", "utf8"),
    { mode: 0o600 },
  );
  const port = await freePort();
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorized}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "PrintMotd no",
      "PrintLastLog no",
      "",
    ].join("\n"),
  );
  fs.mkdirSync("/run/sshd", { recursive: true });
  const proc = startProcess(SSHD, ["-D", "-e", "-f", config]);
  try {
    await waitForPort("127.0.0.1", port, 10000, proc);
  } catch (err) {
    await proc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const pub = fs
    .readFileSync(hostKey + ".pub", "utf8")
    .trim()
    .split(/\s+/)[1];
  return {
    host: "127.0.0.1",
    port,
    username: os.userInfo().username,
    clientKey: fs.readFileSync(clientKey, "utf8"),
    encryptedClientKey: fs.readFileSync(encryptedKey, "utf8"),
    clientKeyPassphrase: passphrase,
    strangerKey: fs.readFileSync(strangerKey, "utf8"),
    hostKeyFingerprint: fingerprintOf(Buffer.from(pub, "base64")),
    dir,
    log: () => proc.output(),
    stop: async () => {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
