/**
 * bench/batch: a batch of 5 jobs over 200 lab devices, against the same 5 jobs run one by one.
 *
 *   npm run bench -- batch [--devices N] [--latency-ms L] [--rounds R]
 *
 * The lab runs in its own process. Two of the jobs validate their output (auto-detect over the
 * ntc-templates of ../shared, or NET_TEXTFSM). Host keys are pinned by a warm-up job first.
 * Figures printed, per round and as medians:
 * - Σ jobs: the sum of the jobs' own durations inside the batch, and the batch's wall time;
 *   batch overhead = (batch wall − Σ jobs) ÷ Σ jobs: what the batch adds beyond its jobs
 *   (history rows, job loading, sequencing; target ≤ 5 %);
 * - the same jobs run one by one (runJob each), and batch wall ÷ their sum (includes run-to-run noise).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CollectorDb } from "../lib/core/collect";
import { resolveHome } from "../lib/core/home";
import { JobStore, homeTemplates, runBatch, runJob, type JobFile, type JobRunOptions } from "../lib/core/jobs";
import { KnownHostsStore } from "../lib/core/ssh";
import { Vault } from "../lib/core/vault";
import { startLabProcess } from "./support/lab-process";

const ROOT = path.resolve(__dirname, "..");
const PLATFORMS = ["cisco_ios", "arista_eos"];
const USERNAME = "bench";
const PASSWORD = "bench-lab-password";

const JOBS: JobFile[] = [
  {
    name: "versions",
    slug: "versions",
    capture_type: "version",
    commands: ["show version"],
    validation: { template: "auto" },
  },
  {
    name: "arp",
    slug: "arp",
    capture_type: "arp",
    commands: ["show ip arp"],
    validation: { template: "auto", filter: "arp" },
  },
  { name: "interfaces", slug: "interfaces", capture_type: "interfaces", commands: ["show ip interface brief"] },
  { name: "clock", slug: "clock", capture_type: "clock", commands: ["show clock"] },
  { name: "inventory", slug: "inventory", capture_type: "inventory", commands: ["show inventory"] },
];

function options(argv: string[]) {
  const o = { devices: 200, latencyMs: 20, rounds: 2, concurrency: 100 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--devices") o.devices = Number(argv[++i]);
    else if (argv[i] === "--latency-ms") o.latencyMs = Number(argv[++i]);
    else if (argv[i] === "--rounds") o.rounds = Number(argv[++i]);
    else if (argv[i] === "--concurrency") o.concurrency = Number(argv[++i]);
  }
  return o;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-batch-"));
  const lab = await startLabProcess(
    {
      count: o.devices,
      platforms: PLATFORMS,
      latencyMs: o.latencyMs,
      username: USERNAME,
      password: PASSWORD,
      seed: "bench-batch",
    },
    dir,
  );
  try {
    const home = resolveHome(path.join(dir, "home"));
    const store = new JobStore(home);
    for (const j of JOBS) store.saveJob({ ...j, execution: { concurrency: o.concurrency } });
    const batch = store.saveBatch("bench", {
      name: "bench",
      jobs: JOBS.map((j) => j.slug),
      stop_on_failure: false,
      delay_s: 0,
    });
    const vault = Vault.create(home.vaultDb, "bench-vault-password", { iterations: 1000 });
    vault.add({ name: "lab", username: USERNAME, password: PASSWORD });
    vault.setDefault("lab");
    const templatesDir = process.env.NET_TEXTFSM ?? path.resolve(ROOT, "..", "shared", "ntc-templates", "templates");
    const history = CollectorDb.open(home.collectorDb);
    const base: JobRunOptions = {
      devices: lab.devices,
      credentials: vault,
      collections: home.collections,
      templates: homeTemplates(home, { NET_TEXTFSM: templatesDir }),
      history,
      hostKeys: { policy: "tofu", store: new KnownHostsStore(home.knownHosts) },
      jitterMs: 0,
    };
    console.log(
      `lab: ${lab.devices.length} devices (${PLATFORMS.join(", ")}), ${o.latencyMs} ms per command (separate process); 5 jobs, concurrency ${o.concurrency}, 2 of them validating`,
    );
    const warm = await runJob(store.getJob("versions"), base);
    console.log(
      `warm-up (pins host keys, compiles templates): ${warm.summary!.ok}/${warm.summary!.total} ok in ${s(warm.summary!.durationMs)}`,
    );
    const overheads: number[] = [];
    const ratios: number[] = [];
    const oneByOne = async () => {
      let standalone = 0;
      for (const j of JOBS) {
        const t0 = performance.now();
        const run = await runJob(store.getJob(j.slug), base);
        standalone += performance.now() - t0;
        if (!run.ok) console.log(`  note: ${j.slug} ${run.summary?.status ?? run.error}`);
      }
      return standalone;
    };
    for (let r = 0; r < o.rounds; r++) {
      // Alternate which goes first, so a slower machine phase does not always hit the same side.
      let standalone = r % 2 === 0 ? await oneByOne() : 0;
      const t0 = performance.now();
      const b = await runBatch(batch, { ...base, job: (slug) => store.getJob(slug) });
      const wall = performance.now() - t0;
      if (r % 2 === 1) standalone = await oneByOne();
      const inside = b.jobs.reduce((sum, j) => sum + (j.summary?.durationMs ?? 0), 0);
      const overhead = (wall - inside) / inside;
      overheads.push(overhead);
      ratios.push(wall / standalone);
      console.log(
        `round ${r + 1}: batch ${b.status}, wall ${s(wall)}, Σ jobs inside ${s(inside)} → overhead ${(overhead * 100).toFixed(2)} %; jobs one by one ${s(standalone)} → batch/one-by-one ${(wall / standalone).toFixed(3)}`,
      );
    }
    const m = median(overheads);
    console.log(
      `batch overhead beyond the sum of its jobs (median of ${o.rounds}): ${(m * 100).toFixed(2)} % (target ≤ 5 %) ${m <= 0.05 ? "OK" : "ABOVE TARGET"}`,
    );
    console.log(`batch wall ÷ the same jobs run one by one (median): ${median(ratios).toFixed(3)}`);
    history.close();
    vault.close();
  } finally {
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
