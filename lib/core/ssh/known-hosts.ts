import { createHash, createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomicSync } from "../fs/atomic-write";

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
  /** The line as read from the file (kept verbatim, with its comment), or undefined for a new pin. */
  line?: string;
}

/** A line of the file that is not a key entry (comment, @marker, unreadable): written back unchanged. */
interface OpaqueLine {
  opaque: string;
}

type Line = Entry | OpaqueLine;

const isEntry = (l: Line): l is Entry => !("opaque" in l);

function hashedItemMatches(item: string, wanted: string): boolean {
  const [, , salt, hash] = item.split("|");
  if (!salt || !hash) return false;
  return createHmac("sha1", Buffer.from(salt, "base64")).update(wanted).digest("base64") === hash;
}

function hostFieldMatches(field: string, wanted: string): boolean {
  const lower = wanted.toLowerCase();
  for (const item of field.split(",")) {
    if (item.startsWith("|1|") ? hashedItemMatches(item, wanted) : item.toLowerCase() === lower) return true;
  }
  return false;
}

/** Pins made within this window after a save are written together by one save at its end. */
export const SAVE_COALESCE_MS = 250;

/**
 * The contents of one known_hosts file, shared by every store opened on that file in this
 * process (so a pin made through one store is seen at once through the others, and two stores
 * never overwrite each other's pins). Looked up through a Map keyed by the host pattern; hashed
 * entries are matched by HMAC once per pattern and remembered until the file changes.
 */
class KnownHostsFile {
  private lines: Line[] = [];
  /** Lower-cased plain host pattern → entries listing it. */
  private byPattern = new Map<string, Entry[]>();
  private hashed: Entry[] = [];
  private hashedMatches = new Map<string, Entry[]>();
  private loadedStamp = "";
  /** Pins and unpins not yet on disk, replayed on top of the file if another process changed it. */
  private pending: Array<{ pin: Entry; pattern: string } | { unpin: string }> = [];
  private lastSaveAt = -Infinity;
  /** Open batches (runs) on this file; while any is open, saves are coalesced. */
  private batches = 0;
  private timer?: NodeJS.Timeout;

  constructor(readonly file: string | null) {}

  get dirty(): boolean {
    return this.pending.length > 0;
  }

  find(wanted: string): Entry[] {
    this.reload();
    const plain = this.byPattern.get(wanted.toLowerCase()) ?? [];
    if (this.hashed.length === 0) return plain;
    let hashed = this.hashedMatches.get(wanted);
    if (hashed === undefined) {
      hashed = this.hashed.filter((e) => hostFieldMatches(e.hosts, wanted));
      this.hashedMatches.set(wanted, hashed);
    }
    if (hashed.length === 0) return plain;
    // An entry may list the pattern both plainly and hashed: report it once, in file order.
    const set = new Set([...plain, ...hashed]);
    return this.lines.filter((l): l is Entry => isEntry(l) && set.has(l));
  }

  entries(): Entry[] {
    this.reload();
    return this.lines.filter(isEntry);
  }

  pin(wanted: string, entry: Entry): void {
    this.reload();
    this.applyPin(wanted, entry);
    this.change({ pin: entry, pattern: wanted });
  }

  unpin(wanted: string): number {
    this.reload();
    const removed = this.applyUnpin(wanted);
    if (removed > 0) this.change({ unpin: wanted });
    return removed;
  }

