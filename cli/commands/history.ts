import * as fs from "node:fs";
import { UsageError, VcError } from "../../lib/core/errors";
import type { HistoryRow } from "../../lib/core/collect";
import { parseCommandArgs, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { countOption, seconds } from "./collect";

const USAGE = `Usage: vcollector history [--job <slug>] [--batch <name>] [--since <when>] [--status <s>] [--limit <n>] [--json]
       vcollector history show <run-id> [--json]
       vcollector history prune (--keep <n> | --older-than <age>) [--json]

The runs recorded in the data home's collector.db: collect runs, job runs and batch runs (a
batch row, then one row per job it ran). Runs whose process ended without finishing them
(kill -9, power cut) are shown as "interrupted", with the captures they wrote counted.

  --job <slug>          runs of this job (or collect --job name)
  --batch <name>        this batch's runs and the job runs inside them
  --since <when>        started at or after: an ISO date/time, or an age such as 7d, 12h, 30m
  --status <s>          success, partial, failed, cancelled, interrupted or running
  --limit <n>           newest n rows (default 20)
  show <run-id>         one run: per device status, error class, credential, duration, capture
                        path and validation score; for a batch, its jobs
  prune                 delete old runs (capture files and capture rows stay):
    --keep <n>          keep the newest n runs (a batch counts as one, with its jobs)
    --older-than <age>  delete runs started before this age (30d) or ISO date

Exit code: 0 ok, 1 for an unknown run, 2 for a usage error.`;

const STATUSES = ["success", "partial", "failed", "cancelled", "interrupted", "running"];

/** An ISO date/time, or an age (7d, 12h, 30m, 90s) before now, as an ISO string. */
export function pointInTime(value: string, flag: string, now = Date.now()): string {
  const age = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(value.trim());
  if (age) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[age[2].toLowerCase() as "s"]!;
    return new Date(now - Number(age[1]) * unit * 1000).toISOString();
  }
  const t = Date.parse(value);
  if (!Number.isFinite(t))
    throw new UsageError(`${flag} must be an ISO date/time or an age such as 7d or 12h, got '${value}'`);
  return new Date(t).toISOString();
}

function openHistory(ctx: CliContext) {
  const { CollectorDb } = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
  if (!fs.existsSync(ctx.home.collectorDb))
    throw new VcError("history_unavailable", "no run history yet (no collector.db)", ctx.home.collectorDb);
  return CollectorDb.open(ctx.home.collectorDb);
}

function line(r: HistoryRow): string {
  const what = r.kind === "batch" ? `batch ${r.jobName}` : r.batchRunId ? `  job ${r.jobName}` : r.jobName;
  const counts =
    r.kind === "batch"
      ? `${r.ok ?? 0}/${r.total ?? 0} jobs ok`
      : `${r.ok ?? 0} ok, ${r.partial ?? 0} partial, ${r.failed ?? 0} failed of ${r.total ?? 0}`;
  const vf = r.validationFailed ? ` (${r.validationFailed} validation_failed)` : "";
  const dur = r.durationMs !== null ? `, ${seconds(r.durationMs)}` : "";
  return `${r.startedAt}  ${r.runId}  ${what}  ${r.status}  ${counts}${vf}${dur}${r.error ? `  — ${r.error}` : ""}`;
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(
    args,
    {
      job: { type: "string" },
      batch: { type: "string" },
      since: { type: "string" },
      status: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
    },
    false,
  );
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (v.status !== undefined && !STATUSES.includes(v.status))
    throw new UsageError(`--status must be one of ${STATUSES.join(", ")}, got '${v.status}'`);
  const db = openHistory(ctx);
  try {
    const rows = db.queryRuns({
      job: v.job,
      batch: v.batch,
      since: v.since !== undefined ? pointInTime(v.since, "--since") : undefined,
      status: v.status,
      limit: countOption(v.limit, "--limit", 1, 100_000) ?? 20,
    });
    if (v.json) printJson(ctx.stdout, rows);
    else if (rows.length === 0) writeLine(ctx.stdout, "No runs match.");
    else for (const r of rows) writeLine(ctx.stdout, line(r));
    return 0;
  } finally {
    db.close();
  }
}

async function show(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
  if (positionals.length !== 1) throw new UsageError("history show needs one run id (see vcollector history)");
  const db = openHistory(ctx);
  try {
    const id = positionals[0];
    const run = db.getRun(id) ?? (/^\d+$/.test(id) ? db.getRun(Number(id)) : undefined);
    if (!run) throw new VcError("run_not_found", `no run '${id}' in ${ctx.home.collectorDb}`);
    const devices = db.runDevices(run.runId);
    const jobs = run.kind === "batch" ? db.batchJobs(run.runId) : [];
    if (v.json) {
      printJson(ctx.stdout, { run, ...(run.kind === "batch" ? { jobs } : { devices }) });
      return 0;
    }
    writeLine(ctx.stdout, line(run));
    for (const j of jobs) writeLine(ctx.stdout, line(j));
    for (const d of devices) {
      const score = d.score !== null ? `  score ${d.score.toFixed(2)}${d.template ? ` ${d.template}` : ""}` : "";
      writeLine(
        ctx.stdout,
        `  ${d.status.padEnd(7)} ${d.deviceName}  ${d.errorClass ?? "-"}  credential ${d.credentialName ?? "-"}  ${d.durationMs !== null ? seconds(d.durationMs) : "-"}  ${d.capturePath ?? "(no capture)"}${score}${d.error ? `  — ${d.error}` : ""}`,
      );
    }
    if (run.kind !== "batch" && devices.length === 0)
      writeLine(ctx.stdout, "  (no per-device rows: recorded by an older version or by VelocityCollector)");
    return 0;
  } finally {
    db.close();
  }
}

async function prune(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(
    args,
    { keep: { type: "string" }, "older-than": { type: "string" }, json: { type: "boolean" } },
    false,
  );
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (v.keep === undefined && v["older-than"] === undefined)
    throw new UsageError("history prune needs --keep <n> and/or --older-than <age>");
  const keep = countOption(v.keep, "--keep", 0, 10_000_000);
  const olderThan = v["older-than"] !== undefined ? pointInTime(v["older-than"], "--older-than") : undefined;
  const db = openHistory(ctx);
  try {
    const deleted = db.prune({ keep, olderThan });
    if (v.json) printJson(ctx.stdout, { deleted });
    else writeLine(ctx.stdout, `Deleted ${deleted} run row(s) from ${ctx.home.collectorDb}.`);
    return 0;
  } finally {
    db.close();
  }
}

export const command: CliCommand = {
  name: "history",
  summary: "run history: list, show <run-id>, prune",
  usage: USAGE,
  run: (args, ctx) => {
    if (args[0] === "show") return show(args.slice(1), ctx);
    if (args[0] === "prune") return prune(args.slice(1), ctx);
    return list(args, ctx);
  },
};
