import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from "n8n-workflow";
import { resolveHome, type HomePaths } from "../../lib/core/home";
import { Inventory } from "../../lib/core/inventory";
import { JobStore, type JobFile } from "../../lib/core/jobs";
import { startLab, type Lab } from "../../lib/lab";
import { writeSmallTemplates } from "../../test/support/jobs";
import { findSecretsInDir, findSecretsInText } from "../../test/support/secrets";
import { makeVault, type TestVault } from "../../test/support/vault";
import { PACKAGE, runWorkflow } from "./support/engine";

/**
 * The Run Job node, as built into n8n/dist, in n8n-core's WorkflowExecute against the device lab:
 * jobs and batches of a real data home (jobs/, batches/, dcim.db) on lib/core/jobs, real SSH,
 * real validation templates, real captures, known_hosts and history.
 */

const LAB_PASSWORD = "Lab-Device-Secret-7c3a";
const MASTER_PASSWORD = "N8n-Vault-Master-1d5e";
const RUN_JOB = `${PACKAGE}.velocityCollectorRunJob`;

const VERSION: JobFile = {
  name: "Version",
  slug: "version",
  capture_type: "version",
  commands: "show version",
  storage: { folder: "version/{site}", filename: "{device_name}.txt" },
  execution: { retries: 0, connect_timeout_s: 5 },
  validation: { template: "auto", filter: "show_version" },
};
const ARP: JobFile = {
  name: "ARP",
  slug: "arp",
  capture_type: "arp",
  commands: ["show ip arp"],
  execution: { retries: 0, connect_timeout_s: 5 },
};
const OFF: JobFile = { name: "Switched off", slug: "off", enabled: false, capture_type: "x", commands: "show clock" };

