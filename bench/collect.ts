/**
 * bench/collect: the collection runner against the device lab, and against a netmiko collector.
 *
 *   npm run bench -- collect [--devices N] [--concurrency C] [--latency-ms L] [--runs R] [--netmiko-devices M] [--no-netmiko] [--no-versions]
 *
 * The lab (1000 devices by default, 3 commands each, 50 ms latency per command) runs in its own
 * process so that the SSH servers do not share the collector's event loop. Captures are saved and
 * recorded as versions (change detection) as a run does by default; --no-versions leaves the
 * versions out, to show what they cost. Figures printed:
 * Host keys are pinned before the measured runs (the steady state after a first run).
 * - wall time of the run at concurrency 100 and the ideal latency-bound time
 *   ceil(N / C) × commands × latency (what a collector that spent no time on anything but the
 *   devices' answers would need), and their ratio (target ≤ 1.3);
 * - the one-device time T1 (login, prompt, paging off, the commands, logout) and the pool's
 *   scaling ratio wall ÷ (ceil(N / C) × T1), which separates session cost from pool overhead;
 * - peak RSS of the collector process (target ≤ 400 MB) and devices per second;
 * - with Debian's python3-netmiko: a netmiko collector with 12 threads (VelocityCollector's
 *   default) on the first M devices of the same lab (100 by default: the full 1000 would take
 *   several minutes), its time extrapolated linearly to N devices (12 threads do N/12 rounds),
 *   and the speed-up (target ≥ 20×).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CaptureStore, CollectorDb, fetchHostKey, runCollection, runPool, type RunSummary } from "../lib/core/collect";
import { KnownHostsStore } from "../lib/core/ssh";
import type { Device } from "../lib/core/types";
import { Vault } from "../lib/core/vault";
import { startLabProcess as startLabChild, type LabProcess } from "./support/lab-process";

const ROOT = path.resolve(__dirname, "..");
const PYTHON = "/usr/bin/python3";
const PLATFORMS = ["cisco_ios", "arista_eos"];
const COMMANDS = ["show version", "show ip interface brief", "show clock"];
const USERNAME = "bench";
const PASSWORD = "bench-lab-password";

interface Options {
  devices: number;
  concurrency: number;
  latencyMs: number;
  jitterMs: number;
  runs: number;
  netmikoDevices: number;
  netmiko: boolean;
  versions: boolean;
  labCpuProf?: string;
}

function options(argv: string[]): Options {
  const o: Options = {
    devices: 1000,
    concurrency: 100,
    latencyMs: 50,
    jitterMs: 0,
    runs: 3,
    netmikoDevices: 100,
    netmiko: true,
    versions: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => Number(argv[++i]);
    if (a === "--devices") o.devices = next();
    else if (a === "--concurrency") o.concurrency = next();
    else if (a === "--latency-ms") o.latencyMs = next();
    else if (a === "--jitter-ms") o.jitterMs = next();
    else if (a === "--runs") o.runs = Math.max(1, next());
    else if (a === "--netmiko-devices") o.netmikoDevices = next();
    else if (a === "--no-netmiko") o.netmiko = false;
    else if (a === "--no-versions") o.versions = false;
    else if (a === "--lab-cpu-prof") o.labCpuProf = argv[++i];
  }
  return o;
}

/** Starts the lab in a child process and waits for its device list. */
function startLabProcess(o: Options, dir: string): Promise<LabProcess> {
  return startLabChild(
    {
      count: o.devices,
      platforms: PLATFORMS,
      latencyMs: o.latencyMs,
      username: USERNAME,
      password: PASSWORD,
      seed: "bench-collect",
    },
    dir,
    o.labCpuProf ? ["--cpu-prof", "--cpu-prof-dir", o.labCpuProf] : [],
  );
}

function asDevices(lab: LabProcess): Device[] {
  return lab.devices.map((d) => ({ name: d.name, host: d.host, port: d.port, platform: d.platform }));
}

/**
 * The steady state: every host key already pinned (a first run pins them on first use). Fetched
 * without logging in, and written as one known_hosts file.
 */
async function pinAll(devices: Device[], file: string): Promise<void> {
  const lines: string[] = [];
  await runPool(devices, 50, async (d) => {
    const key = await fetchHostKey(d.host, d.port, 30_000);
    lines.push(`[${d.host}]:${d.port} ${key.toString("latin1", 4, 4 + key.readUInt32BE(0))} ${key.toString("base64")}`);
  });
  fs.writeFileSync(file, lines.join("\n") + "\n", { mode: 0o600 });
  const check = new KnownHostsStore(file);
  if (devices.some((d) => check.get(d.host, d.port).length !== 1))
    throw new Error("pinning the lab's host keys failed");
}

