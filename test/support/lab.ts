import * as fs from "node:fs";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import type { CredentialInput, Vault } from "../../lib/core/vault";
import { startLab, type Lab, type LabDeviceInfo, type StartLabOptions } from "../../lib/lab";
import { makeTmpDir } from "./tmp";
import { makeVault, type TestVault } from "./vault";

/**
 * Test helpers for the device lab. `useLab(opts)` starts a lab in before() and stops it in
 * after(); `openShell(device)` logs in with a raw ssh2 Client and gives a shell you can type into
 * and read from, for tests that check what the device itself sends.
 */
export function useLab(opts: StartLabOptions | (() => StartLabOptions)): { readonly lab: Lab } {
  const holder = { lab: undefined as unknown as Lab };
  before(async function () {
    this.timeout(120_000);
    holder.lab = await startLab(typeof opts === "function" ? opts() : opts);
  });
  after(async () => {
    if (holder.lab) await holder.lab.stop();
  });
  return holder;
}

/** A temp directory, a lab and a vault in it, for a whole describe block (see useLabWithVault). */
export interface LabWithVault {
  /** The temp directory (the vault file and any responses live there). */
  readonly dir: string;
  readonly lab: Lab;
  /** The vault file and its master password. */
  readonly testVault: TestVault;
  /** The same vault, opened and unlocked. */
  readonly vault: Vault;
}

export interface LabWithVaultOptions {
  tmpPrefix: string;
  /** The lab to start; `dir` is the temp directory (for responses directories). */
  lab(dir: string): StartLabOptions;
  credentials: CredentialInput[];
}

/**
 * Makes the temp directory, starts the lab, writes the vault and opens it in before(); closes,
 * stops and removes them in after(). Use inside a describe block; read the holder in tests.
 */
export function useLabWithVault(opts: LabWithVaultOptions): LabWithVault {
  const holder = {
    dir: "",
    lab: undefined as unknown as Lab,
    testVault: undefined as unknown as TestVault,
    vault: undefined as unknown as Vault,
  };
  before(async function () {
    this.timeout(120_000);
    holder.dir = makeTmpDir(opts.tmpPrefix);
    holder.lab = await startLab(opts.lab(holder.dir));
    holder.testVault = makeVault(holder.dir, opts.credentials);
    holder.vault = holder.testVault.open();
  });
  after(async () => {
    holder.vault?.close();
    await holder.lab?.stop();
    if (holder.dir) fs.rmSync(holder.dir, { recursive: true, force: true });
  });
  return holder;
}

export interface RawShell {
  client: Client;
  channel: ClientChannel;
  /** Everything received so far (raw bytes as latin1-safe text). */
  readonly output: string;
  /** The SSH userauth banner, if the server sent one. */
  readonly banner: string;
  write(text: string): void;
  /** Waits until the output received after `from` matches; returns that tail. */
  expect(pattern: RegExp, opts?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** Resolves when the channel closes. */
  closed: Promise<void>;
  close(): void;
}

export type LoginOptions = Partial<ConnectConfig> & { exec?: string; pty?: boolean; keyboardPassword?: string };

/** Connects and opens a shell (or an exec channel with `exec`) on a lab device. */
export function openShell(
  device: Pick<LabDeviceInfo, "host" | "port" | "username"> & { password?: string },
  opts: LoginOptions = {},
): Promise<RawShell> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let output = "";
    let banner = "";
    const waiters = new Set<() => void>();
    const notify = () => {
      for (const w of [...waiters]) w();
    };
    client.on("banner", (text) => {
      banner += text;
    });
    client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => opts.keyboardPassword ?? device.password ?? ""));
    });
    client.on("error", (err) => reject(err));
    client.on("ready", () => {
      const onChannel = (err: Error | undefined, channel: ClientChannel) => {
        if (err) return reject(err);
        let closedResolve!: () => void;
        const closed = new Promise<void>((r) => (closedResolve = r));
        channel.on("data", (d: Buffer) => {
          output += d.toString("utf8");
          notify();
        });
        channel.stderr.on("data", (d: Buffer) => {
          output += d.toString("utf8");
          notify();
        });
        channel.on("close", () => {
          closedResolve();
          notify();
        });
        resolve({
          client,
          channel,
          get output() {
            return output;
          },
          get banner() {
            return banner;
          },
          write: (text) => channel.write(text),
          expect: (pattern, o = {}) =>
            new Promise<string>((res, rej) => {
              const from = o.from ?? 0;
              const check = () => {
                const tail = output.slice(from);
                if (pattern.test(tail)) {
                  cleanup();
                  res(tail);
                }
              };
              const timer = setTimeout(() => {
                cleanup();
                rej(new Error(`timed out waiting for ${pattern} in ${JSON.stringify(output.slice(from).slice(-600))}`));
              }, o.timeoutMs ?? 5000);
              const cleanup = () => {
                clearTimeout(timer);
                waiters.delete(check);
              };
              waiters.add(check);
              check();
            }),
          closed,
          close: () => client.end(),
        });
      };
      if (opts.exec !== undefined) client.exec(opts.exec, onChannel);
      else if (opts.pty === false) client.shell(false, onChannel);
      else client.shell({ term: "vt100", cols: 200, rows: 50 }, onChannel);
    });
    const { exec: _exec, pty: _pty, keyboardPassword: _kbd, ...connect } = opts;
    client.connect({
      host: device.host,
      port: device.port,
      username: device.username,
      password: device.password,
      readyTimeout: 10_000,
      hostVerifier: () => true,
      ...connect,
    });
  });
}

/** Types a line and waits for the next prompt; returns what came back after the typed text. */
export async function typeLine(shell: RawShell, line: string, prompt: RegExp, timeoutMs = 5000): Promise<string> {
  const from = shell.output.length;
  shell.write(line + "\n");
  return shell.expect(prompt, { from, timeoutMs });
}
