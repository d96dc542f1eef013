import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../lib/core/collect";
import { Inventory } from "../../lib/core/inventory";
import { startLab, type Lab } from "../../lib/lab";
import { CLI, runCli } from "../support/cli";
import { PROBE_COMMANDS, writeProbeResponses } from "../support/collect";
import { SMALL_TEMPLATE_SET, writeSmallTemplates } from "../support/jobs";
import { startProcess } from "../support/process";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { makeTmpDir } from "../support/tmp";
import { makeVault } from "../support/vault";
import { makeVcHome } from "../support/vc-home";

const PASSWORD = "Jobs-Cli-Pass-93ab";
const PLATFORMS = ["cisco_ios", "arista_eos"];

async function until<T>(what: string, fn: () => T | undefined, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("vcollector jobs / run / history", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = makeTmpDir("vc-cli-jobs-");
    lab = await startLab({
      count: 4,
      platforms: PLATFORMS,
      password: PASSWORD,
      responsesDirs: [writeProbeResponses(dir, PLATFORMS)],
    });
    home = path.join(dir, "home");
    const inv = Inventory.open(path.join(home, "dcim.db"), { create: true });
    inv.importCsv(lab.inventoryCsv(), { createMissing: true });
    inv.close();
    const vault = makeVault(home, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
    env = { ...vault.env, NET_TEXTFSM: writeSmallTemplates(dir, SMALL_TEMPLATE_SET), VCOLLECTOR_HOME: home };
  });
  after(async () => {
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...env, ...extra } });

  it("imports a VelocityCollector home (jobs folder, batches, collector.db) and lists every job with commands, capture type and filter", async () => {
    const vc = makeVcHome(path.join(dir, "vc"));
    const r = await cli(["jobs", "import-vc", vc.root]);
    assert.strictEqual(r.code, 1, "a refused job makes the import exit 1\n" + r.stdout + r.stderr);
    assert.match(r.stdout, /imported\s+job arista-arp-300/);
    assert.match(r.stdout, /refused\s+job\s+\(.*broken_no_command\.json:\d+\): .*commands\.command: required/);
    assert.match(r.stdout, /refused\s+job orphan .*site_id 99/);
    assert.match(r.stdout, /imported\s+batch daily-collection/);
    assert.match(r.stdout, /history rows: 2 imported/);
    const again = await cli(["jobs", "import-vc", vc.root]);
    assert.match(again.stdout, /0 imported, 0 replaced, 5 unchanged/);

    const list = await cli(["jobs", "list", "--json"]);
    assert.strictEqual(list.code, 0, list.stderr);
    const jobs = (
      JSON.parse(list.stdout) as {
        jobs: Array<{ slug: string; commands: string[]; captureType: string; filter: object }>;
      }
    ).jobs;
    assert.deepStrictEqual(
      jobs.map((j) => [j.slug, j.captureType, j.commands, j.filter]),
      [
        ["arista-arp-300", "arp", ["show ip arp"], { manufacturer: "arista" }],
        [
          "arista-version",
          "version",
          ["show version", "show version detail"],
          { manufacturer: "arista", platform: "arista_eos", status: "active" },
        ],
        ["cisco-configs-329", "configs", ["show running-config"], { manufacturer: "cisco", name: "core-\\." }],
        ["cisco-mac-310", "mac", ["show mac address-table"], { manufacturer: "cisco" }],
      ],
    );
    for (const slug of ["arista-arp-300", "arista-version", "cisco-configs-329", "cisco-mac-310", "orphan"])
      await cli(["jobs", "rm", slug]);
    fs.rmSync(path.join(home, "batches", "daily-collection.yaml"));
  });

  it("runs a batch against the lab: dry run lists the jobs in order with their devices; the real run stops at the job failing validation; history shows it", async () => {
    for (const args of [
      ["jobs", "new", "lab-version", "--capture-type", "version", "--commands", "show version"],
      ["jobs", "new", "lab-probe", "--capture-type", "probe", "--commands", PROBE_COMMANDS[0], "--validate", "auto"],
      [
        "jobs",
        "new",
        "lab-arp",
        "--capture-type",
        "arp",
        "--commands",
        "show ip arp",
        "--validate",
        "auto",
        "--platform",
        "cisco_ios",
      ],
    ]) {
      const r = await cli(args);
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    }
    fs.mkdirSync(path.join(home, "batches"), { recursive: true });
    fs.writeFileSync(
      path.join(home, "batches", "lab-daily.yaml"),
      "name: Lab daily\njobs: [lab-version, lab-probe, lab-arp]\nstop_on_failure: true\ndelay_s: 0\n",
    );

    const valid = await cli(["jobs", "validate"]);
    assert.strictEqual(valid.code, 0, valid.stdout + valid.stderr);
    assert.match(valid.stdout, /ok {5}batch lab-daily/);
    fs.writeFileSync(
      path.join(home, "jobs", "typo.yaml"),
      "name: t\nslug: typo\ncapture_type: x\ncommands: [a]\nexecution:\n  concurency: 3\n",
    );
    const invalid = await cli(["jobs", "validate"]);
    assert.strictEqual(invalid.code, 1);
    assert.match(invalid.stdout, /ERROR {2}\S+typo\.yaml:6: execution\.concurency: unknown field/);
    fs.rmSync(path.join(home, "jobs", "typo.yaml"));

    const dry = await cli(["run", "--batch", "lab-daily", "--dry-run", "--json"]);
    assert.strictEqual(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as { jobs: Array<{ slug: string; devices: Array<{ name: string }> }> };
    assert.deepStrictEqual(
      plan.jobs.map((j) => j.slug),
      ["lab-version", "lab-probe", "lab-arp"],
    );
    const all = lab.devices.map((d) => d.name).sort();
    assert.deepStrictEqual(
      plan.jobs[0].devices.map((d) => d.name),
      all,
    );
    assert.deepStrictEqual(
      plan.jobs[2].devices.map((d) => d.name),
      lab.devices
        .filter((d) => d.platform === "cisco_ios")
        .map((d) => d.name)
        .sort(),
    );

    const run = await cli(["run", "--batch", "lab-daily"]);
    assert.strictEqual(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /lab-version: success\. 4 ok/);
    assert.match(run.stdout, /✗ \S+ {2}validation_failed: /);
    assert.match(run.stdout, /lab-probe: failed\. 0 ok, 0 partial, 4 failed/);
    assert.match(run.stdout, /Batch lab-daily: partial\. 1 of 3 job\(s\) succeeded/);
    assert.match(run.stdout, /stopped after 'lab-probe' \(stop_on_failure\); not run: lab-arp/);
    assert.deepStrictEqual(findSecretsInText(run.stdout + run.stderr, [PASSWORD]), []);
    assert.deepStrictEqual(findSecretsInDir(home, [PASSWORD]), []);

    const hist = await cli(["history", "--batch", "lab-daily", "--json"]);
    const rows = JSON.parse(hist.stdout) as Array<{
      runId: string;
      kind: string;
      jobName: string;
      status: string;
      validationFailed: number | null;
    }>;
    assert.deepStrictEqual(
      rows.map((r) => [r.kind, r.jobName, r.status]),
      [
        ["job", "lab-probe", "failed"],
        ["job", "lab-version", "success"],
        ["batch", "lab-daily", "partial"],
      ],
    );
    assert.strictEqual(rows[0].validationFailed, 4);
    const show = await cli(["history", "show", rows[0].runId]);
    assert.strictEqual(show.code, 0, show.stderr);
    for (const d of lab.devices)
      assert.match(
        show.stdout,
        new RegExp(`failed  ${d.name}  validation_failed  credential lab  [\\d.]+ s  \\(no capture\\)`),
      );
    const showBatch = await cli(["history", "show", rows[2].runId, "--json"]);
    assert.deepStrictEqual(
      (JSON.parse(showBatch.stdout) as { jobs: Array<{ jobName: string }> }).jobs.map((j) => j.jobName),
      ["lab-version", "lab-probe"],
    );

    // A single job: exit 0 only when every device succeeded.
    const ok = await cli(["run", "--job", "lab-arp"]);
    assert.strictEqual(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /score 0\.\d+ cisco_ios_show_ip_arp, \d+ record\(s\)/);
    const prune = await cli(["history", "prune", "--keep", "1"]);
    assert.match(prune.stdout, /Deleted \d+ run row\(s\)/);
    const left = JSON.parse((await cli(["history", "--json"])).stdout) as Array<{ jobName: string }>;
    assert.deepStrictEqual(
      left.map((r) => r.jobName),
      ["lab-arp"],
    );
  });

  it("completes the history row on SIGHUP (cancelled), and marks a run killed with -9 interrupted at the next open", async () => {
    const slow = await startLab({
      count: 2,
      platforms: ["cisco_ios"],
      password: PASSWORD,
      latencyMs: 30_000,
      baseAddress: "127.0.9.2",
    });
    const slowHome = path.join(dir, "slow-home");
    try {
      const inv = Inventory.open(path.join(slowHome, "dcim.db"), { create: true });
      inv.importCsv(slow.inventoryCsv(), { createMissing: true });
      inv.close();
      const vault = makeVault(slowHome, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
      const e = { ...env, ...vault.env, VCOLLECTOR_HOME: slowHome };
      const r = await runCli(["jobs", "new", "slow", "--capture-type", "version", "--commands", "show version"], {
        env: e,
      });
      assert.strictEqual(r.code, 0, r.stderr);
      const db = () => CollectorDb.open(path.join(slowHome, "collector.db"));
      const running = () => {
        if (!fs.existsSync(path.join(slowHome, "collector.db"))) return undefined;
        const h = db();
        try {
          return h.listRuns().find((x) => x.status === "running");
        } finally {
          h.close();
        }
      };
      for (const [signal, expected] of [
        ["SIGHUP", "cancelled"],
        ["SIGKILL", "interrupted"],
      ] as const) {
        const proc = startProcess(process.execPath, [CLI, "run", "--job", "slow"], { env: e });
        try {
          const row = await until("a running history row", running);
          const exited = new Promise((res) => proc.child.once("exit", res));
          proc.child.kill(signal);
          await exited;
          const h = db();
          try {
            assert.strictEqual(h.getRun(row.runId)!.status, expected, proc.output());
          } finally {
            h.close();
          }
        } finally {
          await proc.stop();
        }
      }
    } finally {
      await slow.stop();
    }
  });
});
