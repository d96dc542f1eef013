import * as assert from "node:assert";
import * as path from "node:path";
import { VcError } from "../../../lib/core/errors";
import {
  buildCoverage,
  coverageHtml,
  escapeHtml,
  formatAge,
  formatBytes,
  parseDeviceList,
  type CoverageReport,
} from "../../../lib/core/coverage";
import { spawnSync } from "node:child_process";
import { CollectorDb } from "../../../lib/core/collect/history";
import { captureRunLookup } from "../../../lib/core/coverage";
import { latestCapturePath } from "../../../lib/core/captures/layout";
import { hoursAgo, writeCapture, writeHistoryCapture } from "../../support/capture-fixtures";
import { useTmpDir } from "../../support/tmp";

const NOW = new Date("2026-05-01T12:00:00.000Z");

function matrix(report: CoverageReport): string[] {
  return report.rows.map(
    (r) =>
      `${r.device}${r.listed ? "" : "*"}: ${report.captureTypes.map((t) => (r.cells[t].present ? ((r.cells[t] as { stale: boolean }).stale ? "S" : "P") : "-")).join("")}`,
  );
}

describe("coverage: devices x capture types", () => {
  const tmp = useTmpDir("vc-coverage-");
  let collections = "";

  beforeEach(() => {
    collections = path.join(tmp.path, "collections");
    writeCapture(collections, "config", "r1", "x".repeat(100), hoursAgo(2, NOW));
    writeCapture(collections, "config", "r2", "x".repeat(300), hoursAgo(200, NOW));
    writeCapture(collections, "arp", "r1", "x".repeat(50), hoursAgo(1, NOW));
    writeCapture(collections, "arp", "rogue-9", "x".repeat(10), hoursAgo(3, NOW));
    writeHistoryCapture(collections, "version", "r2", "old", hoursAgo(400, NOW));
  });

  it("crosses every device seen with every capture type: latest time, age, size, or missing", async () => {
    const report = await buildCoverage({ collections, now: NOW });
    assert.deepStrictEqual(report.captureTypes, ["arp", "config", "version"]);
    assert.deepStrictEqual(matrix(report), ["r1: PP-", "r2: -S-", "rogue-9: P--"]);
    assert.deepStrictEqual(report.rows[0].cells.config, {
      present: true,
      capturedAt: hoursAgo(2, NOW).toISOString(),
      ageSeconds: 7200,
      size: 100,
      path: path.join(collections, "config", "r1.txt"),
      stale: false,
      interrupted: false,
    });
    assert.deepStrictEqual(report.rows[0].cells.version, { present: false });
    assert.deepStrictEqual([report.rows[1].present, report.rows[1].missing], [1, 2]);
  });

  it("adds the expected devices (listed, with site and platform) and marks devices seen only in captures", async () => {
    const report = await buildCoverage({
      collections,
      now: NOW,
      devices: [{ name: "R1", site: "hq", platform: "cisco_ios" }, "r2", "r3"],
    });
    assert.deepStrictEqual(matrix(report), ["R1: PP-", "r2: -S-", "r3: ---", "rogue-9*: P--"]);
    assert.deepStrictEqual(
      [report.rows[0].site, report.rows[0].platform, report.rows[2].site],
      ["hq", "cisco_ios", null],
    );
    assert.deepStrictEqual(report.summary, {
      devices: 4,
      listedDevices: 3,
      unlistedDevices: 1,
      captureTypes: 3,
      cells: 12,
      present: 4,
      missing: 8,
      stale: 1,
      interrupted: 0,
      coveragePct: 33.3,
      totalBytes: 460,
    });
  });

  it("summarises each capture type; coverage never exceeds 100 %", async () => {
    const report = await buildCoverage({ collections, now: NOW, devices: ["r1"] });
    assert.deepStrictEqual(report.perType, [
      {
        captureType: "arp",
        present: 2,
        missing: 1,
        coveragePct: 66.7,
        totalBytes: 60,
        latestAt: hoursAgo(1, NOW).toISOString(),
        oldestAt: hoursAgo(3, NOW).toISOString(),
      },
      {
        captureType: "config",
        present: 2,
        missing: 1,
        coveragePct: 66.7,
        totalBytes: 400,
        latestAt: hoursAgo(2, NOW).toISOString(),
        oldestAt: hoursAgo(200, NOW).toISOString(),
      },
      { captureType: "version", present: 0, missing: 3, coveragePct: 0, totalBytes: 0, latestAt: null, oldestAt: null },
    ]);
    for (const t of report.perType) assert.ok(t.coveragePct <= 100);
  });

  it("takes chosen capture type columns (a type without captures is an empty column; every device seen keeps its row) and a stale age", async () => {
    const report = await buildCoverage({
      collections,
      now: NOW,
      captureTypes: ["config", "routes"],
      staleAfterMs: 3_600_000,
    });
    assert.deepStrictEqual(report.captureTypes, ["config", "routes"]);
    assert.deepStrictEqual(matrix(report), ["r1: S-", "r2: S-", "rogue-9: --"]);
    assert.strictEqual(report.staleAfterSeconds, 3600);
  });

  it("an empty collection gives the listed devices, all missing", async () => {
    const empty = path.join(tmp.path, "empty");
    require("node:fs").mkdirSync(empty);
    const report = await buildCoverage({ collections: empty, devices: ["a", "b"], captureTypes: ["config"] });
    assert.deepStrictEqual(matrix(report), ["a: -", "b: -"]);
    assert.strictEqual(report.summary.coveragePct, 0);
  });

  it("refuses a device without a name, by position", async () => {
    await assert.rejects(
      buildCoverage({ collections, devices: ["ok", { name: " " }] }),
      (err: unknown) => err instanceof VcError && err.message === "devices[1]: expected a device name",
    );
  });

  it("sorts devices naturally (r2 before r10)", async () => {
    const report = await buildCoverage({ collections, devices: ["r10", "r2", "r1"], captureTypes: ["config"] });
    assert.deepStrictEqual(
      report.rows.map((r) => r.device),
      ["r1", "r2", "r10", "rogue-9"],
    );
  });
});

