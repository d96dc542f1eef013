import { createHash } from "node:crypto";
import * as net from "node:net";
import type { Duplex } from "node:stream";
import {
  Client,
  utils,
  type AnyAuthMethod,
  type AuthenticationType,
  type Algorithms as Ssh2Algorithms,
  type NextAuthHandler,
  type ParsedKey,
} from "ssh2";
import { OfferedAlgorithms } from "./algorithms";
import { SessionError } from "./errors";
import { fingerprintOf, type KnownHostsStore } from "./known-hosts";

import type { HostKeyPolicy } from "./host-key-policy";

export type { HostKeyPolicy } from "./host-key-policy";

/** Everything needed to open one authenticated SSH connection (a device or a jump host). */
export interface ConnectParams {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  tryKeyboardInteractive: boolean;
  connectMs: number;
  bannerMs: number;
  authMs: number;
  hostKeys: { policy: HostKeyPolicy; store: KnownHostsStore };
  algorithms: Ssh2Algorithms;
  /** An already connected stream (a channel through a jump host) instead of a TCP connection. */
  sock?: Duplex;
  /** How the host is named in messages, e.g. "10.0.0.1:22" or "jump host 10.0.0.9:22". */
  label: string;
  /** The device (host:port) errors are attributed to. */
  device: string;
  log: (line: string) => void;
}

export interface Connection {
  client: Client;
  /** Settles when the underlying connection has closed. */
  closed: Promise<void>;
  /** SHA256 fingerprint of the host key the server presented. */
  hostKeyFingerprint: string;
  /** Pre-login banner text (SSH userauth banner), if any. */
  banner?: string;
}

type Phase = "tcp" | "banner" | "auth";

/**
 * Decrypted keys, so that a run over many devices with one passphrase-protected key pays for the
 * (deliberately slow) key derivation once. Keyed by a hash of key and passphrase; bounded.
 */
const parsedKeys = new Map<string, ParsedKey>();
const PARSED_KEY_CACHE_SIZE = 16;

/** Parses a private key before use, so a bad key or passphrase gives a clear error (never the key itself). */
function parsePrivateKey(p: ConnectParams): ParsedKey | undefined {
  if (p.privateKey === undefined) return undefined;
  const cacheKey = createHash("sha256")
    .update(p.privateKey)
    .update("\0")
    .update(p.passphrase ?? "")
    .digest("hex");
  const cached = parsedKeys.get(cacheKey);
  if (cached) return cached;
  const parsed = utils.parseKey(p.privateKey, p.passphrase);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first instanceof Error || first === undefined) {
    const msg = first instanceof Error ? first.message : "no key found";
    const why = /passphrase|decrypt|encrypted/i.test(msg)
      ? p.passphrase === undefined
        ? "the private key is encrypted and no passphrase was given"
        : "the passphrase does not decrypt the private key"
      : "the private key could not be read (unsupported or corrupt key)";
    throw new SessionError("auth_failed", p.device, `${prefix(p)}${why}`);
  }
  if (!first.isPrivateKey())
    throw new SessionError("auth_failed", p.device, `${prefix(p)}the key given is a public key, not a private key`);
  if (parsedKeys.size >= PARSED_KEY_CACHE_SIZE) parsedKeys.delete(parsedKeys.keys().next().value!);
  parsedKeys.set(cacheKey, first);
  return first;
}