describe("n8n: Run Job in n8n-core's WorkflowExecute against the lab", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;
  let vault: TestVault;
  let templates: string;
  let credentials: Record<string, ICredentialDataDecryptedObject>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-n8n-run-job-"));
    lab = await startLab({
      count: 4,
      platforms: ["cisco_ios", "arista_eos"],
      password: LAB_PASSWORD,
      latencyMs: 5,
      faults: ["auth_fail"],
      seed: "n8n-run-job",
    });
    vault = makeVault(dir, [{ name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true }], {
      password: MASTER_PASSWORD,
    });
    templates = writeSmallTemplates(dir, [
      "cisco_ios_show_version",
      "arista_eos_show_version",
      "cisco_ios_show_ip_arp",
      "arista_eos_show_ip_arp",
    ]);
    credentials = { velocityCollectorVaultApi: { vaultPath: vault.file, masterPassword: MASTER_PASSWORD } };
  });
  after(async () => {
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A data home with the lab's devices in dcim.db, the jobs and a batch. */
  function freshHome(name: string): HomePaths {
    const home = resolveHome(path.join(dir, name));
    fs.mkdirSync(home.root, { recursive: true });
    const inventory = Inventory.open(home.dcimDb, { create: true });
    inventory.importCsv(lab.inventoryCsv(), { createMissing: true });
    inventory.close();
    const store = new JobStore(home);
    for (const j of [VERSION, ARP, OFF]) store.saveJob(j);
    store.saveBatch("nightly", { name: "Nightly", jobs: ["version", "off", "gone", "arp"], delay_s: 0 });
    return home;
  }

  function runJobNode(home: HomePaths, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return {
      name: "Run Job",
      type: RUN_JOB,
      parameters: {
        home: home.root,
        run: "job",
        job: "version",
        ...parameters,
        options: { templatesDir: templates, ...(parameters.options as object) },
      },
      credentials: { velocityCollectorVaultApi: { id: "1", name: "Lab vault" } },
      ...extra,
    };
  }

  const byDevice = (items: INodeExecutionData[]) =>
    new Map(items.map((it) => [(it.json.device as IDataObject).name as string, it]));

  it("runs a job on the data home's inventory: one item per device paired with the trigger, the failing device named with auth_failed", async () => {
    const home = freshHome("job");
    const r = await runWorkflow({ nodes: [runJobNode(home, {})], connections: {} }, { credentials });
    assert.equal(r.run.status, "success", String(r.run.data.resultData.error?.message));

    const devices = r.output("Run Job", 0);
    assert.equal(devices.length, lab.devices.length, "one item per device");
    for (const item of devices) {
      assert.deepEqual(item.pairedItem, { item: 0 });
      assert.equal(item.json.job, "version");
    }
    const results = byDevice(devices);
    const broken = lab.devices.find((d) => d.fault === "auth_fail")!;
    assert.equal(results.get(broken.name)?.json.status, "failed");
    assert.equal(results.get(broken.name)?.json.errorClass, "auth_failed");
    for (const d of lab.devices.filter((x) => !x.fault)) {
      const json = results.get(d.name)!.json;
      assert.equal(json.status, "ok", `${d.name}: ${String(json.error)}`);
      const validation = json.validation as IDataObject;
      assert.equal(validation.valid, true, `${d.name} passed the job's validation gate`);
      assert.match(String(validation.template), /show_version/);
    }

    const jobs = r.output("Run Job", 1);
    assert.equal(jobs.length, 1);
    assert.deepEqual(jobs[0].pairedItem, [{ item: 0 }]);
    const summary = jobs[0].json.summary as IDataObject;
    assert.equal(jobs[0].json.job, "version");
    assert.equal(jobs[0].json.ok, false);
    assert.equal(summary.status, "partial");
    assert.equal(summary.ok, lab.devices.length - 1);
    assert.equal(summary.failed, 1);

    // The job's storage pattern, host keys pinned, the run in history: the same files as `vcollector run`.
    const healthy = lab.devices.find((d) => !d.fault)!;
    const capture = path.join(home.collections, "version");
    assert.ok(fs.existsSync(capture), "captures under the job's storage folder");
    assert.ok(fs.readFileSync(home.knownHosts, "utf8").includes(healthy.host));
    assert.ok(fs.existsSync(home.collectorDb));

    assert.deepEqual(findSecretsInText(JSON.stringify(r.run), [LAB_PASSWORD, MASTER_PASSWORD]), []);
    assert.deepEqual(findSecretsInDir(home.root, [LAB_PASSWORD, MASTER_PASSWORD]), []);
  });

  it("runs a batch: its jobs in order, a disabled and a missing job reported with their error classes", async () => {
    const home = freshHome("batch");
    const r = await runWorkflow(
      { nodes: [runJobNode(home, { run: "batch", batch: "nightly", job: "" })], connections: {} },
      { credentials },
    );
    assert.equal(r.run.status, "success", String(r.run.data.resultData.error?.message));
    const jobs = r.output("Run Job", 1).map((it) => it.json);
    assert.deepEqual(
      jobs.map((j) => [j.job, j.status, j.errorClass ?? null]),
      [
        ["version", "partial", null],
        ["off", "failed", "job_disabled"],
        ["gone", "failed", "job_not_found"],
        ["arp", "partial", null],
      ],
    );
    const batch = jobs[0].batch as IDataObject;
    assert.equal(batch.name, "nightly");
    // The core's batch status: no job had every device succeed (the lab's auth_fail device), so "failed".
    assert.equal(batch.status, "failed");
    assert.ok(
      jobs.every((j) => (j.batch as IDataObject).runId === batch.runId),
      "one batch run",
    );

    const devices = r.output("Run Job", 0);
    assert.equal(devices.length, 2 * lab.devices.length, "one item per device of each job that ran");
    for (const slug of ["version", "arp"]) {
      const mine = devices.filter((it) => it.json.job === slug);
      assert.equal(mine.length, lab.devices.length, `${slug}: every device`);
      assert.equal(mine.filter((it) => it.json.errorClass === "auth_failed").length, 1);
    }
  });

  it("a dry run lists the devices and capture files of each job and connects to nothing", async () => {
    const home = freshHome("dry");
    const r = await runWorkflow(
      { nodes: [runJobNode(home, { dryRun: true, options: { limit: 2 } })], connections: {} },
      { credentials },
    );
    assert.equal(r.run.status, "success", String(r.run.data.resultData.error?.message));
    const devices = r.output("Run Job", 0).map((it) => it.json);
    const expected = [...lab.devices].sort((a, b) => a.name.localeCompare(b.name)).slice(0, 2);
    assert.deepEqual(
      devices.map((d) => d.name),
      expected.map((d) => d.name),
    );
    for (const d of devices) {
      assert.equal(d.dryRun, true);
      assert.equal(d.job, "version");
      assert.ok(String(d.capture).startsWith(path.join(home.collections, "version")), String(d.capture));
    }
    const job = r.output("Run Job", 1)[0].json;
    assert.equal(job.devices, 2);
    assert.deepEqual(job.commands, ["show version"]);
    assert.ok(!fs.existsSync(home.knownHosts), "no host was contacted");
    assert.ok(!fs.existsSync(home.collectorDb), "no run recorded");
  });

  it("with Input Items the items are the devices (the job's filter still applies), each result paired with its item", async () => {
    const home = freshHome("input");
    const healthy = lab.devices.filter((d) => !d.fault);
    const input = healthy.map((d) => ({ json: { name: d.name, host: d.host, port: d.port, platform: d.platform } }));
    const r = await runWorkflow(
      { nodes: [runJobNode(home, { devices: "input", job: "arp" })], connections: {} },
      { credentials, input },
    );
    assert.equal(r.run.status, "success", String(r.run.data.resultData.error?.message));
    const out = r.output("Run Job", 0);
    assert.equal(out.length, healthy.length);
    for (const item of out) {
      const name = (item.json.device as IDataObject).name;
      assert.equal(item.json.status, "ok", `${String(name)}: ${String(item.json.error)}`);
      assert.equal(input[(item.pairedItem as { item: number }).item].json.name, name, "paired with its own item");
    }
  });

  it("with Input Items and Continue On Fail a bad item is an error item and the other devices still run", async () => {
    const home = freshHome("input-bad");
    const good = lab.devices.find((d) => !d.fault)!;
    const input = [
      { json: { name: "no-host", platform: "cisco_ios" } },
      { json: { name: good.name, host: good.host, port: good.port, platform: good.platform } },
    ];
    const r = await runWorkflow(
      {
        nodes: [runJobNode(home, { devices: "input", job: "arp" }, { onError: "continueRegularOutput" })],
        connections: {},
      },
      { credentials, input },
    );
    const out = r.output("Run Job", 0);
    assert.equal(out.length, 2);
    const bad = out.find((it) => it.json.device === undefined)!;
    assert.equal(bad.json.errorClass, "invalid_device");
    assert.deepEqual(bad.pairedItem, { item: 0 });
    const ok = out.find((it) => it.json.device !== undefined)!;
    assert.equal(ok.json.status, "ok", String(ok.json.error));
    assert.deepEqual(ok.pairedItem, { item: 1 });
  });

  it("an unknown job stops the node with job_not_found; with Continue On Fail it is an error item", async () => {
    const home = freshHome("unknown");
    const stopped = await runWorkflow({ nodes: [runJobNode(home, { job: "nope" })], connections: {} }, { credentials });
    const error = stopped.error("Run Job") as Error & { context?: IDataObject };
    assert.ok(error, "the node failed");
    assert.equal(error.context?.errorClass, "job_not_found");
    assert.match(error.message, /no job 'nope'/);

    const continued = await runWorkflow(
      { nodes: [runJobNode(home, { job: "nope" }, { onError: "continueRegularOutput" })], connections: {} },
      { credentials },
    );
    const items = continued.output("Run Job", 0);
    assert.equal(items.length, 1);
    assert.equal(items[0].json.errorClass, "job_not_found");
    assert.deepEqual(items[0].pairedItem, { item: 0 });
  });

  it("a disabled job run on its own fails the node with job_disabled", async () => {
    const home = freshHome("disabled");
    const r = await runWorkflow({ nodes: [runJobNode(home, { job: "off" })], connections: {} }, { credentials });
    const error = r.error("Run Job") as Error & { context?: IDataObject };
    assert.ok(error, "the node failed");
    assert.equal(error.context?.errorClass, "job_disabled");
  });
});
