import * as path from "node:path";
import { DEFAULT_TIMEOUTS, loginTimeoutsText } from "../../lib/core/defaults";
import { hasSession, platformOptionsForHome } from "../../lib/core/platforms";
import { UsageError } from "../../lib/core/errors";
import type { Device, DeviceResult } from "../../lib/core/types";
import type { RunSummary } from "../../lib/core/collect";
import {
  DEFAULT_HOST_KEY_POLICY,
  hostKeyPolicyProblem,
  isHostKeyPolicy,
  type HostKeyPolicy,
} from "../../lib/core/ssh/host-key-policy";
import { parseCommandArgs, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { COLLECTION_RUN_OPTIONS, invalidInputIsUsage } from "../run-options";
import { terminalSafe } from "../terminal-safe";
import { parseByteSize } from "./search";
import { excerptResult, JSON_OUTPUT_CHARS } from "../../lib/core/collect/excerpt";
import { safeSegment } from "../../lib/core/captures/layout";
import { DEVICE_FILTER_OPTIONS, filterFromOptions } from "../device-filter";

const USAGE = `Usage: vcollector collect --commands "<c1>;<c2>" --capture-type <type> [options]

Logs into every selected device over SSH (many at once), runs the commands in order and saves
each device's output under <out>/<capture_type>/<device>.txt. Prints one line per device as it
finishes, then a summary. The vault password comes from VCOLLECTOR_VAULT_PASS.

Devices:
  --inventory <file>        a .csv (name,primary_ip4,platform,site,role,status[,port,…]) or a
                            dcim.db (default: the data home's dcim.db)
  --site, --role, --platform, --vendor, --status, --tag <value[,value…]>  (a comma list: any of them)
  --name <regex>            device name regular expression (case-insensitive)
  --credential-status <ok|failed|untested>
  --limit <n>               at most n devices (after sorting by name)
What to run:
  --commands "<c1>;<c2>"    commands in order, separated by ';' (\\; for a literal semicolon)
  --capture-type <type>     folder under the output directory (configs, arp, version, …)
  --job <name>              name recorded in the run history (default: the capture type)
Credentials:
  --vault <file>            vault file (default: the data home's vault.db)
  --credential <name>       explicit credential, tried after the device's own
  --discover                also try the other vault credentials, on hosts whose key is pinned
  --host-keys <policy>      tofu (default), strict or accept-any
How:
  --concurrency <n>         devices at once (default 20)
  --timeout <s>             per command (default: the platform's timeouts.commandMs, else ${DEFAULT_TIMEOUTS.commandMs / 1000})
  --connect-timeout <s>     TCP connect, banner and authentication, each (default ${loginTimeoutsText()})
  --device-timeout <s>      whole device, all attempts included (default ${DEFAULT_TIMEOUTS.deviceMs / 1000})
  --delay <s>               pause between two commands on one device (default 0)
  --jitter <s>              random start delay of the first wave of devices, up to this (default 0.25)
  --retries <n>             retries after a connection failure, never after an auth failure (default 2)
Output:
  --out <dir>               collections directory (default: the data home's collections/)
  --keep-history            also keep <type>/history/<device>/<timestamp>.txt
  --no-save                 save nothing (outputs are still reported)
  --no-history              do not record the run in collector.db
  --redact                  mask secrets in device output (enable secrets, hashes, SNMP communities,
                            keys…) by the platform's rules before saving or printing; leave it off
                            for raw config backups. Vault secrets are masked in any case.
  --dry-run                 list the devices, commands and files; connect to nothing
  --json                    one JSON line per device, then the summary as JSON; each command's
                            output is cut to its first 64 KiB there ("outputTruncated": true,
                            "outputBytes"): the whole output is in the capture file
  --max-output <size>       cap on one command's output, e.g. 20M (default 32M when a command
                            shows a configuration, else 8M); past it: output_too_large
  --quiet                   only the summary

Exit code: 0 when every device succeeded, 1 otherwise, 2 for a usage error.`;

/** Device filter flags shared by collect and creds: the inventory source plus the filters. */
export const FILTER_OPTIONS = { inventory: { type: "string" }, ...DEVICE_FILTER_OPTIONS } as const;

type FilterValues = Partial<Record<keyof typeof FILTER_OPTIONS, string | boolean | undefined>>;

/** The selected devices, and the SQLite inventory to remember credential results in (when the source is one). */
export interface SelectedDevices {
  source: string;
  devices: Device[];
  inventory?: import("../../lib/core/inventory").Inventory;
  close(): void;
}

export function selectDevices(ctx: CliContext, v: FilterValues, opts: { writable: boolean }): SelectedDevices {
  const inv = require("../../lib/core/inventory") as typeof import("../../lib/core/inventory");
  const source = path.resolve(typeof v.inventory === "string" && v.inventory !== "" ? v.inventory : ctx.home.dcimDb);
  const filter = filterFromOptions(v);
  if (inv.sourceKind(source) === "sqlite") {
    const inventory = inv.Inventory.open(source, { readonly: !opts.writable });
    try {
      const devices = inv.filterDevices(inventory.listDevices(), filter);
      return { source, devices, inventory: opts.writable ? inventory : undefined, close: () => inventory.close() };
    } catch (err) {
      inventory.close();
      throw err;
    }
  }
  return { source, devices: inv.filterDevices(inv.loadDevices(source), filter), close: () => undefined };
}

export function openVaultFromEnv(ctx: CliContext, file: string | undefined): import("../../lib/core/vault").Vault {
  const { unlockFromEnv } = require("../../lib/core/vault") as typeof import("../../lib/core/vault");
  return unlockFromEnv(path.resolve(file ?? ctx.home.vaultDb), ctx.env);
}

/** A duration flag in seconds (decimals allowed), returned in milliseconds. */
export function secondsOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new UsageError(`${flag} must be a number of seconds (at least 0), got '${value}'`);
  return Math.round(n * 1000);
}

