import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError, errorMessage } from "../../lib/core/errors";
import type { Job, JobFile } from "../../lib/core/jobs";
import { parseCommandArgs, pickSubcommand, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { DEVICE_FILTER_OPTIONS } from "../device-filter";

const USAGE = `Usage: vcollector jobs <subcommand> [options]

Jobs live in the data home as one YAML file each (jobs/<slug>.yaml), batches as
batches/<slug>.yaml. See docs/jobs.md for the format.

  list [--tag T] [--enabled] [--json]        every job: slug, name, capture type, commands, filter
  show <slug> [--json]                       one job as stored, and its last runs
  validate [<slug|file>...] [--json]         check jobs (default: every job and batch); exit 1 on any error
  new <slug> --capture-type T --commands "c1;c2" [--name N] [filters] [--credential C]
      [--validate auto|<template>] [--filter F] [--min-score S] [--folder F] [--filename P] [--force]
  enable <slug> | disable <slug>
  rm <slug>
  import-vc <path>... [--replace] [--dcim <dcim.db>] [--dry-run] [--json]
                                             jobs_v2 JSON files or folders, a VelocityCollector
                                             collector.db (jobs, job_commands, job_history) and
                                             batches/*.yaml (or a whole VelocityCollector home)
  flow --batch <name> [--crontab "00 02 * * *"] [--output <file>] [--vault-id <id>]
                                             the batch as an importable Node-RED flow (JSON)
  schema                                     the job file's JSON Schema

Exit code: 0 ok, 1 failure (a bad job, an import refusal), 2 usage error.`;

function jobsModule() {
  return require("../../lib/core/jobs") as typeof import("../../lib/core/jobs");
}

function store(ctx: CliContext) {
  return new (jobsModule().JobStore)(ctx.home);
}

function summary(j: Job) {
  return {
    slug: j.slug,
    name: j.name,
    enabled: j.enabled,
    tags: j.tags,
    captureType: j.captureType,
    commands: j.commands,
    filter: j.filter,
    ...(j.credential ? { credential: j.credential } : {}),
    storage: j.storage,
    ...(j.validation ? { validation: j.validation } : {}),
    file: j.file,
  };
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values: v } = parseCommandArgs(
    args,
    { tag: { type: "string" }, enabled: { type: "boolean" }, json: { type: "boolean" } },
    false,
  );
  const { jobs, errors } = store(ctx).listJobs();
  const shown = jobs.filter((j) => (!v.tag || j.tags.includes(v.tag)) && (!v.enabled || j.enabled));
  if (v.json) printJson(ctx.stdout, { jobs: shown.map(summary), errors: errors.map((e) => e.message) });
  else {
    if (shown.length === 0) writeLine(ctx.stdout, `No jobs in ${store(ctx).jobsDir}.`);
    for (const j of shown)
      writeLine(
        ctx.stdout,
        `${j.slug}${j.enabled ? "" : " (disabled)"}  ${j.captureType}  ${j.commands.map((c) => JSON.stringify(c)).join(", ")}  ${
          Object.entries(j.filter)
            .map(([k, x]) => `${k}=${String(x)}`)
            .join(" ") || "(all devices)"
        }${j.validation ? `  validate ${j.validation.template}` : ""}`,
      );
  }
  for (const e of errors) writeLine(ctx.stderr, `vcollector jobs: ${e.message}`);
  return errors.length ? 1 : 0;
}

async function show(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
  if (positionals.length !== 1) throw new UsageError("jobs show needs one job slug");
  const job = store(ctx).getJob(positionals[0]);
  let runs: import("../../lib/core/collect").HistoryRow[] = [];
  if (fs.existsSync(ctx.home.collectorDb)) {
    const { CollectorDb } = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
    const db = CollectorDb.open(ctx.home.collectorDb);
    try {
      runs = db.queryRuns({ job: job.slug, limit: 5 });
    } finally {
      db.close();
    }
  }
  if (v.json) printJson(ctx.stdout, { job: summary(job), source: job.source, runs });
  else {
    writeLine(ctx.stdout, `# ${job.file}`);
    ctx.stdout.write(jobsModule().dumpJob(job.source));
    writeLine(ctx.stdout, `# last runs: ${runs.length ? "" : "none"}`);
    for (const r of runs)
      writeLine(ctx.stdout, `#   ${r.startedAt}  ${r.runId}  ${r.status}  ${r.ok ?? 0}/${r.total ?? 0} ok`);
  }
  return 0;
}

