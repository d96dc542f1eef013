import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError } from "../../lib/core/errors";
import { ensureHome } from "../../lib/core/home";
import type { CredentialSummary } from "../../lib/core/types";
import {
  CLI_MIN_ITERATIONS,
  DEFAULT_ITERATIONS,
  VAULT_PASS_ENV,
  Vault,
  importVelocityCollectorVault,
  type CredentialInput,
  type CredentialPatch,
  type ImportReport,
} from "../../lib/core/vault";
import { extractOption, parseCommandArgs, pickSubcommand, printJson, writeLine } from "../command";
import type { CliCommand, CliContext } from "../command";
import { readSecret, readSecretFile, readSecretFromStdin } from "../prompt";

const NEW_PASS_ENV = "VCOLLECTOR_NEW_VAULT_PASS";
const BACKUP_PASS_ENV = "VCOLLECTOR_BACKUP_PASS";
const IMPORT_PASS_ENV = "VCOLLECTOR_IMPORT_PASS";

const USAGE = `Usage: vcollector vault <subcommand> [--vault <file>] [options]

The encrypted credential vault (default file: <home>/vault.db).

Subcommands:
  init                      create a new vault                         [--iterations N]
  add <name>                add a credential
      --username <u> [--password-stdin | --password-file <f>] [--key-file <f>]
      [--key-passphrase-file <f>] [--enable-file <f>] [--default] [--fallback]
  edit <name>               change a credential; it keeps its id
      [--rename <new>] [--username <u>] [--password-stdin | --password-file <f> | --no-password]
      [--key-file <f> [--key-passphrase-file <f>] | --no-key] [--enable-file <f> | --no-enable]
      [--default | --no-default]
  rm <name>                 remove a credential
  list                      list credentials, never their secrets       [--json]
  set-default <name>        make a credential the default
  fallback <name>...        set the ordered fallback list                [--clear]
  passwd                    change the master password (atomic)         [--new-password-file <f>] [--iterations N]
  export <file>             write an encrypted backup                   [--backup-password-file <f>] [--force]
  import <file>             import an encrypted backup                  [--backup-password-file <f>] [--replace]
  import-vc <collector.db>  import a VelocityCollector vault            [--replace]

Secrets are never command-line arguments. They are typed at a hidden prompt, or read from
files, or from stdin (one per line, in the order asked: the master password first when
${VAULT_PASS_ENV} is not set).
  ${VAULT_PASS_ENV}     the master password (unattended use; also for init)
  ${NEW_PASS_ENV}  the new master password for passwd
  ${BACKUP_PASS_ENV}    the backup password for export/import
  ${IMPORT_PASS_ENV}    the VelocityCollector master password for import-vc
Without ${VAULT_PASS_ENV}, list shows the plain listing without verifying it.`;

type Handler = (args: string[], ctx: CliContext, file: string) => Promise<number>;

const SUBCOMMANDS: Record<string, Handler> = {
  init: initVault,
  add: addCredential,
  edit: editCredential,
  rm: removeCredential,
  list: listCredentials,
  "set-default": setDefault,
  fallback: setFallback,
  passwd: changePassword,
  export: exportBackup,
  import: importBackup,
  "import-vc": importVc,
};

/** Options people try for secrets; refused with a pointer to the safe ways (value never echoed). */
const SECRET_AS_ARGUMENT =
  /^--(password|pass|enable|enable-secret|secret|key-passphrase|passphrase|master-password|backup-password|new-password)(=|$)/;

export const command: CliCommand = {
  name: "vault",
  summary: "encrypted credential vault",
  usage: USAGE,
  async run(args, ctx) {
    const [handler, rest] = pickSubcommand("vault", SUBCOMMANDS, args);
    const secretArg = rest.find((a) => SECRET_AS_ARGUMENT.test(a));
    if (secretArg !== undefined) {
      throw new UsageError(
        `${secretArg.split("=")[0]}: secrets are never taken as command-line arguments; use a prompt, --*-stdin or --*-file (see vcollector vault --help)`,
      );
    }
    const { vault, remaining } = extractVaultOption(rest);
    const file = vault !== undefined ? path.resolve(vault) : ctx.home.vaultDb;
    return handler(remaining, ctx, file);
  },
};

/** --vault is accepted by every subcommand, before or after its own options. */
function extractVaultOption(args: string[]): { vault?: string; remaining: string[] } {
  const { value: vault, rest: remaining } = extractOption(args, "vault", "a file");
  if (vault === "") throw new UsageError("--vault needs a file");
  return { vault, remaining };
}