export function countOption(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

export function hostKeyPolicyOption(value: string | undefined): HostKeyPolicy {
  const policy = value ?? DEFAULT_HOST_KEY_POLICY;
  if (!isHostKeyPolicy(policy)) throw new UsageError(`--host-keys ${hostKeyPolicyProblem(policy)}`);
  return policy;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const OPTIONS = {
  ...FILTER_OPTIONS,
  ...COLLECTION_RUN_OPTIONS,
  commands: { type: "string" },
  "capture-type": { type: "string" },
  discover: { type: "boolean" },
  "host-keys": { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  "connect-timeout": { type: "string" },
  "device-timeout": { type: "string" },
  delay: { type: "string" },
  jitter: { type: "string" },
  retries: { type: "string" },
  out: { type: "string" },
  "keep-history": { type: "boolean" },
  redact: { type: "boolean" },
  "max-output": { type: "string" },
} as const;

async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, OPTIONS, false);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const collect = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
  if (v.commands === undefined)
    throw new UsageError('--commands is required (e.g. --commands "show version;show ip arp")');
  if (v["capture-type"] === undefined || v["capture-type"].trim() === "")
    throw new UsageError("--capture-type is required (e.g. --capture-type configs)");
  let commands: string[];
  try {
    commands = collect.parseCommands(v.commands, "--commands", "semicolon");
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const captureType = v["capture-type"].trim();
  const concurrency =
    countOption(v.concurrency, "--concurrency", 1, collect.MAX_CONCURRENCY) ?? collect.DEFAULT_CONCURRENCY;
  const connectMs = secondsOption(v["connect-timeout"], "--connect-timeout");
  const timeouts = {
    ...(connectMs !== undefined ? { connectMs, bannerMs: connectMs, authMs: connectMs } : {}),
    ...(v.timeout !== undefined ? { commandMs: secondsOption(v.timeout, "--timeout") } : {}),
    ...(v["device-timeout"] !== undefined ? { deviceMs: secondsOption(v["device-timeout"], "--device-timeout") } : {}),
  };
  const retries = countOption(v.retries, "--retries", 0, 10);
  const policy = hostKeyPolicyOption(v["host-keys"]);
  const out = path.resolve(v.out ?? ctx.home.collections);
  const store = v["no-save"]
    ? undefined
    : new collect.CaptureStore({ collections: out, keepHistory: v["keep-history"] });

  const selected = selectDevices(ctx, v, { writable: !v["dry-run"] });
  try {
    if (v["dry-run"])
      return dryRun(ctx, selected, {
        commands,
        captureType,
        store,
        vaultFile: v.vault,
        credential: v.credential,
        json: v.json,
      });
    if (selected.devices.length === 0) {
      writeLine(ctx.stderr, `vcollector collect: no devices match in ${selected.source}`);
      return 1;
    }
    const vault = openVaultFromEnv(ctx, v.vault);
    const history = v["no-history"] ? undefined : collect.CollectorDb.open(ctx.home.collectorDb);
    try {
      const { KnownHostsStore } =
        require("../../lib/core/ssh/known-hosts") as typeof import("../../lib/core/ssh/known-hosts");
      const report = new ProgressPrinter(ctx, selected.devices.length, {
        json: Boolean(v.json),
        quiet: Boolean(v.quiet),
      });
      const summary = await collect.runCollection({
        devices: selected.devices,
        commands,
        captureType,
        jobName: v.job,
        credentials: vault,
        credential: v.credential,
        discovery: Boolean(v.discover),
        concurrency,
        jitterMs: secondsOption(v.jitter, "--jitter"),
        commandDelayMs: secondsOption(v.delay, "--delay"),
        timeouts,
        maxOutputBytes: v["max-output"] !== undefined ? parseByteSize(v["max-output"], "--max-output") : undefined,
        retry: retries !== undefined ? { retries } : undefined,
        hostKeys: { policy, store: new KnownHostsStore(ctx.home.knownHosts) },
        store,
        history,
        recorder: selected.inventory,
        redact: Boolean(v.redact),
        platforms: platformOptionsForHome(ctx.home.root),
        signal: ctx.signal,
        onDeviceResult: (r) => report.device(r),
      });
      report.summary(summary, store?.collections);
      return summary.total > 0 && summary.ok === summary.total ? 0 : 1;
    } finally {
      history?.close();
      vault.close();
    }
  } finally {
    selected.close();
  }
}

function dryRun(
  ctx: CliContext,
  selected: SelectedDevices,
  o: {
    commands: string[];
    captureType: string;
    store?: import("../../lib/core/collect").CaptureStore;
    vaultFile?: string;
    credential?: string;
    json?: boolean;
  },
): number {
  const first = (d: Device) => d.credentialName ?? o.credential ?? "(vault default)";
  const platforms = platformOptionsForHome(ctx.home.root);
  const rows = selected.devices.map((d) => ({
    name: d.name,
    host: d.host,
    port: d.port,
    platform: d.platform,
    // An inventory-only platform (no session in the catalogue) fails with unsupported_platform.
    supported: hasSession(d.platform, platforms),
    credential: first(d),
    capture: o.store?.pathFor(o.captureType, d.name) ?? null,
  }));
  if (o.json) {
    printJson(ctx.stdout, {
      dryRun: true,
      source: selected.source,
      commands: o.commands,
      captureType: o.captureType,
      devices: rows,
    });
    return 0;
  }
  writeLine(ctx.stdout, `Dry run: ${rows.length} device(s) from ${selected.source}; nothing is connected.`);
  writeLine(ctx.stdout, `Commands: ${o.commands.map((c) => JSON.stringify(c)).join(", ")}`);
  for (const r of rows)
    writeLine(
      ctx.stdout,
      terminalSafe(
        `  ${r.name}  ${r.host}:${r.port}  ${r.platform}${r.supported ? "" : " (inventory-only: unsupported_platform)"}  credential ${r.credential}${r.capture ? `  → ${r.capture}` : ""}`,
      ),
    );
  return 0;
}

class ProgressPrinter {
  private done = 0;
  private readonly width: number;

  constructor(
    private readonly ctx: CliContext,
    private readonly total: number,
    private readonly mode: { json: boolean; quiet: boolean },
  ) {
    this.width = String(total).length;
  }

  device(r: DeviceResult): void {
    this.done++;
    if (this.mode.quiet) return;
    if (this.mode.json) {
      writeLine(this.ctx.stdout, JSON.stringify(excerptResult(r, JSON_OUTPUT_CHARS)));
      return;
    }
    const mark = r.status === "ok" ? "✓" : r.status === "partial" ? "~" : "✗";
    const head = `[${String(this.done).padStart(this.width)}/${this.total}] ${mark} ${r.device.name}`;
    const cmds = `${r.commands.filter((c) => c.status === "ok").length}/${r.commands.length} commands`;
    const tail =
      r.status === "ok"
        ? `${cmds}, ${seconds(r.durationMs)}, credential ${r.credentialName}`
        : `${r.errorClass}: ${r.error ?? ""}${r.commands.length ? ` (${cmds})` : ""}`;
    writeLine(this.ctx.stdout, terminalSafe(`${head}  ${tail}`));
  }

  summary(s: RunSummary, collections: string | undefined): void {
    if (this.mode.json) {
      writeLine(this.ctx.stdout, JSON.stringify({ summary: s }));
      return;
    }
    writeLine(this.ctx.stdout, "");
    writeLine(
      this.ctx.stdout,
      terminalSafe(
        `Run ${s.runId} (${s.jobName}): ${s.status}. ${s.ok} ok, ${s.partial} partial, ${s.failed} failed of ${s.total} in ${seconds(s.durationMs)}.`,
      ),
    );
    for (const [cls, n] of Object.entries(s.errorCounts).sort((a, b) => b[1]! - a[1]!))
      writeLine(this.ctx.stdout, `  ${cls}: ${n}`);
    if (s.cancelled) writeLine(this.ctx.stdout, `  ${s.cancelled} device(s) not started: the run was cancelled`);
    // The folder the captures really went to (the capture type made safe as a path segment).
    if (collections)
      writeLine(this.ctx.stdout, terminalSafe(`Captures: ${path.join(collections, safeSegment(s.captureType))}`));
    if (s.historyId !== undefined) writeLine(this.ctx.stdout, `History: run #${s.historyId} in collector.db`);
    if (s.error) writeLine(this.ctx.stdout, terminalSafe(`Note: ${s.error}`));
  }
}

export const command: CliCommand = {
  name: "collect",
  summary: "collect command outputs from devices over SSH",
  usage: USAGE,
  run: invalidInputIsUsage(run),
};