function authMethods(p: ConnectParams, key: ParsedKey | undefined): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (key !== undefined) methods.push({ type: "publickey", username: p.username, key });
  if (p.password !== undefined) methods.push({ type: "password", username: p.username, password: p.password });
  if (p.password !== undefined && p.tryKeyboardInteractive) {
    const password = p.password;
    methods.push({
      type: "keyboard-interactive",
      username: p.username,
      // Every prompt gets the password: network devices ask one "Password:" question here.
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  return methods;
}

function prefix(p: ConnectParams): string {
  return p.label === p.device ? "" : `${p.label}: `;
}

/** Opens a TCP (or tunnelled) connection, verifies the host key and authenticates, each step under its own timeout. */
export function connectSsh(
  p: ConnectParams,
  register: (abort: (err: SessionError) => void) => void,
): Promise<Connection> {
  const methods = authMethods(p, parsePrivateKey(p));
  if (methods.length === 0) {
    return Promise.reject(
      new SessionError(
        "auth_failed",
        p.device,
        `${prefix(p)}no password or private key given for user "${p.username}"`,
      ),
    );
  }
  return new Promise<Connection>((resolve, reject) => {
    const client = new Client();
    const closed = new Promise<void>((res) => client.once("close", () => res()));
    const offered = new OfferedAlgorithms();
    let phase: Phase = p.sock ? "banner" : "tcp";
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let fingerprint = "";
    let hostKeyProblem: SessionError | undefined;
    let keyToPin: Buffer | undefined;
    let banner: string | undefined;
    const tried: string[] = [];
    let serverMethods: string[] | null = null;
    let sock: Duplex | undefined;

    const fail = (err: SessionError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners("ready");
      client.on("error", () => undefined);
      client.end();
      sock?.destroy();
      reject(err);
    };
    register(fail);

    const startPhase = (
      next: Phase,
      ms: number,
      errClass: "connect_timeout" | "banner_timeout" | "auth_failed",
      what: string,
    ): void => {
      if (settled) return;
      clearTimeout(timer);
      phase = next;
      timer = setTimeout(() => fail(new SessionError(errClass, p.device, `${prefix(p)}${what} within ${ms} ms`)), ms);
    };

    if (p.sock) {
      sock = p.sock;
      startPhase("banner", p.bannerMs, "banner_timeout", "SSH banner and key exchange not completed");
    } else {
      const tcp = net.connect({ host: p.host, port: p.port });
      tcp.setNoDelay(true);
      sock = tcp;
      startPhase("tcp", p.connectMs, "connect_timeout", "TCP connection not established");
      tcp.once("connect", () => {
        p.log(`${prefix(p)}TCP connected`);
        startPhase("banner", p.bannerMs, "banner_timeout", "SSH banner and key exchange not completed");
      });
      tcp.on("error", (err) => fail(socketError(err as NodeJS.ErrnoException, p, phase)));
    }

    const authHandler = (
      methodsLeft: AuthenticationType[] | null,
      _partial: boolean | null,
      next: NextAuthHandler,
    ): void => {
      if (methodsLeft) serverMethods = methodsLeft;
      while (methods.length > 0) {
        const m = methods.shift()!;
        if (methodsLeft && !methodsLeft.includes(m.type)) continue;
        tried.push(m.type);
        p.log(`${prefix(p)}trying ${m.type} authentication as ${p.username}`);
        next(m);
        return;
      }
      // ssh2 takes `false` for "no more methods"; its type definitions omit it.
      next(false as unknown as AnyAuthMethod);
    };

    client.on("banner", (msg: string) => {
      banner = msg;
    });
    client.on("handshake", () => {
      stopDebug(client);
      debugOn = false;
      if (phase === "banner") startPhase("auth", p.authMs, "auth_failed", "authentication did not complete");
      if (keyToPin && p.hostKeys.policy === "tofu") {
        const key = keyToPin;
        keyToPin = undefined;
        try {
          const pinned = p.hostKeys.store.pin(p.host, p.port, key);
          p.log(`${prefix(p)}host key ${pinned.fingerprint} pinned on first use`);
        } catch (err) {
          // Trusting a key we could not record would make the next change undetectable.
          fail(
            new SessionError(
              "internal_error",
              p.device,
              `${prefix(p)}cannot record the host key in ${p.hostKeys.store.file}: ${(err as Error).message}`,
            ),
          );
        }
      }
    });
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      p.log(`${prefix(p)}authenticated as ${p.username} (${tried[tried.length - 1] ?? "none"})`);
      resolve({ client, closed, hostKeyFingerprint: fingerprint, banner });
    });
    client.on("error", (err: Error & { level?: string; code?: unknown }) => {
      if (settled) return;
      if (hostKeyProblem) return fail(hostKeyProblem);
      if (err.level === "client-socket") return fail(socketError(err as NodeJS.ErrnoException, p, phase));
      if (err.level === "handshake") {
        if (offered.failed || /no matching/i.test(err.message)) {
          return fail(
            new SessionError(
              "algorithm_mismatch",
              p.device,
              `${prefix(p)}SSH negotiation failed: ${offered.describeFailure()}`,
            ),
          );
        }
        return fail(new SessionError("disconnected", p.device, `${prefix(p)}SSH handshake failed: ${err.message}`));
      }
      if (err.level === "client-authentication") {
        const allowed = serverMethods ? `; server accepts: ${serverMethods.join(", ")}` : "";
        return fail(
          new SessionError(
            "auth_failed",
            p.device,
            `${prefix(p)}authentication failed for user "${p.username}" (tried: ${tried.join(", ") || "nothing the server accepts"}${allowed})`,
          ),
        );
      }
      if (phase === "auth" && tried.length > 0) {
        return fail(
          new SessionError(
            "auth_failed",
            p.device,
            `${prefix(p)}authentication failed for user "${p.username}": ${err.message}`,
          ),
        );
      }
      fail(
        new SessionError(
          "disconnected",
          p.device,
          `${prefix(p)}connection lost during ${phaseName(phase)}: ${err.message}`,
        ),
      );
    });
    client.on("close", () => {
      if (settled) return;
      if (phase === "auth" && tried.length > 0) {
        return fail(
          new SessionError(
            "auth_failed",
            p.device,
            `${prefix(p)}the server closed the connection during authentication of user "${p.username}" (tried: ${tried.join(", ")})`,
          ),
        );
      }
      fail(new SessionError("disconnected", p.device, `${prefix(p)}connection closed during ${phaseName(phase)}`));
    });

    // Only the handshake's lines are needed (the server's ident and offered algorithms).
    let debugOn = true;
    const debug = (line: string): void => {
      if (!debugOn) return;
      if (line.startsWith("Remote ident:")) {
        p.log(`${prefix(p)}server ident ${line.slice("Remote ident: ".length)}`);
      } else {
        offered.observe(line);
      }
    };

    const hostVerifier = (key: Buffer): boolean => {
      fingerprint = fingerprintOf(key);
      const { policy, store } = p.hostKeys;
      if (policy === "accept-any") return true;
      let state: ReturnType<KnownHostsStore["check"]>;
      try {
        state = store.check(p.host, p.port, fingerprint);
      } catch (err) {
        hostKeyProblem = new SessionError(
          "internal_error",
          p.device,
          `${prefix(p)}cannot read the known-hosts store ${store.file}: ${(err as Error).message}`,
        );
        return false;
      }
      if (state === "match") return true;
      if (state === "mismatch") {
        const pinned = store
          .get(p.host, p.port)
          .map((k) => `${k.keyType} ${k.fingerprint}`)
          .join(", ");
        hostKeyProblem = new SessionError(
          "hostkey_mismatch",
          p.device,
          `${prefix(p)}HOST KEY CHANGED for ${p.host}:${p.port}: pinned ${pinned}, presented ${fingerprint}; connection refused (if the change is expected, remove the old key from ${store.file ?? "the known-hosts store"})`,
        );
        return false;
      }
      if (policy === "strict") {
        hostKeyProblem = new SessionError(
          "hostkey_unknown",
          p.device,
          `${prefix(p)}host key ${fingerprint} of ${p.host}:${p.port} is not pinned and the host-key policy is strict`,
        );
        return false;
      }
      keyToPin = key;
      return true;
    };

    try {
      client.connect({
        sock: sock!,
        username: p.username,
        authHandler: authHandler as unknown as AnyAuthMethod[],
        algorithms: p.algorithms,
        hostVerifier,
        readyTimeout: 0,
        keepaliveInterval: 15000,
        keepaliveCountMax: 3,
        debug,
      });
    } catch (err) {
      fail(
        new SessionError(
          "auth_failed",
          p.device,
          `${prefix(p)}${(err as Error).message.replace(/privateKey/g, "private key")}`,
        ),
      );
    }
  });
}

