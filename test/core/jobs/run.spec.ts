import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { CollectorDb } from "../../../lib/core/collect";
import { resolveHome } from "../../../lib/core/home";
import { Inventory } from "../../../lib/core/inventory";
import { JobStore, homeTemplates, planJob, runBatch, runJob, type JobFile } from "../../../lib/core/jobs";
import { KnownHostsStore } from "../../../lib/core/ssh";
import type { DeviceResult } from "../../../lib/core/types";
import { PROBE_COMMANDS, writeProbeResponses } from "../../support/collect";
import { SMALL_TEMPLATE_SET, writeSmallTemplates } from "../../support/jobs";
import { useLabWithVault } from "../../support/lab";

const PASSWORD = "Jobs-Lab-Pass-51c2";
const PLATFORMS = ["cisco_ios", "arista_eos"];

const ARP: JobFile = {
  name: "ARP",
  slug: "arp",
  capture_type: "arp",
  commands: ["show ip arp"],
  storage: { folder: "arp/{site}", filename: "{device_name}-arp.txt" },
  validation: { template: "auto", min_score: 0 },
};
const PROBE: JobFile = {
  name: "Probe (no template fits)",
  slug: "probe",
  capture_type: "probe",
  commands: [PROBE_COMMANDS[0]],
  validation: { template: "auto" },
};
const VERSION: JobFile = { name: "Version", slug: "version", capture_type: "version", commands: "show version" };

