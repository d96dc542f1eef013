import { createHash, createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** One pinned host key. */
export interface PinnedKey {
  host: string;
  port: number;
  /** Key algorithm name from the key blob, e.g. "ssh-ed25519". */
  keyType: string;
  /** The public key blob, base64 (as in OpenSSH known_hosts files). */
  keyBase64: string;
  /** "SHA256:<base64 without padding>", as OpenSSH prints it. */
  fingerprint: string;
}

/** SHA256 fingerprint of a public key blob, formatted as OpenSSH prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "");
}

/** The algorithm name at the start of an SSH public key blob (a length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || len > 64 || keyBlob.length < 4 + len) return "unknown";
  return keyBlob.subarray(4, 4 + len).toString("latin1");
}

/** The host field of a known_hosts line: "host" for port 22, "[host]:port" otherwise (OpenSSH's rule). */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

interface Entry {
  /** Host field as written (plain patterns, or a hashed |1|salt|hash entry). */
  hosts: string;
  keyType: string;
  keyBase64: string;
  fingerprint: string;
}

function hostFieldMatches(field: string, wanted: string): boolean {
  for (const item of field.split(",")) {
    if (item.startsWith("|1|")) {
      const [, , salt, hash] = item.split("|");
      if (!salt || !hash) continue;
      const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(wanted).digest("base64");
      if (mac === hash) return true;
    } else if (item.toLowerCase() === wanted.toLowerCase()) {
      return true;
    }
  }
  return false;
}

/**
 * Trust-on-first-use store of SSH host keys, in OpenSSH known_hosts format: one
 * `host keytype base64` line per key, `[host]:port` for ports other than 22, hashed host fields
 * (`|1|…`) and comments accepted on read, `@cert-authority`/`@revoked` lines ignored. Writes go
 * to a temporary file renamed over the original, so a reader never sees a half-written file.
 * Construct with a file path, or use `KnownHostsStore.inMemory()` for a store that is never saved.
 */
export class KnownHostsStore {
  private entries: Entry[] = [];
  private loadedStamp = "";

  constructor(readonly file: string | null) {}

  static inMemory(): KnownHostsStore {
    return new KnownHostsStore(null);
  }

  /** "match" when a pinned key of host:port has this fingerprint, "mismatch" when keys are pinned but none matches. */
  check(host: string, port: number, fingerprint: string): "match" | "unknown" | "mismatch" {
    const pinned = this.get(host, port);
    if (pinned.length === 0) return "unknown";
    return pinned.some((k) => k.fingerprint === fingerprint) ? "match" : "mismatch";
  }

  /** Every key pinned for host:port. */
  get(host: string, port: number): PinnedKey[] {
    this.reload();
    const wanted = hostPattern(host, port);
    return this.entries
      .filter((e) => hostFieldMatches(e.hosts, wanted))
      .map((e) => ({ host, port, keyType: e.keyType, keyBase64: e.keyBase64, fingerprint: e.fingerprint }));
  }

  /** Pins a key for host:port, replacing any key of the same type pinned there before. */
  pin(host: string, port: number, keyBlob: Buffer): PinnedKey {
    const keyType = keyTypeOf(keyBlob);
    const keyBase64 = keyBlob.toString("base64");
    const fingerprint = fingerprintOf(keyBlob);
    const wanted = hostPattern(host, port);
    this.reload();
    this.entries = this.entries.filter((e) => !(hostFieldMatches(e.hosts, wanted) && e.keyType === keyType));
    this.entries.push({ hosts: wanted, keyType, keyBase64, fingerprint });
    this.save();
    return { host, port, keyType, keyBase64, fingerprint };
  }

  /** Removes every key pinned for host:port (after a device was legitimately re-keyed). Returns how many were removed. */
  unpin(host: string, port: number): number {
    const wanted = hostPattern(host, port);
    this.reload();
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !hostFieldMatches(e.hosts, wanted));
    const removed = before - this.entries.length;
    if (removed > 0) this.save();
    return removed;
  }

  /** Every pinned entry (hashed host fields are reported as written). */
  list(): { hosts: string; keyType: string; fingerprint: string }[] {
    this.reload();
    return this.entries.map((e) => ({ hosts: e.hosts, keyType: e.keyType, fingerprint: e.fingerprint }));
  }

  private reload(): void {
    if (this.file === null) return;
    let stamp: string;
    try {
      const st = fs.statSync(this.file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      this.entries = [];
      this.loadedStamp = "";
      return;
    }
    if (stamp === this.loadedStamp) return;
    this.entries = parseKnownHosts(fs.readFileSync(this.file, "utf8"));
    this.loadedStamp = stamp;
  }

  private save(): void {
    if (this.file === null) return;
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const body = this.entries.map((e) => `${e.hosts} ${e.keyType} ${e.keyBase64}`).join("\n") + "\n";
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, body, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    const st = fs.statSync(this.file);
    this.loadedStamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
  }
}

/** Parses known_hosts text; lines that cannot be understood are skipped (OpenSSH does the same). */
export function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("@")) continue;
    const parts = line.split(/\s+/);
    if (parts.length < 3) continue;
    const [hosts, keyType, keyBase64] = parts;
    const blob = Buffer.from(keyBase64, "base64");
    if (blob.length === 0 || keyTypeOf(blob) !== keyType) continue;
    entries.push({ hosts, keyType, keyBase64, fingerprint: fingerprintOf(blob) });
  }
  return entries;
}