/**
 * While a debug callback is set, ssh2 formats a debug line for every packet it sends or receives;
 * after the handshake none is needed. ssh2 has no public switch, so the callback is removed from
 * its protocol object when that has the expected shape (otherwise the callback stays, as a no-op).
 */
function stopDebug(client: Client): void {
  const protocol = (client as unknown as { _protocol?: { _debug?: unknown } })._protocol;
  if (protocol && typeof protocol._debug === "function") protocol._debug = undefined;
}

function phaseName(phase: Phase): string {
  return phase === "tcp"
    ? "TCP connect"
    : phase === "banner"
      ? "the SSH banner exchange"
      : "key exchange/authentication";
}

function socketError(err: NodeJS.ErrnoException, p: ConnectParams, phase: Phase): SessionError {
  const code = err.code ?? "";
  const where = `${prefix(p)}`;
  switch (code) {
    case "ECONNREFUSED":
      return new SessionError(
        "connect_refused",
        p.device,
        `${where}connection refused (nothing listens on ${p.host}:${p.port})`,
      );
    case "ETIMEDOUT":
      return new SessionError("connect_timeout", p.device, `${where}TCP connection timed out`);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return new SessionError("connect_refused", p.device, `${where}host unreachable (${code})`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new SessionError(
        "connect_refused",
        p.device,
        `${where}host name ${p.host} could not be resolved (${code})`,
      );
    default:
      return new SessionError(
        "disconnected",
        p.device,
        `${where}connection error during ${phaseName(phase)}: ${code || err.message}`,
      );
  }
}

/**
 * Opens an SSH channel with a deadline. `open` starts the request and calls back as ssh2 does;
 * a channel that arrives after the deadline is discarded with `discard`; an error is rejected as
 * `failed(err)`, the deadline as `late()`.
 */
export function openChannelWithin<T>(
  ms: number,
  open: (callback: (err: Error | undefined, channel: T) => void) => void,
  discard: (channel: T) => void,
  failed: (err: Error) => Error,
  late: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(late());
    }, ms);
    open((err, channel) => {
      clearTimeout(timer);
      if (done) {
        if (!err) discard(channel);
        return;
      }
      done = true;
      if (err) reject(failed(err));
      else resolve(channel);
    });
  });
}

/** Opens a direct-tcpip channel through an authenticated jump host to host:port. */
export function forwardThrough(
  jump: Connection,
  jumpLabel: string,
  host: string,
  port: number,
  device: string,
  connectMs: number,
): Promise<Duplex> {
  return openChannelWithin<Duplex>(
    connectMs,
    (callback) => jump.client.forwardOut("127.0.0.1", 0, host, port, callback),
    (stream) => stream.destroy(),
    (err) => {
      const reason = (err as Error & { reason?: number }).reason;
      const refused = reason === 2 || /refused|connect failed/i.test(err.message);
      return new SessionError(
        refused ? "connect_refused" : "disconnected",
        device,
        `${jumpLabel} could not open a connection to ${host}:${port}: ${err.message}`,
      );
    },
    () =>
      new SessionError(
        "connect_timeout",
        device,
        `${jumpLabel} could not open a connection to ${host}:${port} within ${connectMs} ms`,
      ),
  );
}