function onePositional(positionals: string[], what: string, sub: string): string {
  if (positionals.length !== 1) throw new UsageError(`vault ${sub} needs exactly one ${what}`);
  return positionals[0];
}

function noPositionals(positionals: string[], sub: string): void {
  if (positionals.length > 0) throw new UsageError(`vault ${sub} takes no arguments (got '${positionals[0]}')`);
}

function parseIterations(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < CLI_MIN_ITERATIONS) {
    throw new UsageError(`--iterations must be a whole number of at least ${CLI_MIN_ITERATIONS}`);
  }
  return n;
}

async function masterPassword(ctx: CliContext): Promise<string> {
  const fromEnv = ctx.env[VAULT_PASS_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return readSecret("Vault master password: ", ctx);
}

/** Opens and unlocks the vault; the caller closes it. */
async function openUnlocked(file: string, ctx: CliContext): Promise<Vault> {
  const vault = Vault.open(file);
  try {
    vault.unlock(await masterPassword(ctx));
    return vault;
  } catch (err) {
    vault.close();
    throw err;
  }
}

async function withVault(
  file: string,
  ctx: CliContext,
  fn: (vault: Vault) => Promise<number> | number,
): Promise<number> {
  const vault = await openUnlocked(file, ctx);
  try {
    return await fn(vault);
  } finally {
    vault.close();
  }
}

function describeCredential(s: CredentialSummary): string {
  const extras = [
    s.kind,
    s.hasEnableSecret ? "enable secret" : "",
    s.isDefault ? "default" : "",
    s.fallbackPosition !== null ? `fallback #${s.fallbackPosition + 1}` : "",
  ].filter(Boolean);
  return `'${s.name}' (id ${s.id}, user ${s.username}, ${extras.join(", ")})`;
}

async function initVault(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { iterations: { type: "string" } });
  noPositionals(positionals, "init");
  const iterations = parseIterations(values.iterations);
  if (file === ctx.home.vaultDb) ensureHome(ctx.home);
  const fromEnv = ctx.env[VAULT_PASS_ENV];
  const password =
    fromEnv !== undefined && fromEnv !== ""
      ? fromEnv
      : await readSecret("New vault master password: ", ctx, { confirm: true });
  const vault = Vault.create(file, password, { iterations });
  vault.close();
  writeLine(ctx.stdout, `created vault ${file} (PBKDF2-SHA256, ${iterations ?? DEFAULT_ITERATIONS} iterations)`);
  if (iterations !== undefined && iterations < DEFAULT_ITERATIONS) {
    writeLine(ctx.stderr, `warning: ${iterations} iterations is below the recommended ${DEFAULT_ITERATIONS}`);
  }
  return 0;
}

const SECRET_OPTIONS = {
  username: { type: "string" },
  "password-stdin": { type: "boolean" },
  "password-file": { type: "string" },
  "key-file": { type: "string" },
  "key-passphrase-file": { type: "string" },
  "enable-file": { type: "string" },
  default: { type: "boolean" },
} as const;

async function addCredential(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...SECRET_OPTIONS, fallback: { type: "boolean" } });
  const name = onePositional(positionals, "credential name", "add");
  if (values.username === undefined || values.username === "") throw new UsageError("vault add needs --username <u>");
  if (values["password-stdin"] && values["password-file"] !== undefined)
    throw new UsageError("give either --password-stdin or --password-file, not both");
  if (values["key-passphrase-file"] !== undefined && values["key-file"] === undefined)
    throw new UsageError("--key-passphrase-file needs --key-file");
  // Read every file before asking for any password, so a typo in a path fails fast.
  const input: CredentialInput = { name, username: values.username, isDefault: values.default === true };
  if (values["key-file"] !== undefined)
    input.privateKey = readSecretFile(values["key-file"], "private key", { keepAsIs: true });
  if (values["key-passphrase-file"] !== undefined)
    input.privateKeyPassphrase = readSecretFile(values["key-passphrase-file"], "key passphrase");
  if (values["enable-file"] !== undefined) input.enableSecret = readSecretFile(values["enable-file"], "enable secret");
  if (values["password-file"] !== undefined) input.password = readSecretFile(values["password-file"], "password");
  return withVault(file, ctx, async (vault) => {
    if (values["password-stdin"]) input.password = await readSecretFromStdin(ctx, "credential password");
    else if (input.password === undefined && input.privateKey === undefined)
      input.password = await readSecret(`Password for ${name}: `, ctx);
    const summary = vault.add(input);
    if (values.fallback) vault.setFallbackOrder([...vault.fallbackListNames(), name]);
    writeLine(
      ctx.stdout,
      `added credential ${describeCredential(values.fallback ? vault.list().find((s) => s.name === name)! : summary)}`,
    );
    return 0;
  });
}