async function validate(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
  const jobs = jobsModule();
  const s = store(ctx);
  const results: Array<{ item: string; ok: boolean; error?: string; warnings?: string[] }> = [];
  if (positionals.length) {
    for (const p of positionals) {
      try {
        if (fs.existsSync(p) && fs.statSync(p).isFile()) jobs.parseJob(fs.readFileSync(p, "utf8"), p);
        else s.getJob(p);
        results.push({ item: p, ok: true });
      } catch (err) {
        results.push({
          item: p,
          ok: false,
          error: errorMessage(err).startsWith(p) ? errorMessage(err) : `${p}: ${errorMessage(err)}`,
        });
      }
    }
  } else {
    const { jobs: all, errors } = s.listJobs();
    for (const j of all)
      results.push({
        item: j.slug,
        ok: true,
        ...(Object.keys(j.filter).length ? {} : { warnings: ["no device filter: every device of the inventory"] }),
      });
    for (const e of errors) results.push({ item: e.where ?? "", ok: false, error: e.message });
    const { batches, errors: bErrors } = s.listBatches();
    const slugs = new Set(all.map((j) => j.slug));
    for (const b of batches) {
      const missing = b.jobs.filter((x) => !slugs.has(x));
      results.push(
        missing.length
          ? { item: `batch ${b.slug}`, ok: false, error: `${b.file}: unknown job(s): ${missing.join(", ")}` }
          : { item: `batch ${b.slug}`, ok: true },
      );
    }
    for (const e of bErrors) results.push({ item: e.where ?? "", ok: false, error: e.message });
  }
  if (v.json) printJson(ctx.stdout, results);
  else
    for (const r of results)
      writeLine(
        ctx.stdout,
        r.ok ? `ok     ${r.item}${r.warnings ? `  (warning: ${r.warnings.join("; ")})` : ""}` : `ERROR  ${r.error}`,
      );
  return results.every((r) => r.ok) ? 0 : 1;
}

const NEW_OPTIONS = {
  ...DEVICE_FILTER_OPTIONS,
  name: { type: "string" },
  "name-regex": { type: "string" },
  "capture-type": { type: "string" },
  commands: { type: "string" },
  credential: { type: "string" },
  validate: { type: "string" },
  filter: { type: "string" },
  "min-score": { type: "string" },
  folder: { type: "string" },
  filename: { type: "string" },
  tag: { type: "string" },
  force: { type: "boolean" },
  disabled: { type: "boolean" },
} as const;

async function create(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, NEW_OPTIONS);
  if (positionals.length !== 1) throw new UsageError("jobs new needs one job slug (e.g. cisco-arp)");
  if (!v["capture-type"]) throw new UsageError("--capture-type is required (e.g. --capture-type arp)");
  if (!v.commands) throw new UsageError('--commands is required (e.g. --commands "show ip arp")');
  const s = store(ctx);
  const slug = positionals[0];
  if (s.hasJob(slug) && !v.force)
    throw new VcError("job_exists", `job '${slug}' exists (use --force to replace it)`, s.jobFile(slug));
  const devices: NonNullable<JobFile["devices"]> = {};
  for (const k of ["site", "role", "platform", "vendor", "manufacturer", "status"] as const)
    if (v[k]) devices[k] = v[k];
  if (v["name-regex"]) devices.name = v["name-regex"];
  if (v["credential-status"]) devices.credential_status = v["credential-status"] as "ok";
  if (v.limit) devices.limit = Number(v.limit);
  const minScore = v["min-score"] !== undefined ? Number(v["min-score"]) : undefined;
  const src: JobFile = {
    name: v.name ?? slug,
    slug,
    ...(v.disabled ? { enabled: false } : {}),
    ...(v.tag
      ? {
          tags: v.tag
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
    capture_type: v["capture-type"],
    commands: require("../../lib/core/collect").parseCommands(v.commands, "--commands", "semicolon") as string[],
    ...(Object.keys(devices).length ? { devices } : {}),
    ...(v.credential ? { credential: v.credential } : {}),
    ...(v.folder || v.filename
      ? { storage: { ...(v.folder ? { folder: v.folder } : {}), ...(v.filename ? { filename: v.filename } : {}) } }
      : {}),
    ...(v.validate || v.filter || minScore !== undefined
      ? {
          validation: {
            template: v.validate ?? "auto",
            ...(v.filter ? { filter: v.filter } : {}),
            ...(minScore !== undefined ? { min_score: minScore } : {}),
          },
        }
      : {}),
  };
  const job = s.saveJob(src);
  writeLine(ctx.stdout, `Job ${job.slug} written to ${job.file}`);
  return 0;
}

async function toggle(args: string[], ctx: CliContext, enabled: boolean): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length !== 1) throw new UsageError(`jobs ${enabled ? "enable" : "disable"} needs one job slug`);
  const job = store(ctx).setEnabled(positionals[0], enabled);
  writeLine(ctx.stdout, `Job ${job.slug} ${enabled ? "enabled" : "disabled"}.`);
  return 0;
}

