import { UsageError, VcError } from "../../lib/core/errors";
import type { DeviceResult } from "../../lib/core/types";
import { parseCommandArgs, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { COLLECTION_RUN_OPTIONS, invalidInputIsUsage } from "../run-options";
import { countOption, openVaultFromEnv, seconds, selectDevices } from "./collect";

const USAGE = `Usage: vcollector run --job <slug> | --batch <name> [options]

Runs a job from the data home's jobs/ folder (its commands, device filter, execution settings,
storage and validation), or a batch from batches/ (its jobs in order, stop_on_failure and the
delay between jobs honoured). The vault password comes from VCOLLECTOR_VAULT_PASS.

Options:
  --job <slug>              the job to run
  --batch <name>            the batch to run (file name without .yaml, or its name)
  --dry-run                 list the jobs, and exactly the devices, commands and files each would use;
                            connect to nothing
  --limit <n>               at most n devices per job (after the job's filter, sorted by name)
  --credential <name>       use this vault credential (after each device's own) instead of the job's
  --no-save                 save no capture (outputs are still validated and reported)
  --force-save              save outputs that fail validation and count them as succeeded
  --inventory <file>        devices from this .csv or dcim.db (default: the data home's dcim.db)
  --vault <file>            vault file (default: the data home's vault.db)
  --no-history              do not record the run in collector.db
  --json                    one JSON line per device, then one per job and the batch summary
  --quiet                   only the summaries

Exit code: 0 when every job succeeded (every device of every job), 1 otherwise, 2 for a usage error.`;

const OPTIONS = {
  ...COLLECTION_RUN_OPTIONS,
  batch: { type: "string" },
  limit: { type: "string" },
  "force-save": { type: "boolean" },
  inventory: { type: "string" },
} as const;

async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, OPTIONS, false);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if ((v.job === undefined) === (v.batch === undefined))
    throw new UsageError("give exactly one of --job <slug> or --batch <name>");
  if (v["no-save"] && v["force-save"]) throw new UsageError("--no-save and --force-save contradict each other");
  const jobs = require("../../lib/core/jobs") as typeof import("../../lib/core/jobs");
  const limit = countOption(v.limit, "--limit", 1, 10_000_000);
  const store = new jobs.JobStore(ctx.home);
  const batch = v.batch !== undefined ? store.getBatch(v.batch) : undefined;
  const slugs = batch ? batch.jobs : [v.job!];
  // Every job is read (and checked) before anything runs: a bad file is reported, located, up front.
  const loaded = new Map<string, import("../../lib/core/jobs").Job>();
  const problems: string[] = [];
  for (const slug of slugs) {
    try {
      loaded.set(slug, store.getJob(slug));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (!batch && problems.length) throw new VcError("job_not_found", problems[0]);

  const selected = selectDevices(ctx, { inventory: v.inventory }, { writable: !v["dry-run"] });
  try {
    const collections = v["no-save"] ? undefined : ctx.home.collections;
    if (v["dry-run"]) {
      const plans = slugs.map((slug) => {
        const job = loaded.get(slug);
        if (!job) return { slug, error: problems.find((p) => p.includes(slug)) ?? `no job '${slug}'` };
        return jobs.planJob(job, { devices: selected.devices, limit, credential: v.credential, collections });
      });
      if (v.json) {
        printJson(ctx.stdout, {
          dryRun: true,
          source: selected.source,
          ...(batch
            ? {
                batch: {
                  name: batch.name,
                  slug: batch.slug,
                  stopOnFailure: batch.stopOnFailure,
                  delayS: batch.delayMs / 1000,
                },
              }
            : {}),
          jobs: plans,
        });
      } else {
        writeLine(
          ctx.stdout,
          `Dry run${batch ? ` of batch ${batch.slug} (stop_on_failure ${batch.stopOnFailure}, delay ${batch.delayMs / 1000} s)` : ""}: devices from ${selected.source}; nothing is connected.`,
        );
        for (const p of plans) {
          if ("error" in p) {
            writeLine(ctx.stdout, `${p.slug}: ${p.error}`);
            continue;
          }
          writeLine(
            ctx.stdout,
            `${p.slug}${p.enabled ? "" : " (disabled: would not run)"}: ${p.devices.length} device(s), commands ${p.commands.map((c) => JSON.stringify(c)).join(", ")}${p.validation ? `, validation ${p.validation.template}${p.validation.filter ? ` filter ${p.validation.filter}` : ""} min score ${p.validation.minScore}` : ""}`,
          );
          for (const d of p.devices)
            writeLine(
              ctx.stdout,
              `  ${d.name}  ${d.host}:${d.port}  ${d.platform}  credential ${d.credential}${d.capture ? `  → ${d.capture}` : ""}`,
            );
        }
      }
      return problems.length ? 1 : 0;
    }
    const vault = openVaultFromEnv(ctx, v.vault);
    const collect = require("../../lib/core/collect") as typeof import("../../lib/core/collect");
    const { KnownHostsStore } =
      require("../../lib/core/ssh/known-hosts") as typeof import("../../lib/core/ssh/known-hosts");
    const history = v["no-history"] ? undefined : collect.CollectorDb.open(ctx.home.collectorDb);
    try {
      const out = new RunPrinter(ctx, Boolean(v.json), Boolean(v.quiet));
      const common = {
        devices: selected.devices,
        credentials: vault,
        credential: v.credential,
        limit,
        collections,
        noSave: Boolean(v["no-save"]),
        forceSave: Boolean(v["force-save"]),
        templates: jobs.homeTemplates(ctx.home, ctx.env),
        history,
        recorder: selected.inventory,
        hostKeys: { policy: "tofu" as const, store: new KnownHostsStore(ctx.home.knownHosts) },
        signal: ctx.signal,
      };
      if (!batch) {
        const job = loaded.get(v.job!)!;
        out.jobStart(job.slug, 0, 1);
        const result = await jobs.runJob(job, { ...common, onDeviceResult: (r) => out.device(r) });
        out.jobEnd(result);
        return result.ok ? 0 : 1;
      }
      const result = await jobs.runBatch(batch, {
        ...common,
        job: (slug) => {
          const job = loaded.get(slug);
          if (!job) throw new VcError("job_not_found", problems.find((p) => p.includes(slug)) ?? `no job '${slug}'`);
          return job;
        },
        onJobStart: (slug, i, n) => out.jobStart(slug, i, n),
        onJobEnd: (r) => out.jobEnd(r),
        onDeviceResult: (r) => out.device(r),
      });
      out.batch(result);
      return result.status === "success" ? 0 : 1;
    } finally {
      history?.close();
      vault.close();
    }
  } finally {
    selected.close();
  }
}

class RunPrinter {
  constructor(
    private readonly ctx: CliContext,
    private readonly json: boolean,
    private readonly quiet: boolean,
  ) {}

  jobStart(slug: string, i: number, n: number): void {
    if (!this.json && !this.quiet) writeLine(this.ctx.stdout, `== ${slug}${n > 1 ? ` (job ${i + 1}/${n})` : ""}`);
  }

  device(r: DeviceResult): void {
    if (this.quiet) return;
    if (this.json) {
      writeLine(this.ctx.stdout, JSON.stringify({ device: r }));
      return;
    }
    const mark = r.status === "ok" ? "✓" : r.status === "partial" ? "~" : "✗";
    const v = r.validation;
    const score = v
      ? `, score ${v.score.toFixed(2)}${v.template ? ` ${v.template}` : ""}, ${v.recordCount} record(s)`
      : "";
    const tail =
      r.status === "ok"
        ? `${seconds(r.durationMs)}, credential ${r.credentialName}${score}`
        : `${r.errorClass}: ${r.error ?? ""}${v?.stored ? " (stored anyway)" : ""}`;
    writeLine(this.ctx.stdout, `  ${mark} ${r.device.name}  ${tail}`);
  }

  jobEnd(r: import("../../lib/core/jobs").JobRun): void {
    if (this.json) {
      writeLine(
        this.ctx.stdout,
        JSON.stringify({
          job: { slug: r.slug, ok: r.ok, summary: r.summary, error: r.error, errorClass: r.errorClass },
        }),
      );
      return;
    }
    const s = r.summary;
    if (!s) writeLine(this.ctx.stdout, `${r.slug}: failed: ${r.errorClass}: ${r.error}`);
    else {
      writeLine(
        this.ctx.stdout,
        `${r.slug}: ${s.status}. ${s.ok} ok, ${s.partial} partial, ${s.failed} failed of ${s.total} in ${seconds(s.durationMs)} (run ${s.runId})`,
      );
      for (const [cls, n] of Object.entries(s.errorCounts).sort((a, b) => b[1]! - a[1]!))
        writeLine(this.ctx.stdout, `  ${cls}: ${n}`);
      if (s.error) writeLine(this.ctx.stdout, `  Note: ${s.error}`);
    }
  }

  batch(b: import("../../lib/core/jobs").BatchRun): void {
    if (this.json) {
      writeLine(
        this.ctx.stdout,
        JSON.stringify({
          batch: {
            ...b,
            jobs: b.jobs.map((j) => ({
              slug: j.slug,
              ok: j.ok,
              skipped: Boolean(j.skipped),
              status: j.summary?.status,
              error: j.error,
            })),
          },
        }),
      );
      return;
    }
    const ok = b.jobs.filter((j) => j.ok).length;
    writeLine(this.ctx.stdout, "");
    writeLine(
      this.ctx.stdout,
      `Batch ${b.batch}: ${b.status}. ${ok} of ${b.jobs.length} job(s) succeeded in ${seconds(b.durationMs)} (run ${b.runId})`,
    );
    if (b.stoppedAfter)
      writeLine(
        this.ctx.stdout,
        `  stopped after '${b.stoppedAfter}' (stop_on_failure); not run: ${b.jobs
          .filter((j) => j.skipped)
          .map((j) => j.slug)
          .join(", ")}`,
      );
  }
}

export const command: CliCommand = {
  name: "run",
  summary: "run a job or a batch from the data home (jobs/, batches/)",
  usage: USAGE,
  run: invalidInputIsUsage(run),
};