async function editCredential(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...SECRET_OPTIONS,
    rename: { type: "string" },
    "no-password": { type: "boolean" },
    "no-key": { type: "boolean" },
    "no-enable": { type: "boolean" },
    "no-default": { type: "boolean" },
  });
  const name = onePositional(positionals, "credential name", "edit");
  const exclusive = (a: boolean, b: boolean, msg: string) => {
    if (a && b) throw new UsageError(msg);
  };
  exclusive(
    values["password-stdin"] === true,
    values["password-file"] !== undefined,
    "give either --password-stdin or --password-file, not both",
  );
  exclusive(
    values["no-password"] === true,
    values["password-stdin"] === true || values["password-file"] !== undefined,
    "--no-password conflicts with a new password",
  );
  exclusive(
    values["no-key"] === true,
    values["key-file"] !== undefined || values["key-passphrase-file"] !== undefined,
    "--no-key conflicts with --key-file/--key-passphrase-file",
  );
  exclusive(
    values["no-enable"] === true,
    values["enable-file"] !== undefined,
    "--no-enable conflicts with --enable-file",
  );
  exclusive(values.default === true, values["no-default"] === true, "--default conflicts with --no-default");
  const patch: CredentialPatch = {};
  if (values.rename !== undefined) patch.newName = values.rename;
  if (values.username !== undefined) patch.username = values.username;
  if (values["no-password"]) patch.password = "";
  if (values["no-key"]) {
    patch.privateKey = "";
    patch.privateKeyPassphrase = "";
  }
  if (values["no-enable"]) patch.enableSecret = "";
  if (values.default) patch.isDefault = true;
  if (values["no-default"]) patch.isDefault = false;
  if (values["key-file"] !== undefined)
    patch.privateKey = readSecretFile(values["key-file"], "private key", { keepAsIs: true });
  if (values["key-passphrase-file"] !== undefined)
    patch.privateKeyPassphrase = readSecretFile(values["key-passphrase-file"], "key passphrase");
  if (values["enable-file"] !== undefined) patch.enableSecret = readSecretFile(values["enable-file"], "enable secret");
  if (values["password-file"] !== undefined) patch.password = readSecretFile(values["password-file"], "password");
  if (Object.keys(patch).length === 0 && !values["password-stdin"])
    throw new UsageError("vault edit: nothing to change (see vcollector vault --help)");
  return withVault(file, ctx, async (vault) => {
    if (values["password-stdin"]) patch.password = await readSecretFromStdin(ctx, "credential password");
    writeLine(ctx.stdout, `updated credential ${describeCredential(vault.edit(name, patch))}`);
    return 0;
  });
}

async function removeCredential(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const name = onePositional(positionals, "credential name", "rm");
  return withVault(file, ctx, (vault) => {
    vault.remove(name);
    writeLine(ctx.stdout, `removed credential '${name}'`);
    return 0;
  });
}

async function listCredentials(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
  noPositionals(positionals, "list");
  const password = ctx.env[VAULT_PASS_ENV];
  const vault = Vault.open(file);
  try {
    if (password) vault.unlock(password);
    const list = vault.list();
    if (values.json) printJson(ctx.stdout, list);
    else printTable(ctx, list);
    return 0;
  } finally {
    vault.close();
  }
}

