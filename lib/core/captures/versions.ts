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
import { writeFileAtomic, writeFileAtomicSync } from "../fs/atomic-write";
import { historyDir, safeSegment } from "./layout";

const gzip = promisify(zlib.gzip);

interface PreparedRecord {
  captureType: string;
  device: string;
  platform: string | undefined;
  /** The text as stored (redacted when the settings say so). */
  stored: string;
  sig: { text: string; sha: string; key: string };
}

/**
 * Versioned captures: every capture that differs significantly from the previous one of the same
 * device and capture type becomes a new version. Texts are stored content-addressed (sha256,
 * gzip) under `<collections>/.versions/objects/`, so the same text is stored once; the timeline
 * lives in `<collections>/.versions/versions.db`. A capture whose significant text (volatile lines
 * dropped) equals the latest version's adds no version and no object: it only bumps `last_seen`.
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
  readonly objectsDir: string;
  readonly settings: ChangeSettings;
  private readonly db: Database.Database;
  private readonly rulesFor: (platform: string | undefined) => ChangeRules;
  private readonly now: () => Date;

  private constructor(
    readonly collections: string,
    opts: VersionStoreOptions,
  ) {
    this.root = path.join(collections, VERSIONS_DIR);
    this.objectsDir = path.join(this.root, "objects");
    this.settings = opts.settings ?? DEFAULT_CHANGE_SETTINGS;
    this.rulesFor = opts.rulesFor;
    this.now = opts.now ?? (() => new Date());
    const file = path.join(this.root, "versions.db");
    try {
      fs.mkdirSync(this.objectsDir, { recursive: true, mode: 0o700 });
      this.db = new Database(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("busy_timeout = 10000");
      this.db.exec(SCHEMA);
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

  private meta(key: string): string | undefined {
    const r = this.db.prepare("SELECT value FROM versions_meta WHERE key = ?").get(key) as
      { value: string } | undefined;
    return r?.value;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare("INSERT OR REPLACE INTO versions_meta (key, value) VALUES (?, ?)").run(key, value);
  }

  // ---- objects ----------------------------------------------------------------------------------

  private objectPath(sha: string): string {
    return path.join(this.objectsDir, sha.slice(0, 2), `${sha}.gz`);
  }

  /** Writes a text once per content (the one atomic write: temp file, fsync, rename). */
  private writeObject(sha: string, text: string): void {
    const target = this.objectPath(sha);
    if (fs.existsSync(target)) return;
    writeFileAtomicSync(target, zlib.gzipSync(Buffer.from(text, "utf8")), { mode: 0o600, mkdir: 0o700 });
  }

  /** writeObject off the event loop (gzip and the fsyncs in libuv's pool). */
  private async writeObjectAsync(sha: string, text: string): Promise<void> {
    const target = this.objectPath(sha);
    if (
      await fs.promises.access(target).then(
        () => true,
        () => false,
      )
    )
      return;
    await writeFileAtomic(target, await gzip(Buffer.from(text, "utf8")), { mode: 0o600, mkdir: 0o700 });
  }

  /** The stored text of a version. */
  read(row: Pick<VersionRow, "sha256" | "deviceName" | "version">): string {
    const file = this.objectPath(row.sha256);
    try {
      return zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
    } catch (err) {
      throw new VcError(
        "version_missing",
        `version ${row.version}'s text is missing or damaged (${file}): ${errorMessage(err)}`,
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
    return this.recordPrepared(input, this.prepare(input));
  }

  /**
   * record for a collection run: a text that will make a new version is written to its object
   * file first, asynchronously, so the run's event loop never waits for gzip or an fsync (the
   * transaction then finds the object there). A crash in between leaves at most an object no
   * version points to.
   */
  async recordAsync(input: RecordInput): Promise<RecordResult> {
    const prepared = this.prepare(input);
    if (this.mayAddVersion(prepared)) await this.writeObjectAsync(sha256(prepared.stored), prepared.stored);
    return this.recordPrepared(input, prepared);
  }

  private prepare(input: RecordInput): PreparedRecord {
    const captureType = safeSegment(input.captureType);
    const device = safeSegment(input.deviceName);
    const platform = input.platform || undefined;
    const rules = this.rulesFor(platform);
    const stored = this.settings.redactStorage && rules.redact ? rules.redact(input.content) : input.content;
    return { captureType, device, platform, stored, sig: this.significantOf(stored, platform) };
  }

  /** Whether recordPrepared would add a version (true when it cannot tell without reading the latest text). */
  private mayAddVersion(p: PreparedRecord): boolean {
    const latestRow = this.latestDb(p.captureType, p.device);
    if (!latestRow) return true;
    if (latestRow.rules_key !== p.sig.key || latestRow.platform !== (p.platform ?? null)) return true;
    return latestRow.significant_sha256 !== p.sig.sha;
  }

  private recordPrepared(input: RecordInput, prepared: PreparedRecord): RecordResult {
    const { captureType, device, platform, stored, sig } = prepared;
    const at = (input.capturedAt ?? this.now()).toISOString();
    const run = this.db.transaction((): RecordResult => {
      const latestRow = this.latestDb(captureType, device);
      if (latestRow) {
        let latestSig = latestRow.significant_sha256;
        let previousText: string | undefined;
        if (latestRow.rules_key !== sig.key || latestRow.platform !== (platform ?? null)) {
          previousText = this.significantOf(this.read(toRow(latestRow)), platform).text;
          latestSig = sha256(previousText);
        }
        if (latestSig === sig.sha) {
          this.db
            .prepare(
              `UPDATE capture_versions SET last_seen_at = ?, last_run_id = ?, seen = seen + 1,
                 significant_sha256 = ?, rules_key = ?, platform = COALESCE(?, platform) WHERE id = ?`,
            )
            .run(at, input.runId ?? null, sig.sha, sig.key, platform ?? null, latestRow.id);
          const version = toRow(
            this.db.prepare("SELECT * FROM capture_versions WHERE id = ?").get(latestRow.id) as DbRow,
          );
          return { status: "unchanged", version };
        }
        previousText ??= this.significantOf(this.read(toRow(latestRow)), platform).text;
        const counts = unifiedDiff({ label: "a", text: previousText }, { label: "b", text: sig.text }, 0);
        const version = this.insert(
          captureType,
          device,
          input,
          platform,
          stored,
          sig,
          at,
          latestRow.version + 1,
          counts,
        );
        return { status: "changed", version, previous: toRow(latestRow) };
      }
      const lines = sig.text === "" ? 0 : sig.text.split("\n").length - 1;
      const version = this.insert(captureType, device, input, platform, stored, sig, at, 1, {
        added: lines,
        removed: 0,
      });
      return { status: "new", version };
    });
    const result = run.immediate();
    if (result.status !== "unchanged") this.prune(captureType, device);
    return result;
  }

  private insert(
    captureType: string,
    device: string,
    input: RecordInput,
    platform: string | undefined,
    stored: string,
    sig: { sha: string; key: string },
    at: string,
    version: number,
    counts: { added: number; removed: number },
  ): VersionRow {
    const sha = sha256(stored);
    this.writeObject(sha, stored);
    const info = this.db
      .prepare(
        `INSERT INTO capture_versions (capture_type, device, device_name, platform, version, sha256,
           significant_sha256, rules_key, size, run_id, captured_at, last_seen_at, last_run_id, seen, added, removed, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
      )
      .run(
        captureType,
        device,
        input.deviceName,
        platform ?? null,
        version,
        sha,
        sig.sha,
        sig.key,
        Buffer.byteLength(stored, "utf8"),
        input.runId ?? null,
        at,
        at,
        input.runId ?? null,
        counts.added,
        counts.removed,
        input.source ?? "run",
      );
    return toRow(this.db.prepare("SELECT * FROM capture_versions WHERE id = ?").get(info.lastInsertRowid) as DbRow);
  }

  /** Applies retention to one timeline: keep the newest N and those seen within the last D days; never the latest. */
  prune(captureType: string, device: string): number {
    const { keepVersions, keepDays } = this.settings;
    if (keepVersions <= 0 && keepDays <= 0) return 0;
    const rows = this.timelineDb(safeSegment(captureType), safeSegment(device)).reverse();
    const cutoff = keepDays > 0 ? new Date(this.now().getTime() - keepDays * 86_400_000).toISOString() : undefined;
    const doomed = rows.filter(
      (r, i) => i > 0 && ((keepVersions > 0 && i >= keepVersions) || (cutoff !== undefined && r.last_seen_at < cutoff)),
    );
    if (doomed.length === 0) return 0;
    const del = this.db.prepare("DELETE FROM capture_versions WHERE id = ?");
    this.db.transaction(() => doomed.forEach((r) => del.run(r.id)))();
    const used = this.db.prepare("SELECT 1 FROM capture_versions WHERE sha256 = ? LIMIT 1");
    for (const sha of new Set(doomed.map((r) => r.sha256)))
      if (!used.get(sha)) fs.rmSync(this.objectPath(sha), { force: true });
    return doomed.length;
  }

  // ---- reading ----------------------------------------------------------------------------------

  private latestDb(captureType: string, device: string): DbRow | undefined {
    return this.db
      .prepare("SELECT * FROM capture_versions WHERE capture_type = ? AND device = ? ORDER BY version DESC LIMIT 1")
      .get(captureType, device) as DbRow | undefined;
  }

  private timelineDb(captureType: string, device: string): DbRow[] {
    return this.db
      .prepare("SELECT * FROM capture_versions WHERE capture_type = ? AND device = ? ORDER BY version")
      .all(captureType, device) as DbRow[];
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
      this.db
        .prepare("SELECT DISTINCT capture_type FROM capture_versions WHERE device = ? ORDER BY capture_type")
        .all(safeSegment(deviceName)) as Array<{ capture_type: string }>
    ).map((r) => r.capture_type);
  }

  /** The version a run created for a device, if the run changed (or first captured) it. */
  createdByRun(captureType: string, deviceName: string, runId: string): VersionRow | undefined {
    const r = this.db
      .prepare(
        "SELECT * FROM capture_versions WHERE capture_type = ? AND device = ? AND run_id = ? ORDER BY version DESC LIMIT 1",
      )
      .get(safeSegment(captureType), safeSegment(deviceName), runId) as DbRow | undefined;
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
      this.db
        .prepare(`SELECT * FROM capture_versions WHERE ${where.join(" AND ")} ORDER BY captured_at, id`)
        .all(...args) as DbRow[]
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
