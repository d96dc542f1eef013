import type { Algorithms as Ssh2Algorithms } from "ssh2";

/** Algorithm preferences per device or profile, for legacy devices. */
export interface AlgorithmOptions {
  kex?: string[];
  cipher?: string[];
  serverHostKey?: string[];
  hmac?: string[];
}

type Kind = keyof AlgorithmOptions;
const KINDS: readonly Kind[] = ["kex", "cipher", "serverHostKey", "hmac"];

// ssh2 keeps its default and supported lists in an internal module; the package exports no API for them.
const constants = require("ssh2/lib/protocol/constants.js") as Record<string, string[]>;

const SUPPORTED: Record<Kind, readonly string[]> = {
  kex: constants.SUPPORTED_KEX,
  cipher: constants.SUPPORTED_CIPHER,
  serverHostKey: constants.SUPPORTED_SERVER_HOST_KEY,
  hmac: constants.SUPPORTED_MAC,
};
/**
 * ssh2's default key exchange list with ecdh-sha2-nistp256 moved first. Both it and
 * curve25519-sha256 give ~128-bit security and are offered by OpenSSH and current network OSes,
 * but ssh2's curve25519 goes through OpenSSL 3's DER encoder/decoder for every exchange (key
 * export, then import of the peer's key), which costs each side several times the CPU of a
 * P-256 ECDH (measured: bench/collect, ~1.5–3 ms vs ~0.3–0.6 ms per login on each side).
 */
const FAST_KEX_FIRST = "ecdh-sha2-nistp256";
const DEFAULT_KEX: readonly string[] = constants.DEFAULT_KEX.includes(FAST_KEX_FIRST)
  ? [FAST_KEX_FIRST, ...constants.DEFAULT_KEX.filter((n) => n !== FAST_KEX_FIRST)]
  : constants.DEFAULT_KEX;

const DEFAULTS: Record<Kind, readonly string[]> = {
  kex: DEFAULT_KEX,
  cipher: constants.DEFAULT_CIPHER,
  serverHostKey: constants.DEFAULT_SERVER_HOST_KEY,
  hmac: constants.DEFAULT_MAC,
};

export function supportedAlgorithms(kind: Kind): readonly string[] {
  return SUPPORTED[kind];
}

export class AlgorithmConfigError extends Error {}

/**
 * Turns a list written like OpenSSH's KexAlgorithms option into the exact list offered:
 * plain names replace the defaults; "+name" appends to the defaults, "-name" removes from them,
 * "^name" puts a name first. Unknown names are an error naming the field.
 */
export function resolveAlgorithmList(
  kind: Kind,
  spec: readonly string[] | undefined,
  base: readonly string[] = DEFAULTS[kind],
): string[] {
  if (!spec || spec.length === 0) return [...base];
  const supported = SUPPORTED[kind];
  const modified = spec.some((s) => /^[+\-^]/.test(s));
  if (modified && !spec.every((s) => /^[+\-^]/.test(s))) {
    throw new AlgorithmConfigError(`algorithms.${kind}: mix of plain names and +/-/^ modifiers; use one style`);
  }
  const check = (name: string): string => {
    if (!supported.includes(name)) {
      throw new AlgorithmConfigError(
        `algorithms.${kind}: unsupported algorithm "${name}" (supported: ${supported.join(", ")})`,
      );
    }
    return name;
  };
  if (!modified) return [...new Set(spec.map(check))];
  let list = [...base];
  for (const item of spec) {
    const name = check(item.slice(1));
    list = list.filter((n) => n !== name);
    if (item[0] === "+") list.push(name);
    else if (item[0] === "^") list.unshift(name);
  }
  if (list.length === 0) throw new AlgorithmConfigError(`algorithms.${kind}: the modifiers remove every algorithm`);
  return list;
}

