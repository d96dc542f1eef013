import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import {
  significantText,
  rulesKey,
  sha256,
  unifiedDiff,
  type ChangeRules,
  type TextDiff,
} from "../changes/significant";
import { DEFAULT_CHANGE_SETTINGS, type ChangeSettings } from "../changes/settings";
import { VcError, errorMessage } from "../errors";
import { historyDir, safeSegment } from "./layout";

const gzip = promisify(zlib.gzip);

/** Texts up to this size are compressed on the calling thread (tens of µs); larger ones in libuv's pool. */
const SYNC_GZIP_BYTES = 64 * 1024;

/**
 * gzip options sized to the text: a window no larger than the text (deflate finds no match
 * farther back than the text is long, so the output is the same size) and an output buffer to
 * match. With the defaults each call allocates about 270 KB for a 2 KB capture, and a run of a
 * thousand devices spends more time collecting that garbage than compressing.
 */
function gzipOptionsFor(bytes: number): zlib.ZlibOptions {
  return {
    windowBits: Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes + 262)))),
    chunkSize: Math.min(16 * 1024, Math.max(1024, bytes + 64)),
  };
}

function gzipTextSync(text: string): Buffer {
  const data = Buffer.from(text, "utf8");
  return zlib.gzipSync(data, gzipOptionsFor(data.length));
}

async function gzipText(text: string): Promise<Buffer> {
  const data = Buffer.from(text, "utf8");
  const opts = gzipOptionsFor(data.length);
  return data.length <= SYNC_GZIP_BYTES ? zlib.gzipSync(data, opts) : gzip(data, opts);
}

interface PreparedRecord {
  captureType: string;
  device: string;
  platform: string | undefined;
  /** The text as stored (redacted when the settings say so). */
  stored: string;
  /** sha256 of `stored`, once computed (storedShaOf). */
  storedSha?: string;
  sig: { text: string; sha: string; key: string };
}

interface PreparedItem {
  input: RecordInput;
  prepared: PreparedRecord;
}

/** Lines in a significant text (it ends with a newline when not empty). */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function storedShaOf(p: PreparedRecord): string {
  return (p.storedSha ??= sha256(p.stored));
}

/**
 * Versioned captures: every capture that differs significantly from the previous one of the same
 * device and capture type becomes a new version. Texts are stored content-addressed (sha256,
 * gzip) in `<collections>/.versions/versions.db`, table `version_objects`, in the same transaction
 * as the row that refers to them, so the same text is stored once and no row ever points to a
 * missing text; the timeline is table `capture_versions`. (Stores written by earlier builds kept the
 * texts as files under `.versions/objects/`: they are still read.) A capture whose significant
 * text (volatile lines dropped) equals the latest version's adds no version and no object: it
 * only bumps `last_seen`.
 */
export const VERSIONS_DIR = ".versions";

export interface VersionRow {
  id: number;
  captureType: string;
  device: string;
  deviceName: string;
  platform: string | null;
  /** The version number in this device's timeline of this capture type: 1, 2, 3… */
  version: number;
  sha256: string;
  significantSha256: string;
  size: number;
  runId: string | null;
  capturedAt: string;
  lastSeenAt: string;
  lastRunId: string | null;
  seen: number;
  added: number;
  removed: number;
  source: "run" | "import";
}

export type RecordStatus = "new" | "changed" | "unchanged";

export interface RecordResult {
  status: RecordStatus;
  version: VersionRow;
  previous?: VersionRow;
}

export interface RecordInput {
  captureType: string;
  deviceName: string;
  platform?: string;
  content: string;
  runId?: string;
  capturedAt?: Date;
  source?: "run" | "import";
}

export interface VersionStoreOptions {
  settings?: ChangeSettings;
  /** The rules for a platform (volatile lines, redaction); see lib/core/changes/platform-rules.ts. */
  rulesFor: (platform: string | undefined) => ChangeRules;
  now?: () => Date;
  /** Import the collections' existing captures as first versions when the store is new (default true). */
  importExisting?: boolean;
}

export interface VersionDiff extends TextDiff {
  captureType: string;
  device: string;
  deviceName: string;
  status: "new" | "changed" | "unchanged";
  from?: VersionRef;
  to: VersionRef;
  redacted: boolean;
}

