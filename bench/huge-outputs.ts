/**
 * bench/huge-outputs: memory and throughput of a collection whose devices print huge outputs.
 *
 *   npm run bench -- huge-outputs [--devices N] [--mb M] [--concurrency C] [--time-limit S] [--chunk-bytes B]
 *
 * The lab runs in its own process (N devices, 1000 by default, with the huge_output fault, M MB
 * per output, 5 by default, sent in B-byte writes, 32 KiB by default); the collector collects
 * "show interfaces" from every device at concurrency C (20, the default) with captures, history
 * and capture versions on, as `vcollector collect` does. Outputs stream from the shell into their
 * capture files and results keep an excerpt, so the peak RSS depends on C, not on N or M.
 * Printed: devices done, MB written, wall time, MB/s, the collector's peak RSS (target ≤ 400 MB
 * for 1000 devices × 5 MB), the MB/s of ssh2 alone from the same lab (the floor) and the load
 * average. The run stops after --time-limit seconds (default 600) and reports how far it got.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "ssh2";
import { CaptureStore, CollectorDb, runCollection } from "../lib/core/collect";
import { Vault } from "../lib/core/vault";
import { startLabProcess } from "./support/lab-process";

const USERNAME = "bench";
const PASSWORD = "bench-huge-password";

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}

/**
 * The floor: MB/s of ssh2 alone from the same lab process (a raw shell channel, bytes counted,
 * nothing rendered, parsed or written), `devices` outputs at once.
 */
async function ssh2Floor(devices: Array<{ host: string; port: number }>, bytes: number): Promise<number> {
  const t0 = performance.now();
  let total = 0;
  await Promise.all(
    devices.map(
      (d) =>
        new Promise<void>((resolve, reject) => {
          const client = new Client();
          client
            .on("ready", () =>
              client.shell({ term: "vt100", cols: 511, rows: 24 }, (err, channel) => {
                if (err) return reject(err);
                let received = 0;
                let typed = false;
                channel.on("data", (chunk: Buffer) => {
                  received += chunk.length;
                  if (!typed && chunk.includes("#")) {
                    typed = true;
                    channel.write("terminal length 0\rshow interfaces\r");
                  }
                  if (received >= bytes) {
                    total += received;
                    client.end();
                    resolve();
                  }
                });
              }),
            )
            .on("error", reject)
            .connect({ host: d.host, port: d.port, username: USERNAME, password: PASSWORD });
        }),
    ),
  );
  return total / 1048576 / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = option(argv, "devices", 1000);
  const mb = option(argv, "mb", 5);
  const concurrency = option(argv, "concurrency", 20);
  const limitS = option(argv, "time-limit", 600);
  const chunkBytes = option(argv, "chunk-bytes", 32 * 1024);
  const bytes = Math.round(mb * 1024 * 1024);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-huge-"));
  const credentials = { username: USERNAME, password: PASSWORD };
  const specs = Array.from({ length: count }, (_, i) => ({
    name: `big${i}`,
    platform: "cisco_ios",
    fault: "huge_output" as const,
    hugeOutputBytes: bytes,
    chunkBytes,
    ...credentials,
  }));
  const lab = await startLabProcess({ devices: specs, ...credentials, seed: "bench-huge" }, dir);
  const floor = await ssh2Floor(lab.devices.slice(0, 4), bytes);
  const loadBefore = os.loadavg()[0];
  const vaultFile = path.join(dir, "vault.db");
  const vault = Vault.create(vaultFile, "bench-master", { iterations: 1000 });
  vault.add({ name: "lab", username: USERNAME, password: PASSWORD, isDefault: true });
  const history = CollectorDb.open(path.join(dir, "collector.db"));
  const stop = new AbortController();
  const limit = setTimeout(() => stop.abort(new Error("time limit")), limitS * 1000);
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  let done = 0;
  let ok = 0;
  let written = 0;
  const t0 = performance.now();
  try {
    const summary = await runCollection({
      devices: lab.devices,
      commands: ["show interfaces"],
      captureType: "huge",
      credentials: vault,
      concurrency,
      jitterMs: 0,
      maxOutputBytes: bytes * 2,
      history,
      store: new CaptureStore({ collections: path.join(dir, "collections") }),
      hostKeys: { policy: "accept-any" },
      signal: stop.signal,
      onDeviceResult: (r) => {
        done++;
        if (r.status === "ok") {
          ok++;
          written += fs.statSync(r.capturePaths[0]).size;
        } else if (done - ok <= 3) console.log(`  ${r.device.name}: ${r.errorClass} ${r.error ?? ""}`);
      },
    });
    const wallS = (performance.now() - t0) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    console.log(`huge outputs: ${count} lab devices × ${mb} MB, concurrency ${concurrency}`);
    console.log(
      `  devices done      ${done}/${count} (${ok} ok)${stop.signal.aborted ? `, stopped at the ${limitS} s limit` : ""}`,
    );
    console.log(`  status            ${summary.status}`);
    console.log(
      `  written           ${(written / 1048576).toFixed(0)} MB of captures in ${wallS.toFixed(1)} s (${(written / 1048576 / wallS).toFixed(1)} MB/s)`,
    );
    console.log(`  peak RSS          ${(peakRss / 1048576).toFixed(0)} MB  (target ≤ 400 MB)`);
    console.log(
      `  ssh2 alone        ${floor.toFixed(1)} MB/s (4 raw shell channels from the same lab, nothing parsed)`,
    );
    console.log(
      `  load average      ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (${os.cpus().length} cores)`,
    );
  } finally {
    clearTimeout(limit);
    clearInterval(sampler);
    history.close();
    vault.close();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
