import * as assert from "node:assert";
import * as path from "node:path";
import { CollectorDb } from "../../../lib/core/collect";
import { historyRows } from "../../../lib/core/collect/history-rows";
import { useTmpDir } from "../../support/tmp";

describe("collect: a run's collector.db rows, committed in groups", () => {
  const tmp = useTmpDir("vc-history-rows-");

  const deviceRow = (db: CollectorDb, name: string) => () =>
    db.addDeviceResult({ runId: "run-1", deviceName: name, status: "ok", finishedAt: "2026-12-07T07:00:00.000Z" });

  it("rows added together go in one transaction; each row's promise settles once it is committed", async () => {
    const db = CollectorDb.open(path.join(tmp.path, "grouped.db"));
    try {
      const rows = historyRows(db);
      const adds = Array.from({ length: 30 }, (_, i) => rows.add(deviceRow(db, `sw${i}`)).done);
      // Nothing is written before the group commits.
      assert.strictEqual(db.runDevices("run-1").length, 0);
      await Promise.all(adds);
      assert.strictEqual(rows.commits, 1);
      assert.deepStrictEqual(
        db.runDevices("run-1").map((r) => r.deviceName),
        Array.from({ length: 30 }, (_, i) => `sw${i}`),
      );
    } finally {
      db.close();
    }
  });

  it("a row that cannot be written fails alone: the rest of its group is committed", async () => {
    const db = CollectorDb.open(path.join(tmp.path, "bad-row.db"));
    try {
      const rows = historyRows(db);
      const good1 = rows.add(deviceRow(db, "good1")).done;
      const bad = rows.add(() => {
        throw new Error("disk I/O error (injected)");
      }).done;
      const good2 = rows.add(deviceRow(db, "good2")).done;
      await Promise.all([good1, good2]);
      await assert.rejects(bad, /disk I\/O error \(injected\)/);
      assert.deepStrictEqual(
        db.runDevices("run-1").map((r) => r.deviceName),
        ["good1", "good2"],
      );
    } finally {
      db.close();
    }
  });

  it("flush returns once everything added before it is committed", async () => {
    const db = CollectorDb.open(path.join(tmp.path, "flush.db"));
    try {
      const rows = historyRows(db);
      void rows.add(deviceRow(db, "r1")).done;
      await rows.flush();
      assert.strictEqual(db.runDevices("run-1").length, 1);
    } finally {
      db.close();
    }
  });
});
