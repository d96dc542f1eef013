/**
 * Export benchmark: 100,000 parsed records (ARP-table-like, 7 fields, one list field, a few cells
 * needing quoting or formula guarding) from 100 devices, exported combined as CSV (in memory and
 * to a file), JSON and NDJSON. Target: CSV <= 1 s.
 *   npm run bench -- export
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { normaliseExportInput, renderExport, writeExport, type ExportFormat, type ExportSet } from "../lib/core/export";

const RECORDS = 100_000;
const DEVICES = 100;
const CSV_TARGET_MS = 1000;
const RUNS = 5;

function records(device: number, count: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      protocol: "Internet",
      address: `10.${device}.${(i >> 8) & 255}.${i & 255}`,
      age: i % 50 === 0 ? "-" : String(i % 240),
      mac: `aabb.cc${(device % 256).toString(16).padStart(2, "0")}.${(i % 65536).toString(16).padStart(4, "0")}`,
      type: "ARPA",
      interface: i % 97 === 0 ? "Vlan10, Vlan20" : `GigabitEthernet1/0/${i % 48}`,
      vlans: [String(i % 4094), String((i + 1) % 4094)],
    });
  }
  return out;
}

function fleet(): ExportSet[] {
  const input = [];
  for (let d = 0; d < DEVICES; d++)
    input.push({
      device: `dev-${d}`,
      command: "show ip arp",
      platform: "cisco_ios",
      template: "cisco_ios_show_ip_arp.textfsm",
      records: records(d, RECORDS / DEVICES),
    });
  const { sets, problems } = normaliseExportInput(input);
  if (problems.length > 0) throw new Error(`fixture: ${problems[0].where}: ${problems[0].message}`);
  return sets;
}

async function median(
  fn: () => Promise<number | void> | number | void,
): Promise<{ median: number; min: number; max: number; last: number | void }> {
  const times: number[] = [];
  let last = await fn();
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1], last };
}

function line(label: string, t: { median: number; min: number; max: number }, bytes: number, target?: number): boolean {
  const ok = target === undefined || t.median <= target;
  const verdict = target === undefined ? "" : `  target <= ${target} ms: ${ok ? "PASS" : "FAIL"}`;
  console.log(
    `${label.padEnd(28)} median ${t.median.toFixed(0).padStart(5)} ms  (min ${t.min.toFixed(0)}, max ${t.max.toFixed(0)})  ${(bytes / 1024 / 1024).toFixed(1)} MiB  ${((RECORDS / t.median) * 1000).toFixed(0)} records/s${verdict}`,
  );
  return ok;
}

async function main(): Promise<void> {
  const sets = fleet();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-bench-export-"));
  console.log(
    `${RECORDS} records from ${DEVICES} devices, combined export; warm-up run not counted, ${RUNS} timed runs each`,
  );
  let ok = true;
  try {
    const inMemory = async (format: ExportFormat) => {
      const [out] = renderExport(sets, { format });
      return typeof out.content === "string"
        ? Buffer.byteLength(out.content)
        : Buffer.byteLength(JSON.stringify(out.content));
    };
    const toFile = async (format: ExportFormat) =>
      (await writeExport(sets, { format, dir, pathPattern: `bench.${format}` })).files[0].bytes;

    const csvMem = await median(() => inMemory("csv"));
    ok = line("CSV, in memory", csvMem, csvMem.last as number, CSV_TARGET_MS) && ok;
    const csvFile = await median(() => toFile("csv"));
    ok = line("CSV, to a file (atomic)", csvFile, csvFile.last as number, CSV_TARGET_MS) && ok;
    const jsonFile = await median(() => toFile("json"));
    line("JSON, to a file", jsonFile, jsonFile.last as number);
    const ndjsonFile = await median(() => toFile("ndjson"));
    line("NDJSON, to a file", ndjsonFile, ndjsonFile.last as number);
    console.log(`peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!ok) process.exitCode = 1;
}

void main();
