import { loginTimeoutsText } from "../../lib/core/defaults";
import type { CredentialSource, DiscoveryDeviceResult, DiscoveryReport } from "../../lib/core/collect";
import { UsageError } from "../../lib/core/errors";
import type { Credential, Device } from "../../lib/core/types";
import { parseCommandArgs, pickSubcommand, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { FILTER_OPTIONS, countOption, openVaultFromEnv, secondsOption, seconds, selectDevices } from "./collect";

const USAGE = `Usage: vcollector creds <discover|test|status> [options]

Credential discovery: find which vault credential works on which device, remember it in the
inventory, and see the coverage. Credentials are only ever tried on hosts whose SSH host key is
pinned (known_hosts in the data home); --pin-new-hosts pins unknown hosts first, WITHOUT sending
any credential (trust on first use, your explicit choice). The vault password comes from
VCOLLECTOR_VAULT_PASS.

  vcollector creds discover [filters] [options]
      --credentials <a,b,…>   test only these, in this order (default: every vault credential,
                              the default and fallback list first, then by name)
      --skip-configured       leave out devices that already have a credential
      --force                 also test devices tested in the last 24 hours
      --pin-new-hosts         pin unknown host keys first (trust on first use)
      --dry-run               show what would be tested; connect to nothing (no vault password needed)
      --no-update             do not write results to the inventory
      --concurrency <n>       devices at once (default 8)
      --timeout <s>           connect, banner and authentication timeouts, each (default ${loginTimeoutsText()})
  vcollector creds test <device> [--credential <name>]… [--update] [--pin-new-hosts] [--timeout <s>]
      tests the given credentials (default: the device's own, then the vault default) on one device
  vcollector creds status [filters]
      coverage: devices with a working credential, tested/untested, by credential, pinned hosts

Filters (discover, status): --inventory <dcim.db|file.csv> (default: the data home's dcim.db),
  --site, --role, --platform, --vendor, --status, --tag, --name <regex>, --credential-status, --limit
Common: --vault <file>, --json

Exit code: discover 0 when no tested device was left without a working credential or
unreachable; test 0 when a credential worked; status 0; 1 otherwise; 2 for a usage error.`;

const DISCOVER_OPTIONS = {
  ...FILTER_OPTIONS,
  credentials: { type: "string" },
  "skip-configured": { type: "boolean" },
  force: { type: "boolean" },
  "pin-new-hosts": { type: "boolean" },
  "dry-run": { type: "boolean" },
  "no-update": { type: "boolean" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  vault: { type: "string" },
  json: { type: "boolean" },
} as const;

const TEST_OPTIONS = {
  inventory: { type: "string" },
  credential: { type: "string", multiple: true },
  update: { type: "boolean" },
  "pin-new-hosts": { type: "boolean" },
  timeout: { type: "string" },
  vault: { type: "string" },
  json: { type: "boolean" },
} as const;

const STATUS_OPTIONS = { ...FILTER_OPTIONS, json: { type: "boolean" } } as const;

function knownHosts(ctx: CliContext) {
  const { KnownHostsStore } =
    require("../../lib/core/ssh/known-hosts") as typeof import("../../lib/core/ssh/known-hosts");
  return new KnownHostsStore(ctx.home.knownHosts);
}

function loginTimeouts(value: string | undefined) {
  const ms = secondsOption(value, "--timeout");
  return ms === undefined ? undefined : { connectMs: ms, bannerMs: ms, authMs: ms };
}

/**
 * A locked vault seen as a credential source for a dry run: names, users and order only. A
 * dry run never needs a secret, so it never needs the master password.
 */
function namesOnly(vault: import("../../lib/core/vault").Vault): CredentialSource {
  const summaries = vault.list();
  const asCredential = (name: string): Credential => {
    const s = summaries.find((x) => x.name === name);
    if (!s) throw new UsageError(`credential '${name}' is not in the vault`);
    return { id: s.id, name: s.name, username: s.username };
  };
  const { chainNames } = require("../../lib/core/vault") as typeof import("../../lib/core/vault");
  const chain = chainNames(summaries).map(asCredential);
  return {
    get: asCredential,
    getDefault: () => chain.find((c) => summaries.find((s) => s.name === c.name)?.isDefault),
    fallbackChain: () => chain.slice(),
    list: () => summaries.slice(),
  };
}

async function discover(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, DISCOVER_OPTIONS, false);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const collect = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
  const names = v.credentials
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const concurrency = countOption(v.concurrency, "--concurrency", 1, collect.MAX_CONCURRENCY);
  const timeouts = loginTimeouts(v.timeout);
  const dryRun = Boolean(v["dry-run"]);
  const selected = selectDevices(ctx, v, { writable: !dryRun && !v["no-update"] });
  try {
    const { Vault } = require("../../lib/core/vault") as typeof import("../../lib/core/vault");
    const vault = dryRun ? Vault.open(v.vault ?? ctx.home.vaultDb) : openVaultFromEnv(ctx, v.vault);
    try {
      const lines = new DiscoveryPrinter(ctx, selected.devices.length, Boolean(v.json));
      const report = await collect.discoverCredentials({
        devices: selected.devices,
        credentials: dryRun ? namesOnly(vault) : vault,
        names,
        skipConfigured: Boolean(v["skip-configured"]),
        force: Boolean(v.force),
        dryRun,
        pinNewHosts: Boolean(v["pin-new-hosts"]),
        concurrency,
        timeouts,
        knownHosts: knownHosts(ctx),
        recorder: selected.inventory,
        signal: ctx.signal,
        onDevice: (r) => lines.device(r),
      });
      lines.summary(report, selected.inventory !== undefined);
      if (dryRun) return 0;
      return report.noMatch === 0 && report.unreachable === 0 && !report.cancelled ? 0 : 1;
    } finally {
      vault.close();
    }
  } finally {
    selected.close();
  }
}

async function test(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, TEST_OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError("creds test needs exactly one device name");
  const collect = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
  const selected = selectDevices(ctx, { inventory: v.inventory }, { writable: Boolean(v.update) });
  try {
    const device = selected.devices.find((d) => d.name === positionals[0]);
    if (!device) throw new UsageError(`no device named '${positionals[0]}' in ${selected.source}`);
    const vault = openVaultFromEnv(ctx, v.vault);
    try {
      const names = v.credential?.length
        ? v.credential
        : [device.credentialName, vault.getDefault()?.name].filter((n): n is string => Boolean(n));
      if (names.length === 0)
        throw new UsageError(
          `'${device.name}' has no credential and the vault has no default: name one with --credential`,
        );
      let result: DiscoveryDeviceResult | undefined;
      await collect.discoverCredentials({
        devices: [device],
        credentials: vault,
        names: [...new Set(names)],
        force: true,
        pinNewHosts: Boolean(v["pin-new-hosts"]),
        timeouts: loginTimeouts(v.timeout),
        knownHosts: knownHosts(ctx),
        recorder: v.update ? selected.inventory : undefined,
        signal: ctx.signal,
        onDevice: (r) => {
          result = r;
        },
      });
      const r = result!;
      if (v.json) printJson(ctx.stdout, r);
      else {
        for (const a of r.attempts)
          writeLine(
            ctx.stdout,
            `  ${a.ok ? "✓" : "✗"} ${a.credential}${a.ok ? "" : `  ${a.errorClass}: ${a.error}`}  (${seconds(a.durationMs)})`,
          );
        writeLine(
          ctx.stdout,
          r.status === "matched"
            ? `${device.name}: credential '${r.credentialName}' works`
            : `${device.name}: ${r.status.replace("_", " ")}: ${r.reason ?? ""}`,
        );
      }
      return r.status === "matched" ? 0 : 1;
    } finally {
      vault.close();
    }
  } finally {
    selected.close();
  }
}

function status(args: string[], ctx: CliContext): number {
  const { values: v, positionals } = parseCommandArgs(args, STATUS_OPTIONS, false);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const selected = selectDevices(ctx, v, { writable: false });
  try {
    const store = knownHosts(ctx);
    const devices = selected.devices;
    const count = (p: (d: Device) => boolean) => devices.filter(p).length;
    const byCredential: Record<string, number> = {};
    for (const d of devices)
      if (d.credentialName) byCredential[d.credentialName] = (byCredential[d.credentialName] ?? 0) + 1;
    const total = devices.length;
    const ok = count((d) => d.credentialStatus === "ok");
    const pct = (n: number) => (total ? Math.round((n / total) * 1000) / 10 : 0);
    const report = {
      source: selected.source,
      total,
      configured: count((d) => Boolean(d.credentialName)),
      ok,
      failed: count((d) => d.credentialStatus === "failed"),
      untested: count((d) => (d.credentialStatus ?? "untested") === "untested"),
      hostKeysPinned: count((d) => Boolean(d.host) && store.get(d.host, d.port || 22).length > 0),
      byCredential,
      coveragePercent: pct(ok),
      testedPercent: pct(total - count((d) => (d.credentialStatus ?? "untested") === "untested")),
    };
    if (v.json) {
      printJson(ctx.stdout, report);
      return 0;
    }
    writeLine(ctx.stdout, `${total} device(s) in ${report.source}`);
    writeLine(ctx.stdout, `  working credential: ${ok} (coverage ${report.coveragePercent}%)`);
    writeLine(
      ctx.stdout,
      `  configured: ${report.configured}, failed: ${report.failed}, untested: ${report.untested} (tested ${report.testedPercent}%)`,
    );
    writeLine(ctx.stdout, `  host keys pinned: ${report.hostKeysPinned}/${total}`);
    for (const [name, n] of Object.entries(byCredential).sort((a, b) => b[1] - a[1]))
      writeLine(ctx.stdout, `  ${name}: ${n}`);
    return 0;
  } finally {
    selected.close();
  }
}

class DiscoveryPrinter {
  private done = 0;
  constructor(
    private readonly ctx: CliContext,
    private readonly total: number,
    private readonly json: boolean,
  ) {}

  device(r: DiscoveryDeviceResult): void {
    this.done++;
    if (this.json) {
      writeLine(this.ctx.stdout, JSON.stringify(r));
      return;
    }
    const head = `[${String(this.done).padStart(String(this.total).length)}/${this.total}] ${r.device.name}`;
    const text =
      r.status === "matched"
        ? `✓ ${r.credentialName} (${r.attempts.length} tried)`
        : r.status === "planned"
          ? `would try ${r.candidates.join(", ") || "nothing"}${r.hostPinned ? "" : " after pinning its host key"}`
          : r.status === "skipped"
            ? `skipped: ${r.reason}`
            : `✗ ${r.status.replace("_", " ")}: ${r.reason ?? r.errorClass ?? ""}`;
    writeLine(this.ctx.stdout, `${head}  ${text}`);
  }

  summary(r: DiscoveryReport, updated: boolean): void {
    if (this.json) {
      writeLine(this.ctx.stdout, JSON.stringify({ summary: r }));
      return;
    }
    const skipped = Object.entries(r.skipped)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
      .join(", ");
    writeLine(this.ctx.stdout, "");
    if (r.dryRun) {
      writeLine(
        this.ctx.stdout,
        `Dry run: ${r.total - Object.values(r.skipped).reduce((a, b) => a + b, 0)} of ${r.total} device(s) would be tested with ${r.credentialsTested.join(", ") || "no credential"}${skipped ? `; skipped: ${skipped}` : ""}.`,
      );
      return;
    }
    writeLine(
      this.ctx.stdout,
      `Discovery: ${r.matched} matched, ${r.noMatch} without a working credential, ${r.unreachable} unreachable, of ${r.total} (${r.tested} tested${skipped ? `; skipped: ${skipped}` : ""}) in ${seconds(r.durationMs)}.`,
    );
    for (const [name, n] of Object.entries(r.matchesByCredential)) writeLine(this.ctx.stdout, `  ${name}: ${n}`);
    writeLine(
      this.ctx.stdout,
      `Coverage: ${r.coveragePercent}% of the selected devices have a working credential.${updated ? "" : " (inventory not updated)"}`,
    );
  }
}

export const command: CliCommand = {
  name: "creds",
  summary: "credential discovery and testing: discover, test, status",
  usage: USAGE,
  async run(args, ctx) {
    const [handler, rest] = pickSubcommand("creds", { discover, test, status }, args);
    return handler(rest, ctx);
  },
};