describe("coverage: HTML", () => {
  const tmp = useTmpDir("vc-coverage-");

  it("is self-contained: inline style and script, no external URL, escaped values", async () => {
    const collections = path.join(tmp.path, "c");
    writeCapture(collections, "config", "r1", "x", hoursAgo(1, NOW));
    const html = coverageHtml(
      await buildCoverage({
        collections,
        now: NOW,
        devices: [{ name: "<script>alert(1)</script>", site: "<b>hq</b>" }, 'r&d "lab"'],
      }),
    );
    assert.ok(html.startsWith("<!DOCTYPE html>"));
    assert.ok(!/\b(?:src|href)\s*=/i.test(html), "no src/href attributes");
    assert.ok(!/https?:\/\//i.test(html), "no URL");
    assert.ok(!html.includes("<script>alert(1)"));
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(html.includes("r&amp;d &quot;lab&quot;"));
    assert.ok(html.includes("&lt;b&gt;hq&lt;/b&gt;"));
    assert.match(html, /<table id="coverage-matrix">/);
    assert.match(html, /<div class="card" data-key="devices"><span class="value">3<\/span>/);
  });

  it("formats sizes, ages and escapes", () => {
    assert.deepStrictEqual([0, 999, 1024, 1536, 10 * 1024, 5 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes), [
      "0 B",
      "999 B",
      "1.0 KB",
      "1.5 KB",
      "10 KB",
      "5.0 MB",
      "3.0 GB",
    ]);
    assert.deepStrictEqual([5, 120, 7200, 172800, 864000].map(formatAge), ["5 s", "2 min", "2 h", "2 d", "10 d"]);
    assert.strictEqual(escapeHtml(`<a href='x'>&"</a>`), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  });
});

describe("coverage: device lists", () => {
  it("reads plain text, one name per line with comments", () => {
    assert.deepStrictEqual(parseDeviceList("r1\n# spare\n\n  r2  # core\r\n", "devices.txt"), [
      { name: "r1" },
      { name: "r2" },
    ]);
  });

  it("reads JSON lists of names or objects", () => {
    assert.deepStrictEqual(
      parseDeviceList('["r1", {"name": "r2", "site": "hq", "platform": "cisco_ios", "host": "10.0.0.2"}]', "inv.json"),
      [{ name: "r1" }, { name: "r2", site: "hq", platform: "cisco_ios" }],
    );
  });

  it("reads CSV with a name column (site and platform when present)", () => {
    assert.deepStrictEqual(parseDeviceList("Name,primary_ip4,site\nr1,10.0.0.1,hq\nr2,10.0.0.2,\n", "inv.csv"), [
      { name: "r1", site: "hq", platform: undefined },
      { name: "r2", site: undefined, platform: undefined },
    ]);
  });

  it("names the file and place of every problem", () => {
    assert.throws(() => parseDeviceList("{oops", "inv.json"), /^VcError: inv\.json: invalid JSON: /);
    assert.throws(() => parseDeviceList('{"name": "r1"}', "inv.json"), /inv\.json: expected a JSON list of devices/);
    assert.throws(
      () => parseDeviceList('["r1", 5]', "inv.json"),
      /inv\.json: \[1\]: expected a device name or an object with a name/,
    );
    assert.throws(
      () => parseDeviceList('[{"name": "r1", "site": 3}]', "inv.json"),
      /inv\.json: \[0\]\.site: expected a string/,
    );
    assert.throws(
      () => parseDeviceList("host,site\nr1,hq\n", "inv.csv"),
      /inv\.csv: the header row has no 'name' column/,
    );
    assert.throws(() => parseDeviceList("name,site\nr1,hq\n,dc\n", "inv.csv"), /inv\.csv: row 3: the name is empty/);
    assert.throws(() => parseDeviceList('name,site\n"r1,hq\n', "inv.csv"), /inv\.csv: invalid CSV: /);
  });
});

describe("coverage: captures of interrupted runs", () => {
  const tmp = useTmpDir("vc-coverage-runs-");

  it("marks captures written by an interrupted run (its process died mid-run) as interrupted", async () => {
    const collections = path.join(tmp.path, "collections");
    writeCapture(collections, "config", "r1", "x".repeat(100), hoursAgo(2, NOW));
    writeCapture(collections, "arp", "r1", "x".repeat(50), hoursAgo(1, NOW));
    const file = path.join(tmp.path, "collector.db");
    const db = CollectorDb.open(file);
    const capture = (runId: string, device: string, type: string) =>
      db.addCapture({
        runId,
        deviceName: device,
        captureType: type,
        path: latestCapturePath(collections, type, device),
        size: 1,
        sha256: "0",
        capturedAt: NOW.toISOString(),
      });
    const started = { jobName: "collect", startedAt: NOW.toISOString(), total: 2 };
    db.startRun({ ...started, runId: "run-killed", captureType: "config" });
    capture("run-killed", "r1", "config");
    const fine = db.startRun({ ...started, runId: "run-ok", captureType: "arp" });
    capture("run-ok", "r1", "arp");
    db.finishRun(fine, {
      runId: "run-ok",
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      durationMs: 1,
      total: 1,
      ok: 1,
      partial: 0,
      failed: 0,
      cancelled: 0,
      errorCounts: {},
      status: "success",
    } as Parameters<CollectorDb["finishRun"]>[1]);
    db.close();
    // The killed run's process is gone (kill -9): the next open marks its row interrupted.
    const dead = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout);
    const raw = CollectorDb.open(file);
    (raw as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): void } } }).db
      .prepare("UPDATE job_history SET pid = ? WHERE run_id = ?")
      .run(dead, "run-killed");
    raw.close();
    const reopened = CollectorDb.open(file);
    try {
      assert.strictEqual(reopened.getRun("run-killed")?.status, "interrupted");
      const report = await buildCoverage({ collections, now: NOW, runOf: captureRunLookup(reopened) });
      const r1 = report.rows.find((r) => r.device === "r1")!;
      assert.deepStrictEqual(r1.cells.config, {
        ...(r1.cells.config as object),
        run: { runId: "run-killed", status: "interrupted" },
        interrupted: true,
      });
      assert.strictEqual((r1.cells.arp as { interrupted: boolean }).interrupted, false);
      assert.deepStrictEqual((r1.cells.arp as { run?: object }).run, { runId: "run-ok", status: "success" });
      assert.strictEqual(report.summary.interrupted, 1);
      const html = coverageHtml(report);
      assert.match(html, /<td class="present interrupted" data-type="config"[^>]*from interrupted run run-killed/);
      assert.match(html, /From interrupted runs/);
    } finally {
      reopened.close();
    }
  });
});
