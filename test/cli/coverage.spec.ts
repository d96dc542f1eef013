import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Inventory } from "../../lib/core/inventory";
import { runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { hoursAgo, writeCapture } from "../support/capture-fixtures";

describe("vcollector coverage", function () {
  const tmp = useTmpDir("vc-cli-coverage-");
  const home = () => path.join(tmp.path, "home");
  const coverage = (...args: string[]) => runCli(["--home", home(), "coverage", ...args]);

  beforeEach(() => {
    const c = path.join(home(), "collections");
    writeCapture(c, "config", "r1", "x".repeat(10), hoursAgo(1));
    writeCapture(c, "config", "r2", "x".repeat(10), hoursAgo(400));
    writeCapture(c, "arp", "r1", "x".repeat(10), hoursAgo(1));
  });

  it("prints a summary with the gaps when no file is asked for", async () => {
    const r = await coverage();
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(
      r.stdout,
      [
        "coverage: 2 devices x 2 capture types, 3 of 4 present (75%), 1 missing, 1 stale",
        "  arp     1/2  50%",
        "  config  2/2  100%",
        "missing:",
        "  r2: arp",
        "",
      ].join("\n"),
    );
  });

  it("--html writes a self-contained report and --json the same data", async () => {
    const html = path.join(tmp.path, "out", "report.html");
    const json = path.join(tmp.path, "report.json");
    const r = await coverage("--html", html, "--json", json);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(
      r.stdout,
      `coverage: 2 devices x 2 capture types, 3 of 4 present (75%), 1 missing, 1 stale\nwrote ${html}\nwrote ${json}\n`,
    );
    const text = fs.readFileSync(html, "utf8");
    assert.match(text, /<table id="coverage-matrix">/);
    assert.match(text, /<tr data-device="r2">/);
    const report = JSON.parse(fs.readFileSync(json, "utf8"));
    assert.deepStrictEqual(
      [report.summary.present, report.summary.missing, report.captureTypes],
      [3, 1, ["arp", "config"]],
    );
  });

  it("--json - prints the report; --devices adds expected devices; --type picks columns; --stale sets the age", async () => {
    const list = path.join(tmp.path, "devices.txt");
    fs.writeFileSync(list, "r1\nr2\nr3\n");
    const r = await coverage("--json", "-", "--devices", list, "--type", "config", "--stale", "30d");
    assert.strictEqual(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepStrictEqual(
      report.rows.map((x: { device: string; present: number }) => [x.device, x.present]),
      [
        ["r1", 1],
        ["r2", 1],
        ["r3", 0],
      ],
    );
    assert.deepStrictEqual(
      [report.captureTypes, report.summary.stale, report.staleAfterSeconds],
      [["config"], 0, 30 * 86400],
    );
  });

  it("--inventory takes the expected devices (with site and platform) from a dcim.db", async () => {
    const db = path.join(tmp.path, "dcim.db");
    const inv = Inventory.open(db, { create: true });
    try {
      inv.init();
      const report = inv.importCsv(
        "name,primary_ip4,platform,site,role,status\nr1,10.0.0.1,cisco_ios,hq,router,active\nr7,10.0.0.7,arista_eos,dc1,router,active\n",
        { createMissing: true },
      );
      assert.deepStrictEqual([report.imported, report.errors], [2, []]);
    } finally {
      inv.close();
    }
    const r = await coverage("--json", "-", "--inventory", db);
    assert.strictEqual(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout).rows.map(
      (x: { device: string; listed: boolean; site: string | null; platform: string | null; present: number }) => [
        x.device,
        x.listed,
        x.site,
        x.platform,
        x.present,
      ],
    );
    assert.deepStrictEqual(rows, [
      ["r1", true, "hq", "cisco_ios", 2],
      ["r2", false, null, null, 1],
      ["r7", true, "dc1", "arista_eos", 0],
    ]);
    const missing = await coverage("--inventory", path.join(tmp.path, "none.csv"));
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stderr, /none\.csv: no such file/);
  });

  it("--collections overrides the home's directory", async () => {
    const other = path.join(tmp.path, "other");
    writeCapture(other, "routes", "x1", "r");
    const r = await coverage("--collections", other, "--json", "-");
    assert.deepStrictEqual(JSON.parse(r.stdout).captureTypes, ["routes"]);
  });

  it("errors: a bad device list (exit 1, naming file and row), a bad age (exit 2), a missing directory (exit 1)", async () => {
    const list = path.join(tmp.path, "devices.csv");
    fs.writeFileSync(list, "name,site\nr1,hq\n,dc\n");
    const bad = await coverage("--devices", list);
    assert.strictEqual(bad.code, 1);
    assert.strictEqual(bad.stderr, `vcollector: ${list}: row 3: the name is empty\n`);
    const age = await coverage("--stale", "old");
    assert.strictEqual(age.code, 2);
    assert.match(age.stderr, /--stale: expected a duration/);
    const missing = await coverage("--devices", path.join(tmp.path, "none.txt"));
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stderr, /none\.txt: cannot read: ENOENT/);
    const nodir = await runCli(["--home", path.join(tmp.path, "nohome"), "coverage"]);
    assert.strictEqual(nodir.code, 1);
    assert.match(nodir.stderr, /nohome\/collections: no such collections directory/);
  });
});