export interface VersionRef {
  version: number;
  id: number;
  sha256: string;
  capturedAt: string;
  runId: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS versions_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS capture_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  capture_type TEXT NOT NULL,
  device TEXT NOT NULL,
  device_name TEXT NOT NULL,
  platform TEXT,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  significant_sha256 TEXT NOT NULL,
  rules_key TEXT NOT NULL,
  size INTEGER NOT NULL,
  run_id TEXT,
  captured_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  last_run_id TEXT,
  seen INTEGER NOT NULL DEFAULT 1,
  added INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT 'run',
  UNIQUE (capture_type, device, version)
);
CREATE INDEX IF NOT EXISTS idx_capture_versions_captured ON capture_versions(captured_at);
CREATE INDEX IF NOT EXISTS idx_capture_versions_sha ON capture_versions(sha256);
CREATE INDEX IF NOT EXISTS idx_capture_versions_run ON capture_versions(run_id);
CREATE TABLE IF NOT EXISTS version_objects (sha256 TEXT PRIMARY KEY, gz BLOB NOT NULL);
`;

interface DbRow {
  id: number;
  capture_type: string;
  device: string;
  device_name: string;
  platform: string | null;
  version: number;
  sha256: string;
  significant_sha256: string;
  rules_key: string;
  size: number;
  run_id: string | null;
  captured_at: string;
  last_seen_at: string;
  last_run_id: string | null;
  seen: number;
  added: number;
  removed: number;
  source: "run" | "import";
}

const toRow = (r: DbRow): VersionRow => ({
  id: r.id,
  captureType: r.capture_type,
  device: r.device,
  deviceName: r.device_name,
  platform: r.platform,
  version: r.version,
  sha256: r.sha256,
  significantSha256: r.significant_sha256,
  size: r.size,
  runId: r.run_id,
  capturedAt: r.captured_at,
  lastSeenAt: r.last_seen_at,
  lastRunId: r.last_run_id,
  seen: r.seen,
  added: r.added,
  removed: r.removed,
  source: r.source,
});

export class VersionStore {
  readonly root: string;
  /** Where stores written by earlier builds kept their texts. */
  private readonly legacyObjectsDir: string;
  readonly settings: ChangeSettings;
  private readonly db: Database.Database;
  private readonly rulesFor: (platform: string | undefined) => ChangeRules;
  private readonly now: () => Date;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly collections: string,
    opts: VersionStoreOptions,
  ) {
    this.root = path.join(collections, VERSIONS_DIR);
    this.legacyObjectsDir = path.join(this.root, "objects");
    this.settings = opts.settings ?? DEFAULT_CHANGE_SETTINGS;
    this.rulesFor = opts.rulesFor;
    this.now = opts.now ?? (() => new Date());
    const file = path.join(this.root, "versions.db");
    try {
      fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
      this.db = new Database(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("busy_timeout = 10000");
      // One transaction: a new store syncs its file once, not once per table and index.
      this.db.transaction(() => this.db.exec(SCHEMA)).immediate();
    } catch (err) {
      throw new VcError("versions_unavailable", `cannot open the version store: ${errorMessage(err)}`, file, {
        cause: err,
      });
    }
  }

  /** Opens (creating if needed) the version store of a collections directory. */
  static open(collections: string, opts: VersionStoreOptions): VersionStore {
    const store = new VersionStore(path.resolve(collections), opts);
    if (opts.importExisting !== false && store.meta("imported") === undefined) {
      store.importExisting();
      store.setMeta("imported", store.now().toISOString());
    }
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A prepared statement, prepared once per store (a run prepares the same few thousands of times). */
  private sql(source: string): Database.Statement {
    let stmt = this.statements.get(source);
    if (!stmt) this.statements.set(source, (stmt = this.db.prepare(source)));
    return stmt;
  }

  private meta(key: string): string | undefined {
    const r = this.sql("SELECT value FROM versions_meta WHERE key = ?").get(key) as { value: string } | undefined;
    return r?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql("INSERT OR REPLACE INTO versions_meta (key, value) VALUES (?, ?)").run(key, value);
  }

  // ---- objects ----------------------------------------------------------------------------------

  /** Where stores written by earlier builds kept a text (read, and removed when pruned, for those stores only). */
  private legacyObjectPath(sha: string): string {
    return path.join(this.legacyObjectsDir, sha.slice(0, 2), `${sha}.gz`);
  }

  private hasObject(sha: string): boolean {
    return this.sql("SELECT 1 FROM version_objects WHERE sha256 = ?").get(sha) !== undefined;
  }

  /** Stores a text once per content, inside the caller's transaction (gz: the text already compressed). */
  private writeObject(sha: string, text: string, gz?: Buffer): void {
    if (gz === undefined && this.hasObject(sha)) return;
    this.sql("INSERT OR IGNORE INTO version_objects (sha256, gz) VALUES (?, ?)").run(sha, gz ?? gzipTextSync(text));
  }

  /** The stored text of a version. */
  read(row: Pick<VersionRow, "sha256" | "deviceName" | "version">): string {
    const where = `versions.db object ${row.sha256}`;
    try {
      const r = this.sql("SELECT gz FROM version_objects WHERE sha256 = ?").get(row.sha256) as
        { gz: Buffer } | undefined;
      if (r) return zlib.gunzipSync(r.gz).toString("utf8");
      return zlib.gunzipSync(fs.readFileSync(this.legacyObjectPath(row.sha256))).toString("utf8");
    } catch (err) {
      throw new VcError(
        "version_missing",
        `version ${row.version}'s text is missing or damaged (${where}): ${errorMessage(err)}`,
        row.deviceName,
      );
    }
  }

  // ---- recording --------------------------------------------------------------------------------

  private significantOf(text: string, platform: string | undefined): { text: string; sha: string; key: string } {
    const rules = this.rulesFor(platform);
    const sig = significantText(text, rules.volatile);
    return { text: sig, sha: sha256(sig), key: rulesKey(rules.volatile) };
  }

  /**
   * Records a capture: a new version when its significant text differs from the latest version's
   * (or when it is the first), else only the latest version's last-seen time and count.
   */
  record(input: RecordInput): RecordResult {
    const item = { input, prepared: this.prepare(input) };
    const legacy: string[] = [];
    const result = this.db.transaction(() => this.recordOne(item, new Map(), legacy)).immediate();
    this.removeLegacyObjects(legacy);
    return result;
  }

  /** record as a group of one, compressing first (recordMany); a run records through changes/index.ts's recorder. */
  async recordAsync(input: RecordInput): Promise<RecordResult> {
    const [result] = await this.recordMany([input]);
    if (result instanceof Error) throw result;
    return result;
  }

  /**
   * Records a group of captures in one transaction: one commit (one sync of the log) for the
   * group instead of one per capture, which is what a run of a thousand devices pays for versions.
   * The texts that will make new versions are compressed first (big ones in libuv's pool). When the group's transaction fails, each capture is recorded on
   * its own, so one bad capture (say a damaged earlier version) fails alone: its entry is the error.
   */
  async recordMany(inputs: RecordInput[]): Promise<Array<RecordResult | Error>> {
    const items: Array<PreparedItem | Error> = inputs.map((input) => {
      try {
        return { input, prepared: this.prepare(input) };
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
    const ready = items.filter((i): i is PreparedItem => !(i instanceof Error));
    const compressed = await this.compressNewTexts(ready);
    const legacy: string[] = [];
    let results: Array<RecordResult | Error>;
    try {
      const all = this.db.transaction(() => ready.map((item) => this.recordOne(item, compressed, legacy))).immediate();
      results = items.map((i) => (i instanceof Error ? i : all[ready.indexOf(i)]));
    } catch {
      legacy.length = 0;
      results = items.map((i) => {
        if (i instanceof Error) return i;
        try {
          return this.db.transaction(() => this.recordOne(i, compressed, legacy)).immediate();
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      });
    }
    this.removeLegacyObjects(legacy);
    return results;
  }

  /** gzip of each text in the group that may become a new version and is not stored yet (big ones off the event loop). */
  private async compressNewTexts(items: PreparedItem[]): Promise<Map<string, Buffer>> {
    const texts = new Map<string, string>();
    for (const { prepared } of items) {
      if (!this.mayAddVersion(prepared)) continue;
      const sha = storedShaOf(prepared);
      if (!texts.has(sha) && !this.hasObject(sha)) texts.set(sha, prepared.stored);
    }
    const compressed = new Map<string, Buffer>();
    await Promise.all([...texts].map(async ([sha, text]) => compressed.set(sha, await gzipText(text))));
    return compressed;
  }

  private prepare(input: RecordInput): PreparedRecord {
    const captureType = safeSegment(input.captureType);
    const device = safeSegment(input.deviceName);
    const platform = input.platform || undefined;
    const rules = this.rulesFor(platform);
    const stored = this.settings.redactStorage && rules.redact ? rules.redact(input.content) : input.content;
    const sig = this.significantOf(stored, platform);
    // Nothing volatile in the text: its hash is the significant text's (one sha256 instead of two).
    return { captureType, device, platform, stored, sig, storedSha: sig.text === stored ? sig.sha : undefined };
  }

  /** Whether recordOne would add a version (true when it cannot tell without reading the latest text). */
  private mayAddVersion(p: PreparedRecord): boolean {
    const latestRow = this.latestDb(p.captureType, p.device);
    if (!latestRow) return true;
    if (latestRow.rules_key !== p.sig.key || latestRow.platform !== (p.platform ?? null)) return true;
    return latestRow.significant_sha256 !== p.sig.sha;
  }

  /** One capture, inside the caller's transaction; prunes the timeline when a version was added. */
  private recordOne(
    { input, prepared }: PreparedItem,
    compressed: Map<string, Buffer>,
    legacyDoomed: string[],
  ): RecordResult {
    const { captureType, device, platform, sig } = prepared;
    const at = (input.capturedAt ?? this.now()).toISOString();
    const latestRow = this.latestDb(captureType, device);
    if (latestRow) {
      let latestSig = latestRow.significant_sha256;
      let previousText: string | undefined;
      if (latestRow.rules_key !== sig.key || latestRow.platform !== (platform ?? null)) {
        previousText = this.significantOf(this.read(toRow(latestRow)), platform).text;
        latestSig = sha256(previousText);
      }
      if (latestSig === sig.sha) {
        this.sql(
          `UPDATE capture_versions SET last_seen_at = ?, last_run_id = ?, seen = seen + 1,
             significant_sha256 = ?, rules_key = ?, platform = COALESCE(?, platform) WHERE id = ?`,
        ).run(at, input.runId ?? null, sig.sha, sig.key, platform ?? null, latestRow.id);
        const version = toRow(this.sql("SELECT * FROM capture_versions WHERE id = ?").get(latestRow.id) as DbRow);
        return { status: "unchanged", version };
      }
      previousText ??= this.significantOf(this.read(toRow(latestRow)), platform).text;
      const counts = unifiedDiff({ label: "a", text: previousText }, { label: "b", text: sig.text }, 0);
      const version = this.insert(input, prepared, compressed, at, latestRow.version + 1, counts);
      legacyDoomed.push(...this.pruneInTransaction(captureType, device).legacy);
      return { status: "changed", version, previous: toRow(latestRow) };
    }
    const version = this.insert(input, prepared, compressed, at, 1, { added: countLines(sig.text), removed: 0 });
    // A first version is its timeline's latest, which retention never removes: nothing to prune.
    return { status: "new", version };
  }

  private insert(
    input: RecordInput,
    prepared: PreparedRecord,
    compressed: Map<string, Buffer>,
    at: string,
    version: number,
    counts: { added: number; removed: number },
  ): VersionRow {
    const { captureType, device, platform, stored, sig } = prepared;
    const sha = storedShaOf(prepared);
    this.writeObject(sha, stored, compressed.get(sha));
    const row: Omit<VersionRow, "id"> = {
      captureType,
      device,
      deviceName: input.deviceName,
      platform: platform ?? null,
      version,
      sha256: sha,
      significantSha256: sig.sha,
      size: Buffer.byteLength(stored, "utf8"),
      runId: input.runId ?? null,
      capturedAt: at,
      lastSeenAt: at,
      lastRunId: input.runId ?? null,
      seen: 1,
      added: counts.added,
      removed: counts.removed,
      source: input.source ?? "run",
    };
    const info = this.sql(
      `INSERT INTO capture_versions (capture_type, device, device_name, platform, version, sha256,
         significant_sha256, rules_key, size, run_id, captured_at, last_seen_at, last_run_id, seen, added, removed, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
    ).run(
      row.captureType,
      row.device,
      row.deviceName,
      row.platform,
      row.version,
      row.sha256,
      row.significantSha256,
      sig.key,
      row.size,
      row.runId,
      row.capturedAt,
      row.lastSeenAt,
      row.lastRunId,
      row.added,
      row.removed,
      row.source,
    );
    return { id: Number(info.lastInsertRowid), ...row };
  }

  /** Applies retention to one timeline: keep the newest N and those seen within the last D days; never the latest. */
  prune(captureType: string, device: string): number {
    const { pruned, legacy } = this.db.transaction(() => this.pruneInTransaction(captureType, device)).immediate();
    this.removeLegacyObjects(legacy);
    return pruned;
  }

  /** prune's work inside a transaction; `legacy`: the old-layout object files to remove once it commits. */
  private pruneInTransaction(captureType: string, device: string): { pruned: number; legacy: string[] } {
    const { keepVersions, keepDays } = this.settings;
    if (keepVersions <= 0 && keepDays <= 0) return { pruned: 0, legacy: [] };
    const rows = this.timelineDb(safeSegment(captureType), safeSegment(device)).reverse();
    const cutoff = keepDays > 0 ? new Date(this.now().getTime() - keepDays * 86_400_000).toISOString() : undefined;
    const doomed = rows.filter(
      (r, i) => i > 0 && ((keepVersions > 0 && i >= keepVersions) || (cutoff !== undefined && r.last_seen_at < cutoff)),
    );
    const del = this.sql("DELETE FROM capture_versions WHERE id = ?");
    for (const r of doomed) del.run(r.id);
    const used = this.sql("SELECT 1 FROM capture_versions WHERE sha256 = ? LIMIT 1");
    const legacy: string[] = [];
    for (const sha of new Set(doomed.map((r) => r.sha256))) {
      if (used.get(sha)) continue;
      this.sql("DELETE FROM version_objects WHERE sha256 = ?").run(sha);
      legacy.push(this.legacyObjectPath(sha));
    }
    return { pruned: doomed.length, legacy };
  }

  private removeLegacyObjects(files: string[]): void {
    for (const file of files) fs.rmSync(file, { force: true });
  }

  // ---- reading ----------------------------------------------------------------------------------

  private latestDb(captureType: string, device: string): DbRow | undefined {
    return this.sql(
      "SELECT * FROM capture_versions WHERE capture_type = ? AND device = ? ORDER BY version DESC LIMIT 1",
    ).get(captureType, device) as DbRow | undefined;
  }

  private timelineDb(captureType: string, device: string): DbRow[] {
    return this.sql("SELECT * FROM capture_versions WHERE capture_type = ? AND device = ? ORDER BY version").all(
      captureType,
      device,
    ) as DbRow[];
  }

  /** A device's versions of a capture type, oldest first. */
  timeline(captureType: string, deviceName: string): VersionRow[] {
    return this.timelineDb(safeSegment(captureType), safeSegment(deviceName)).map(toRow);
  }

  latest(captureType: string, deviceName: string): VersionRow | undefined {
    const r = this.latestDb(safeSegment(captureType), safeSegment(deviceName));
    return r && toRow(r);
  }

  /** The capture types that have versions for a device. */
  captureTypesOf(deviceName: string): string[] {
    return (
      this.sql("SELECT DISTINCT capture_type FROM capture_versions WHERE device = ? ORDER BY capture_type").all(
        safeSegment(deviceName),
      ) as Array<{ capture_type: string }>
    ).map((r) => r.capture_type);
  }

  /** The version a run created for a device, if the run changed (or first captured) it. */
  createdByRun(captureType: string, deviceName: string, runId: string): VersionRow | undefined {
    const r = this.sql(
      "SELECT * FROM capture_versions WHERE capture_type = ? AND device = ? AND run_id = ? ORDER BY version DESC LIMIT 1",
    ).get(safeSegment(captureType), safeSegment(deviceName), runId) as DbRow | undefined;
    return r && toRow(r);
  }

  /** Versions created (new devices and changes) at or after `since`, oldest first. */
  changes(filter: { since?: Date; captureType?: string; includeNew?: boolean } = {}): VersionRow[] {
    const where = ["captured_at >= ?"];
    const args: unknown[] = [(filter.since ?? new Date(0)).toISOString()];
    if (filter.captureType) {
      where.push("capture_type = ?");
      args.push(safeSegment(filter.captureType));
    }
    if (filter.includeNew === false) where.push("version > 1");
    return (
      this.sql(`SELECT * FROM capture_versions WHERE ${where.join(" AND ")} ORDER BY captured_at, id`).all(
        ...args,
      ) as DbRow[]
    ).map(toRow);
  }

  /**
   * The unified diff between two versions of a device (default: the latest against the one
   * before), over the significant text, redacted unless `redact` is false.
   */
  diff(
    captureType: string,
    deviceName: string,
    opts: { from?: number; to?: number; redact?: boolean; context?: number } = {},
  ): VersionDiff {
    const rows = this.timeline(captureType, deviceName);
    if (rows.length === 0)
      throw new VcError("version_not_found", `no versions of capture type '${captureType}'`, deviceName);
    const pick = (n: number, which: string) => {
      const row = rows.find((r) => r.version === n);
      if (!row)
        throw new VcError(
          "version_not_found",
          `no version ${n} (${which}); versions are ${rows[0].version}..${rows[rows.length - 1].version}`,
          deviceName,
        );
      return row;
    };
    const to = opts.to !== undefined ? pick(opts.to, "--to") : rows[rows.length - 1];
    const from =
      opts.from !== undefined ? pick(opts.from, "--from") : [...rows].reverse().find((r) => r.version < to.version);
    return this.diffRows(from, to, opts);
  }

  /** The diff between two version rows (`from` undefined: the whole of `to`, as a new capture). */
  diffRows(
    from: VersionRow | undefined,
    to: VersionRow,
    opts: { redact?: boolean; context?: number } = {},
  ): VersionDiff {
    const platform = to.platform ?? from?.platform ?? undefined;
    const rules = this.rulesFor(platform);
    const redact = opts.redact !== false && rules.redact ? rules.redact : (t: string) => t;
    const side = (row: VersionRow) => redact(significantText(this.read(row), rules.volatile));
    const label = `${to.captureType}/${to.deviceName}`;
    const d = unifiedDiff(
      { label, header: from ? `v${from.version} ${from.capturedAt}` : "new", text: from ? side(from) : "" },
      { label, header: `v${to.version} ${to.capturedAt}`, text: side(to) },
      opts.context ?? 3,
    );
    return {
      ...d,
      captureType: to.captureType,
      device: to.device,
      deviceName: to.deviceName,
      status: !from ? "new" : d.diff === "" ? "unchanged" : "changed",
      from: from && ref(from),
      to: ref(to),
      redacted: opts.redact !== false && rules.redact !== undefined,
    };
  }

  /** Bytes used by the store (database and objects), after folding the write-ahead log into the database. */
  storageBytes(): number {
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    let total = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) total += fs.statSync(p).size;
      }
    };
    walk(this.root);
    return total;
  }

  // ---- import -----------------------------------------------------------------------------------

  /**
   * Existing captures become first versions: each device's history copies (oldest first), then its
   * latest capture; equal texts collapse into one version as usual.
   */
  importExisting(): number {
    let imported = 0;
    if (!fs.existsSync(this.collections)) return 0;
    for (const typeEntry of fs.readdirSync(this.collections, { withFileTypes: true })) {
      if (!typeEntry.isDirectory() || typeEntry.name.startsWith(".") || typeEntry.name.startsWith("~")) continue;
      const captureType = typeEntry.name;
      const typeDir = path.join(this.collections, captureType);
      for (const f of fs.readdirSync(typeDir, { withFileTypes: true })) {
        if (!f.isFile() || !f.name.endsWith(".txt") || f.name.startsWith(".")) continue;
        const device = f.name.slice(0, -4);
        const files: Array<{ file: string; at: Date }> = [];
        const hdir = historyDir(this.collections, captureType, device);
        if (fs.existsSync(hdir))
          for (const h of fs
            .readdirSync(hdir)
            .filter((n) => n.endsWith(".txt"))
            .sort())
            files.push({ file: path.join(hdir, h), at: stampDate(h) ?? fs.statSync(path.join(hdir, h)).mtime });
        const latest = path.join(typeDir, f.name);
        files.push({ file: latest, at: fs.statSync(latest).mtime });
        for (const { file, at } of files) {
          const r = this.record({
            captureType,
            deviceName: device,
            content: fs.readFileSync(file, "utf8"),
            capturedAt: at,
            source: "import",
          });
          if (r.status !== "unchanged") imported++;
        }
      }
    }
    return imported;
  }
}

function ref(r: VersionRow): VersionRef {
  return { version: r.version, id: r.id, sha256: r.sha256, capturedAt: r.capturedAt, runId: r.runId };
}

/** 20261125T201500123Z.txt → the Date (history file names, see layout.ts). */
function stampDate(name: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(name);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]));
}
