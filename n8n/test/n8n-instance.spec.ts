import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveHome } from "../../lib/core/home";
import { Inventory } from "../../lib/core/inventory";
import { JobStore } from "../../lib/core/jobs";
import { startLab, type Lab } from "../../lib/lab";
import { findSecretsInDir, findSecretsInText } from "../../test/support/secrets";
import { makeVault } from "../../test/support/vault";
import {
  executeEnv,
  installPackage,
  n8nCli,
  n8nEnv,
  parseRawOutput,
  writeVaultCredentialFile,
} from "./support/n8n-cli";
import { sharedDir } from "./support/shared-dir";

/**
 * A real n8n (SQLite, a temp user folder, loopback, telemetry off) with the packed package
 * installed into its nodes folder imports the example workflow and runs it with
 * `n8n execute --id`, collecting from the lab.
 */

const LAB_PASSWORD = "Lab-Device-Secret-81aa";
const MASTER_PASSWORD = "N8n-Vault-Master-c04f";
const EXAMPLE = path.resolve(__dirname, "../examples/collect-parse-export-on-schedule.json");
const RUN_JOB_EXAMPLE = path.resolve(__dirname, "../examples/run-job-on-schedule.json");

type ExecuteOutput = {
  data: {
    resultData: {
      runData: Record<string, Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>>;
    };
  };
};

describe("n8n: a real n8n instance runs the example workflow against the lab", function () {
  this.timeout(600_000);
  let dir: string;
  let lab: Lab;
  let userFolder: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-n8n-instance-"));
    lab = await startLab({
      count: 3,
      platforms: ["cisco_ios", "arista_eos", "juniper_junos"],
      password: LAB_PASSWORD,
      latencyMs: 5,
      seed: "n8n-instance",
    });
    userFolder = path.join(dir, "user");
    fs.mkdirSync(userFolder, { recursive: true });
    installPackage(userFolder, dir);
  });
  after(async () => {
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  type Workflow = { id?: string; nodes: Array<{ name: string; parameters: Record<string, unknown> }> };

  function example(file: string, id: string): Workflow {
    const workflow = JSON.parse(fs.readFileSync(file, "utf8")) as Workflow;
    workflow.id = id;
    return workflow;
  }

  /** Imports the vault credential and the workflow, runs it with `n8n execute --id`, returns its run data. */
  async function importAndExecute(workflow: Workflow, vaultFile: string) {
    const env = n8nEnv(userFolder);
    const wfFile = path.join(dir, `${workflow.id}.json`);
    fs.writeFileSync(wfFile, JSON.stringify(workflow));
    const credFile = path.join(dir, "credentials.json");
    writeVaultCredentialFile(credFile, vaultFile, MASTER_PASSWORD);
    const creds = await n8nCli(["import:credentials", `--input=${credFile}`], env);
    fs.rmSync(credFile);
    assert.equal(creds.status, 0, creds.stderr + creds.stdout);
    const imported = await n8nCli(["import:workflow", `--input=${wfFile}`], env);
    assert.equal(imported.status, 0, imported.stderr + imported.stdout);
    const run = await n8nCli(
      ["execute", `--id=${workflow.id}`, "--rawOutput"],
      executeEnv(env),
      300_000,
      path.join(dir, `execute-${workflow.id}.out`),
    );
    assert.equal(run.status, 0, `n8n execute failed:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-3000)}`);
    assert.deepEqual(findSecretsInText(run.stdout + run.stderr, [LAB_PASSWORD, MASTER_PASSWORD]), []);
    assert.deepEqual(findSecretsInDir(userFolder, [LAB_PASSWORD, MASTER_PASSWORD]), []);
    return (parseRawOutput(run.stdout) as ExecuteOutput).data.resultData.runData;
  }

  it("imports the credential and the example, runs it with `n8n execute --id`, and every device is collected, parsed and exported", async () => {
    const home = path.join(dir, "vcollector");
    fs.mkdirSync(home, { recursive: true });
    const vault = makeVault(home, [{ name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true }], {
      password: MASTER_PASSWORD,
    });
    const csv = path.join(home, "devices.csv");
    fs.writeFileSync(csv, lab.inventoryCsv());
    const workflow = example(EXAMPLE, "vcExampleSchedule");
    const node = (name: string) => workflow.nodes.find((n) => n.name === name)!.parameters;
    node("Device Source").csvPath = csv;
    node("Collect").options = { ...(node("Collect").options as object), home, jitter: 0 };
    node("TextFSM").templatesDir = path.join(sharedDir(), "ntc-templates", "templates");
    node("Export").outputDir = path.join(home, "exports");
    const runData = await importAndExecute(workflow, vault.file);
    const collected = runData.Collect[0].data.main[0].map((i) => i.json);
    assert.equal(collected.length, lab.devices.length, "one item per device");
    for (const r of collected) assert.equal(r.status, "ok", `${JSON.stringify(r.device)}: ${String(r.error)}`);
    const parsed = runData.TextFSM[0].data.main[0].map((i) => i.json);
    for (const p of parsed) assert.equal((p.parsed as Array<{ status: string }>)[0].status, "ok");
    const files = runData.Export[0].data.main[0].map((i) => i.json.path as string);
    assert.equal(files.length, 1);
    const csvText = fs.readFileSync(files[0], "utf8");
    for (const d of lab.devices) assert.ok(csvText.includes(d.name), `${d.name} exported`);
  });

  it("runs the Run Job example (the data home's nightly batch) with `n8n execute --id`", async () => {
    const home = resolveHome(path.join(dir, "jobs-home"));
    fs.mkdirSync(home.root, { recursive: true });
    const vault = makeVault(home.root, [{ name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true }], {
      password: MASTER_PASSWORD,
    });
    const inventory = Inventory.open(home.dcimDb, { create: true });
    inventory.importCsv(lab.inventoryCsv(), { createMissing: true });
    inventory.close();
    const store = new JobStore(home);
    store.saveJob({ name: "Version", slug: "version", capture_type: "version", commands: "show version" });
    store.saveJob({
      name: "IOS clock",
      slug: "ios-clock",
      capture_type: "clock",
      commands: ["show clock"],
      devices: { platform: "cisco_ios" },
    });
    store.saveBatch("nightly", { name: "Nightly", jobs: ["version", "ios-clock"], delay_s: 0 });
    const workflow = example(RUN_JOB_EXAMPLE, "vcExampleRunJob");
    workflow.nodes.find((n) => n.name === "Run Job")!.parameters.home = home.root;
    const main = (await importAndExecute(workflow, vault.file))["Run Job"][0].data.main;
    const devices = main[0].map((i) => i.json);
    const ios = lab.devices.filter((d) => d.platform === "cisco_ios");
    assert.equal(
      devices.length,
      lab.devices.length + ios.length,
      "one item per device of each job (its filter applied)",
    );
    for (const d of devices)
      assert.equal(d.status, "ok", `${String(d.job)} ${JSON.stringify(d.device)}: ${String(d.error)}`);
    assert.deepEqual(
      main[1].map((i) => [i.json.job, i.json.status]),
      [
        ["version", "success"],
        ["ios-clock", "success"],
      ],
    );
    assert.ok(fs.existsSync(path.join(home.collections, "clock")), "the job's captures are saved");
  });
});
