/**
 * Capture-version storage benchmark: 1000 devices x 10 collection runs of an ~6 KB IOS
 * configuration whose clock stamp and NTP drift lines change on every run (as a real device's do),
 * then 10 more runs where 1% of the devices change a description each run. Prints the bytes of the
 * version store after each phase against the bytes of one run's captures (target: 10 unchanged
 * runs cost about one run), and the time per run. The store is removed at the end.
 *   npm run bench -- changes
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_CHANGE_SETTINGS, rulesFromSettings, VersionStore } from "../lib/core/changes";

const DEVICES = 1000;
const RUNS = 10;

function config(device: number, run: number, description: string): string {
  const lines = [
    "Building configuration...",
    "",
    `Current configuration : ${8000 + device} bytes`,
    "!",
    `! Last configuration change at 10:${String(run).padStart(2, "0")}:00 UTC Mon Dec 7 2026 by admin`,
    "! NVRAM config last updated at 09:00:00 UTC Mon Dec 7 2026 by admin",
    "!",
    "version 17.9",
    `hostname rtr-${device}`,
    "!",
  ];
  for (let i = 0; i < 48; i++) {
    lines.push(`interface GigabitEthernet1/0/${i}`);
    lines.push(i === 0 ? ` description ${description}` : ` description access port ${device}-${i}`);
    lines.push(` switchport access vlan ${10 + (i % 8)}`, " spanning-tree portfast", "!");
  }
  lines.push(`ntp clock-period ${17179000 + ((device * 31 + run * 17) % 2000)}`, "end", "");
  return lines.join("\n");
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-changes-"));
  const settings = DEFAULT_CHANGE_SETTINGS;
  const store = VersionStore.open(dir, { settings, rulesFor: rulesFromSettings(settings), importExisting: false });
  const descriptions = Array.from({ length: DEVICES }, (_, d) => `uplink ${d}`);
  let oneRunBytes = 0;
  try {
    const runOnce = (run: number, changeEvery: number) => {
      const t0 = performance.now();
      let changed = 0;
      for (let d = 0; d < DEVICES; d++) {
        if (changeEvery > 0 && (d + run) % changeEvery === 0) descriptions[d] = `uplink ${d} change ${run}`;
        const text = config(d, run, descriptions[d]);
        if (run === 1) oneRunBytes += Buffer.byteLength(text);
        const r = store.record({
          captureType: "configs",
          deviceName: `rtr-${d}`,
          platform: "cisco_ios",
          content: text,
        });
        if (r.status === "changed") changed++;
      }
      return { ms: performance.now() - t0, changed };
    };
    const times: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const r = runOnce(run, 0);
      times.push(r.ms);
      if (run > 1 && r.changed) throw new Error(`run ${run}: ${r.changed} devices reported changed (expected none)`);
    }
    const unchangedBytes = store.storageBytes();
    console.log(`one run of captures: ${DEVICES} devices, ${oneRunBytes} bytes`);
    console.log(
      `version store after ${RUNS} unchanged runs: ${unchangedBytes} bytes = ${(unchangedBytes / oneRunBytes).toFixed(2)} x one run's captures (target about 1; ${RUNS} x without versions: ${RUNS * oneRunBytes} bytes of history copies)`,
    );
    console.log(
      `time per run: first ${times[0].toFixed(0)} ms (every version new), then median ${median(times.slice(1)).toFixed(0)} ms (${(median(times.slice(1)) / DEVICES).toFixed(2)} ms per device)`,
    );
    let changedTotal = 0;
    for (let run = RUNS + 1; run <= RUNS * 2; run++) changedTotal += runOnce(run, 100).changed;
    const afterChanges = store.storageBytes();
    console.log(
      `after ${RUNS} more runs with 1% of devices changed per run (${changedTotal} new versions): ${afterChanges} bytes (+${afterChanges - unchangedBytes})`,
    );
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

main();
