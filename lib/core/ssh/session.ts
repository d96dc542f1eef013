import type { Duplex } from "node:stream";
import type { ClientChannel } from "ssh2";
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_TIMEOUTS } from "../defaults";
import { VcError } from "../errors";
import type { SessionErrorClass } from "../types";
import { AlgorithmConfigError, buildAlgorithms, type AlgorithmOptions } from "./algorithms";
import {
  connectSsh,
  forwardThrough,
  openChannelWithin,
  type Connection,
  type ConnectParams,
  type HostKeyPolicy,
} from "./connect";
import { SessionError, redact } from "./errors";
import { DEFAULT_HOST_KEY_POLICY, hostKeyPolicyProblem } from "./host-key-policy";
import { KnownHostsStore } from "./known-hosts";
import { CleanLineStream, cleanOutputLines, findFailure } from "./output";
import { loadProfile, type PlatformProfile } from "./profile";
import { OUTPUT_SECRET_MIN_LENGTH, makeRedactor } from "../redact";
import { ShellChannel, WaitFailure, type Responder, type TailPattern, type WaitResult, type WaitSpec } from "./shell";

export interface SessionTimeouts {
  /** TCP connect (default 10 s). */
  connectMs?: number;
  /** From TCP connect to the end of the key exchange: SSH banner and algorithms (default 15 s). */
  bannerMs?: number;
  /** Authentication after the key exchange (default 20 s). */
  authMs?: number;
  /** Each command, and finding the first prompt (default 60 s, or the profile's). */
  commandMs?: number;
  /** Whole session, from connect to close (default 300 s). */
  deviceMs?: number;
  /** Silence after a prompt that confirms the output is complete (default 100 ms, or the profile's). */
  quietMs?: number;
}

export interface SessionOptions {
  host: string;
  port?: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Also try keyboard-interactive with the password (default true when a password is given). */
  tryKeyboardInteractive?: boolean;
  enableSecret?: string;
  /** Profile name or alias (e.g. "cisco_ios"). */
  platform: string;
  timeouts?: SessionTimeouts;
  /** Default policy: trust on first use. The store (the data home's known_hosts) is required unless accept-any. */
  hostKeys?: { policy: HostKeyPolicy; store?: KnownHostsStore };
  /** Exact lists, or OpenSSH-style "+name" (append) / "-name" (remove) / "^name" (first) modifiers of the defaults. */
  algorithms?: AlgorithmOptions;
  jumpHost?: Omit<SessionOptions, "platform" | "jumpHost" | "enableSecret">;
  /** Cap on the bytes one command may return (default 32 MiB). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** Progress lines; never receives a secret. */
  log?: (line: string) => void;
  /** Extra directories of user profiles, overriding built-ins. */
  profileDirs?: string[];
  /** Skip the profile's on-open commands (paging stays on; the pager is then answered). */
  skipOnOpen?: boolean;
}

export interface RunResult {
  command: string;
  /** Clean output: no echo, pager residue, backspaces or trailing prompt. */
  output: string;
  durationMs: number;
  /** Set when the device rejected the command (a failure pattern matched); the output is kept. */
  error?: { errorClass: "command_error"; message: string };
  /** How many pager prompts were answered while reading the output. */
  pagerAnswers: number;
  /** Set when the output went to RunOptions.onLines: `output` is then empty, this is its length in characters. */
  streamedChars?: number;
}

export interface RunOptions {
  timeoutMs?: number;
  /**
   * Streams the clean output (as `output` would be, split into lines) here as it arrives instead
   * of returning it, so a huge output is never held whole. A returned promise pauses reading
   * until it settles. On failure the SessionError's partialOutput holds only what was not handed
   * over yet.
   */
  onLines?: (lines: string[]) => void | Promise<void>;
}

export interface DeviceSession {
  readonly prompt: string;
  readonly profile: PlatformProfile;
  readonly hostKeyFingerprint: string;
  /** Pre-login banner the server sent, if any. */
  readonly banner?: string;
  run(command: string, opts?: RunOptions): Promise<RunResult>;
  /** Idempotent; also called on abort and when the device time limit passes. */
  close(): Promise<void>;
}

export { DEFAULT_TIMEOUTS, DEFAULT_MAX_OUTPUT_BYTES };

/** Quiet window after a tail identical to the prompt the device showed before the command. */
const KNOWN_PROMPT_QUIET_MS = 15;

