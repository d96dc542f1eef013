import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../lib/core/collect";
import { openVersionStore } from "../../lib/core/changes";
import { Inventory } from "../../lib/core/inventory";
import { recordTwoR9Versions } from "../support/capture-fixtures";
import { useLab } from "../support/lab";
import { useAdminNodeRed, type CallOptions } from "../support/nodered-admin";
import { makeVault } from "../support/vault";

const LAB_PASSWORD = "Lab-Jobs-Pass-33k";
const CONFIG_SECRET = "Cfg-Secret-Zz91";

interface RunState {
  state: string;
  total: number;
  done: number;
  ok: number;
  failed: number;
  historyId?: number;
  errorClass?: string;
  devices: Array<{ device: string; status: string; errorClass?: string; job?: string }>;
}

/**
 * The Jobs & run and Versions/Diff endpoints of the sidebar in a real Node-RED (with adminAuth)
 * over a real lab: who may read and write, the guard, ajv errors naming the field, job YAML
 * errors located by line, runs through lib/core/jobs to completion and cancelled (recorded as
 * cancelled in collector.db), per-device history rows, and a redacted diff between two versions.
 * Needs `npm run build` (Node-RED loads the pack from dist/).
 */
describe("vc-sidebar jobs, run and diff endpoints (real Node-RED with adminAuth, lab)", function () {
  this.timeout(120_000);
  const labHolder = useLab({ count: 3, platforms: ["cisco_ios"], password: LAB_PASSWORD, latencyMs: 5 });
  let home = "";
  let adminToken = "";
  let readerToken = "";

  async function json<T>(res: Response, status: number): Promise<T> {
    const text = await res.text();
    assert.strictEqual(res.status, status, text);
    return JSON.parse(text) as T;
  }

  async function waitForRun(id: string, until: (r: RunState) => boolean, ms = 60_000): Promise<RunState> {
    const end = Date.now() + ms;
    for (;;) {
      const { run } = await json<{ run: RunState }>(await call("GET", `vc/runs/${id}`, { token: adminToken }), 200);
      if (until(run)) return run;
      if (Date.now() > end) throw new Error(`run ${id} still ${run.state} (${run.done}/${run.total})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const nodeRed = useAdminNodeRed({
    tmpPrefix: "vc-sidebar-jobs-",
    vaultNodeName: "jobs vault",
    prepareHome(dir) {
      const vault = makeVault(dir, [{ name: "lab", username: "admin", password: LAB_PASSWORD }], {
        defaultName: "lab",
      });
      const inv = Inventory.open(path.join(dir, "dcim.db"), { create: true });
      inv.importCsv(labHolder.lab.inventoryCsv(), { createMissing: true });
      inv.close();
      return vault.password;
    },
  });
  const call = (method: string, url: string, opts?: CallOptions) => nodeRed.current.call(method, url, opts);

  before(() => {
    ({ home, adminToken, readerToken } = nodeRed.current);
  });

  const VERSION_JOB = {
    name: "Versions",
    slug: "versions",
    capture_type: "version",
    commands: ["show version"],
    devices: { platform: "cisco_ios" },
  };

  it("refuses the new routes without a token (401), and a read-only user's writes (401)", async () => {
    for (const [method, url] of [
      ["GET", "vc/jobs"],
      ["GET", "vc/jobs/versions"],
      ["GET", "vc/captures/versions?type=version&device=r1"],
      ["GET", "vc/captures/diff?type=version&device=r1"],
      ["POST", "vc/jobs"],
      ["POST", "vc/jobs/versions/run"],
    ] as const)
      assert.strictEqual((await call(method, url, { json: method === "POST" ? {} : undefined })).status, 401, url);
    assert.strictEqual((await call("GET", "vc/jobs", { token: readerToken })).status, 200);
    assert.strictEqual(
      (await call("GET", "vc/captures/versions?type=version&device=r1", { token: readerToken })).status,
      200,
    );
    for (const [method, url, body] of [
      ["POST", "vc/jobs", { job: VERSION_JOB }],
      ["PUT", "vc/jobs/versions", { job: VERSION_JOB }],
      ["DELETE", "vc/jobs/versions", undefined],
      ["PUT", "vc/jobs/versions/enabled", { enabled: false }],
      ["POST", "vc/jobs/versions/run", {}],
      ["POST", "vc/batches/daily/run", {}],
      ["POST", "vc/jobs/check", { job: VERSION_JOB }],
    ] as const)
      assert.strictEqual(
        (await call(method, url, { token: readerToken, json: body })).status,
        401,
        `${method} ${url} as a read-only user`,
      );
    assert.ok(!fs.existsSync(path.join(home, "jobs", "versions.yaml")), "nothing was written");
  });

  it("refuses cross-origin and form-encoded job writes", async () => {
    const cross = await call("POST", "vc/jobs", {
      token: adminToken,
      json: { job: VERSION_JOB },
      headers: { Origin: "http://evil.example" },
    });
    assert.strictEqual(cross.status, 403);
    assert.strictEqual(((await cross.json()) as { errorClass: string }).errorClass, "cross_origin");
    const form = await call("POST", "vc/jobs", {
      token: adminToken,
      body: "yaml=name%3A%20x",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.strictEqual(form.status, 415);
    const run = await call("POST", "vc/jobs/versions/run", {
      token: adminToken,
      body: "",
      headers: { "Content-Type": "text/plain", Origin: "http://evil.example" },
    });
    assert.strictEqual(run.status, 403);
    assert.ok(!fs.existsSync(path.join(home, "jobs", "versions.yaml")));
  });

  it("names the field of bad input (ajv) and locates a job YAML error by line and field", async () => {
    const extra = await json<{ error: string; errorClass: string }>(
      await call("POST", "vc/jobs", { token: adminToken, json: { job: VERSION_JOB, path: "/etc" } }),
      400,
    );
    assert.strictEqual(extra.errorClass, "invalid_input");
    assert.match(extra.error, /^path: is not a known field/);
    const slug = await json<{ error: string }>(
      await call("PUT", "vc/jobs/Bad..Slug/enabled", { token: adminToken, json: { enabled: true } }),
      400,
    );
    assert.match(slug.error, /^slug: /);
    const enabled = await json<{ error: string }>(
      await call("PUT", "vc/jobs/versions/enabled", { token: adminToken, json: { enabled: "yes" } }),
      400,
    );
    assert.match(enabled.error, /^enabled: must be boolean/);
    const from = await json<{ error: string }>(
      await call("GET", "vc/captures/diff?type=version&device=r1&from=two", { token: readerToken }),
      400,
    );
    assert.match(from.error, /^from: /);

    const yaml = [
      "name: Broken",
      "slug: broken",
      "capture_type: version",
      "commands:",
      "  - show version",
      "execution:",
      "  concurrency: 0",
      "",
    ].join("\n");
    const located = await json<{ error: string; errorClass: string; where: string; line: number }>(
      await call("POST", "vc/jobs", { token: adminToken, json: { yaml } }),
      400,
    );
    assert.strictEqual(located.errorClass, "invalid_job");
    assert.strictEqual(located.line, 7);
    assert.strictEqual(located.where, "jobs/new.yaml:7");
    assert.match(located.error, /execution\.concurrency: must be >= 1/);
    assert.ok(!located.error.includes(home), "no server path in the message");
    assert.ok(!fs.existsSync(path.join(home, "jobs", "broken.yaml")), "nothing saved");

    const check = await json<{ ok: boolean; line: number }>(
      await call("POST", "vc/jobs/check", { token: adminToken, json: { yaml } }),
      200,
    );
    assert.deepStrictEqual([check.ok, check.line], [false, 7]);
  });

  it("creates, lists, disables, enables and runs a job to completion; history has its device rows", async () => {
    const created = await json<{ job: { slug: string } }>(
      await call("POST", "vc/jobs", { token: adminToken, json: { job: VERSION_JOB } }),
      201,
    );
    assert.strictEqual(created.job.slug, "versions");
    const again = await call("POST", "vc/jobs", { token: adminToken, json: { job: VERSION_JOB } });
    assert.strictEqual(again.status, 409);

    await json(await call("PUT", "vc/jobs/versions/enabled", { token: adminToken, json: { enabled: false } }), 200);
    const disabled = await json<{ errorClass: string }>(
      await call("POST", "vc/jobs/versions/run", { token: adminToken, json: {} }),
      422,
    );
    assert.strictEqual(disabled.errorClass, "job_disabled");
    await json(await call("PUT", "vc/jobs/versions/enabled", { token: adminToken, json: { enabled: true } }), 200);

    const { id } = await json<{ id: string }>(
      await call("POST", "vc/jobs/versions/run", { token: adminToken, json: {} }),
      202,
    );
    const run = await waitForRun(id, (r) => r.state !== "running");
    assert.strictEqual(run.state, "done");
    assert.deepStrictEqual([run.total, run.ok, run.failed], [3, 3, 0]);
    assert.ok(run.historyId !== undefined, "the run links to its history row");

    const list = await json<{
      jobs: Array<{ slug: string; enabled: boolean; lastRun?: { id: number; status: string } }>;
    }>(await call("GET", "vc/jobs", { token: readerToken }), 200);
    const job = list.jobs.find((j) => j.slug === "versions")!;
    assert.strictEqual(job.enabled, true);
    assert.deepStrictEqual(job.lastRun && [job.lastRun.id, job.lastRun.status], [run.historyId, "success"]);

    const hist = await json<{
      run: { status: string };
      devices: Array<{ device: string; status: string }>;
      perDeviceSource: string;
    }>(await call("GET", `vc/history/${run.historyId}`, { token: readerToken }), 200);
    assert.strictEqual(hist.perDeviceSource, "history");
    assert.deepStrictEqual(
      hist.devices.map((d) => d.status),
      ["ok", "ok", "ok"],
    );
  });

  it("cancels a slow job through the core runner: recorded as cancelled, fewer devices done", async () => {
    const slow = {
      ...VERSION_JOB,
      name: "Slow",
      slug: "slow",
      commands: ["show version", "show version", "show version"],
      execution: { concurrency: 1, command_delay_s: 1 },
    };
    await json(await call("POST", "vc/jobs", { token: adminToken, json: { job: slow } }), 201);
    const { id } = await json<{ id: string }>(
      await call("POST", "vc/jobs/slow/run", { token: adminToken, json: {} }),
      202,
    );
    await waitForRun(id, (r) => r.done >= 1);
    await json(await call("POST", `vc/runs/${id}/cancel`, { token: adminToken, json: {} }), 200);
    const run = await waitForRun(id, (r) => r.state !== "running");
    assert.strictEqual(run.state, "cancelled");
    assert.ok(run.ok < 3, `fewer than 3 devices succeeded (${run.ok})`);
    const db = CollectorDb.open(path.join(home, "collector.db"));
    try {
      const row = db.getRun(run.historyId!)!;
      assert.strictEqual(row.status, "cancelled");
      assert.ok((row.ok ?? 0) < 3);
    } finally {
      db.close();
    }
    const hist = await json<{ devices: Array<{ status: string; errorClass?: string }> }>(
      await call("GET", `vc/history/${run.historyId}`, { token: readerToken }),
      200,
    );
    assert.ok(
      hist.devices.some((d) => d.errorClass === "cancelled"),
      JSON.stringify(hist.devices),
    );
  });

  it("runs a batch: its jobs in order through runBatch, a missing job reported, the batch row with its job runs", async () => {
    fs.mkdirSync(path.join(home, "batches"), { recursive: true });
    fs.writeFileSync(
      path.join(home, "batches", "nightly.yaml"),
      "name: Nightly\njobs: [versions, missing-job]\nstop_on_failure: false\ndelay_s: 0\n",
    );
    const list = await json<{ batches: Array<{ slug: string; jobs: string[] }> }>(
      await call("GET", "vc/jobs", { token: readerToken }),
      200,
    );
    assert.deepStrictEqual(list.batches, [
      {
        slug: "nightly",
        name: "Nightly",
        description: "",
        jobs: ["versions", "missing-job"],
        stopOnFailure: false,
        delayS: 0,
      },
    ]);
    const { id } = await json<{ id: string }>(
      await call("POST", "vc/batches/nightly/run", { token: adminToken, json: {} }),
      202,
    );
    const run = await waitForRun(id, (r) => r.state !== "running");
    assert.deepStrictEqual([run.state, run.total, run.ok, run.failed], ["done", 3, 3, 0]);
    assert.ok(run.devices.every((d) => d.job === "versions"));
    const hist = await json<{
      run: { kind: string; status: string; error: string };
      jobs: Array<{ jobName: string; status: string }>;
    }>(await call("GET", `vc/history/${run.historyId}`, { token: readerToken }), 200);
    assert.strictEqual(hist.run.kind, "batch");
    assert.strictEqual(hist.run.status, "partial");
    assert.match(hist.run.error, /missing-job: .*no job 'missing-job'/);
    assert.deepStrictEqual(
      hist.jobs.map((j) => [j.jobName, j.status]),
      [["versions", "success"]],
    );
  });

  it("creates, reads, replaces and deletes a batch from YAML; duplicate 409, located errors, readers refused", async () => {
    const file = path.join(home, "batches", "weekly.yaml");
    const yaml = "name: Weekly\ndescription: every week\njobs:\n  - versions\ndelay_s: 0\n";
    for (const [method, url, body] of [
      ["POST", "vc/batches", { slug: "weekly", yaml }],
      ["PUT", "vc/batches/nightly", { yaml }],
      ["DELETE", "vc/batches/nightly", undefined],
    ] as const)
      assert.strictEqual(
        (await call(method, url, { token: readerToken, json: body })).status,
        401,
        `${method} ${url} as a read-only user`,
      );
    assert.ok(!fs.existsSync(file), "a reader wrote nothing");

    const created = await json<{ batch: { slug: string; name: string; jobs: string[] } }>(
      await call("POST", "vc/batches", { token: adminToken, json: { slug: "weekly", yaml } }),
      201,
    );
    assert.deepStrictEqual(
      [created.batch.slug, created.batch.name, created.batch.jobs],
      ["weekly", "Weekly", ["versions"]],
    );
    assert.ok(fs.existsSync(file));
    const dup = await json<{ errorClass: string }>(
      await call("POST", "vc/batches", { token: adminToken, json: { slug: "weekly", yaml } }),
      409,
    );
    assert.strictEqual(dup.errorClass, "conflict");
    // Without a slug, the file name comes from the name (as VelocityCollector's GUI derives it).
    await json(
      await call("POST", "vc/batches", { token: adminToken, json: { yaml: "name: Monthly Run\njobs: []\n" } }),
      201,
    );
    assert.ok(fs.existsSync(path.join(home, "batches", "monthly-run.yaml")));

    const read = await json<{ yaml: string; batch: { description: string; delayS: number } }>(
      await call("GET", "vc/batches/weekly", { token: readerToken }),
      200,
    );
    assert.match(read.yaml, /name: Weekly/);
    assert.deepStrictEqual([read.batch.description, read.batch.delayS], ["every week", 0]);

    const bad = await json<{ error: string; errorClass: string; where: string; line: number }>(
      await call("PUT", "vc/batches/weekly", {
        token: adminToken,
        json: { yaml: "name: Weekly\njobs:\n  - versions\ndelay_s: 9999\n" },
      }),
      400,
    );
    assert.deepStrictEqual([bad.errorClass, bad.where, bad.line], ["invalid_batch", "batches/weekly.yaml:4", 4]);
    assert.match(bad.error, /delay_s: must be <= 3600/);
    assert.ok(!bad.error.includes(home), "no server path in the message");
    const syntax = await json<{ where: string; line: number }>(
      await call("POST", "vc/batches", { token: adminToken, json: { slug: "broken", yaml: "name: B\njobs: [a\n" } }),
      400,
    );
    assert.strictEqual(syntax.where.startsWith("batches/broken.yaml:"), true, syntax.where);
    assert.ok(!fs.existsSync(path.join(home, "batches", "broken.yaml")));
    // A job that does not exist is refused, as `vcollector jobs validate` reports it.
    const unknown = await json<{ error: string; where: string }>(
      await call("PUT", "vc/batches/weekly", {
        token: adminToken,
        json: { yaml: "name: Weekly\njobs:\n  - versions\n  - no-such-job\n" },
      }),
      400,
    );
    assert.strictEqual(unknown.where, "batches/weekly.yaml:4");
    assert.match(unknown.error, /unknown job\(s\): no-such-job/);
    assert.match(fs.readFileSync(file, "utf8"), /delay_s: 0/, "the refused edits left the file as it was");

    await json(
      await call("PUT", "vc/batches/weekly", {
        token: adminToken,
        json: { yaml: yaml.replace("delay_s: 0", "delay_s: 2") },
      }),
      200,
    );
    assert.match(fs.readFileSync(file, "utf8"), /delay_s: 2/);
    await json(await call("PUT", "vc/batches/gone", { token: adminToken, json: { yaml } }), 404);

    await json(await call("DELETE", "vc/batches/weekly", { token: adminToken }), 200);
    await json(await call("DELETE", "vc/batches/monthly-run", { token: adminToken }), 200);
    assert.ok(!fs.existsSync(file));
    await json(await call("GET", "vc/batches/weekly", { token: readerToken }), 404);
  });

  it("lists a capture's versions and diffs them with volatile lines ignored and secrets masked", async () => {
    const collections = path.join(home, "collections");
    const store = openVersionStore(collections, { homeRoot: home, importExisting: false });
    recordTwoR9Versions(store, CONFIG_SECRET, "2 days");
    const versions = await json<{ versions: Array<{ version: number; sha256: string; size: number }> }>(
      await call("GET", "vc/captures/versions?type=config&device=r9", { token: readerToken }),
      200,
    );
    assert.deepStrictEqual(
      versions.versions.map((v) => v.version),
      [2, 1],
    );
    assert.match(versions.versions[0].sha256, /^[0-9a-f]{64}$/);
    const res = await call("GET", "vc/captures/diff?type=config&device=r9", { token: readerToken });
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    const d = JSON.parse(text) as { status: string; diff: string; added: number; removed: number; redacted: boolean };
    assert.strictEqual(d.status, "changed");
    assert.deepStrictEqual([d.added, d.removed], [1, 1]);
    assert.match(d.diff, /^- description uplink A$/m);
    assert.match(d.diff, /^\+ description uplink B$/m);
    assert.ok(!/uptime/.test(d.diff.replace(/^[ ]r9 uptime.*$/m, "")), "the uptime line is not a change");
    assert.ok(!/^[+-]r9 uptime/m.test(d.diff));
    assert.strictEqual(d.redacted, true);
    assert.ok(!text.includes(CONFIG_SECRET), "the secret is masked in the diff");
    const missing = await call("GET", "vc/captures/diff?type=config&device=nope", { token: readerToken });
    assert.strictEqual(missing.status, 404);
  });
});