function printTable(ctx: CliContext, list: CredentialSummary[]): void {
  if (list.length === 0) {
    writeLine(ctx.stdout, "the vault holds no credentials");
    return;
  }
  const rows = [
    ["NAME", "USERNAME", "KIND", "ENABLE", "DEFAULT", "FALLBACK"],
    ...list.map((s) => [
      s.name,
      s.username,
      s.kind,
      s.hasEnableSecret ? "yes" : "no",
      s.isDefault ? "*" : "",
      s.fallbackPosition !== null ? String(s.fallbackPosition + 1) : "",
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    writeLine(
      ctx.stdout,
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
}

async function setDefault(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const name = onePositional(positionals, "credential name", "set-default");
  return withVault(file, ctx, (vault) => {
    vault.setDefault(name);
    writeLine(ctx.stdout, `default credential is now '${name}'`);
    return 0;
  });
}

async function setFallback(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { clear: { type: "boolean" } });
  if (values.clear && positionals.length > 0) throw new UsageError("--clear takes no credential names");
  if (!values.clear && positionals.length === 0)
    throw new UsageError("vault fallback needs credential names in order (or --clear)");
  return withVault(file, ctx, (vault) => {
    vault.setFallbackOrder(positionals);
    writeLine(
      ctx.stdout,
      positionals.length === 0 ? "fallback list cleared" : `fallback order: ${positionals.join(", ")}`,
    );
    return 0;
  });
}

async function changePassword(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    "new-password-file": { type: "string" },
    iterations: { type: "string" },
  });
  noPositionals(positionals, "passwd");
  const iterations = parseIterations(values.iterations);
  const fromFile =
    values["new-password-file"] !== undefined
      ? readSecretFile(values["new-password-file"], "new master password")
      : undefined;
  return withVault(file, ctx, async (vault) => {
    const fromEnv = ctx.env[NEW_PASS_ENV];
    const next =
      fromFile ?? (fromEnv ? fromEnv : await readSecret("New vault master password: ", ctx, { confirm: true }));
    vault.changePassword(next, { iterations });
    writeLine(
      ctx.stdout,
      `master password changed; every credential re-encrypted (PBKDF2-SHA256, ${vault.iterations} iterations)`,
    );
    return 0;
  });
}

async function backupPassword(ctx: CliContext, fileOption: string | undefined, confirm: boolean): Promise<string> {
  if (fileOption !== undefined) return readSecretFile(fileOption, "backup password");
  const fromEnv = ctx.env[BACKUP_PASS_ENV];
  if (fromEnv) return fromEnv;
  return readSecret(confirm ? "New backup password: " : "Backup password: ", ctx, { confirm });
}

async function exportBackup(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    "backup-password-file": { type: "string" },
    force: { type: "boolean" },
  });
  const target = path.resolve(onePositional(positionals, "backup file", "export"));
  if (!values.force && fs.existsSync(target)) {
    throw new VcError("backup_exists", "a file already exists here; use --force to replace it", target);
  }
  return withVault(file, ctx, async (vault) => {
    const password = await backupPassword(ctx, values["backup-password-file"], true);
    vault.exportBackup(target, password, { overwrite: values.force === true });
    writeLine(ctx.stdout, `exported ${vault.list().length} credential(s) to ${target}`);
    return 0;
  });
}

async function importBackup(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    "backup-password-file": { type: "string" },
    replace: { type: "boolean" },
  });
  const source = path.resolve(onePositional(positionals, "backup file", "import"));
  return withVault(file, ctx, async (vault) => {
    const password = await backupPassword(ctx, values["backup-password-file"], false);
    const report = vault.importBackup(source, password, { replace: values.replace === true });
    printReport(ctx, report, vault);
    return 0;
  });
}

async function importVc(args: string[], ctx: CliContext, file: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { replace: { type: "boolean" } });
  const source = path.resolve(onePositional(positionals, "collector.db path", "import-vc"));
  return withVault(file, ctx, async (vault) => {
    const fromEnv = ctx.env[IMPORT_PASS_ENV];
    const old = fromEnv ? fromEnv : await readSecret("VelocityCollector master password: ", ctx);
    const report = importVelocityCollectorVault(source, old, vault, { replace: values.replace === true });
    writeLine(ctx.stdout, `VelocityCollector vault ${source}: ${report.total} credential(s) found`);
    printReport(ctx, report, vault);
    return 0;
  });
}

function printReport(ctx: CliContext, report: ImportReport, vault: Vault): void {
  writeLine(ctx.stdout, `imported ${report.imported.length}: ${report.imported.join(", ") || "-"}`);
  if (report.replaced.length > 0)
    writeLine(ctx.stdout, `replaced ${report.replaced.length}: ${report.replaced.join(", ")}`);
  for (const s of report.skipped)
    writeLine(ctx.stdout, `skipped '${s.name}': ${s.reason.replace("use replace to", "use --replace to")}`);
  if (report.defaultName !== undefined) {
    const current = vault.list().find((s) => s.isDefault)?.name;
    writeLine(
      ctx.stdout,
      report.defaultApplied
        ? `default credential is now '${report.defaultName}'`
        : `kept the default '${current}' (the imported default was '${report.defaultName}')`,
    );
  }
}
