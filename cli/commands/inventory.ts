import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError } from "../../lib/core/errors";
import { ensureHome } from "../../lib/core/home";
import type { Device } from "../../lib/core/types";
import type { Inventory } from "../../lib/core/inventory";
import { parseCommandArgs, pickSubcommand, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { DEVICE_FILTER_OPTIONS, filterFromOptions } from "../device-filter";

type InventoryModule = typeof import("../../lib/core/inventory");
const core = (): InventoryModule => require("../../lib/core/inventory") as InventoryModule;

const USAGE = `Usage: vcollector inventory <subcommand> [options]

The device inventory: a SQLite DCIM (the data home's dcim.db, compatible with VelocityCollector's).

Subcommands:
  init                        create the inventory if needed and seed the default manufacturers,
                              platforms (netmiko/ntc names) and roles
  list [filters] [--json]     list devices (also --source <file.csv|dcim.db|devices.json>)
  add <name> --host <ip> --platform <p> [--site <s>] [--role <r>] [--status <s>] [--port <n>]
      [--tags <a;b>] [--credential <name>] [--create-missing]
  rm <name>                   remove a device
  import-csv <file.csv> [--skip-bad] [--create-missing] [--json]
                              columns name,primary_ip4,platform,site,role,status[,port,tags,credential];
                              nothing is imported if any row is bad, unless --skip-bad
  import-vc <dcim.db> [--collector-db <collector.db>] [--vault <file>] [--json]
                              copy a VelocityCollector inventory, credential mappings by name
  netbox-sync --url <url> [--site --role --platform --status --tag <slug>] [--platform-map <file.json>]
      [--timeout <s>] [--dry-run] [--json]
                              read devices from NetBox (token from $NETBOX_TOKEN, never the command
                              line) and add or update them here

Filters (list): --site, --role, --platform, --manufacturer (or --vendor), --status, --tag <value[,value…]>
  (case-insensitive exact match on slug or name), --name <regex> (case-insensitive),
  --credential-status <ok|failed|untested>, --limit <n> (after sorting by name).

Common: --db <file> uses another inventory file than the data home's dcim.db.
Exit codes: 0 ok, 1 failure (bad rows, unreachable NetBox...), 2 usage error.`;

type Values = Record<string, string | boolean | undefined>;

function str(v: Values, key: string): string | undefined {
  const value = v[key];
  return typeof value === "string" ? value : undefined;
}

function dbPath(ctx: CliContext, v: Values): string {
  return path.resolve(str(v, "db") ?? ctx.home.dcimDb);
}

function openInventory(ctx: CliContext, v: Values, opts: { create?: boolean; readonly?: boolean } = {}): Inventory {
  const file = dbPath(ctx, v);
  if (opts.create && !str(v, "db")) ensureHome(ctx.home);
  return core().Inventory.open(file, opts);
}

function withInventory<T>(inv: Inventory, fn: (inv: Inventory) => T): T {
  try {
    return fn(inv);
  } finally {
    inv.close();
  }
}

function oneName(positionals: string[], sub: string): string {
  if (positionals.length !== 1)
    throw new UsageError(`inventory ${sub} takes one device name (got ${positionals.length})`);
  return positionals[0];
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

function printDevices(ctx: CliContext, devices: Device[]): void {
  const rows = [["NAME", "HOST", "PORT", "PLATFORM", "SITE", "ROLE", "STATUS", "TAGS", "CREDENTIAL"]];
  for (const d of devices) {
    const cred = d.credentialName
      ? `${d.credentialName} (${d.credentialStatus ?? "untested"})`
      : d.credentialStatus && d.credentialStatus !== "untested"
        ? `- (${d.credentialStatus})`
        : "-";
    rows.push([
      d.name,
      d.host || "-",
      String(d.port),
      d.platform || "-",
      d.site ?? "-",
      d.role ?? "-",
      d.status ?? "active",
      (d.tags ?? []).join(";") || "-",
      cred,
    ]);
  }
  if (devices.length) for (const line of table(rows)) writeLine(ctx.stdout, line);
  writeLine(ctx.stdout, `${devices.length} device${devices.length === 1 ? "" : "s"}`);
}

async function init(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, { db: { type: "string" } }, false);
  const file = dbPath(ctx, values);
  const existed = fs.existsSync(file);
  const counts = withInventory(openInventory(ctx, values, { create: true }), (inv) => inv.init());
  writeLine(ctx.stdout, `${existed ? "inventory up to date" : "inventory created"}: ${file}`);
  writeLine(
    ctx.stdout,
    `${counts.manufacturers} manufacturers, ${counts.platforms} platforms, ${counts.roles} roles, ${counts.sites} sites, ${counts.devices} devices`,
  );
  return 0;
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { ...DEVICE_FILTER_OPTIONS, db: { type: "string" }, source: { type: "string" }, json: { type: "boolean" } },
    false,
  );
  const filter = filterFromOptions(values);
  const source = str(values, "source");
  if (source && str(values, "db")) throw new UsageError("use either --db or --source, not both");
  const devices = source
    ? core().filterDevices(core().loadDevices(path.resolve(source)), filter)
    : withInventory(openInventory(ctx, values, { readonly: true }), (inv) => inv.listDevices(filter));
  if (values.json) printJson(ctx.stdout, devices);
  else printDevices(ctx, devices);
  return 0;
}

