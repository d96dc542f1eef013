import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../lib/core/collect";
import { Inventory } from "../../lib/core/inventory";
import { JobStore, dumpBatch, generateBatchFlow, parseBatch, type FlowNode } from "../../lib/core/jobs";
import { EXAMPLE_BATCH, EXAMPLE_BATCH_SLUG, prepareJobs } from "../../lib/demo/jobs";
import { startLab, type Lab } from "../../lib/lab";
import { PROBE_COMMANDS, writeProbeResponses } from "../support/collect";
import { SMALL_TEMPLATE_SET, writeSmallTemplates } from "../support/jobs";
import { collectMessages, helper, nextMessage, useNodeRed } from "../support/nodered";
import { makeTmpDir } from "../support/tmp";
import { makeVault, vaultConfigNode } from "../support/vault";
import { REPO_ROOT } from "../support/cli";

const CORE = "@node-red/nodes/core";
const NODES = [
  require("../../nodes/vc-vault-config/vc-vault-config"),
  require("../../nodes/vc-job/vc-job"),
  require(`${CORE}/common/20-inject.js`),
  require(`${CORE}/common/21-debug.js`),
  require(`${CORE}/common/25-catch.js`),
  require(`${CORE}/common/90-comment.js`),
  require(`${CORE}/function/10-function.js`),
  require(`${CORE}/function/10-switch.js`),
  require(`${CORE}/function/89-delay.js`),
];

const PASSWORD = "Node-Job-Pass-4c1d";

interface BatchResult {
  batch: string;
  ok: boolean;
  jobsOk: number;
  jobsTotal: number;
  stoppedAfter: string | null;
  jobs: Array<{ job: string; ok: boolean; status: string; error?: string }>;
}

