import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { preparePrivateFile } from "../home";
import { VcError, errorMessage } from "../errors";
import type { SessionErrorClass } from "../types";
import type { RunStatus, RunSummary } from "./types";

/**
 * collector.db: job history and the captures table. The tables keep VelocityCollector's columns
 * (so its `job_history` / `captures` rows and ours read the same way) and add ours: run id,
 * capture type, partial/cancelled counts, error counts by class, sha256. The schema version lives
 * in `collector_meta` (not PRAGMA user_version, which VelocityCollector's own file may use).
 */
export const COLLECTOR_SCHEMA_VERSION = 2;

/** What a job_history row stands for: one job (or collect) run, or a batch of job runs. */
export type RunKind = "job" | "batch";

export interface HistoryRow {
  id: number;
  runId: string;
  jobName: string;
  captureType: string | null;
  startedAt: string;
  finishedAt: string | null;
  total: number | null;
  ok: number | null;
  partial: number | null;
  failed: number | null;
  cancelled: number | null;
  status: RunStatus;
  error: string | null;
  errorCounts: Partial<Record<SessionErrorClass, number>>;
  durationMs: number | null;
  kind: RunKind;
  /** The batch run this job run belongs to (its run id), when it ran in a batch. */
  batchRunId: string | null;
  /** Devices whose output failed the job's validation (also counted in failed). */
  validationFailed: number | null;
  /** The process that ran it (to tell an interrupted run from a running one). */
  pid: number | null;
  host: string | null;
}

/** One device's outcome in a run (what `history show` lists). */
export interface RunDeviceRow {
  deviceName: string;
  status: string;
  errorClass: string | null;
  error: string | null;
  credentialName: string | null;
  durationMs: number | null;
  capturePath: string | null;
  score: number | null;
  template: string | null;
  finishedAt: string | null;
}

export interface HistoryQuery {
  job?: string;
  /** Batch name: the batch rows of that name and the job runs inside them. */
  batch?: string;
  /** ISO date/time: runs started at or after it. */
  since?: string;
  status?: string;
  kind?: RunKind;
  limit?: number;
}

export interface CaptureRow {
  id: number;
  runId: string | null;
  historyId: number | null;
  deviceId: number | null;
  deviceName: string;
  captureType: string;
  path: string;
  historyPath: string | null;
  size: number;
  sha256: string | null;
  capturedAt: string;
  /** The commands whose outputs the capture holds, in order (null: recorded before this was kept). */
  commands: string[] | null;
}

export interface NewCapture {
  runId: string;
  historyId?: number;
  deviceId?: number;
  deviceName: string;
  captureType: string;
  path: string;
  historyPath?: string;
  size: number;
  sha256: string;
  capturedAt: string;
  commands?: string[];
}

const BASE_TABLES = `
CREATE TABLE IF NOT EXISTS collector_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  job_file TEXT,
  started_at TEXT NOT NULL,
  completed_at TEXT,
  total_devices INTEGER,
  success_count INTEGER,
  failed_count INTEGER,
  status TEXT,
  error_message TEXT
);
CREATE INDEX IF NOT EXISTS idx_job_history_started ON job_history(started_at);
CREATE TABLE IF NOT EXISTS captures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id INTEGER,
  device_name TEXT NOT NULL,
  capture_type TEXT NOT NULL,
  filepath TEXT NOT NULL,
  file_size INTEGER,
  captured_at TEXT DEFAULT CURRENT_TIMESTAMP,
  job_history_id INTEGER REFERENCES job_history(id)
);
CREATE INDEX IF NOT EXISTS idx_captures_device ON captures(device_name);
CREATE INDEX IF NOT EXISTS idx_captures_type ON captures(capture_type);
`;

const ADDED_COLUMNS: Array<[table: string, column: string, type: string]> = [
  ["job_history", "run_id", "TEXT"],
  ["job_history", "capture_type", "TEXT"],
  ["job_history", "partial_count", "INTEGER"],
  ["job_history", "cancelled_count", "INTEGER"],
  ["job_history", "error_counts", "TEXT"],
  ["job_history", "duration_ms", "INTEGER"],
  ["captures", "run_id", "TEXT"],
  ["captures", "sha256", "TEXT"],
  ["captures", "history_path", "TEXT"],
  ["job_history", "kind", "TEXT"],
  ["job_history", "batch_run_id", "TEXT"],
  ["job_history", "validation_failed_count", "INTEGER"],
  ["job_history", "pid", "INTEGER"],
  ["job_history", "host", "TEXT"],
  // JSON array of the commands whose outputs the capture file holds (vcollector parse reads it).
  ["captures", "commands", "TEXT"],
];

