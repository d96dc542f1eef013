import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import Database from "better-sqlite3";
import { CollectorDb, type RunSummary } from "../../../lib/core/collect";
import { useTmpDir } from "../../support/tmp";

function summary(runId: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId,
    jobName: "arp",
    captureType: "arp",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    durationMs: 60000,
    total: 2,
    ok: 2,
    partial: 0,
    failed: 0,
    cancelled: 0,
    errorCounts: {},
    status: "success",
    ...over,
  };
}

/** What startRun takes for an arp job run started 2026-01-01; `over` changes any field. */
function arpRun(runId: string, total: number, over: Partial<Parameters<CollectorDb["startRun"]>[0]> = {}) {
  return { runId, jobName: "arp", captureType: "arp", startedAt: "2026-01-01T00:00:00Z", total, ...over };
}

/** The pid of a process that has just exited (so certainly not alive now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

describe("collect: run history (interrupted runs, device rows, batches, prune)", () => {
  const tmp = useTmpDir("vc-history-runs-");

  it("marks a run whose process is gone as interrupted at the next open, counting the captures it wrote", () => {
    const file = path.join(tmp.path, "collector.db");
    const db = CollectorDb.open(file);
    const id = db.startRun(arpRun("r1", 3));
    for (const name of ["a", "b"])
      db.addCapture({
        runId: "r1",
        historyId: id,
        deviceName: name,
        captureType: "arp",
        path: `/x/${name}.txt`,
        size: 1,
        sha256: "0",
        capturedAt: "2026-01-01T00:00:01Z",
      });
    const live = db.startRun(arpRun("r2", 1));
    db.close();
    // r1's process "died" (kill -9): its row carries a pid that no longer exists.
    const raw = new Database(file);
    raw.prepare("UPDATE job_history SET pid = ? WHERE id = ?").run(deadPid(), id);
    raw.close();

    const again = CollectorDb.open(file);
    try {
      const r1 = again.getRun("r1")!;
      assert.strictEqual(r1.status, "interrupted");
      assert.strictEqual(r1.ok, 2);
      assert.match(r1.error ?? "", /interrupted: process \d+ ended .*2 capture/);
      assert.ok(r1.finishedAt);
      // Our own process is alive: its running row stays running.
      assert.strictEqual(again.getRun(live)!.status, "running");
    } finally {
      again.close();
    }
  });

  it("leaves running rows of another host, and VelocityCollector rows without a pid, alone", () => {
    const file = path.join(tmp.path, "collector.db");
    const db = CollectorDb.open(file);
    const other = db.startRun(arpRun("o", 1));
    db.close();
    const raw = new Database(file);
    raw.prepare("UPDATE job_history SET pid = ?, host = 'elsewhere' WHERE id = ?").run(deadPid(), other);
    raw
      .prepare(
        "INSERT INTO job_history (job_id, started_at, status) VALUES ('arista-arp-300', '2025-01-01 10:00:00', 'running')",
      )
      .run();
    raw.close();
    const again = CollectorDb.open(file);
    try {
      assert.deepStrictEqual(
        again.listRuns().map((r) => r.status),
        ["running", "running"],
      );
    } finally {
      again.close();
    }
  });

  it("keeps one row per device (status, error class, credential, duration, capture path, score) for history show", () => {
    const db = CollectorDb.open(path.join(tmp.path, "collector.db"));
    try {
      const id = db.startRun(arpRun("r1", 2));
      db.addDeviceResult({
        historyId: id,
        runId: "r1",
        deviceName: "a",
        status: "ok",
        credentialName: "lab",
        durationMs: 5,
        capturePath: "/c/a.txt",
        score: 0.8,
        template: "cisco_ios_show_ip_arp",
      });
      db.addDeviceResult({
        historyId: id,
        runId: "r1",
        deviceName: "b",
        status: "failed",
        errorClass: "validation_failed",
        error: "score 0.1",
        durationMs: 7,
      });
      const rows = db.runDevices("r1");
      assert.deepStrictEqual(
        rows.map((r) => [r.deviceName, r.status, r.errorClass, r.credentialName, r.capturePath, r.score, r.template]),
        [
          ["a", "ok", null, "lab", "/c/a.txt", 0.8, "cisco_ios_show_ip_arp"],
          ["b", "failed", "validation_failed", null, null, null, null],
        ],
      );
    } finally {
      db.close();
    }
  });

  it("records a batch row with its job rows, queries by job/batch/status/since, and prunes keeping a batch's jobs with it", () => {
    const db = CollectorDb.open(path.join(tmp.path, "collector.db"));
    try {
      const solo = db.startRun(arpRun("solo", 2));
      db.finishRun(solo, summary("solo"));
      const batch = db.startRun(
        arpRun("b1", 2, { jobName: "daily", captureType: "batch", startedAt: "2026-02-01T00:00:00Z", kind: "batch" }),
      );
      const j1 = db.startRun(arpRun("j1", 2, { startedAt: "2026-02-01T00:00:01Z", batchRunId: "b1" }));
      db.finishRun(j1, summary("j1"));
      const j2 = db.startRun(
        arpRun("j2", 2, {
          jobName: "ver",
          captureType: "version",
          startedAt: "2026-02-01T00:00:02Z",
          batchRunId: "b1",
        }),
      );
      db.finishRun(j2, summary("j2", { status: "failed", ok: 0, failed: 2 }));
      db.finishBatch(batch, {
        finishedAt: "2026-02-01T00:01:00Z",
        total: 2,
        ok: 1,
        failed: 1,
        status: "failed",
        durationMs: 60000,
      });

      assert.deepStrictEqual(
        db.queryRuns({ batch: "daily" }).map((r) => r.runId),
        ["j2", "j1", "b1"],
      );
      assert.deepStrictEqual(
        db.queryRuns({ job: "arp" }).map((r) => r.runId),
        ["j1", "solo"],
      );
      assert.deepStrictEqual(
        db.queryRuns({ status: "failed" }).map((r) => r.runId),
        ["j2", "b1"],
      );
      assert.deepStrictEqual(
        db.queryRuns({ since: "2026-02-01" }).map((r) => r.runId),
        ["j2", "j1", "b1"],
      );
      assert.strictEqual(db.getRun("b1")!.kind, "batch");
      assert.deepStrictEqual(
        db.batchJobs("b1").map((r) => r.jobName),
        ["arp", "ver"],
      );

      assert.throws(() => db.prune({}), /say what to prune/);
      assert.strictEqual(db.prune({ keep: 1 }), 1, "the solo run goes; the batch (newest) stays with its jobs");
      assert.deepStrictEqual(
        db
          .listRuns()
          .map((r) => r.runId)
          .sort(),
        ["b1", "j1", "j2"],
      );
      assert.strictEqual(db.prune({ olderThan: "2026-03-01" }), 3);
      assert.deepStrictEqual(db.listRuns(), []);
    } finally {
      db.close();
    }
  });
});