describe("vc-job node and generated batch flows (real Node-RED runtime)", function () {
  this.timeout(90_000);
  let dir: string;
  let lab: Lab;
  let home: string;
  let vault: ReturnType<typeof makeVault>;
  let savedEnv: string | undefined;

  before(async () => {
    dir = makeTmpDir("vc-node-job-");
    lab = await startLab({
      count: 4,
      platforms: ["cisco_ios", "arista_eos"],
      password: PASSWORD,
      responsesDirs: [writeProbeResponses(dir, ["cisco_ios", "arista_eos"])],
    });
    home = path.join(dir, "home");
    const inv = Inventory.open(path.join(home, "dcim.db"), { create: true });
    inv.importCsv(lab.inventoryCsv(), { createMissing: true });
    inv.close();
    vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
    prepareJobs(home);
    const store = new JobStore(home);
    store.saveJob({
      name: "probe",
      slug: "probe",
      capture_type: "probe",
      commands: [PROBE_COMMANDS[0]],
      validation: { template: "auto" },
    });
    savedEnv = process.env.NET_TEXTFSM;
    process.env.NET_TEXTFSM = writeSmallTemplates(dir, SMALL_TEMPLATE_SET);
  });
  after(async () => {
    if (savedEnv === undefined) delete process.env.NET_TEXTFSM;
    else process.env.NET_TEXTFSM = savedEnv;
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  useNodeRed();

  /** A generated flow wired to the test vault (by id) and the test home. */
  function load(nodes: FlowNode[]) {
    const vc = vaultConfigNode(vault.file, vault.password, "vault1");
    const flow = nodes
      .filter((n) => n.type !== "vc-vault-config")
      .map((n) => (n.type === "vc-job" ? { ...n, vault: "vault1", home } : n));
    return helper.load(NODES, [...flow, vc.node], vc.credentials);
  }
  const byType = (nodes: FlowNode[], type: string, name?: string) =>
    nodes.find((n) => n.type === type && (name === undefined || n.name === name))!;

  it("runs the example flow (generated from the demo's batch) against the lab: the jobs in order, a summary, status per job", async () => {
    const file = path.join(REPO_ROOT, "examples", "flows", "Batch of jobs.json");
    const example = JSON.parse(fs.readFileSync(file, "utf8")) as FlowNode[];
    const batch = parseBatch(dumpBatch(EXAMPLE_BATCH), `batches/${EXAMPLE_BATCH_SLUG}.yaml`, EXAMPLE_BATCH_SLUG);
    assert.deepStrictEqual(
      example,
      generateBatchFlow(batch, { label: "Batch of jobs" }),
      "the example is what the generator makes of the demo batch (its tab named like the file)",
    );
    await load(example);
    const result = nextMessage<{ payload: BatchResult }>(byType(example, "debug", "batch result").id, 60_000);
    helper.getNode(byType(example, "inject").id).receive({ payload: "" } as never);
    const r = (await result).payload;
    assert.deepStrictEqual(
      r.jobs.map((j) => [j.job, j.ok, j.status]),
      [
        ["ios-versions", true, "success"],
        ["eos-arp", true, "success"],
      ],
      JSON.stringify(r.jobs),
    );
    assert.deepStrictEqual([r.ok, r.jobsOk, r.jobsTotal, r.stoppedAfter], [true, 2, 2, null]);
    const job1 = helper.getNode(byType(example, "vc-job").id);
    const statuses = (job1.status as unknown as { args: Array<[{ text?: string }]> }).args.map((a) => a[0].text);
    assert.ok(statuses.includes("ios-versions: 2/2 ✓2 ✗0"), JSON.stringify(statuses));
    const db = CollectorDb.open(path.join(home, "collector.db"));
    try {
      assert.deepStrictEqual(
        db.queryRuns({ limit: 2 }).map((x) => [x.jobName, x.status]),
        [
          ["eos-arp", "success"],
          ["ios-versions", "success"],
        ],
      );
    } finally {
      db.close();
    }
  });

  it("stops a batch flow at the job that fails validation (switch), and reports a job-level error to catch nodes", async () => {
    const store = new JobStore(home);
    const batch = store.saveBatch("gated", {
      name: "gated",
      jobs: ["ios-versions", "probe", "eos-arp"],
      stop_on_failure: true,
      delay_s: 0,
    });
    const nodes = generateBatchFlow(batch);
    await load(nodes);
    const devices = collectMessages<{
      topic: string;
      job: string;
      payload: { errorClass?: string; validation?: { valid: boolean } };
    }>(byType(nodes, "debug", "probe devices").id, 4, 60_000);
    const result = nextMessage<{ payload: BatchResult }>(byType(nodes, "debug", "batch result").id, 60_000);
    helper.getNode(byType(nodes, "inject").id).receive({ payload: "" } as never);
    const r = (await result).payload;
    assert.deepStrictEqual(
      r.jobs.map((j) => [j.job, j.ok]),
      [
        ["ios-versions", true],
        ["probe", false],
      ],
    );
    assert.deepStrictEqual([r.ok, r.stoppedAfter], [false, "probe"]);
    for (const m of await devices) {
      assert.strictEqual(m.job, "probe");
      assert.strictEqual(m.payload.errorClass, "validation_failed");
      assert.strictEqual(m.payload.validation!.valid, false);
    }

    // An unknown job: the summary says so (ok false) and the catch node gets the error.
    await helper.unload();
    const bad = generateBatchFlow(
      store.saveBatch("bad", { name: "bad", jobs: ["no-such-job"], stop_on_failure: true, delay_s: 0 }),
    );
    await load(bad);
    const caught = nextMessage<{ error: { message: string } }>(byType(bad, "debug", "batch errors").id);
    const summary = nextMessage<{ payload: BatchResult }>(byType(bad, "debug", "batch result").id);
    helper.getNode(byType(bad, "inject").id).receive({ payload: "" } as never);
    assert.match((await caught).error.message, /no job 'no-such-job'/);
    assert.deepStrictEqual(
      (await summary).payload.jobs.map((j) => [j.job, j.ok]),
      [["no-such-job", false]],
    );
  });
});
