import * as assert from "node:assert";
import * as path from "node:path";
import Database from "better-sqlite3";
import { CollectorDb, COLLECTOR_SCHEMA_VERSION, type RunSummary } from "../../../lib/core/collect";
import { useTmpDir } from "../../support/tmp";

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: "run-1",
    jobName: "arp",
    captureType: "arp",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    durationMs: 60000,
    total: 5,
    ok: 3,
    partial: 1,
    failed: 1,
    cancelled: 0,
    errorCounts: { command_error: 1, auth_failed: 1 },
    status: "partial",
    ...over,
  };
}

describe("collect: collector.db history", () => {
  const tmp = useTmpDir("vc-history-");

  it("creates the schema in WAL mode and records a run from running to its summary", () => {
    const file = path.join(tmp.path, "sub", "collector.db");
    const db = CollectorDb.open(file);
    try {
      assert.strictEqual(db.schemaVersion, COLLECTOR_SCHEMA_VERSION);
      const id = db.startRun({
        runId: "run-1",
        jobName: "arp",
        captureType: "arp",
        startedAt: "2026-01-01T00:00:00.000Z",
        total: 5,
      });
      assert.strictEqual(db.getRun(id)!.status, "running");
      db.finishRun(id, summary());
      const row = db.getRun("run-1")!;
      assert.deepStrictEqual(
        {
          total: row.total,
          ok: row.ok,
          partial: row.partial,
          failed: row.failed,
          status: row.status,
          errorCounts: row.errorCounts,
          finishedAt: row.finishedAt,
        },
        {
          total: 5,
          ok: 3,
          partial: 1,
          failed: 1,
          status: "partial",
          errorCounts: { command_error: 1, auth_failed: 1 },
          finishedAt: "2026-01-01T00:01:00.000Z",
        },
      );
      assert.strictEqual(db.listRuns()[0].id, id);
    } finally {
      db.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      assert.strictEqual(raw.pragma("journal_mode", { simple: true }), "wal");
    } finally {
      raw.close();
    }
  });

  it("stores captures with size, sha256 and run id", () => {
    const db = CollectorDb.open(path.join(tmp.path, "collector.db"));
    try {
      const historyId = db.startRun({ runId: "r2", jobName: "cfg", captureType: "configs", startedAt: "t", total: 1 });
      const capture = {
        runId: "r2",
        historyId,
        deviceId: 7,
        deviceName: "sw1",
        captureType: "configs",
        path: "/x/configs/sw1.txt",
        size: 12,
        sha256: "ab".repeat(32),
        capturedAt: "t2",
      };
      db.addCapture(capture);
      const rows = db.listCaptures({ runId: "r2" });
      assert.strictEqual(rows.length, 1);
      assert.deepStrictEqual({ ...rows[0], id: 0 }, { id: 0, ...capture, historyPath: null, commands: null });
      assert.strictEqual(db.listCaptures({ deviceName: "other" }).length, 0);
      db.addCapture({
        runId: "r2",
        deviceName: "sw2",
        captureType: "version",
        path: "/x/version/sw2.txt",
        size: 3,
        sha256: "cd".repeat(32),
        capturedAt: "t3",
        commands: ["show version", "show clock"],
      });
      assert.deepStrictEqual(db.listCaptures({ deviceName: "sw2" })[0].commands, ["show version", "show clock"]);
    } finally {
      db.close();
    }
  });

  it("opens a VelocityCollector collector.db as it is and adds its own columns", () => {
    const file = path.join(tmp.path, "vc-collector.db");
    const vc = new Database(file);
    vc.exec(`CREATE TABLE job_history(id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, job_file TEXT, started_at TEXT NOT NULL,
      completed_at TEXT, total_devices INTEGER, success_count INTEGER, failed_count INTEGER, status TEXT, error_message TEXT);
      CREATE TABLE captures(id INTEGER PRIMARY KEY AUTOINCREMENT, device_id INTEGER, device_name TEXT NOT NULL, capture_type TEXT NOT NULL,
      filepath TEXT NOT NULL, file_size INTEGER, captured_at TEXT DEFAULT CURRENT_TIMESTAMP, job_history_id INTEGER REFERENCES job_history(id));
      INSERT INTO job_history(job_id, started_at, completed_at, total_devices, success_count, failed_count, status) VALUES ('arista-arp-300', '2025-12-01 10:00:00', '2025-12-01 10:01:00', 4, 4, 0, 'success');`);
    vc.close();
    const db = CollectorDb.open(file);
    try {
      const old = db.listRuns();
      assert.strictEqual(old.length, 1);
      assert.strictEqual(old[0].jobName, "arista-arp-300");
      assert.strictEqual(old[0].status, "success");
      assert.deepStrictEqual(old[0].errorCounts, {});
      const id = db.startRun({ runId: "new", jobName: "x", captureType: "arp", startedAt: "t", total: 0 });
      assert.strictEqual(db.getRun(id)!.runId, "new");
      db.addCapture({
        runId: "new",
        deviceName: "a",
        captureType: "arp",
        path: "/a",
        size: 1,
        sha256: "",
        capturedAt: "t",
        commands: ["show arp"],
      });
      assert.deepStrictEqual(
        db.listCaptures({ runId: "new" })[0].commands,
        ["show arp"],
        "the commands column was added",
      );
    } finally {
      db.close();
    }
  });

  it("names the file when it cannot be opened", () => {
    const blocker = path.join(tmp.path, "file");
    require("node:fs").writeFileSync(blocker, "x");
    assert.throws(
      () => CollectorDb.open(path.join(blocker, "collector.db")),
      (err: Error & { errorClass?: string }) => {
        assert.strictEqual(err.errorClass, "history_unavailable");
        assert.ok(err.message.includes(path.join(blocker, "collector.db")), err.message);
        return true;
      },
    );
  });
});