async function add(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    db: { type: "string" },
    host: { type: "string" },
    platform: { type: "string" },
    site: { type: "string" },
    role: { type: "string" },
    status: { type: "string" },
    port: { type: "string" },
    tags: { type: "string" },
    credential: { type: "string" },
    "create-missing": { type: "boolean" },
    json: { type: "boolean" },
  });
  const name = oneName(positionals, "add");
  const host = str(values, "host");
  const platform = str(values, "platform");
  if (!host) throw new UsageError("inventory add needs --host <ip>");
  if (!platform) throw new UsageError("inventory add needs --platform <platform> (e.g. cisco_ios)");
  const tags = str(values, "tags");
  const port = str(values, "port");
  const device = withInventory(openInventory(ctx, values), (inv) =>
    withCliHints(() =>
      inv.addDevice(
        {
          name,
          host,
          platform,
          site: str(values, "site"),
          role: str(values, "role"),
          status: str(values, "status"),
          port: port === undefined ? undefined : portNumber(port),
          tags: tags === undefined ? undefined : tags.split(/[;,]/),
          credentialName: str(values, "credential"),
        },
        { createMissing: Boolean(values["create-missing"]) },
      ),
    ),
  );
  if (values.json) printJson(ctx.stdout, device);
  else
    writeLine(
      ctx.stdout,
      `added ${device.name} (${device.host}:${device.port}, ${device.platform}, site ${device.site ?? "-"})`,
    );
  return 0;
}

/** Core messages say what to allow; here the flag that allows it is named. */
function withCliHints<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof VcError && err.message.includes("allow creating missing sites and roles")) {
      throw new VcError(
        err.errorClass,
        err.message.replace(
          /\(allow creating missing sites and roles to add it\)/,
          "(add --create-missing to create it)",
        ),
      );
    }
    throw err;
  }
}

function portNumber(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new UsageError(`--port must be a TCP port (1-65535), got '${text}'`);
  return Number(text);
}

async function rm(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { db: { type: "string" } });
  const name = oneName(positionals, "rm");
  withInventory(openInventory(ctx, values), (inv) => inv.removeDevice(name));
  writeLine(ctx.stdout, `removed ${name}`);
  return 0;
}

async function importCsv(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    db: { type: "string" },
    "skip-bad": { type: "boolean" },
    "create-missing": { type: "boolean" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("inventory import-csv takes one CSV file");
  const file = positionals[0];
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new VcError(
      "inventory_not_found",
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message,
      file,
    );
  }
  const report = withInventory(openInventory(ctx, values), (inv) =>
    inv.importCsv(text, {
      source: file,
      skipBad: Boolean(values["skip-bad"]),
      createMissing: Boolean(values["create-missing"]),
    }),
  );
  for (const e of [...report.errors, ...report.skipped])
    e.message = e.message.replace(
      /\(allow creating missing sites and roles to add it\)/,
      "(add --create-missing to create it)",
    );
  const failed = report.errors.length > 0 && !values["skip-bad"];
  if (values.json) {
    printJson(ctx.stdout, report);
    return failed ? 1 : 0;
  }
  if (failed) {
    for (const e of report.errors) writeLine(ctx.stderr, e.message);
    writeLine(
      ctx.stderr,
      `nothing imported: ${report.errors.length} problem${report.errors.length === 1 ? "" : "s"} (fix them, or use --skip-bad to import the good rows)`,
    );
    return 1;
  }
  writeLine(ctx.stdout, `imported ${report.imported} device${report.imported === 1 ? "" : "s"} from ${file}`);
  if (report.createdSites.length) writeLine(ctx.stdout, `created sites: ${report.createdSites.join(", ")}`);
  if (report.createdRoles.length) writeLine(ctx.stdout, `created roles: ${report.createdRoles.join(", ")}`);
  if (report.skipped.length) {
    writeLine(ctx.stdout, `skipped ${new Set(report.skipped.map((e) => e.row)).size} bad row(s):`);
    for (const e of report.skipped) writeLine(ctx.stdout, `  ${e.message}`);
  }
  return 0;
}

/** Credential names in our vault (listing needs no password), or undefined without a vault. */
function vaultNames(file: string): string[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  const { Vault } = require("../../lib/core/vault") as typeof import("../../lib/core/vault");
  const vault = Vault.open(file);
  try {
    return vault.list().map((c) => c.name);
  } finally {
    vault.close();
  }
}

