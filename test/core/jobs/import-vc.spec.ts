import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../../lib/core/collect";
import { JobStore, importVelocityCollector, type ImportReport } from "../../../lib/core/jobs";
import { useTmpDir } from "../../support/tmp";
import { makeVcHome } from "../../support/vc-home";

function bySlug(report: ImportReport, slug: string) {
  const e = report.entries.find((x) => x.slug === slug);
  assert.ok(e, `no entry for ${slug}: ${JSON.stringify(report.entries.map((x) => x.slug))}`);
  return e;
}

describe("jobs: import from VelocityCollector", () => {
  const tmp = useTmpDir("vc-import-");

  it("imports a VelocityCollector home: jobs_v2 JSON, collector.db jobs + job_commands + job_history, batches; re-import is idempotent", () => {
    const vc = makeVcHome(path.join(tmp.path, "vc"));
    const store = new JobStore(path.join(tmp.path, "home"));
    const history = CollectorDb.open(path.join(tmp.path, "home", "collector.db"));
    try {
      const report = importVelocityCollector([vc.root], { store, history });

      // jobs_v2: VelocityCollector's migrated slug, commas split, trailing Enters and paging dropped.
      const arp = store.getJob("arista-arp-300");
      assert.deepStrictEqual(arp.commands, ["show ip arp"]);
      assert.deepStrictEqual(arp.filter, { manufacturer: "arista" });
      assert.deepStrictEqual(arp.validation, {
        template: "auto",
        filter: "arp",
        minScore: 0,
        storeFailures: false,
        forceSave: false,
      });
      assert.strictEqual(arp.execution.concurrency, 12);
      const arpNotes = bySlug(report, "arista-arp-300").notes.join("\n");
      for (const said of [
        /empty element/,
        /paging_disable 'terminal length 0' dropped/,
        /no status filter/,
        /vendor 'arista' matches every platform/,
        /min_score 1/,
      ])
        assert.match(arpNotes, said);

      // name_pattern as VelocityCollector really ran it (literal text), validation off (skip).
      const cfg = store.getJob("cisco-configs-329");
      assert.strictEqual(cfg.filter.name, "core-\\.");
      assert.strictEqual(cfg.validation, undefined);

      // A job without commands.command is refused, located at its file.
      const broken = report.entries.find((e) => e.source.includes("broken_no_command.json"))!;
      assert.strictEqual(broken.action, "refused");
      assert.match(broken.error!, /commands\.command: required/);

      // collector.db jobs: platform id via dcim.db, job_commands appended, NULL output_directory fixed, disabled kept.
      const ver = store.getJob("arista-version");
      assert.deepStrictEqual(ver.commands, ["show version", "show version detail"]);
      assert.deepStrictEqual(ver.filter, { manufacturer: "arista", platform: "arista_eos", status: "active" });
      assert.deepStrictEqual(ver.validation?.template, "auto");
      assert.deepStrictEqual(ver.validation?.filter, "arista_eos_show_version");
      assert.strictEqual(ver.storage.folder, "version");
      assert.match(bySlug(report, "arista-version").notes.join("\n"), /job_commands rows .*'show version detail'/);
      const mac = store.getJob("cisco-mac-310");
      assert.strictEqual(mac.enabled, false);
      assert.strictEqual(mac.filter.status, undefined);
      const orphan = bySlug(report, "orphan");
      assert.strictEqual(orphan.action, "refused");
      assert.match(orphan.error!, /site_id 99 cannot be turned into a site name/);

      // Batches refer to the migrated slugs; VelocityCollector's unknown slug is left out, said so.
      const batch = store.getBatch("daily-collection");
      assert.deepStrictEqual(batch.jobs, ["arista-arp-300", "arista-version"]);
      assert.match(bySlug(report, "daily-collection").notes.join("\n"), /'cisco-ios-arp' \(line 5\)/);

      // job_history: mapped to slugs, a row VelocityCollector left running is interrupted.
      assert.strictEqual(report.history.imported, 2);
      const rows = history.listRuns();
      assert.deepStrictEqual(rows.map((r) => [r.jobName, r.status]).sort(), [
        ["arista-arp-300", "interrupted"],
        ["arista-version", "success"],
      ]);

      const again = importVelocityCollector([vc.root], { store, history });
      assert.deepStrictEqual(
        again.entries.filter((e) => e.action !== "refused").map((e) => e.action),
        again.entries.filter((e) => e.action !== "refused").map(() => "unchanged"),
      );
      assert.deepStrictEqual(again.history, { imported: 0, unchanged: 2 });

      // A job changed locally is kept unless --replace.
      store.saveJob({ ...store.getJob("arista-arp-300").source, tags: ["mine"] });
      assert.strictEqual(
        bySlug(importVelocityCollector([vc.root], { store, history }), "arista-arp-300").action,
        "kept",
      );
      assert.strictEqual(
        bySlug(importVelocityCollector([vc.root], { store, history, replace: true }), "arista-arp-300").action,
        "replaced",
      );
      assert.ok(fs.existsSync(path.join(tmp.path, "home", "jobs", "arista-arp-300.yaml")));
    } finally {
      history.close();
    }
  });
});