  /**
   * Writes pending changes now (they stay pending after a failed deferred save, so this also
   * retries it); throws if the write fails. `createDir` false: only into an existing directory.
   */
  flush(createDir = true): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.save(createDir);
  }

  /** Records a change to save; one that cannot be written at once is undone, never trusted silently. */
  private change(op: KnownHostsFile["pending"][number]): void {
    if (this.file === null) return; // an in-memory store has nothing to save
    this.pending.push(op);
    try {
      this.scheduleSave();
    } catch (err) {
      this.pending.pop();
      this.loadedStamp = "\0stale";
      this.reload();
      throw err;
    }
  }

  private applyPin(wanted: string, entry: Entry): void {
    const same = this.find(wanted).filter((e) => e.keyType === entry.keyType);
    if (same.length > 0) this.remove(new Set(same));
    this.lines.push(entry);
    this.index(entry);
  }

  private applyUnpin(wanted: string): number {
    const matching = this.find(wanted);
    if (matching.length > 0) this.remove(new Set(matching));
    return matching.length;
  }

  private remove(gone: Set<Entry>): void {
    this.lines = this.lines.filter((l) => !(isEntry(l) && gone.has(l)));
    this.rebuildIndex();
  }

  private index(e: Entry): void {
    let isHashed = false;
    for (const item of e.hosts.split(",")) {
      if (item.startsWith("|1|")) {
        isHashed = true;
        continue;
      }
      const key = item.toLowerCase();
      const list = this.byPattern.get(key);
      if (list) {
        if (!list.includes(e)) list.push(e);
      } else {
        this.byPattern.set(key, [e]);
      }
    }
    if (isHashed) {
      this.hashed.push(e);
      this.hashedMatches.clear();
    }
  }

  private rebuildIndex(): void {
    this.byPattern = new Map();
    this.hashed = [];
    this.hashedMatches = new Map();
    for (const l of this.lines) if (isEntry(l)) this.index(l);
  }

  /** Opens a batch: until it ends, saves are coalesced (see scheduleSave). */
  beginBatch(): () => void {
    this.batches++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.batches--;
      this.flush();
    };
  }

  /**
   * Outside a batch every change is saved at once. In a batch: at once when nothing was saved
   * within the coalescing window (so the first pin is on disk before its connection goes on, and
   * an unwritable file fails that connection), otherwise at the end of the window, together with
   * the changes made meanwhile.
   */
  private scheduleSave(): void {
    if (this.file === null || this.timer) return;
    const wait = this.lastSaveAt + SAVE_COALESCE_MS - performance.now();
    if (this.batches === 0 || wait <= 0) {
      this.save(true);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.save(false);
      } catch {
        // The changes stay pending: the batch's end (or the next save) retries and reports.
      }
    }, wait);
    this.timer.unref();
    dirtyFiles.add(this);
  }

  private stampOf(): string | undefined {
    try {
      const st = fs.statSync(this.file!);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return undefined;
    }
  }

  /** Re-reads the file if another process changed it, keeping the pins not yet saved. */
  private reload(): void {
    if (this.file === null) return;
    const stamp = this.stampOf() ?? "";
    if (stamp === this.loadedStamp) return;
    this.loadedStamp = stamp;
    this.lines = stamp === "" ? [] : parseLines(fs.readFileSync(this.file, "utf8"));
    this.rebuildIndex();
    for (const op of this.pending) {
      if ("pin" in op) this.applyPin(op.pattern, op.pin);
      else this.applyUnpin(op.unpin);
    }
  }

  /**
   * Atomic write (fs/atomic-write.ts: unique temporary file, fsync, rename). A deferred save does not create
   * the directory (it existed at the first save; if it is gone, the store was abandoned).
   */
  private save(createDir: boolean): void {
    if (this.file === null) return;
    this.reload();
    const dir = path.dirname(this.file);
    if (createDir) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const body =
      this.lines.map((l) => (isEntry(l) ? (l.line ?? `${l.hosts} ${l.keyType} ${l.keyBase64}`) : l.opaque)).join("\n") +
      "\n";
    writeFileAtomicSync(this.file, body, { mode: 0o600 });
    this.lastSaveAt = performance.now();
    this.pending = [];
    dirtyFiles.delete(this);
    this.loadedStamp = this.stampOf() ?? "";
  }
}

const files = new Map<string, KnownHostsFile>();
const dirtyFiles = new Set<KnownHostsFile>();

function sharedFile(file: string): KnownHostsFile {
  const key = path.resolve(file);
  let shared = files.get(key);
  if (!shared) files.set(key, (shared = new KnownHostsFile(key)));
  return shared;
}

/**
 * Writes the pins still waiting in a coalescing window, in every known_hosts file of this
 * process. No exit hook does it behind the host program's back: the owner calls it when it
 * closes (the CLI at the end of a command, vc-collect in its close handler). Throws the first
 * failure after trying every file.
 */
