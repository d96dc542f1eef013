import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../lib/core/errors";
import { LAB_FAULTS, labPlatforms, startLab, type LabFault } from "../../lib/lab";
import { parseCommandArgs, printJson, writeLine, type CliCommand, type CliContext } from "../command";

const USAGE = `Usage: vcollector lab [options]

Runs simulated network devices over SSH on loopback (each on its own 127.0.0.x address) until
Ctrl-C or SIGTERM, then stops them all. Prints every device's address and the credentials.

Options:
  --devices <n>           number of devices (default 20)
  --platforms <list>      platforms, comma-separated, assigned round-robin
                          (default: all: ${labPlatforms().join(", ")})
  --latency-ms <ms>       delay before each command's output (default 0)
  --jitter-ms <ms>        random extra delay, 0..ms (default 0)
  --faults <list>         faults for the LAST devices, one each, comma-separated:
                          ${LAB_FAULTS.join(", ")}
  --username <u>          accepted username (default admin)
  --password <p>          accepted password (default admin)
  --enable-secret <s>     devices with enable start unprivileged and need this secret
  --responses <dir>       extra outputs in the ntc-templates tests layout
                          (<dir>/<platform>/<command_with_underscores>/*.raw); repeatable
  --inventory-out <file>  write the inventory CSV (name,primary_ip4,platform,site,role,status,port)
  --base-address <ip>     first address (default 127.0.0.2)
  --port <n>              listen on this port at every address (default: chosen by the OS)
  --one-address           all devices on the base address, ports --port, --port+1, ...
  --seed <text>           same seed, same host keys (fingerprints survive a restart)
  --json                  print the devices as JSON instead of a table

Examples:
  vcollector lab --devices 20 --inventory-out lab.csv
  vcollector lab --devices 4 --platforms cisco_ios,arista_eos --latency-ms 50 --faults slow`;

const OPTIONS = {
  devices: { type: "string" },
  platforms: { type: "string", multiple: true },
  "latency-ms": { type: "string" },
  "jitter-ms": { type: "string" },
  faults: { type: "string", multiple: true },
  username: { type: "string" },
  password: { type: "string" },
  "enable-secret": { type: "string" },
  responses: { type: "string", multiple: true },
  "inventory-out": { type: "string" },
  "base-address": { type: "string" },
  port: { type: "string" },
  "one-address": { type: "boolean" },
  seed: { type: "string" },
  json: { type: "boolean" },
} as const;

function nonNegativeInt(value: string | undefined, option: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max)
    throw new UsageError(`--${option} must be a whole number from 0 to ${max} (got '${value}')`);
  return Number(value);
}

const splitList = (values: string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");

async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, false);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const count = nonNegativeInt(values.devices, "devices") ?? 20;
  if (count < 1) throw new UsageError("--devices must be at least 1");
  const platforms = splitList(values.platforms);
  for (const p of platforms)
    if (!labPlatforms().includes(p))
      throw new UsageError(`unknown platform '${p}' (known: ${labPlatforms().join(", ")})`);
  const faults = splitList(values.faults);
  for (const f of faults)
    if (!LAB_FAULTS.includes(f as LabFault))
      throw new UsageError(`unknown fault '${f}' (known: ${LAB_FAULTS.join(", ")})`);
  if (faults.length > count) throw new UsageError(`${faults.length} faults need at least ${faults.length} devices`);
  const responsesDirs = (values.responses ?? []).map((d) => path.resolve(d));
  for (const d of responsesDirs)
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) throw new UsageError(`--responses: not a directory: ${d}`);

  const started = Date.now();
  const lab = await startLab({
    count,
    platforms: platforms.length ? platforms : undefined,
    latencyMs: nonNegativeInt(values["latency-ms"], "latency-ms"),
    jitterMs: nonNegativeInt(values["jitter-ms"], "jitter-ms"),
    faults: faults as LabFault[],
    username: values.username,
    password: values.password,
    enableSecret: values["enable-secret"],
    responsesDirs,
    baseAddress: values["base-address"],
    port: nonNegativeInt(values.port, "port", 65535),
    oneAddress: values["one-address"],
    seed: values.seed,
  });
  try {
    const elapsed = Date.now() - started;
    if (values["inventory-out"]) {
      const file = path.resolve(values["inventory-out"]);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, lab.inventoryCsv());
    }
    const first = lab.devices[0];
    if (values.json) {
      printJson(ctx.stdout, {
        devices: lab.devices,
        inventory: values["inventory-out"] ? path.resolve(values["inventory-out"]) : null,
      });
    } else {
      writeLine(ctx.stdout, `vcollector lab: ${lab.devices.length} devices started in ${elapsed} ms`);
      writeLine(
        ctx.stdout,
        `credentials: username '${first.username}', password '${first.password}'${values["enable-secret"] !== undefined ? `, enable secret '${values["enable-secret"]}'` : ""}`,
      );
      printTable(ctx, lab.devices);
      if (values["inventory-out"]) writeLine(ctx.stdout, `inventory: ${path.resolve(values["inventory-out"])}`);
    }
    // With --json, standard output carries the JSON document only; the status lines go to stderr.
    const status = values.json ? ctx.stderr : ctx.stdout;
    writeLine(status, "lab: running; press Ctrl-C (or send SIGTERM) to stop");
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    writeLine(status, "lab: stopping");
  } finally {
    await lab.stop();
  }
  writeLine(values.json ? ctx.stderr : ctx.stdout, "lab: stopped");
  return 0;
}

function printTable(
  ctx: CliContext,
  devices: { name: string; platform: string; host: string; port: number; fault?: string; hostKeyFingerprint: string }[],
): void {
  const rows = devices.map((d) => [d.name, d.platform, `${d.host}:${d.port}`, d.fault ?? "-", d.hostKeyFingerprint]);
  const header = ["name", "platform", "address", "fault", "host key"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows])
    writeLine(ctx.stdout, row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  "));
}

export const command: CliCommand = {
  name: "lab",
  summary: "run the built-in device lab (simulated SSH devices on 127.0.0.x)",
  usage: USAGE,
  run,
};