describe("jobs: job and batch runs against the lab", function () {
  this.timeout(90_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-jobs-run-",
    lab: (dir) => ({
      count: 5,
      platforms: PLATFORMS,
      password: PASSWORD,
      faults: ["auth_fail"],
      responsesDirs: [writeProbeResponses(dir, PLATFORMS)],
    }),
    credentials: [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }],
  });
  let templates: string;

  before(() => {
    templates = writeSmallTemplates(fx.dir, SMALL_TEMPLATE_SET);
  });

  function freshHome(name: string) {
    const home = resolveHome(path.join(fx.dir, name));
    fs.mkdirSync(home.root, { recursive: true });
    const inventory = Inventory.open(home.dcimDb, { create: true });
    inventory.importCsv(fx.lab.inventoryCsv(), { createMissing: true });
    const store = new JobStore(home);
    for (const j of [ARP, PROBE, VERSION]) store.saveJob(j);
    const history = CollectorDb.open(home.collectorDb);
    return {
      home,
      inventory,
      store,
      history,
      base: {
        devices: inventory.listDevices(),
        credentials: fx.vault,
        collections: home.collections,
        templates: homeTemplates(home, { NET_TEXTFSM: templates }),
        history,
        recorder: inventory,
        hostKeys: { policy: "tofu" as const, store: new KnownHostsStore(home.knownHosts) },
        jitterMs: 0,
      },
      close() {
        history.close();
        inventory.close();
      },
    };
  }

  it("runs a job: its storage pattern, the validation gate's score/template/records, history rows per device, last_collected_at", async () => {
    const h = freshHome("h1");
    try {
      const results: DeviceResult[] = [];
      const run = await runJob(h.store.getJob("arp"), { ...h.base, onDeviceResult: (r) => results.push(r) });
      const healthy = fx.lab.devices.filter((d) => !d.fault);
      assert.strictEqual(run.summary!.ok, healthy.length, JSON.stringify(results.map((r) => [r.device.name, r.error])));
      for (const r of results.filter((x) => x.status === "ok")) {
        assert.ok(r.validation!.valid);
        assert.ok(r.validation!.recordCount > 0);
        assert.match(r.validation!.template!, /_show_ip_arp$/);
        assert.strictEqual(
          r.capturePaths[0],
          path.join(h.home.collections, "arp", r.device.site!, `${r.device.name}-arp.txt`),
        );
        assert.ok(fs.existsSync(r.capturePaths[0]));
      }
      const rows = h.history.runDevices(run.summary!.runId);
      assert.strictEqual(rows.length, fx.lab.devices.length);
      const failed = rows.find((r) => r.status === "failed")!;
      assert.deepStrictEqual([failed.errorClass, failed.capturePath], ["auth_failed", null]);
      const ok = rows.find((r) => r.status === "ok")!;
      assert.ok(ok.score! > 0 && ok.template && ok.credentialName === "lab" && ok.capturePath);

      // last_collected_at: set for every device the run collected, not for the one that never logged in.
      const raw = new Database(h.home.dcimDb, { readonly: true });
      const stamps = raw.prepare("SELECT name, last_collected_at FROM dcim_device").all() as Array<{
        name: string;
        last_collected_at: string | null;
      }>;
      raw.close();
      for (const s of stamps) {
        const collected = healthy.some((d) => d.name === s.name);
        assert.strictEqual(s.last_collected_at !== null, collected, `${s.name}: ${s.last_collected_at}`);
      }
    } finally {
      h.close();
    }
  });

  it("fails devices whose output no template fits (validation_failed, not stored), stores them with store_failures, counts them ok with force-save", async () => {
    const h = freshHome("h2");
    try {
      const probe = h.store.getJob("probe");
      const results: DeviceResult[] = [];
      const run = await runJob(probe, { ...h.base, onDeviceResult: (r) => results.push(r) });
      assert.strictEqual(run.ok, false);
      const gated = results.filter((r) => r.errorClass === "validation_failed");
      assert.strictEqual(gated.length, fx.lab.devices.filter((d) => !d.fault).length);
      for (const r of gated) {
        assert.strictEqual(r.status, "failed");
        assert.strictEqual(r.validation!.valid, false);
        assert.deepStrictEqual(r.capturePaths, []);
        assert.match(r.error!, /no template (fits|produced a record)|parsed no record|below the minimum/);
      }
      assert.strictEqual(h.history.getRun(run.summary!.runId)!.validationFailed, gated.length);
      // Captures stream into a temp file beside their target; a gated device's is discarded.
      const probeDir = path.join(h.home.collections, "probe");
      const probeFiles = fs.existsSync(probeDir)
        ? (fs.readdirSync(probeDir, { recursive: true }) as string[]).filter((f) =>
            fs.statSync(path.join(probeDir, f)).isFile(),
          )
        : [];
      assert.deepStrictEqual(probeFiles, [], "nothing stored");

      const keep = h.store.saveJob({ ...PROBE, validation: { template: "auto", store_failures: true } });
      const kept: DeviceResult[] = [];
      await runJob(keep, { ...h.base, onDeviceResult: (r) => kept.push(r) });
      const stored = kept.filter((r) => r.errorClass === "validation_failed");
      assert.ok(stored.length > 0 && stored.every((r) => r.capturePaths.length === 1 && r.validation!.stored));

      const forced = await runJob(probe, { ...h.base, forceSave: true });
      assert.strictEqual(forced.summary!.ok, fx.lab.devices.filter((d) => !d.fault).length);
    } finally {
      h.close();
    }
  });

  it("runs a batch in order, honours stop_on_failure, and records one batch row plus a row per job", async () => {
    const h = freshHome("h3");
    try {
      const batch = h.store.saveBatch("daily", {
        name: "Daily",
        jobs: ["version", "probe", "arp"],
        stop_on_failure: true,
        delay_s: 0,
      });
      const devices = h.base.devices.filter((d) => !fx.lab.devices.find((l) => l.name === d.name)?.fault);
      const started: string[] = [];
      const run = await runBatch(batch, {
        ...h.base,
        devices,
        job: (slug) => h.store.getJob(slug),
        onJobStart: (slug) => started.push(slug),
      });
      assert.deepStrictEqual(started, ["version", "probe"]);
      assert.deepStrictEqual(
        run.jobs.map((j) => [j.slug, j.ok, Boolean(j.skipped)]),
        [
          ["version", true, false],
          ["probe", false, false],
          ["arp", false, true],
        ],
      );
      assert.strictEqual(run.stoppedAfter, "probe");
      assert.strictEqual(run.status, "partial");
      const row = h.history.getRun(run.runId)!;
      assert.deepStrictEqual(
        [row.kind, row.jobName, row.status, row.total, row.ok, row.failed],
        ["batch", "daily", "partial", 3, 1, 2],
      );
      assert.match(row.error!, /stopped after 'probe'/);
      assert.deepStrictEqual(
        h.history.batchJobs(run.runId).map((r) => [r.jobName, r.status]),
        [
          ["version", "success"],
          ["probe", "failed"],
        ],
      );
    } finally {
      h.close();
    }
  });

  it("plans exactly the devices, commands and files the run uses (dry run)", () => {
    const h = freshHome("h4");
    try {
      const plan = planJob(h.store.getJob("arp"), { ...h.base, limit: 2 });
      assert.deepStrictEqual(plan.commands, ["show ip arp"]);
      assert.strictEqual(plan.devices.length, 2);
      assert.deepStrictEqual(
        plan.devices.map((d) => d.name),
        h.base.devices
          .map((d) => d.name)
          .sort()
          .slice(0, 2),
      );
      assert.ok(plan.devices.every((d) => d.capture!.endsWith("-arp.txt")));
    } finally {
      h.close();
    }
  });
});