/** The ssh2 `algorithms` option: the profile's lists first, then the device's on top of them. */
export function buildAlgorithms(
  profile: AlgorithmOptions | undefined,
  device: AlgorithmOptions | undefined,
  preferHostKeyTypes: readonly string[] = [],
): Ssh2Algorithms {
  const out: Record<string, string[]> = {};
  for (const kind of KINDS) {
    const fromProfile = resolveAlgorithmList(kind, profile?.[kind]);
    let list = resolveAlgorithmList(kind, device?.[kind], fromProfile);
    if (
      kind === "serverHostKey" &&
      !device?.serverHostKey &&
      !profile?.serverHostKey &&
      preferHostKeyTypes.length > 0
    ) {
      // Like OpenSSH: ask first for the key types already pinned for this host, so a server with
      // several host keys presents the one we know.
      const preferred = list.filter((n) => preferHostKeyTypes.includes(hostKeyFamily(n)));
      list = [...preferred, ...list.filter((n) => !preferred.includes(n))];
    }
    out[kind] = list;
  }
  return { kex: out.kex, cipher: out.cipher, serverHostKey: out.serverHostKey, hmac: out.hmac } as Ssh2Algorithms;
}

/** rsa-sha2-256/512 signatures use "ssh-rsa" keys. */
function hostKeyFamily(algorithm: string): string {
  return algorithm.startsWith("rsa-sha2-") ? "ssh-rsa" : algorithm;
}

/** Markers sent in the KEX list that are not algorithms (RFC 8308 ext-info, OpenSSH strict KEX). */
const PSEUDO_ALGORITHMS = /^(?:ext-info-[cs]|kex-strict-[cs]-v00@openssh\.com)$/;

/** What the server offered during key exchange, collected from ssh2's debug lines. */
export class OfferedAlgorithms {
  readonly remote: Partial<Record<Kind, string[]>> = {};
  readonly local: Partial<Record<Kind, string[]>> = {};
  private failedKind?: Kind;

  private static readonly LINES: [RegExp, Kind][] = [
    [/^Handshake: \((local|remote)\) KEX method: (.*)$/, "kex"],
    [/^Handshake: \((local|remote)\) Host key format: (.*)$/, "serverHostKey"],
    [/^Handshake: \((local|remote)\) C->S cipher: (.*)$/, "cipher"],
    [/^Handshake: \((local|remote)\) C->S MAC: (.*)$/, "hmac"],
  ];
  private static readonly FAILURES: [RegExp, Kind][] = [
    [/^Handshake: no matching key exchange algorithm/i, "kex"],
    [/^Handshake: No matching host key format/i, "serverHostKey"],
    [/^Handshake: No matching [CS]->[CS] cipher/i, "cipher"],
    [/^Handshake: No matching [CS]->[CS] MAC/i, "hmac"],
  ];

  /** Feeds one ssh2 debug line. */
  observe(line: string): void {
    if (!line.startsWith("Handshake: ")) return;
    for (const [re, kind] of OfferedAlgorithms.LINES) {
      const m = re.exec(line);
      if (m) {
        const list = m[2].split(",").filter((s) => s !== "" && !PSEUDO_ALGORITHMS.test(s));
        if (m[1] === "remote") this.remote[kind] = list;
        else this.local[kind] = list;
        return;
      }
    }
    for (const [re, kind] of OfferedAlgorithms.FAILURES) if (re.test(line)) this.failedKind = kind;
  }

  /** A human description of the failed negotiation: what we offered and what the server offered. */
  describeFailure(): string {
    const kind = this.failedKind;
    const label: Record<Kind, string> = {
      kex: "key exchange",
      serverHostKey: "host key",
      cipher: "cipher",
      hmac: "MAC",
    };
    const parts: string[] = [];
    if (kind) {
      parts.push(`no matching ${label[kind]} algorithm`);
      parts.push(`server offered ${kind}: ${(this.remote[kind] ?? []).join(", ") || "(nothing)"}`);
      parts.push(`we offered: ${(this.local[kind] ?? []).join(", ")}`);
    } else {
      parts.push("handshake failed");
    }
    for (const k of KINDS) if (k !== kind && this.remote[k]) parts.push(`server ${k}: ${this.remote[k]!.join(", ")}`);
    return parts.join("; ");
  }

  get failed(): boolean {
    return this.failedKind !== undefined;
  }
}