async function collectRun(
  devices: Device[],
  vault: Vault,
  dir: string,
  concurrency: number,
  knownHosts: string,
  jitterMs = 0,
  versions = true,
): Promise<{ summary: RunSummary; wallMs: number; peakRss: number }> {
  const history = CollectorDb.open(path.join(dir, "collector.db"));
  // memoryUsage.rss() reads only the RSS (memoryUsage() also walks the V8 heap spaces).
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const t0 = performance.now();
  try {
    const summary = await runCollection({
      devices,
      commands: COMMANDS,
      captureType: "bench",
      credentials: vault,
      concurrency,
      jitterMs,
      history,
      store: new CaptureStore({ collections: path.join(dir, "collections") }),
      hostKeys: { policy: "tofu", store: new KnownHostsStore(knownHosts) },
      versions,
    });
    return { summary, wallMs: performance.now() - t0, peakRss: Math.max(peakRss, process.memoryUsage.rss()) };
  } finally {
    clearInterval(sampler);
    history.close();
  }
}

function netmikoAvailable(): boolean {
  return fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import netmiko"], { stdio: "ignore" }).status === 0;
}

function runNetmiko(devices: LabProcess["devices"]): {
  wall_s: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  device_s: number[];
} {
  const job = {
    devices: devices.map((d) => ({
      name: d.name,
      host: d.host,
      port: d.port,
      device_type: d.platform,
      username: USERNAME,
      password: PASSWORD,
    })),
    commands: COMMANDS,
    threads: 12,
  };
  const r = spawnSync(PYTHON, [path.join(ROOT, "bench", "netmiko_collect.py")], {
    input: JSON.stringify(job),
    encoding: "utf8",
    timeout: 30 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`netmiko collector failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** CPU time (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-collect-"));
  const lab = await startLabProcess(o, dir);
  const vault = Vault.create(path.join(dir, "vault.db"), "bench-master-password", { iterations: 1_000 });
  try {
    vault.add({ name: "bench", username: USERNAME, password: PASSWORD, isDefault: true });
    const devices = asDevices(lab);
    console.log(
      `lab: ${devices.length} devices (${PLATFORMS.join(", ")}), ${o.latencyMs} ms latency per command, started in ${s(lab.startMs)} (separate process)`,
    );
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );

    const knownHosts = path.join(dir, "known_hosts");
    await pinAll(devices, knownHosts);
    // T1: one device alone (median of 5 devices, after a warm-up login).
    await collectRun(devices.slice(0, 1), vault, path.join(dir, "warm"), 1, knownHosts, 0, o.versions);
    const singles: number[] = [];
    for (let i = 1; i <= 5; i++)
      singles.push(
        (await collectRun([devices[i]], vault, path.join(dir, `t1-${i}`), 1, knownHosts, 0, o.versions)).wallMs,
      );
    const t1 = median(singles);

    const waves = Math.ceil(devices.length / o.concurrency);
    // The start jitter delays each device by up to jitterMs: the latency-bound ideal includes it.
    const ideal = waves * COMMANDS.length * o.latencyMs + o.jitterMs;
    const runs: Array<{
      wallMs: number;
      peakRss: number;
      collectorCpuMs: number;
      labCpuMs?: number;
      load: number;
      summary: RunSummary;
    }> = [];
    for (let r = 0; r < o.runs; r++) {
      global.gc?.();
      const load = os.loadavg()[0];
      const cpu0 = process.cpuUsage();
      const labCpu0 = processCpuMs(lab.child.pid);
      const run = await collectRun(
        devices,
        vault,
        path.join(dir, `main-${r}`),
        o.concurrency,
        knownHosts,
        o.jitterMs,
        o.versions,
      );
      const cpu = process.cpuUsage(cpu0);
      const labCpuMs = labCpu0 === undefined ? undefined : processCpuMs(lab.child.pid)! - labCpu0;
      runs.push({ ...run, collectorCpuMs: (cpu.user + cpu.system) / 1000, labCpuMs, load });
      console.log(
        `  run ${r + 1}/${o.runs}: wall ${s(run.wallMs)}, collector CPU ${(runs[r].collectorCpuMs / devices.length).toFixed(2)} ms/device${labCpuMs === undefined ? "" : `, lab CPU ${(labCpuMs / devices.length).toFixed(2)} ms/device`}, ${run.summary.ok} ok, load ${load.toFixed(1)}`,
      );
    }
    const wallMs = median(runs.map((r) => r.wallMs));
    const collectorCpuMs = median(runs.map((r) => r.collectorCpuMs));
    const labCpuMs = runs.every((r) => r.labCpuMs !== undefined) ? median(runs.map((r) => r.labCpuMs!)) : undefined;
    const peakRss = Math.max(...runs.map((r) => r.peakRss));
    const notOk = runs.map((r) => r.summary.failed + r.summary.partial);
    const scaling = waves * t1;
    console.log(
      `\nvc-collect: ${devices.length} devices × ${COMMANDS.length} commands, concurrency ${o.concurrency}, start jitter ${o.jitterMs} ms, capture versions ${o.versions ? "on" : "off"} (medians of ${runs.length} runs)`,
    );
    console.log(
      `  result            ${runs.map((r) => `${r.summary.ok} ok`).join(", ")}; not ok ${notOk.join(", ")} ${JSON.stringify(runs[runs.length - 1].summary.errorCounts)}`,
    );
    console.log(`  wall              ${s(wallMs)}  (runs: ${runs.map((r) => s(r.wallMs)).join(", ")})`);
    console.log(
      `  ideal             ${s(ideal)}  (ceil(${devices.length}/${o.concurrency}) × ${COMMANDS.length} commands × ${o.latencyMs} ms + ${o.jitterMs} ms jitter)`,
    );
    console.log(`  wall / ideal      ${(wallMs / ideal).toFixed(2)}  (target ≤ 1.3)`);
    console.log(
      `  one device (T1)   ${s(t1)}  (login, prompt, paging off, ${COMMANDS.length} commands, logout; median of 5)`,
    );
    console.log(
      `  wall / (waves×T1) ${(wallMs / scaling).toFixed(2)}  (pool scaling: 1.0 = perfectly parallel sessions)`,
    );
    console.log(`  peak RSS          ${(peakRss / 1048576).toFixed(0)} MB  (target ≤ 400 MB)`);
    console.log(
      `  CPU per device    collector ${(collectorCpuMs / devices.length).toFixed(2)} ms${labCpuMs === undefined ? "" : `, lab ${(labCpuMs / devices.length).toFixed(2)} ms`} (SSH handshake and session work)`,
    );
    if (labCpuMs !== undefined) {
      const floor = Math.max(collectorCpuMs, (collectorCpuMs + labCpuMs) / os.cpus().length);
      console.log(
        `  CPU floor         ${s(floor)}  (collector + lab CPU spread over ${os.cpus().length} cores; the collector is one thread: no schedule on this machine can be faster)`,
      );
      console.log(`  wall / CPU floor  ${(wallMs / floor).toFixed(2)}`);
      console.log(
        `  CPU floor / ideal ${(floor / ideal).toFixed(2)}  (the best wall / ideal this machine allows at this CPU cost; above 1.3 the target needs more cores or less CPU per session)`,
      );
    }
    console.log(`  devices/s         ${(devices.length / (wallMs / 1000)).toFixed(1)}`);
    console.log(
      `  load average      ${runs.map((r) => r.load.toFixed(1)).join(", ")} at the start of each run; now ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );

    if (!o.netmiko) return;
    if (!netmikoAvailable()) {
      console.log("\nnetmiko: not installed (Debian python3-netmiko); comparison skipped");
      return;
    }
    const subset = lab.devices.slice(0, Math.min(o.netmikoDevices, lab.devices.length));
    const nm = runNetmiko(subset);
    const nmPerDevice = median(nm.device_s) * 1000;
    const extrapolated = (nm.wall_s * 1000 * devices.length) / subset.length;
    console.log(
      `\nnetmiko 2.4.2 collector, 12 threads (VelocityCollector's default), ${subset.length} of the same devices`,
    );
    console.log(`  result            ${nm.ok} ok, ${nm.failed} failed ${JSON.stringify(nm.errors)}`);
    console.log(`  wall              ${s(nm.wall_s * 1000)}  (median per device ${s(nmPerDevice)})`);
    console.log(
      `  extrapolated      ${s(extrapolated)} for ${devices.length} devices (linear: 12 threads do ${devices.length}/12 rounds)`,
    );
    console.log(
      `  speed-up          ${(extrapolated / wallMs).toFixed(1)}×  vc-collect at concurrency ${o.concurrency} vs netmiko at 12 threads (target ≥ 20×)`,
    );
    console.log(
      `  same-threads      ${((nm.wall_s * 1000) / (await collectRun(devices.slice(0, subset.length), vault, path.join(dir, "nm-same"), 12, knownHosts)).wallMs).toFixed(1)}×  vc-collect at concurrency 12 on the same ${subset.length} devices`,
    );
  } finally {
    vault.close();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
