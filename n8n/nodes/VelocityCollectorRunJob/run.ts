import * as fs from "node:fs";
import * as path from "node:path";
import type { IDataObject, IExecuteFunctions } from "n8n-workflow";
import { CollectorDb, type HostKeyPolicy } from "../../../lib/core/collect";
import { errorMessage, VcError } from "../../../lib/core/errors";
import { resolveHome, type HomePaths } from "../../../lib/core/home";
import { Inventory } from "../../../lib/core/inventory";
import { JobStore, homeTemplates, planJob, runBatch, runJob, type Job, type JobRun } from "../../../lib/core/jobs";
import { TEMPLATES_DIR_ENV } from "../../../lib/core/textfsm";
import { KnownHostsStore } from "../../../lib/core/ssh/known-hosts";
import type { Device, DeviceResult } from "../../../lib/core/types";
import type { Vault } from "../../../lib/core/vault";

/** What the Run Job node's parameters say for one input item. */
export interface JobSettings {
  home: HomePaths;
  kind: "job" | "batch";
  /** The job slug, or the batch's file stem or name. */
  name: string;
  dryRun: boolean;
  credential?: string;
  limit?: number;
  forceSave: boolean;
  save: boolean;
  history: boolean;
  hostKeyPolicy: HostKeyPolicy;
  templatesDir?: string;
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

export function jobSettingsFrom(ctx: IExecuteFunctions, i: number): JobSettings {
  const kind = ctx.getNodeParameter("run", i, "job") as string;
  if (kind !== "job" && kind !== "batch")
    throw new VcError("invalid_config", `must be job or batch, got '${kind}'`, "Run Job run");
  const name = text(ctx.getNodeParameter(kind, i, ""));
  if (name === "") throw new VcError("invalid_config", `choose a ${kind}`, `Run Job ${kind}`);
  const o = ctx.getNodeParameter("options", i, {}) as Record<string, unknown>;
  const policy = text(o.hostKeyPolicy) || "tofu";
  if (!["tofu", "strict", "accept-any"].includes(policy))
    throw new VcError(
      "invalid_config",
      `must be tofu, strict or accept-any, got '${policy}'`,
      "Run Job host key policy",
    );
  let limit: number | undefined;
  if (o.limit !== undefined && o.limit !== "") {
    limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new VcError(
        "invalid_config",
        `must be a whole number from 1, got ${JSON.stringify(o.limit)}`,
        "Run Job limit",
      );
  }
  const save = o.save !== false;
  const forceSave = o.forceSave === true;
  if (!save && forceSave)
    throw new VcError("invalid_config", "Save Captures off and Force Save contradict each other", "Run Job options");
  return {
    home: resolveHome(text(ctx.getNodeParameter("home", i, "")) || undefined),
    kind,
    name,
    dryRun: ctx.getNodeParameter("dryRun", i, false) === true,
    credential: text(o.credential) || undefined,
    limit,
    forceSave,
    save,
    history: o.history !== false,
    hostKeyPolicy: policy as HostKeyPolicy,
    templatesDir: text(o.templatesDir) || undefined,
  };
}

/** One device's outcome (or planned work in a dry run) and the job it belongs to. */
export interface DeviceOutcome {
  device: Device;
  json: IDataObject;
}

/** What a run produced: per device, and per job (the batch's jobs, or the one job). */
export interface JobsOutcome {
  devices: DeviceOutcome[];
  jobs: IDataObject[];
}

/**
 * Runs (or plans) the job or batch on lib/core/jobs: the same runJob / runBatch / planJob the
 * `vcollector run` command and the vc-job node use. A single job that fails before any device
 * ran (disabled, no templates for its validation…) throws its VcError; in a batch such a job is
 * reported in its job item and the batch goes on as stop_on_failure says.
 */
export async function runJobs(
  s: JobSettings,
  candidates: Device[] | undefined,
  vault: () => Promise<Vault>,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
): Promise<JobsOutcome> {
  const store = new JobStore(s.home);
  const batch = s.kind === "batch" ? store.getBatch(s.name) : undefined;
  const job = s.kind === "job" ? store.getJob(s.name) : undefined;
  const inventory = fs.existsSync(s.home.dcimDb) ? Inventory.open(s.home.dcimDb) : undefined;
  try {
    let devices = candidates;
    if (!devices) {
      if (!inventory)
        throw new VcError(
          "inventory_not_found",
          "no inventory in the data home and Devices is not Input Items",
          s.home.dcimDb,
        );
      devices = inventory.listDevices();
    }
    const collections = s.save ? s.home.collections : undefined;
    const outcome: JobsOutcome = { devices: [], jobs: [] };

    if (s.dryRun) {
      for (const slug of batch ? batch.jobs : [job!.slug]) {
        let planned: Job | undefined = job;
        try {
          planned ??= store.getJob(slug);
        } catch (err) {
          // A batch's job that is missing or invalid is reported, as a real batch run reports it.
          outcome.jobs.push({ dryRun: true, job: slug, ok: false, ...failure(err) });
          continue;
        }
        const plan = planJob(planned, {
          devices,
          limit: s.limit,
          credential: s.credential,
          collections,
          noSave: !s.save,
        });
        const byName = new Map(devices.map((d) => [d.name, d]));
        for (const d of plan.devices)
          outcome.devices.push({ device: byName.get(d.name)!, json: { dryRun: true, job: slug, ...d } });
        const { devices: planDevices, ...rest } = plan;
        outcome.jobs.push({ dryRun: true, job: slug, ...rest, devices: planDevices.length } as unknown as IDataObject);
      }
      return outcome;
    }

    const credentials = await vault();
    const history = s.history ? CollectorDb.open(s.home.collectorDb) : undefined;
    fs.mkdirSync(path.dirname(s.home.knownHosts), { recursive: true, mode: 0o700 });
    try {
      const common = {
        devices,
        credentials,
        credential: s.credential,
        limit: s.limit,
        collections,
        noSave: !s.save,
        forceSave: s.forceSave,
        templates: homeTemplates(
          s.home,
          s.templatesDir ? { ...process.env, [TEMPLATES_DIR_ENV]: s.templatesDir } : process.env,
        ),
        history,
        recorder: inventory,
        hostKeys: { policy: s.hostKeyPolicy, store: new KnownHostsStore(s.home.knownHosts) },
        signal,
        log,
      };
      const onDevice = (r: DeviceResult, slug: string) =>
        outcome.devices.push({ device: r.device, json: { ...(r as unknown as IDataObject), job: slug } });
      if (job) {
        const run = await runJob(job, { ...common, onDeviceResult: (r) => onDevice(r, job.slug) });
        if (!run.summary)
          throw new VcError(run.errorClass ?? "job_failed", run.error ?? "the job did not run", job.slug);
        outcome.jobs.push(jobJson(run));
        return outcome;
      }
      const result = await runBatch(batch!, {
        ...common,
        job: (slug) => store.getJob(slug),
        onDeviceResult: onDevice,
      });
      const batchJson = { name: result.batch, runId: result.runId, status: result.status };
      for (const run of result.jobs) outcome.jobs.push({ ...jobJson(run), batch: batchJson });
      return outcome;
    } finally {
      history?.close();
    }
  } finally {
    inventory?.close();
  }
}

function failure(err: unknown): IDataObject {
  return {
    error: errorMessage(err),
    errorClass: err instanceof VcError ? err.errorClass : "internal_error",
  };
}

function jobJson(run: JobRun & { skipped?: boolean }): IDataObject {
  return {
    job: run.slug,
    ok: run.ok,
    status: run.summary?.status ?? (run.skipped ? "skipped" : "failed"),
    ...(run.summary ? { summary: run.summary as unknown as IDataObject } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.errorClass ? { errorClass: run.errorClass } : {}),
    ...(run.skipped ? { skipped: true } : {}),
  };
}