export function flushAllKnownHosts(): void {
  let first: unknown;
  for (const f of [...dirtyFiles]) {
    try {
      f.flush();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/**
 * Trust-on-first-use store of SSH host keys, in OpenSSH known_hosts format: one
 * `host keytype base64` line per key, `[host]:port` for ports other than 22, hashed host fields
 * (`|1|…`) and comments accepted on read and kept on write, `@cert-authority`/`@revoked` lines
 * kept but not used. Writes go to a temporary file renamed over the original, so a reader never
 * sees a half-written file.
 *
 * Saving: a pin or unpin is written at once. Inside a batch (`beginBatch()`, which the collection
 * runner opens for a run), a change is written at once unless another save happened in the last
 * SAVE_COALESCE_MS; changes made inside that window are written together at its end, so a first
 * collection over 1000 new hosts rewrites the file a few dozen times, not 1000. Ending the batch
 * writes what is pending (retrying a failed deferred save) and throws if that fails: the runner
 * ends it before it reports the run. Pins still pending when the owner closes are written by
 * flushAllKnownHosts() (no process exit hook).
 *
 * Stores constructed on the same file share one in-memory copy (lookups are Map hits, not file
 * scans); changes made by other processes are picked up when the file's mtime/size/inode change.
 * Construct with a file path, or use `KnownHostsStore.inMemory()` for a store that is never saved.
 */
export class KnownHostsStore {
  private readonly data: KnownHostsFile;

  constructor(readonly file: string | null) {
    this.data = file === null ? new KnownHostsFile(null) : sharedFile(file);
  }

  static inMemory(): KnownHostsStore {
    return new KnownHostsStore(null);
  }

  /** "match" when a pinned key of host:port has this fingerprint, "mismatch" when keys are pinned but none matches. */
  check(host: string, port: number, fingerprint: string): "match" | "unknown" | "mismatch" {
    const pinned = this.data.find(hostPattern(host, port));
    if (pinned.length === 0) return "unknown";
    return pinned.some((k) => k.fingerprint === fingerprint) ? "match" : "mismatch";
  }

  /** Every key pinned for host:port. */
  get(host: string, port: number): PinnedKey[] {
    return this.data
      .find(hostPattern(host, port))
      .map((e) => ({ host, port, keyType: e.keyType, keyBase64: e.keyBase64, fingerprint: e.fingerprint }));
  }

  /** Pins a key for host:port, replacing any key of the same type pinned there before. */
  pin(host: string, port: number, keyBlob: Buffer): PinnedKey {
    const keyType = keyTypeOf(keyBlob);
    const keyBase64 = keyBlob.toString("base64");
    const fingerprint = fingerprintOf(keyBlob);
    const wanted = hostPattern(host, port);
    this.data.pin(wanted, { hosts: wanted, keyType, keyBase64, fingerprint });
    return { host, port, keyType, keyBase64, fingerprint };
  }

  /** Removes every key pinned for host:port (after a device was legitimately re-keyed). Returns how many were removed. */
  unpin(host: string, port: number): number {
    return this.data.unpin(hostPattern(host, port));
  }

  /** Every pinned entry (hashed host fields are reported as written). */
  list(): { hosts: string; keyType: string; fingerprint: string }[] {
    return this.data.entries().map((e) => ({ hosts: e.hosts, keyType: e.keyType, fingerprint: e.fingerprint }));
  }

  /**
   * Coalesces saves until the returned function is called; that call writes what is pending and
   * throws if the pins could not be saved. Batches may overlap (two runs on one file).
   */
  beginBatch(): () => void {
    return this.data.beginBatch();
  }

  /** True while pins are waiting for a coalesced save. */
  get hasUnsavedPins(): boolean {
    return this.data.dirty;
  }

  /** Writes pending pins now; throws if they cannot be written. */
  flush(): void {
    this.data.flush();
  }
}

function parseLine(raw: string): Line {
  const line = raw.trim();
  if (line === "" || line.startsWith("#") || line.startsWith("@")) return { opaque: raw };
  const parts = line.split(/\s+/);
  if (parts.length < 3) return { opaque: raw };
  const [hosts, keyType, keyBase64] = parts;
  const blob = Buffer.from(keyBase64, "base64");
  if (blob.length === 0 || keyTypeOf(blob) !== keyType) return { opaque: raw };
  return { hosts, keyType, keyBase64, fingerprint: fingerprintOf(blob), line: raw };
}

function parseLines(text: string): Line[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map(parseLine);
}

/** Parses known_hosts text; lines that cannot be understood are skipped (OpenSSH does the same). */
export function parseKnownHosts(text: string): Entry[] {
  return parseLines(text)
    .filter(isEntry)
    .map(({ hosts, keyType, keyBase64, fingerprint }) => ({ hosts, keyType, keyBase64, fingerprint }));
}