const RUN_DEVICES_TABLE = `
CREATE TABLE IF NOT EXISTS run_devices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_history_id INTEGER,
  run_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  status TEXT NOT NULL,
  error_class TEXT,
  error TEXT,
  credential_name TEXT,
  duration_ms INTEGER,
  capture_path TEXT,
  score REAL,
  template TEXT,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_run_devices_run ON run_devices(run_id);
`;

export class CollectorDb {
  private insertCapture?: Database.Statement;
  private insertDevice?: Database.Statement;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  /** Opens (creating if needed) and migrates collector.db; an existing VelocityCollector file opens as it is. */
  static open(file: string): CollectorDb {
    let db: Database.Database;
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
      preparePrivateFile(file); // 0600 like the vault: run history names devices and paths
      db = new Database(file);
    } catch (err) {
      throw new VcError("history_unavailable", `cannot open the collector database: ${errorMessage(err)}`, file, {
        cause: err,
      });
    }
    try {
      db.pragma("journal_mode = WAL");
      // WAL + NORMAL: no fsync per captures row (each would block the event loop of a large run);
      // the file stays consistent, a power cut can lose only the last rows.
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      migrate(db);
      const opened = new CollectorDb(db, file);
      opened.markInterrupted();
      return opened;
    } catch (err) {
      db.close();
      throw new VcError("history_unavailable", `cannot prepare the collector database: ${errorMessage(err)}`, file, {
        cause: err,
      });
    }
  }

  get schemaVersion(): number {
    const row = this.db.prepare("SELECT value FROM collector_meta WHERE key = 'schema_version'").get() as
      { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /** Inserts the "running" row of a run and returns its id. */
  startRun(run: {
    runId: string;
    jobName: string;
    captureType: string;
    startedAt: string;
    total: number;
    jobFile?: string;
    kind?: RunKind;
    batchRunId?: string;
  }): number {
    const info = this.db
      .prepare(
        `INSERT INTO job_history (job_id, job_file, started_at, total_devices, success_count, failed_count, status, run_id, capture_type, partial_count, cancelled_count, kind, batch_run_id, pid, host)
         VALUES (?, ?, ?, ?, 0, 0, 'running', ?, ?, 0, 0, ?, ?, ?, ?)`,
      )
      .run(
        run.jobName,
        run.jobFile ?? null,
        run.startedAt,
        run.total,
        run.runId,
        run.captureType,
        run.kind ?? "job",
        run.batchRunId ?? null,
        process.pid,
        os.hostname(),
      );
    return Number(info.lastInsertRowid);
  }

  /** Completes a batch row: its "devices" are its jobs (total, succeeded, failed). */
  finishBatch(
    id: number,
    b: {
      finishedAt: string;
      total: number;
      ok: number;
      failed: number;
      status: RunStatus;
      error?: string;
      durationMs: number;
    },
  ): void {
    this.db
      .prepare(
        `UPDATE job_history SET completed_at = ?, total_devices = ?, success_count = ?, failed_count = ?, status = ?,
           error_message = ?, duration_ms = ? WHERE id = ?`,
      )
      .run(b.finishedAt, b.total, b.ok, b.failed, b.status, b.error ?? null, b.durationMs, id);
  }

  /** Records the validation failures of a job run (counted in failed as well). */
  setValidationFailed(id: number, count: number): void {
    this.db.prepare("UPDATE job_history SET validation_failed_count = ? WHERE id = ?").run(count, id);
  }

  /** One device's outcome (one row per device and run). */
  addDeviceResult(r: {
    historyId?: number;
    runId: string;
    deviceName: string;
    status: string;
    errorClass?: string;
    error?: string;
    credentialName?: string;
    durationMs?: number;
    capturePath?: string;
    score?: number;
    template?: string;
    finishedAt?: string;
  }): void {
    this.insertDevice ??= this.db.prepare(
      `INSERT INTO run_devices (job_history_id, run_id, device_name, status, error_class, error, credential_name, duration_ms, capture_path, score, template, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertDevice.run(
      r.historyId ?? null,
      r.runId,
      r.deviceName,
      r.status,
      r.errorClass ?? null,
      r.error ?? null,
      r.credentialName ?? null,
      r.durationMs ?? null,
      r.capturePath ?? null,
      r.score ?? null,
      r.template ?? null,
      r.finishedAt ?? null,
    );
  }

  /** The device rows of a run, in the order they finished. */
  runDevices(runId: string): RunDeviceRow[] {
    return (this.db.prepare("SELECT * FROM run_devices WHERE run_id = ? ORDER BY id").all(runId) as RawRunDevice[]).map(
      (r) => ({
        deviceName: r.device_name,
        status: r.status,
        errorClass: r.error_class,
        error: r.error,
        credentialName: r.credential_name,
        durationMs: r.duration_ms,
        capturePath: r.capture_path,
        score: r.score,
        template: r.template,
        finishedAt: r.finished_at,
      }),
    );
  }

  /** Job runs of a batch run, in the order they ran. */
  batchJobs(batchRunId: string): HistoryRow[] {
    return (
      this.db.prepare("SELECT * FROM job_history WHERE batch_run_id = ? ORDER BY id").all(batchRunId) as RawHistory[]
    ).map(toHistoryRow);
  }

  /** Runs matching the query, newest first. */
  queryRuns(q: HistoryQuery = {}): HistoryRow[] {
    const { where, args } = whereClause([
      ["job_id = ? AND COALESCE(kind, 'job') = 'job'", q.job],
      [
        "((kind = 'batch' AND job_id = ?) OR batch_run_id IN (SELECT run_id FROM job_history WHERE kind = 'batch' AND job_id = ?))",
        q.batch,
      ],
      ["started_at >= ?", q.since],
      ["status = ?", q.status],
      ["COALESCE(kind, 'job') = ?", q.kind],
    ]);
    const sql = `SELECT * FROM job_history ${where} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 20) as RawHistory[]).map(toHistoryRow);
  }

  /**
   * Deletes old runs: all but the newest `keep` top-level runs (a batch keeps its job runs with
   * it) and/or those started before `olderThan` (ISO). Capture rows stay (they index files on
   * disk) but lose their link to the deleted run. Returns the number of job_history rows deleted.
   */
  prune(opts: { keep?: number; olderThan?: string }): number {
    if (opts.keep === undefined && opts.olderThan === undefined)
      throw new VcError("invalid_input", "say what to prune: keep N runs and/or older than a date", "history prune");
    return this.db
      .transaction(() => {
        const doomed = new Set<number>();
        const top = this.db
          .prepare(
            "SELECT id, run_id, started_at FROM job_history WHERE batch_run_id IS NULL AND status != 'running' ORDER BY id DESC",
          )
          .all() as Array<{ id: number; run_id: string | null; started_at: string }>;
        top.forEach((r, i) => {
          if (
            (opts.keep !== undefined && i >= opts.keep) ||
            (opts.olderThan !== undefined && r.started_at < opts.olderThan)
          )
            doomed.add(r.id);
        });
        const children = this.db.prepare("SELECT id FROM job_history WHERE batch_run_id = ?");
        for (const r of top)
          if (doomed.has(r.id) && r.run_id)
            for (const c of children.all(r.run_id) as Array<{ id: number }>) doomed.add(c.id);
        const unlink = this.db.prepare("UPDATE captures SET job_history_id = NULL WHERE job_history_id = ?");
        const dropDevices = this.db.prepare("DELETE FROM run_devices WHERE job_history_id = ?");
        const drop = this.db.prepare("DELETE FROM job_history WHERE id = ?");
        for (const id of doomed) {
          unlink.run(id);
          dropDevices.run(id);
          drop.run(id);
        }
        return doomed.size;
      })
      .immediate();
  }

  /**
   * Copies VelocityCollector job_history rows (idempotent: run id `vc-<id>-<started>`). Its local
   * 'YYYY-MM-DD HH:MM:SS' times are read as this machine's local time and stored as ISO UTC; its
   * job ids (a slug, or a JSON job_id such as "300") are mapped to our job slugs by `slugOf`.
   * A row it left "running" is stored as interrupted (VelocityCollector never recovered them).
   */
  importVcHistory(
    rows: Array<Record<string, unknown>>,
    slugOf: (jobId: string) => string,
    file: string,
  ): { imported: number; unchanged: number } {
    const exists = this.db.prepare("SELECT 1 FROM job_history WHERE run_id = ?");
    const insert = this.db.prepare(
      `INSERT INTO job_history (job_id, job_file, started_at, completed_at, total_devices, success_count, failed_count, status, error_message, run_id, kind)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'job')`,
    );
    const iso = (v: unknown) => {
      if (typeof v !== "string" || v === "") return null;
      const t = Date.parse(v.includes("T") ? v : v.replace(" ", "T"));
      return Number.isFinite(t) ? new Date(t).toISOString() : v;
    };
    let imported = 0;
    let unchanged = 0;
    this.db
      .transaction(() => {
        for (const r of rows) {
          const runId = `vc-${String(r.id)}-${String(r.started_at ?? "").replace(/[^0-9]/g, "")}`;
          if (exists.get(runId)) {
            unchanged++;
            continue;
          }
          const status = r.status === "running" ? "interrupted" : String(r.status ?? "failed");
          insert.run(
            slugOf(String(r.job_id ?? "")),
            `${file}#job_history/${String(r.id)}`,
            iso(r.started_at) ?? "",
            iso(r.completed_at),
            (r.total_devices as number | null) ?? null,
            (r.success_count as number | null) ?? null,
            (r.failed_count as number | null) ?? null,
            status,
            (r.error_message as string | null) ?? (r.status === "running" ? "left running by VelocityCollector" : null),
            runId,
          );
          imported++;
        }
      })
      .immediate();
    return { imported, unchanged };
  }

  /**
   * Runs left "running" by a process of this host that no longer exists (kill -9, power cut,
   * a closed terminal) become "interrupted", with the captures they wrote counted as succeeded.
   * Rows of other hosts, and rows without a pid (VelocityCollector's), are left as they are.
   */
  markInterrupted(isAlive: (pid: number) => boolean = processAlive): number {
    const host = os.hostname();
    const stale = (
      this.db
        .prepare(
          "SELECT id, pid, started_at FROM job_history WHERE status = 'running' AND pid IS NOT NULL AND host = ?",
        )
        .all(host) as Array<{ id: number; pid: number; started_at: string }>
    ).filter((r) => r.pid !== process.pid && !isAlive(r.pid));
    if (stale.length === 0) return 0;
    const count = this.db.prepare("SELECT COUNT(*) AS n FROM captures WHERE job_history_id = ?");
    const update = this.db.prepare(
      `UPDATE job_history SET status = 'interrupted', completed_at = COALESCE(completed_at, ?), success_count = ?,
         error_message = ? WHERE id = ? AND status = 'running'`,
    );
    const now = new Date().toISOString();
    this.db
      .transaction(() => {
        for (const r of stale) {
          const captures = (count.get(r.id) as { n: number }).n;
          update.run(
            now,
            captures,
            `interrupted: process ${r.pid} ended without finishing the run (${captures} capture(s) written)`,
            r.id,
          );
        }
      })
      .immediate();
    return stale.length;
  }

  /** Completes a run's row from its summary. */
  finishRun(id: number, summary: RunSummary): void {
    this.db
      .prepare(
        `UPDATE job_history SET completed_at = ?, total_devices = ?, success_count = ?, failed_count = ?, partial_count = ?,
           cancelled_count = ?, status = ?, error_message = ?, error_counts = ?, duration_ms = ? WHERE id = ?`,
      )
      .run(
        summary.finishedAt,
        summary.total,
        summary.ok,
        summary.failed,
        summary.partial,
        summary.cancelled,
        summary.status,
        summary.error ?? null,
        JSON.stringify(summary.errorCounts),
        summary.durationMs,
        id,
      );
  }

  /** Runs the writes in one transaction (a run's rows, committed in groups: see collect/history-rows.ts). */
  inOneTransaction(writes: Array<() => void>): void {
    this.db.transaction(() => {
      for (const write of writes) write();
    })();
  }

  addCapture(c: NewCapture): number {
    // Prepared once: a run adds one row per device.
    this.insertCapture ??= this.db.prepare(
      `INSERT INTO captures (device_id, device_name, capture_type, filepath, file_size, captured_at, job_history_id, run_id, sha256, history_path, commands)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const info = this.insertCapture.run(
      c.deviceId ?? null,
      c.deviceName,
      c.captureType,
      c.path,
      c.size,
      c.capturedAt,
      c.historyId ?? null,
      c.runId,
      c.sha256,
      c.historyPath ?? null,
      c.commands ? JSON.stringify(c.commands) : null,
    );
    return Number(info.lastInsertRowid);
  }

  getRun(idOrRunId: number | string): HistoryRow | undefined {
    const row =
      typeof idOrRunId === "number"
        ? this.db.prepare("SELECT * FROM job_history WHERE id = ?").get(idOrRunId)
        : this.db.prepare("SELECT * FROM job_history WHERE run_id = ?").get(idOrRunId);
    return row ? toHistoryRow(row as RawHistory) : undefined;
  }

  /** Newest first. */
  listRuns(limit = 20): HistoryRow[] {
    return (this.db.prepare("SELECT * FROM job_history ORDER BY id DESC LIMIT ?").all(limit) as RawHistory[]).map(
      toHistoryRow,
    );
  }

  listCaptures(filter: { runId?: string; deviceName?: string; captureType?: string } = {}): CaptureRow[] {
    const { where, args } = whereClause([
      ["run_id = ?", filter.runId],
      ["device_name = ?", filter.deviceName],
      ["capture_type = ?", filter.captureType],
    ]);
    const sql = `SELECT * FROM captures ${where} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as RawCapture[]).map(toCaptureRow);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  // IMMEDIATE: two processes opening the file at once (a flow and a cron run) wait for each
  // other (busy_timeout) instead of failing with "database is locked" on a read→write upgrade.
  const step = db.transaction(() => {
    db.exec(BASE_TABLES);
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    db.exec("CREATE INDEX IF NOT EXISTS idx_job_history_run ON job_history(run_id)");
    db.exec("CREATE INDEX IF NOT EXISTS idx_captures_run ON captures(run_id)");
    db.exec("CREATE INDEX IF NOT EXISTS idx_job_history_batch ON job_history(batch_run_id)");
    db.exec(RUN_DEVICES_TABLE);
    db.prepare(
      "INSERT INTO collector_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(String(COLLECTOR_SCHEMA_VERSION));
  });
  step.immediate();
}

interface RawHistory {
  id: number;
  job_id: string;
  started_at: string;
  completed_at: string | null;
  total_devices: number | null;
  success_count: number | null;
  failed_count: number | null;
  status: string | null;
  error_message: string | null;
  run_id: string | null;
  capture_type: string | null;
  partial_count: number | null;
  cancelled_count: number | null;
  error_counts: string | null;
  duration_ms: number | null;
  kind: string | null;
  batch_run_id: string | null;
  validation_failed_count: number | null;
  pid: number | null;
  host: string | null;
}

interface RawRunDevice {
  device_name: string;
  status: string;
  error_class: string | null;
  error: string | null;
  credential_name: string | null;
  duration_ms: number | null;
  capture_path: string | null;
  score: number | null;
  template: string | null;
  finished_at: string | null;
}

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface RawCapture {
  id: number;
  device_id: number | null;
  device_name: string;
  capture_type: string;
  filepath: string;
  file_size: number | null;
  captured_at: string;
  job_history_id: number | null;
  run_id: string | null;
  sha256: string | null;
  history_path: string | null;
  commands: string | null;
}

/**
 * The WHERE clause of the conditions whose value is given (undefined: left out), joined by AND,
 * and its arguments: the value once per `?` of its condition.
 */
function whereClause(conditions: ReadonlyArray<readonly [sql: string, value: unknown]>): {
  where: string;
  args: unknown[];
} {
  const given = conditions.filter(([, value]) => value !== undefined);
  return {
    where: given.length ? "WHERE " + given.map(([sql]) => sql).join(" AND ") : "",
    args: given.flatMap(([sql, value]) =>
      sql
        .split("?")
        .slice(1)
        .map(() => value),
    ),
  };
}

function toHistoryRow(r: RawHistory): HistoryRow {
  let errorCounts: HistoryRow["errorCounts"];
  try {
    errorCounts = r.error_counts ? (JSON.parse(r.error_counts) as HistoryRow["errorCounts"]) : {};
  } catch {
    errorCounts = {};
  }
  return {
    id: r.id,
    runId: r.run_id ?? String(r.id),
    jobName: r.job_id,
    captureType: r.capture_type,
    startedAt: r.started_at,
    finishedAt: r.completed_at,
    total: r.total_devices,
    ok: r.success_count,
    partial: r.partial_count,
    failed: r.failed_count,
    cancelled: r.cancelled_count,
    status: (r.status ?? "running") as RunStatus,
    error: r.error_message,
    errorCounts,
    durationMs: r.duration_ms,
    kind: r.kind === "batch" ? "batch" : "job",
    batchRunId: r.batch_run_id,
    validationFailed: r.validation_failed_count,
    pid: r.pid,
    host: r.host,
  };
}

function toCaptureRow(r: RawCapture): CaptureRow {
  return {
    id: r.id,
    runId: r.run_id,
    historyId: r.job_history_id,
    deviceId: r.device_id,
    deviceName: r.device_name,
    captureType: r.capture_type,
    path: r.filepath,
    historyPath: r.history_path,
    size: r.file_size ?? 0,
    sha256: r.sha256,
    capturedAt: r.captured_at,
    commands: parseCommandList(r.commands),
  };
}

function parseCommandList(text: string | null): string[] | null {
  if (!text) return null;
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) && list.every((c) => typeof c === "string") ? list : null;
  } catch {
    return null;
  }
}