async function remove(args: string[], ctx: CliContext): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length !== 1) throw new UsageError("jobs rm needs one job slug");
  const s = store(ctx);
  const file = s.removeJob(positionals[0]);
  const users = s.listBatches().batches.filter((b) => b.jobs.includes(positionals[0]));
  writeLine(ctx.stdout, `Removed ${file}.`);
  for (const b of users)
    writeLine(ctx.stderr, `vcollector jobs: note: batch ${b.slug} still lists '${positionals[0]}'`);
  return 0;
}

async function importVc(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, {
    replace: { type: "boolean" },
    dcim: { type: "string" },
    "dry-run": { type: "boolean" },
    json: { type: "boolean" },
  });
  if (positionals.length === 0)
    throw new UsageError(
      "jobs import-vc needs at least one path (jobs_v2 folder or .json, collector.db, batches .yaml)",
    );
  const { CollectorDb } = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
  const history = v["dry-run"] ? undefined : CollectorDb.open(ctx.home.collectorDb);
  try {
    const report = jobsModule().importVelocityCollector(positionals, {
      store: store(ctx),
      history,
      dcimDb: v.dcim ? path.resolve(v.dcim) : undefined,
      replace: Boolean(v.replace),
      dryRun: Boolean(v["dry-run"]),
    });
    if (v.json) printJson(ctx.stdout, report);
    else {
      for (const e of report.entries) {
        writeLine(
          ctx.stdout,
          `${e.action.padEnd(9)} ${e.kind} ${e.slug ?? ""}  (${e.source})${e.error ? `: ${e.error}` : ""}`,
        );
        for (const n of e.notes) writeLine(ctx.stdout, `          - ${n}`);
      }
      const count = (a: string) => report.entries.filter((e) => e.action === a).length;
      writeLine(
        ctx.stdout,
        `${v["dry-run"] ? "Dry run: " : ""}${count("imported")} imported, ${count("replaced")} replaced, ${count("unchanged")} unchanged, ${count("kept")} kept, ${count("refused")} refused; history rows: ${report.history.imported} imported, ${report.history.unchanged} already there.`,
      );
    }
    return report.entries.some((e) => e.action === "refused") ? 1 : 0;
  } finally {
    history?.close();
  }
}

async function flow(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(
    args,
    {
      batch: { type: "string" },
      crontab: { type: "string" },
      output: { type: "string" },
      "vault-id": { type: "string" },
    },
    false,
  );
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!v.batch) throw new UsageError("jobs flow needs --batch <name>");
  if (v.crontab !== undefined && v.crontab.trim().split(/\s+/).length !== 5)
    throw new UsageError(`--crontab must have five fields (minute hour day month weekday), got '${v.crontab}'`);
  const s = store(ctx);
  const batch = s.getBatch(v.batch);
  const missing = batch.jobs.filter((j) => !s.hasJob(j));
  if (missing.length)
    throw new VcError("job_not_found", `batch ${batch.slug} lists unknown job(s): ${missing.join(", ")}`, batch.file);
  const nodes = jobsModule().generateBatchFlow(batch, {
    crontab: v.crontab,
    vaultId: v["vault-id"],
    home: ctx.homeExplicit ? ctx.home.root : "",
  });
  const text = JSON.stringify(nodes, null, 2) + "\n";
  if (v.output) {
    jobsModule().writeAtomic(path.resolve(v.output), text);
    writeLine(
      ctx.stderr,
      `Flow for batch ${batch.slug} written to ${path.resolve(v.output)} (import it in Node-RED: Menu > Import).`,
    );
  } else ctx.stdout.write(text);
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[], ctx: CliContext) => Promise<number>> = {
  list,
  show,
  validate,
  new: create,
  enable: (args, ctx) => toggle(args, ctx, true),
  disable: (args, ctx) => toggle(args, ctx, false),
  rm: remove,
  "import-vc": importVc,
  flow,
  schema: async (_args, ctx) => {
    printJson(ctx.stdout, jobsModule().jobSchema());
    return 0;
  },
};

export const command: CliCommand = {
  name: "jobs",
  summary: "jobs and batches: list, show, validate, new, enable, disable, rm, import-vc, flow",
  usage: USAGE,
  run: async (args, ctx) => {
    const [handler, rest] = pickSubcommand("jobs", SUBCOMMANDS, args);
    return handler(rest, ctx);
  },
};