type ResolvedTimeouts = { [K in keyof typeof DEFAULT_TIMEOUTS]: number };

/** The device time limit and the caller's abort signal: either one ends whatever is in progress. */
class Guard {
  fatal?: SessionError;
  private readonly handlers = new Set<(err: SessionError) => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.trip(new SessionError("cancelled", this.label, "cancelled"));

  constructor(
    private readonly label: string,
    deviceMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(
      () => this.trip(new SessionError("device_timeout", label, `device time limit of ${deviceMs} ms reached`)),
      deviceMs,
    );
    if (signal?.aborted) this.fatal = new SessionError("cancelled", label, "cancelled before the session started");
    else signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  trip(err: SessionError): void {
    if (this.fatal) return;
    this.fatal = err;
    for (const h of [...this.handlers]) h(err);
  }

  onTrip(handler: (err: SessionError) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Rejects with the guard's error if it trips before `p` settles. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.fatal) return Promise.reject(this.fatal);
    return new Promise<T>((resolve, reject) => {
      const off = this.onTrip(reject);
      p.then(
        (v) => {
          off();
          resolve(v);
        },
        (e) => {
          off();
          reject(e);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener("abort", this.onAbort);
    this.handlers.clear();
  }
}

function nonNegativeMs(value: number | undefined, field: string, label: string): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0))
    throw new VcError("usage", `${field} must be a non-negative number of milliseconds`, label);
}

function resolveTimeouts(opts: SessionOptions, profile: PlatformProfile, label: string): ResolvedTimeouts {
  const t = opts.timeouts ?? {};
  for (const [k, v] of Object.entries(t)) nonNegativeMs(v as number | undefined, `timeouts.${k}`, label);
  return {
    connectMs: t.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
    bannerMs: t.bannerMs ?? DEFAULT_TIMEOUTS.bannerMs,
    authMs: t.authMs ?? DEFAULT_TIMEOUTS.authMs,
    commandMs: t.commandMs ?? profile.timeouts.commandMs ?? DEFAULT_TIMEOUTS.commandMs,
    deviceMs: t.deviceMs ?? DEFAULT_TIMEOUTS.deviceMs,
    quietMs: t.quietMs ?? profile.timeouts.quietMs ?? DEFAULT_TIMEOUTS.quietMs,
  };
}

function secretsOf(opts: SessionOptions): string[] {
  const list = [opts.password, opts.passphrase, opts.enableSecret, opts.jumpHost?.password, opts.jumpHost?.passphrase];
  for (const key of [opts.privateKey, opts.jumpHost?.privateKey]) if (key !== undefined) list.push(key.toString());
  return list.filter((s): s is string => typeof s === "string" && s.length > 0);
}

function validateTarget(
  o: { host: string; port?: number; username: string },
  what: string,
): { host: string; port: number } {
  const host = typeof o.host === "string" ? o.host.trim() : "";
  if (host === "") throw new VcError("usage", `${what}: host is required`);
  const port = o.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new VcError("usage", `${what} ${host}: port must be an integer from 1 to 65535, got ${String(o.port)}`);
  if (typeof o.username !== "string" || o.username === "")
    throw new VcError("usage", `${what} ${host}:${port}: username is required`);
  return { host, port };
}

function openShellChannel(
  conn: Connection,
  profile: PlatformProfile,
  timeoutMs: number,
  label: string,
): Promise<ClientChannel> {
  const { type, cols, rows } = profile.terminal;
  return openChannelWithin<ClientChannel>(
    timeoutMs,
    (callback) => conn.client.shell({ term: type, cols, rows, width: 0, height: 0 }, callback),
    (channel) => channel.close(),
    (err) => new SessionError("disconnected", label, `the device refused a shell: ${err.message}`),
    () => new SessionError("prompt_not_found", label, `the device did not open a shell within ${timeoutMs} ms`),
  );
}

async function endConnection(conn: Connection | undefined, ms = 2000): Promise<void> {
  if (!conn) return;
  conn.client.end();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.closed, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
  conn.client.destroy();
}

class Session implements DeviceSession {
  prompt = "";
  private dead?: SessionError;
  private queue: Promise<unknown> = Promise.resolve();
  private closing?: Promise<void>;
  private readonly promptTails: TailPattern[];
  private readonly pager: Responder[];
  private readonly offTrip: () => void;
  /** Device text that goes into an error (partial output, the last line seen) is always redacted. */
  private scrubber?: (text: string) => string;

  constructor(
    readonly profile: PlatformProfile,
    private readonly opts: SessionOptions,
    private readonly label: string,
    private readonly timeouts: ResolvedTimeouts,
    private readonly guard: Guard,
    private readonly shell: ShellChannel,
    private readonly conn: Connection,
    private readonly jump: Connection | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.promptTails = profile.prompts.map((re, i) => ({
      name: re === profile.userPrompt ? "user" : re === profile.privilegedPrompt ? "privileged" : `prompt${i}`,
      re,
    }));
    this.pager = profile.pager
      ? profile.pager.patterns.map((re, i) => ({
          name: `pager${i}`,
          re,
          response: profile.pager!.response,
          max: 1_000_000,
        }))
      : [];
    this.offTrip = guard.onTrip((err) => {
      this.dead ??= err;
      this.shell.abort();
      void this.close();
    });
    conn.client.on("close", () => {
      // After our own close() the session is already refusing work: no error object is needed.
      if (!this.closing) this.dead ??= new SessionError("disconnected", label, "the connection was closed");
    });
  }

  /** Built on first use: only failures need it. */
  private scrub(text: string): string {
    this.scrubber ??= makeRedactor({
      platform: this.profile.name,
      extraDirs: this.opts.profileDirs,
      vaultSecrets: secretsOf(this.opts),
      minSecretLength: OUTPUT_SECRET_MIN_LENGTH,
    });
    return this.scrubber(text);
  }

  get hostKeyFingerprint(): string {
    return this.conn.hostKeyFingerprint;
  }

  get banner(): string | undefined {
    return this.conn.banner;
  }

  /** Finds the prompt, enters enable mode, runs the on-open commands. */
  async start(): Promise<void> {
    const p = this.profile;
    const login: Responder[] = p.loginPrompts.map((lp, i) => ({
      name: `login${i}`,
      re: lp.pattern,
      response: lp.response,
      max: 3,
    }));
    // Only a candidate: the RETURN below makes the device print its prompt again, and that wait
    // applies the full quiet window unless the same prompt comes back.
    const first = await this.wait(
      {
        tails: this.promptTails,
        responders: login,
        quietMs: Math.min(this.timeouts.quietMs, KNOWN_PROMPT_QUIET_MS),
        timeoutMs: this.timeouts.commandMs,
      },
      "prompt",
    );
    this.log(`first prompt candidate ${JSON.stringify(first.tail.trim())}`);
    // A banner line can look like a prompt: a RETURN makes the device print its real prompt again.
    this.shell.write(p.lineEnding);
    const confirmed = await this.wait(
      {
        tails: this.promptTails,
        responders: login,
        requireData: true,
        quietMs: this.timeouts.quietMs,
        knownPrompt: first.tail.trimEnd(),
        knownPromptQuietMs: KNOWN_PROMPT_QUIET_MS,
        timeoutMs: this.timeouts.commandMs,
      },
      "prompt",
    );
    this.prompt = confirmed.tail.trimEnd();
    this.log(`prompt ${JSON.stringify(this.prompt)}`);
    if (p.enable && p.userPrompt && confirmed.matched === "user") {
      if (this.opts.enableSecret !== undefined) await this.enable();
      else this.log("at the unprivileged prompt and no enable secret given: staying there");
    }
    if (this.opts.skipOnOpen) return;
    for (const command of p.onOpen) {
      const r = await this.execute(command, this.timeouts.commandMs);
      if (r.error) this.log(`on-open command ${JSON.stringify(command)} rejected: ${r.error.message}`);
    }
  }

  private async enable(): Promise<void> {
    const en = this.profile.enable!;
    const tails: TailPattern[] = [
      { name: "password", re: en.passwordPrompt },
      ...(en.usernamePrompt ? [{ name: "username", re: en.usernamePrompt }] : []),
      ...this.promptTails,
    ];
    const base = { tails, quietMs: this.timeouts.quietMs, timeoutMs: this.timeouts.commandMs };
    this.log(`entering privileged mode with "${en.command}"`);
    let r = await this.typeAndWait(en.command, { ...base, echo: en.command }, "enable");
    let sentUser = false;
    let sentSecret = false;
    for (let step = 0; step < 3; step++) {
      if (r.matched === "username" && !sentUser) {
        sentUser = true;
        r = await this.typeAndWait(this.opts.username, { ...base, echo: this.opts.username }, "enable");
      } else if (r.matched === "password" && !sentSecret) {
        sentSecret = true;
        this.log("answering the enable password prompt");
        r = await this.typeAndWait(this.opts.enableSecret ?? "", { ...base, requireData: true }, "enable", true);
      } else {
        break;
      }
    }
    if (r.matched === "privileged") {
      this.prompt = r.tail.trimEnd();
      this.log(`prompt ${JSON.stringify(this.prompt)}`);
      return;
    }
    if (r.matched === "password" || r.matched === "username") this.shell.write("\x03");
    const said = this.scrub(
      r.lines
        .map((l) => l.trim())
        .filter((l) => l !== "")
        .join(" / "),
    );
    throw new SessionError(
      "auth_failed",
      this.label,
      `enable failed: the enable secret was not accepted${said ? ` (device said: ${said})` : ""}`,
    );
  }

  private async typeAndWait(
    text: string,
    spec: WaitSpec,
    what: "enable" | "command",
    secret = false,
  ): Promise<WaitResult> {
    const waiting = this.wait(spec, what, secret ? undefined : text);
    this.shell.write(text + this.profile.lineEnding);
    return waiting;
  }

  /** Runs one command and reads its output up to the next prompt. */
  private async execute(
    command: string,
    timeoutMs: number,
    onLines?: (lines: string[]) => void | Promise<void>,
  ): Promise<RunResult> {
    const started = Date.now();
    this.log(`> ${command}`);
    const stream = onLines ? new CleanLineStream(this.profile, onLines) : undefined;
    let r: WaitResult;
    try {
      r = await this.typeAndWait(
        command,
        {
          echo: command,
          tails: this.promptTails,
          responders: this.pager,
          quietMs: this.timeouts.quietMs,
          knownPrompt: this.prompt,
          knownPromptQuietMs: KNOWN_PROMPT_QUIET_MS,
          timeoutMs,
          onLines: stream && ((lines) => stream.push(lines)),
        },
        "command",
      );
    } catch (err) {
      // The held-back lines were not handed over: they belong to the partial output.
      if (stream && err instanceof SessionError && stream.heldLines.length > 0) {
        const held = this.scrub(stream.heldLines.join("\n"));
        throw new SessionError(err.errorClass, err.host, err.detail, {
          partialOutput: err.partialOutput ? `${held}\n${err.partialOutput}` : held,
          command: err.command,
        });
      }
      throw err;
    }
    this.prompt = r.tail.trimEnd();
    if (stream) await stream.push(r.lines);
    const output = stream ? "" : cleanOutputLines(r.lines, this.profile);
    const pagerAnswers = Object.values(r.answered).reduce((a, b) => a + b, 0);
    const failure = findFailure(stream ? stream.headText() : output, this.profile);
    const result: RunResult = { command, output, durationMs: Date.now() - started, pagerAnswers };
    if (stream) result.streamedChars = stream.length;
    if (failure)
      result.error = {
        errorClass: "command_error",
        message: `${this.label}: command "${command}" rejected by the device: ${failure}`,
      };
    this.log(
      `< ${command}: ${stream ? stream.length : output.length} chars${pagerAnswers ? `, ${pagerAnswers} pages` : ""}${failure ? ", rejected" : ""}`,
    );
    return result;
  }

  /** A shell wait whose failures become SessionErrors of the right class. */
  private async wait(spec: WaitSpec, what: "prompt" | "enable" | "command", command?: string): Promise<WaitResult> {
    if (this.guard.fatal) throw this.guard.fatal;
    try {
      return await this.shell.wait(spec);
    } catch (err) {
      if (!(err instanceof WaitFailure)) throw err;
      throw this.failureToError(err, spec, what, command);
    }
  }

  private failureToError(
    f: WaitFailure,
    spec: WaitSpec,
    what: "prompt" | "enable" | "command",
    command?: string,
  ): SessionError {
    const partial = this.scrub(f.partial);
    const extra = { partialOutput: partial, command };
    const fatal = this.guard.fatal;
    if (fatal)
      return new SessionError(
        fatal.errorClass,
        this.label,
        `${fatal.detail}${command ? ` while running "${command}"` : ""}`,
        extra,
      );
    if (f.kind === "too_large") {
      return new SessionError(
        "output_too_large",
        this.label,
        `output of "${command}" exceeded ${this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES} bytes; reading stopped`,
        extra,
      );
    }
    if (f.kind === "closed") {
      return new SessionError(
        "disconnected",
        this.label,
        `the connection was closed ${command ? `while running "${command}"` : what === "prompt" ? "before a prompt appeared" : "during enable"} (${f.bytes} bytes received)`,
        extra,
      );
    }
    if (what === "prompt") {
      const last = partial
        .split("\n")
        .filter((l) => l.trim() !== "")
        .pop();
      return new SessionError(
        "prompt_not_found",
        this.label,
        `no ${this.profile.name} prompt within ${spec.timeoutMs} ms${last ? ` (last line: ${JSON.stringify(last.slice(0, 120))})` : " (nothing received)"}`,
        extra,
      );
    }
    if (what === "enable")
      return new SessionError(
        "prompt_not_found",
        this.label,
        `no prompt after enable within ${spec.timeoutMs} ms`,
        extra,
      );
    return new SessionError(
      "command_timeout",
      this.label,
      `"${command}" did not finish within ${spec.timeoutMs} ms (${f.bytes} bytes received, no prompt)`,
      extra,
    );
  }

  run(command: string, opts: RunOptions = {}): Promise<RunResult> {
    const job = this.queue.then(() => this.runNow(command, opts));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(command: string, opts: RunOptions): Promise<RunResult> {
    if (typeof command !== "string" || /[\r\n]/.test(command))
      throw new VcError("usage", "a command must be a single line of text", this.label);
    nonNegativeMs(opts.timeoutMs, "timeoutMs", this.label);
    if (this.dead)
      throw new SessionError(
        this.dead.errorClass === "cancelled" || this.dead.errorClass === "device_timeout"
          ? this.dead.errorClass
          : "disconnected",
        this.label,
        `session is closed (${this.dead.detail})`,
        { command },
      );
    if (this.closing) throw new SessionError("disconnected", this.label, "session is closed", { command });
    try {
      return await this.execute(command, opts.timeoutMs ?? this.timeouts.commandMs, opts.onLines);
    } catch (err) {
      const e =
        err instanceof SessionError
          ? err
          : new SessionError("internal_error", this.label, (err as Error).message, { command });
      // After a timeout or a cut the shell is in an unknown state: nothing more can be read reliably.
      this.dead ??= e;
      void this.close();
      throw e;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.offTrip();
    this.guard.dispose();
    this.shell.abort();
    if (!this.dead && !this.shell.isClosed)
      for (const c of this.profile.onClose) this.shell.write(c + this.profile.lineEnding);
    this.shell.close();
    await endConnection(this.conn);
    await endConnection(this.jump);
    this.log("closed");
  }
}

/** The device's profile; an inventory-only platform fails this device, naming it (unsupported_platform). */
function profileFor(opts: SessionOptions, label: string): PlatformProfile {
  try {
    return loadProfile(opts.platform, { extraDirs: opts.profileDirs });
  } catch (err) {
    if (err instanceof VcError && err.errorClass === "unsupported_platform")
      throw new SessionError("unsupported_platform", label, err.message);
    throw err;
  }
}

/** Connects, authenticates, finds the prompt, enters enable mode and runs the profile's on-open commands. */
export async function openSession(opts: SessionOptions): Promise<DeviceSession> {
  const { host, port } = validateTarget(opts, "device");
  const label = `${host}:${port}`;
  const secrets = secretsOf(opts);
  const log = (line: string): void => {
    if (opts.log) opts.log(redact(`${label} ${line}`, secrets));
  };
  const profile = profileFor(opts, label);
  const timeouts = resolveTimeouts(opts, profile, label);
  const maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isInteger(maxOutputBytes) || maxOutputBytes < 1)
    throw new VcError("usage", "maxOutputBytes must be a positive integer", label);
  const policy = opts.hostKeys?.policy ?? DEFAULT_HOST_KEY_POLICY;
  const policyProblem = hostKeyPolicyProblem(policy);
  if (policyProblem) throw new VcError("usage", `hostKeys.policy ${policyProblem}`, label);
  if (!opts.hostKeys?.store && policy !== "accept-any")
    throw new VcError(
      "invalid_config",
      `hostKeys.store is required with the ${policy} policy (the data home's known_hosts: new KnownHostsStore(home.knownHosts))`,
      label,
    );
  const store = opts.hostKeys?.store ?? KnownHostsStore.inMemory();

  const guard = new Guard(label, timeouts.deviceMs, opts.signal);
  let jump: Connection | undefined;
  let conn: Connection | undefined;
  let shell: ShellChannel | undefined;
  try {
    if (guard.fatal) throw guard.fatal;
    let algorithms;
    try {
      algorithms = buildAlgorithms(
        profile.algorithms,
        opts.algorithms,
        store.get(host, port).map((k) => k.keyType),
      );
    } catch (err) {
      if (err instanceof AlgorithmConfigError) throw new SessionError("algorithm_mismatch", label, err.message);
      throw err;
    }
    let sock: Duplex | undefined;
    if (opts.jumpHost) {
      const j = opts.jumpHost;
      const jt = validateTarget(j, "jump host");
      const jumpLabel = `jump host ${jt.host}:${jt.port}`;
      const jumpTimeouts = { ...timeouts, ...withoutUndefined(j.timeouts ?? {}) };
      const jumpStore = j.hostKeys?.store ?? store;
      let jumpAlgorithms;
      try {
        jumpAlgorithms = buildAlgorithms(
          undefined,
          j.algorithms,
          jumpStore.get(jt.host, jt.port).map((k) => k.keyType),
        );
      } catch (err) {
        if (err instanceof AlgorithmConfigError)
          throw new SessionError("algorithm_mismatch", label, `${jumpLabel}: ${err.message}`);
        throw err;
      }
      const jumpParams: ConnectParams = {
        host: jt.host,
        port: jt.port,
        username: j.username,
        password: j.password,
        privateKey: j.privateKey,
        passphrase: j.passphrase,
        tryKeyboardInteractive: j.tryKeyboardInteractive ?? true,
        connectMs: jumpTimeouts.connectMs,
        bannerMs: jumpTimeouts.bannerMs,
        authMs: jumpTimeouts.authMs,
        hostKeys: { policy: j.hostKeys?.policy ?? policy, store: jumpStore },
        algorithms: jumpAlgorithms,
        label: jumpLabel,
        device: label,
        log,
      };
      jump = await connectSsh(jumpParams, (abort) => guard.onTrip(abort));
      log(`connected to ${jumpLabel}`);
      sock = await guard.race(forwardThrough(jump, jumpLabel, host, port, label, timeouts.connectMs));
    }
    const params: ConnectParams = {
      host,
      port,
      username: opts.username,
      password: opts.password,
      privateKey: opts.privateKey,
      passphrase: opts.passphrase,
      tryKeyboardInteractive: opts.tryKeyboardInteractive ?? true,
      connectMs: timeouts.connectMs,
      bannerMs: timeouts.bannerMs,
      authMs: timeouts.authMs,
      hostKeys: { policy, store },
      algorithms,
      sock,
      label,
      device: label,
      log,
    };
    conn = await connectSsh(params, (abort) => guard.onTrip(abort));
    const channel = await guard.race(openShellChannel(conn, profile, timeouts.commandMs, label));
    shell = new ShellChannel(channel, profile.ansi, maxOutputBytes);
    const session = new Session(profile, opts, label, timeouts, guard, shell, conn, jump, log);
    await session.start();
    return session;
  } catch (err) {
    guard.dispose();
    shell?.abort();
    shell?.close();
    await endConnection(conn, 500);
    await endConnection(jump, 500);
    throw sanitize(err, label, secrets);
  }
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Makes sure no secret leaves in an error message, and that every failure is a SessionError or a usage/profile error. */
function sanitize(err: unknown, label: string, secrets: string[]): Error {
  if (err instanceof SessionError) {
    const clean = redact(err.detail, secrets);
    if (clean === err.detail) return err;
    return new SessionError(err.errorClass, err.host, clean, {
      partialOutput: err.partialOutput,
      command: err.command,
    });
  }
  if (err instanceof VcError) return err;
  const cls: SessionErrorClass = "internal_error";
  return new SessionError(cls, label, redact((err as Error)?.message ?? String(err), secrets));
}

/** Logs in and finds the prompt (with enable when a secret is given), then closes: for credential discovery. */
export async function testLogin(
  opts: SessionOptions,
): Promise<{ ok: true; prompt: string; hostKeyFingerprint: string }> {
  const session = await openSession({ ...opts, skipOnOpen: true });
  const prompt = session.prompt;
  const hostKeyFingerprint = session.hostKeyFingerprint;
  await session.close();
  return { ok: true, prompt, hostKeyFingerprint };
}