async function importVc(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    db: { type: "string" },
    "collector-db": { type: "string" },
    vault: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("inventory import-vc takes VelocityCollector's dcim.db");
  const source = path.resolve(positionals[0]);
  const vaultFile = path.resolve(str(values, "vault") ?? ctx.home.vaultDb);
  const known = vaultNames(vaultFile);
  const collectorDb = str(values, "collector-db");
  const inv = openInventory(ctx, values, { create: true });
  const report = withInventory(inv, (i) => {
    i.init();
    return core().importVelocityCollectorDcim(source, i, {
      knownCredentialNames: known,
      collectorDb: collectorDb && path.resolve(collectorDb),
    });
  });
  if (values.json) {
    printJson(ctx.stdout, report);
    return 0;
  }
  writeLine(
    ctx.stdout,
    `imported from ${source}: ${report.devicesAdded} devices added, ${report.devicesUpdated} updated; new: ${report.sites} sites, ${report.manufacturers} manufacturers, ${report.platforms} platforms, ${report.roles} roles`,
  );
  writeLine(
    ctx.stdout,
    `credential mappings: ${report.credentialsMapped} device(s) mapped by name${known ? "" : " (no vault here to check the names against)"}`,
  );
  if (report.unmatchedCredentials.length)
    writeLine(
      ctx.stdout,
      `not in the vault (mapping left empty; run vault import-vc first?): ${report.unmatchedCredentials.join(", ")}`,
    );
  for (const s of report.skipped) writeLine(ctx.stdout, `skipped ${s.device}: ${s.reason}`);
  return 0;
}

function readPlatformMap(file: string | undefined): Record<string, string> | undefined {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new VcError("invalid_config", `cannot read the platform map: ${(err as Error).message}`, file);
  }
  if (
    !parsed ||
    typeof parsed !== "object" ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((v) => typeof v !== "string")
  ) {
    throw new VcError(
      "invalid_config",
      "the platform map must be a JSON object of NetBox platform slug → ntc platform name",
      file,
    );
  }
  return parsed as Record<string, string>;
}

async function netboxSync(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      db: { type: "string" },
      url: { type: "string" },
      site: { type: "string" },
      role: { type: "string" },
      platform: { type: "string" },
      status: { type: "string" },
      tag: { type: "string" },
      "platform-map": { type: "string" },
      timeout: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      "token-env": { type: "string" },
    },
    false,
  );
  const url = str(values, "url") ?? ctx.env.NETBOX_URL;
  if (!url) throw new UsageError("netbox-sync needs --url <NetBox URL> (or $NETBOX_URL)");
  const tokenEnv = str(values, "token-env") ?? "NETBOX_TOKEN";
  const token = ctx.env[tokenEnv];
  if (!token) throw new UsageError(`netbox-sync reads the NetBox API token from $${tokenEnv}, which is not set`);
  const timeout = str(values, "timeout");
  const timeoutMs = timeout === undefined ? undefined : Number(timeout) * 1000;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 1))
    throw new UsageError(`--timeout must be a number of seconds, got '${timeout}'`);
  const client = new (core().NetBoxClient)({
    url,
    token,
    timeoutMs: timeoutMs && Math.round(timeoutMs),
    platformMap: readPlatformMap(str(values, "platform-map")),
  });
  const devices = await client.listDevices({
    site: str(values, "site"),
    role: str(values, "role"),
    platform: str(values, "platform"),
    status: str(values, "status"),
    tag: str(values, "tag"),
  });
  if (values["dry-run"]) {
    if (values.json) printJson(ctx.stdout, devices);
    else printDevices(ctx, devices);
    for (const s of client.skipped) writeLine(ctx.stderr, `skipped NetBox device #${s.id ?? "?"}: ${s.reason}`);
    return 0;
  }
  const report = withInventory(openInventory(ctx, values, { create: true }), (inv) => {
    inv.init();
    return core().syncFromNetBox(inv, devices);
  });
  if (values.json) printJson(ctx.stdout, { devices: devices.length, ...report, skipped: client.skipped });
  else {
    writeLine(
      ctx.stdout,
      `${devices.length} devices from NetBox: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed.length} failed`,
    );
    for (const f of report.failed) writeLine(ctx.stderr, `not written: ${f.device}: ${f.error}`);
    for (const s of client.skipped) writeLine(ctx.stderr, `skipped NetBox device #${s.id ?? "?"}: ${s.reason}`);
  }
  return report.failed.length ? 1 : 0;
}

const SUBCOMMANDS: Record<string, (args: string[], ctx: CliContext) => Promise<number>> = {
  init,
  list,
  add,
  rm,
  "import-csv": importCsv,
  "import-vc": importVc,
  "netbox-sync": netboxSync,
};

export const command: CliCommand = {
  name: "inventory",
  summary: "device inventory: init, list, add, rm, import-csv, import-vc, netbox-sync",
  usage: USAGE,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const [handler, rest] = pickSubcommand("inventory", SUBCOMMANDS, args);
    return handler(rest, ctx);
  },
};
