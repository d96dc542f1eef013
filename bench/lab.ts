/**
 * bench/lab: how fast the device lab starts and stops at scale and what it costs.
 *   npm run bench -- lab [--devices=1000] [--sessions=200] [--concurrency=50] [--latency-ms=50]
 * Prints: start time and RSS for N devices, then a sample of sessions (login, paging off,
 * 3 commands, exit) against them at the given latency, then stop time and leftover handles.
 */
import { startLab } from "../lib/lab";
import { login } from "../test/support/lab-shell";

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const devices = arg("devices", 1000);
  const sessions = Math.min(arg("sessions", 200), devices);
  const concurrency = arg("concurrency", 50);
  const latencyMs = arg("latency-ms", 50);
  const handlesBefore = process.getActiveResourcesInfo().length;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  let t = performance.now();
  const lab = await startLab({
    count: devices,
    platforms: ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos"],
    latencyMs,
    baseAddress: "127.1.0.2",
  });
  const startMs = performance.now() - t;
  global.gc?.();
  const rssStarted = process.memoryUsage().rss;
  console.log(
    `devices started:         ${devices} in ${startMs.toFixed(0)} ms (${(startMs / devices).toFixed(2)} ms/device)`,
  );
  console.log(
    `RSS:                     ${mb(rssBefore)} before, ${mb(rssStarted)} with the lab (${((rssStarted - rssBefore) / devices / 1024).toFixed(1)} KB/device)`,
  );

  const commands: Record<string, { off: string; run: string[] }> = {
    cisco_ios: { off: "terminal length 0", run: ["show version", "show ip interface brief", "show ip arp"] },
    arista_eos: { off: "terminal length 0", run: ["show version", "show ip interface brief", "show ip arp"] },
    cisco_nxos: { off: "terminal length 0", run: ["show version", "show ip interface brief", "show ip arp"] },
    juniper_junos: { off: "set cli screen-length 0", run: ["show version", "show interfaces", "show arp no-resolve"] },
  };
  const queue = lab.devices.slice(0, sessions);
  let bytes = 0;
  let failures = 0;
  let peakRss = rssStarted;
  t = performance.now();
  // A bounded worker pool: each worker takes devices from the queue until it is empty.
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        try {
          const s = await login(d);
          await s.run(commands[d.platform].off);
          for (const c of commands[d.platform].run) {
            const out = await s.run(c);
            bytes += out.length;
          }
          s.shell.close();
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        } catch (err) {
          failures++;
          console.log(`  ${d.name}: ${(err as Error).message.slice(0, 200)}`);
        }
      }
    }),
  );
  const sessionMs = performance.now() - t;
  const ideal = Math.ceil(sessions / concurrency) * 4 * latencyMs;
  console.log(
    `sessions:                ${sessions} x (paging off + 3 commands) at concurrency ${concurrency}, ${latencyMs} ms latency: ${sessionMs.toFixed(0)} ms, ${failures} failed, ${(bytes / 1024).toFixed(0)} KB received`,
  );
  console.log(
    `                         ${(sessions / (sessionMs / 1000)).toFixed(1)} sessions/s; latency-bound ideal ${ideal} ms (wall / ideal = ${(sessionMs / ideal).toFixed(2)}); peak RSS ${mb(peakRss)} (client and lab in one process)`,
  );

  t = performance.now();
  await lab.stop();
  const stopMs = performance.now() - t;
  await new Promise((r) => setTimeout(r, 300));
  const leftover = process.getActiveResourcesInfo().length - handlesBefore;
  console.log(`stopped in:              ${stopMs.toFixed(0)} ms; handles left after 300 ms: ${leftover}`);
  if (failures > 0 || leftover > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
