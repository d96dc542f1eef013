/**
 * Scale-out demo: n8n queue mode collecting a 2,000-device lab with 1, 2 and 4 workers, then
 * the same with one worker killed mid-run. Everything runs on loopback and every process this
 * script starts is stopped by its pid at the end (also on Ctrl-C).
 *
 *   lab (vcollector lab, Node 20)  ← SSH ←  n8n workers (queue mode, Node 24)
 *   postgres + redis (Debian)       ← n8n main (webhooks, queue) ← dispatcher (`n8n execute`)
 *
 * The dispatcher workflow splits the inventory into batches and POSTs each batch to the
 * webhook-triggered collector workflow: each batch is its own execution, taken by whichever
 * worker is free; a batch whose execution fails (a worker killed under it) is sent again once by
 * the dispatcher's retry node. devices/s = devices / (last collector execution stopped − first
 * started), from n8n's own execution table.
 *
 * Latency-bound by construction: each worker runs WORKER_CONCURRENCY executions at once, each
 * collecting COLLECT_CONCURRENCY devices at once, so a worker has at most W × c SSH sessions in
 * flight and its throughput is ≈ W × c / (one device's session time), whatever the CPU. The CPU
 * the run costs (lab, n8n main and workers, Postgres, Redis: /proc utime+stime) is measured per
 * device, so the printout shows how far the 4-worker demand stays below the machine's CPU floor.
 *
 * Run with scripts/scale-out-demo.sh (installs what it needs). Settings (environment):
 *   VC_SCALE_DEVICES (2000) VC_SCALE_LATENCY_MS (400) VC_SCALE_BATCH (18)
 *   VC_SCALE_WORKER_CONCURRENCY (1) VC_SCALE_COLLECT_CONCURRENCY (6) VC_SCALE_WORKERS ("1,2,4")
 *   VC_SCALE_KILL (1)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { makeVault } from "../test/support/vault";
import {
  executeEnv,
  freePort,
  installPackage,
  N8N_BIN,
  n8nCli,
  n8nEnv,
  parseRawOutput,
  writeVaultCredentialFile,
} from "../n8n/test/support/n8n-cli";

const ROOT = path.resolve(__dirname, "..");
const PG_BIN = process.env.VC_PG_BIN || "/usr/lib/postgresql/15/bin";
const DEVICES = Number(process.env.VC_SCALE_DEVICES || 2000);
const LATENCY_MS = Number(process.env.VC_SCALE_LATENCY_MS || 400);
const BATCH = Number(process.env.VC_SCALE_BATCH || 18);
const WORKER_CONCURRENCY = Number(process.env.VC_SCALE_WORKER_CONCURRENCY || 1);
const COLLECT_CONCURRENCY = Number(process.env.VC_SCALE_COLLECT_CONCURRENCY || 6);
const WORKER_STEPS = (process.env.VC_SCALE_WORKERS || "1,2,4").split(",").map(Number);
const KILL = process.env.VC_SCALE_KILL !== "0";
const LAB_PASSWORD = "Scale-Lab-Secret-2f9a";
const MASTER_PASSWORD = "Scale-Vault-Master-66e0";

interface Managed {
  name: string;
  child: ChildProcess;
  /** The pid to signal (postgres: the postmaster). */
  pid: number;
  log: string;
  stopSignal: NodeJS.Signals;
}

const managed: Managed[] = [];
const t0 = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

function start(
  name: string,
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; dir: string; stopSignal?: NodeJS.Signals },
): Managed {
  const log = path.join(opts.dir, `${name}.log`);
  const out = fs.openSync(log, "a");
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const m: Managed = { name, child, pid: child.pid!, log, stopSignal: opts.stopSignal ?? "SIGTERM" };
  managed.push(m);
  return m;
}

