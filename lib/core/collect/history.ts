import Database from "better-sqlite3";
import * as fs from "node:fs";
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
export const COLLECTOR_SCHEMA_VERSION = 1;

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
];

export class CollectorDb {
  private insertCapture?: Database.Statement;

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
    } catch (err) {
      db.close();
      throw new VcError("history_unavailable", `cannot prepare the collector database: ${errorMessage(err)}`, file, {
        cause: err,
      });
    }
    return new CollectorDb(db, file);
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
  }): number {
    const info = this.db
      .prepare(
        `INSERT INTO job_history (job_id, job_file, started_at, total_devices, success_count, failed_count, status, run_id, capture_type, partial_count, cancelled_count)
         VALUES (?, ?, ?, ?, 0, 0, 'running', ?, ?, 0, 0)`,
      )
      .run(run.jobName, run.jobFile ?? null, run.startedAt, run.total, run.runId, run.captureType);
    return Number(info.lastInsertRowid);
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

  addCapture(c: NewCapture): number {
    // Prepared once: a run adds one row per device.
    this.insertCapture ??= this.db.prepare(
      `INSERT INTO captures (device_id, device_name, capture_type, filepath, file_size, captured_at, job_history_id, run_id, sha256, history_path)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.runId !== undefined) {
      where.push("run_id = ?");
      args.push(filter.runId);
    }
    if (filter.deviceName !== undefined) {
      where.push("device_name = ?");
      args.push(filter.deviceName);
    }
    if (filter.captureType !== undefined) {
      where.push("capture_type = ?");
      args.push(filter.captureType);
    }
    const sql = `SELECT * FROM captures ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as RawCapture[]).map(toCaptureRow);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(BASE_TABLES);
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    db.exec("CREATE INDEX IF NOT EXISTS idx_job_history_run ON job_history(run_id)");
    db.exec("CREATE INDEX IF NOT EXISTS idx_captures_run ON captures(run_id)");
    db.prepare(
      "INSERT INTO collector_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(String(COLLECTOR_SCHEMA_VERSION));
  })();
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
  };
}