/** The descendants of a process, from /proc (no `ps` spawned: the CPU sampler calls this every second). */
function childPids(pid: number): number[] {
  let direct: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`))
      direct = direct.concat(
        fs
          .readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
          .split(" ")
          .map(Number)
          .filter((n) => n > 0),
      );
  } catch {
    // gone meanwhile
  }
  return direct.flatMap((c) => [c, ...childPids(c)]);
}

async function stop(m: Managed, signal: NodeJS.Signals = m.stopSignal, waitMs = 20_000): Promise<void> {
  const pids = [m.pid, ...childPids(m.pid)];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && pids.some(alive)) await sleep(200);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  managed.splice(managed.indexOf(m), 1);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CLOCK_TICKS_PER_S = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU time (user + system, ms) a process has used so far; 0 when it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** CPU time (ms) of every process this script manages and their children, by pid. */
function cpuSnapshot(): Map<number, number> {
  const snap = new Map<number, number>();
  for (const m of managed) for (const pid of [m.pid, ...childPids(m.pid)]) snap.set(pid, cpuMsOf(pid));
  return snap;
}

/**
 * Snapshots every second while a run goes on, so that the CPU of the collection window alone
 * (first collector execution started → last stopped) is measured, not the idle processes'
 * while `n8n execute` starts up.
 */
function cpuSampler(): { stop(): void; spentBetween(fromMs: number, toMs: number): number } {
  const samples: Array<{ t: number; snap: Map<number, number> }> = [{ t: Date.now(), snap: cpuSnapshot() }];
  const timer = setInterval(() => samples.push({ t: Date.now(), snap: cpuSnapshot() }), 1000);
  return {
    stop() {
      clearInterval(timer);
      samples.push({ t: Date.now(), snap: cpuSnapshot() });
    },
    spentBetween(fromMs, toMs) {
      const before = [...samples].reverse().find((x) => x.t <= fromMs) ?? samples[0];
      const after = samples.find((x) => x.t >= toMs) ?? samples[samples.length - 1];
      return cpuSpentMs(before.snap, after.snap);
    },
  };
}

/** CPU used between two snapshots by the processes alive in both (a killed worker's share is lost). */
function cpuSpentMs(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test()) return;
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => {
      req.destroy();
      resolve(0);
    });
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-scale-out-"));
  fs.chmodSync(dir, 0o755);
  say(
    `work folder ${dir}; ${DEVICES} devices, lab latency ${LATENCY_MS} ms, batches of ${BATCH}, ` +
      `worker concurrency ${WORKER_CONCURRENCY}, collect concurrency ${COLLECT_CONCURRENCY} ` +
      `(≤ ${WORKER_CONCURRENCY * COLLECT_CONCURRENCY} SSH sessions per worker)`,
  );
  const onSignal = () => {
    void cleanup().then(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await run(dir);
  } finally {
    await cleanup();
    if (process.env.VC_SCALE_KEEP !== "1") fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function cleanup(): Promise<void> {
  for (const m of [...managed].reverse()) await stop(m);
}

async function run(dir: string): Promise<void> {
  // 1. The lab (Node 20 + the project's native modules), 2,000 devices with 200 ms latency.
  const csv = path.join(dir, "devices.csv");
  const lab = start(
    "lab",
    process.env.VC_NODE20 || "/usr/bin/node",
    [
      "--require",
      "tsx/cjs",
      path.join(ROOT, "cli/vcollector.ts"),
      "lab",
      "--devices",
      String(DEVICES),
      "--platforms",
      "cisco_ios,arista_eos,juniper_junos,cisco_nxos",
      "--latency-ms",
      String(LATENCY_MS),
      "--password",
      LAB_PASSWORD,
      "--seed",
      "scale-out",
      "--inventory-out",
      csv,
    ],
    { dir, env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}` } },
  );
  // 2. Postgres and Redis, by hand, on loopback.
  const pgPort = await freePort();
  const redisPort = await freePort();
  const pgData = path.join(dir, "pg");
  fs.mkdirSync(pgData, { mode: 0o700 });
  spawnSync("chown", ["postgres:postgres", pgData]);
  const asPostgres = (bin: string, args: string[]) => [
    "--reuid=postgres",
    "--regid=postgres",
    "--init-groups",
    path.join(PG_BIN, bin),
    ...args,
  ];
  const init = spawnSync(
    "setpriv",
    asPostgres("initdb", ["-D", pgData, "--auth=trust", "-U", "postgres", "--no-sync"]),
    {
      encoding: "utf8",
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const pg = start(
    "postgres",
    "setpriv",
    asPostgres("postgres", [
      "-D",
      pgData,
      "-p",
      String(pgPort),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${pgData}`,
      "-c",
      "max_connections=200",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
    ]),
    { dir, stopSignal: "SIGINT" },
  );
  const redis = start(
    "redis",
    "redis-server",
    ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { dir },
  );
  const psql = (sql: string, db = "n8n") => {
    const r = spawnSync(
      "psql",
      ["-h", "127.0.0.1", "-p", String(pgPort), "-U", "postgres", "-d", db, "-At", "-c", sql],
      {
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout.trim();
  };
  await waitFor(
    "postgres",
    () => spawnSync(path.join(PG_BIN, "pg_isready"), ["-h", "127.0.0.1", "-p", String(pgPort)]).status === 0,
    60_000,
  );
  psql("CREATE DATABASE n8n", "postgres");
  say(`postgres :${pgPort} (pid ${pg.pid}), redis :${redisPort} (pid ${redis.pid})`);
  await waitFor("the lab's inventory", () => fs.existsSync(csv) && fs.statSync(csv).size > 0, 300_000);
  say(`lab up: ${DEVICES} devices (pid ${lab.pid})`);

  // 3. n8n: the package in the nodes folder, the vault credential and the two workflows.
  const userFolder = path.join(dir, "user");
  fs.mkdirSync(userFolder);
  installPackage(userFolder, dir);
  const vault = makeVault(dir, [{ name: "lab", username: "admin", password: LAB_PASSWORD, isDefault: true }], {
    password: MASTER_PASSWORD,
  });
  const mainPort = await freePort();
  const queueEnv = (extra: Record<string, string> = {}) =>
    n8nEnv(userFolder, {
      DB_TYPE: "postgresdb",
      DB_POSTGRESDB_HOST: "127.0.0.1",
      DB_POSTGRESDB_PORT: String(pgPort),
      DB_POSTGRESDB_USER: "postgres",
      DB_POSTGRESDB_DATABASE: "n8n",
      DB_POSTGRESDB_POOL_SIZE: "4",
      EXECUTIONS_MODE: "queue",
      QUEUE_BULL_REDIS_HOST: "127.0.0.1",
      QUEUE_BULL_REDIS_PORT: String(redisPort),
      QUEUE_WORKER_LOCK_DURATION: "15000",
      QUEUE_WORKER_LOCK_RENEW_TIME: "5000",
      QUEUE_WORKER_STALLED_INTERVAL: "10000",
      N8N_PORT: String(mainPort),
      WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
      EXECUTIONS_DATA_SAVE_ON_SUCCESS: "none",
      EXECUTIONS_DATA_SAVE_ON_ERROR: "all",
      ...extra,
    });
  const wfDir = path.join(dir, "workflows");
  fs.mkdirSync(wfDir);
  const example = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(ROOT, "n8n/examples", file), "utf8")) as {
      id?: string;
      nodes: Array<{ name: string; parameters: Record<string, unknown> }>;
    };
  const collector = example("webhook-collect-respond.json");
  collector.id = "vcCollector";
  const collect = collector.nodes.find((n) => n.name === "Collect")!.parameters;
  collect.options = {
    ...(collect.options as object),
    concurrency: COLLECT_CONCURRENCY,
    hostKeyPolicy: "accept-any",
    home: path.join(dir, "home"),
    retries: 1,
  };
  const dispatcher = example("queue-mode-dispatcher.json");
  dispatcher.id = "vcDispatcher";
  const source = dispatcher.nodes.find((n) => n.name === "Batches of devices")!.parameters;
  source.csvPath = csv;
  source.batchSize = BATCH;
  for (const name of ["POST each batch to the collector", "Retry failed batches"])
    dispatcher.nodes.find((n) => n.name === name)!.parameters.url = `http://127.0.0.1:${mainPort}/webhook/vc-collect`;
  fs.writeFileSync(path.join(wfDir, "collector.json"), JSON.stringify(collector));
  fs.writeFileSync(path.join(wfDir, "dispatcher.json"), JSON.stringify(dispatcher));
  const credFile = path.join(dir, "credentials.json");
  writeVaultCredentialFile(credFile, vault.file, MASTER_PASSWORD);
  const cli = async (args: string[]) => {
    const r = await n8nCli(args, queueEnv({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) }), 600_000);
    if (r.status !== 0)
      throw new Error(`n8n ${args.join(" ")} failed:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
    return r;
  };
  await cli(["import:credentials", `--input=${credFile}`]);
  fs.rmSync(credFile);
  await cli(["import:workflow", "--separate", `--input=${wfDir}`]);
  await cli(["publish:workflow", "--id=vcCollector"]);
  say("n8n database ready: credential, collector (published) and dispatcher imported");

  const main = start("n8n-main", process.execPath, [N8N_BIN, "start"], {
    dir,
    env: queueEnv({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) }),
  });
  await waitFor(
    "n8n main /healthz",
    async () => (await httpStatus(`http://127.0.0.1:${mainPort}/healthz`)) === 200,
    300_000,
  );
  say(`n8n main :${mainPort} (pid ${main.pid})`);

  const workers: Managed[] = [];
  const addWorker = async () => {
    const i = workers.length + 1;
    const w = start(`n8n-worker-${i}`, process.execPath, [N8N_BIN, "worker", `--concurrency=${WORKER_CONCURRENCY}`], {
      dir,
      // Level info: the worker says "n8n worker is now ready" at that level.
      env: queueEnv({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), N8N_LOG_LEVEL: "info" }),
    });
    workers.push(w);
    return w;
  };
  const workerReady = (w: Managed) => /n8n worker is now ready/.test(fs.readFileSync(w.log, "utf8"));

  const lastExecutionId = () => Number(psql(`SELECT coalesce(max(id::int), 0) FROM execution_entity`) || 0);
  const window = (afterId: number) => {
    const row = psql(
      `SELECT count(*), coalesce(sum((status = 'success')::int), 0), extract(epoch from max("stoppedAt") - min("startedAt")), ` +
        `extract(epoch from min("startedAt")), extract(epoch from max("stoppedAt")) ` +
        `FROM execution_entity WHERE "workflowId" = 'vcCollector' AND id::int > ${afterId}`,
    ).split("|");
    return {
      executions: Number(row[0]),
      succeeded: Number(row[1]),
      seconds: Number(row[2]),
      fromMs: Number(row[3]) * 1000,
      toMs: Number(row[4]) * 1000,
    };
  };

  type Item = { json: Record<string, unknown>; pairedItem?: unknown };
  type RunData = Record<string, Array<{ data: { main: Array<Array<Item> | null> } }>>;
  const pairedIndex = (item: Item) => {
    const p = item.pairedItem as { item: number } | Array<{ item: number }> | undefined;
    return Array.isArray(p) ? p[0]?.item : p?.item;
  };

  const dispatch = async (label: string, duringRun?: (afterId: number) => Promise<void>) => {
    const afterId = lastExecutionId();
    const env = queueEnv({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
    const outFile = path.join(dir, `dispatcher-${label.replace(/\W+/g, "-")}.out`);
    const sampler = cpuSampler();
    const loadBefore = os.loadavg()[0];
    const running = n8nCli(["execute", "--id=vcDispatcher", "--rawOutput"], executeEnv(env), 1_800_000, outFile);
    if (duringRun) await duringRun(afterId);
    const r = await running;
    sampler.stop();
    const loadAfter = os.loadavg()[0];
    if (r.status !== 0)
      throw new Error(`dispatcher failed (${label}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
    const out = parseRawOutput(r.stdout) as { data: { resultData: { runData: RunData } } };
    const rd = out.data.resultData.runData;
    const batches = rd["Batches of devices"][0].data.main[0]!.map((i) =>
      (i.json.devices as Array<{ name: string }>).map((d) => d.name),
    );
    const first = rd["POST each batch to the collector"][0].data.main;
    // The POST node's error output: the batches whose execution failed, sent again by the retry node.
    const retriedBatches = first[1] ?? [];
    const retry = rd["Retry failed batches"]?.[0]?.data.main[0] ?? [];
    const seen = new Map<string, string>();
    const durations: number[] = [];
    const take = (item: Item) => {
      const device = item.json.device as { name?: string } | undefined;
      if (!device?.name) return false;
      seen.set(device.name, String(item.json.status));
      if (item.json.status === "ok" && typeof item.json.durationMs === "number") durations.push(item.json.durationMs);
      return true;
    };
    for (const item of first[0] ?? []) take(item);
    let failedBatches = 0;
    for (const item of retry) {
      if (take(item)) continue;
      // Failed again: the retry item pairs with the error item, which pairs with the batch.
      failedBatches++;
      const errorItem = retriedBatches[pairedIndex(item) ?? -1];
      const idx = errorItem ? pairedIndex(errorItem) : undefined;
      for (const name of idx !== undefined ? (batches[idx] ?? []) : [])
        if (!seen.has(name)) seen.set(name, "batch_failed");
    }
    const retriedDevices = retriedBatches.reduce((n, item) => n + (batches[pairedIndex(item) ?? -1]?.length ?? 0), 0);
    const all = batches.flat();
    const counts: Record<string, number> = {};
    for (const name of all) {
      const s = seen.get(name) ?? "MISSING";
      counts[s] = (counts[s] ?? 0) + 1;
    }
    const w = window(afterId);
    const cpuMs = sampler.spentBetween(w.fromMs, w.toMs);
    const meanDeviceMs = durations.reduce((a, b) => a + b, 0) / Math.max(durations.length, 1);
    return {
      label,
      devices: all.length,
      counts,
      retriedBatches: retriedBatches.length,
      retriedDevices,
      failedBatches,
      ...w,
      perSecond: all.length / w.seconds,
      meanDeviceMs,
      cpuMsPerDevice: cpuMs / all.length,
      load: [loadBefore, loadAfter],
    };
  };

  const cores = os.cpus().length;
  const results: Array<Awaited<ReturnType<typeof dispatch>> & { workers: number }> = [];
  for (const n of WORKER_STEPS) {
    while (workers.length < n) await addWorker();
    await waitFor(`${n} worker(s) ready`, () => workers.every(workerReady), 300_000);
    say(`${n} worker(s) ready (pids ${workers.map((w) => w.pid).join(", ")}); dispatching ${DEVICES} devices`);
    const r = await dispatch(`${n} worker(s)`);
    results.push({ ...r, workers: n });
    say(
      `${n} worker(s): ${r.perSecond.toFixed(1)} devices/s (${r.devices} devices in ${r.seconds.toFixed(1)} s, ` +
        `${r.executions} executions, device session ${r.meanDeviceMs.toFixed(0)} ms, ` +
        `CPU ${r.cpuMsPerDevice.toFixed(1)} ms/device, load ${r.load.map((l) => l.toFixed(1)).join("→")}) ${JSON.stringify(r.counts)}`,
    );
  }

  let killResult: (Awaited<ReturnType<typeof dispatch>> & { killed: string }) | undefined;
  if (KILL && workers.length >= 2) {
    const victim = workers[workers.length - 1];
    const total = Math.ceil(DEVICES / BATCH);
    const r = await dispatch("kill one worker", async (afterId) => {
      await waitFor(
        "a third of the batches",
        () =>
          Number(
            psql(
              `SELECT count(*) FROM execution_entity WHERE "workflowId"='vcCollector' AND id::int > ${afterId} AND "stoppedAt" IS NOT NULL`,
            ),
          ) >=
          total / 3,
        900_000,
      );
      say(`killing ${victim.name} (pid ${victim.pid}) with SIGKILL mid-run`);
      await stop(victim, "SIGKILL");
      workers.splice(workers.indexOf(victim), 1);
    });
    killResult = { ...r, killed: victim.name };
    say(
      `with ${victim.name} killed: ${JSON.stringify(r.counts)}, ${r.retriedBatches} batch(es) retried, ` +
        `${r.failedBatches} failed again, ${r.executions} executions`,
    );
  }

  // The latency bound: W × c sessions per worker, each device's session as long as with one
  // worker (the least loaded run); the CPU floor: all cores at the measured CPU per device.
  const sessionMs = results[0]?.meanDeviceMs ?? NaN;
  const cpuPerDevice = Math.max(...results.map((r) => r.cpuMsPerDevice));
  const floor = (cores * 1000) / cpuPerDevice;
  console.log(
    `\n=== n8n queue mode: ${DEVICES} devices, lab latency ${LATENCY_MS} ms, batches of ${BATCH}, ` +
      `worker concurrency ${WORKER_CONCURRENCY} × collect concurrency ${COLLECT_CONCURRENCY} ` +
      `= ${WORKER_CONCURRENCY * COLLECT_CONCURRENCY} sessions per worker ===`,
  );
  console.log(
    `one device's session ${sessionMs.toFixed(0)} ms (1 worker) → latency-bound ideal ` +
      `${((WORKER_CONCURRENCY * COLLECT_CONCURRENCY * 1000) / sessionMs).toFixed(1)} devices/s per worker; ` +
      `CPU ${cpuPerDevice.toFixed(1)} ms per device → CPU floor ${floor.toFixed(0)} devices/s on ${cores} cores`,
  );
  const most = Math.max(...results.map((r) => r.workers));
  const mostIdeal = (most * WORKER_CONCURRENCY * COLLECT_CONCURRENCY * 1000) / sessionMs;
  console.log(
    `${most} workers at the ideal would ask for ${((100 * mostIdeal) / floor).toFixed(0)} % of the CPU floor ` +
      `(load average is other work on the machine too)`,
  );
  console.log("workers  devices/s  ideal   of ideal  CPU demand  session  load avg     results");
  for (const r of results) {
    const ideal = (r.workers * WORKER_CONCURRENCY * COLLECT_CONCURRENCY * 1000) / sessionMs;
    console.log(
      `${String(r.workers).padStart(7)}  ${r.perSecond.toFixed(1).padStart(9)}  ${ideal.toFixed(1).padStart(5)}  ` +
        `${((100 * r.perSecond) / ideal).toFixed(0).padStart(7)} %  ${((100 * r.perSecond) / floor).toFixed(0).padStart(8)} %  ` +
        `${r.meanDeviceMs.toFixed(0).padStart(5)} ms  ${r.load
          .map((l) => l.toFixed(1))
          .join("→")
          .padEnd(11)}  ${JSON.stringify(r.counts)}`,
    );
  }
  if (killResult) {
    const missing = killResult.counts.MISSING ?? 0;
    console.log(
      `worker killed mid-run: ${killResult.devices} devices, ${missing} without a result; ${JSON.stringify(killResult.counts)}; ` +
        `${killResult.retriedBatches} batch(es) (${killResult.retriedDevices} devices) failed with the worker and were sent again, ` +
        `${killResult.failedBatches} failed again (reported as batch_failed); ` +
        `${killResult.executions - killResult.succeeded} collector execution(s) marked failed by n8n ` +
        `(a batch whose Respond to Webhook had already answered needs no retry)`,
    );
    console.log(missing === 0 ? "no device result lost" : "DEVICE RESULTS LOST");
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
