import type { ErrorClass } from "../error-classes";
import { randomUUID } from "node:crypto";
import { runCollection, type CollectRequest } from "../collect/runner";
import type { CredentialRecorder, CredentialSource } from "../collect/credentials";
import type { CollectorDb } from "../collect/history";
import type { OutputValidator, ValidationVerdict } from "../collect/device";
import { sleep } from "../collect/timing";
import type { RunProgress, RunSummary } from "../collect/types";
import { VcError, errorMessage } from "../errors";
import { filterDevices } from "../inventory";
import type { Device, DeviceResult } from "../types";
import type { Batch } from "./batch";
import type { Job } from "./job";
import { JobCaptureStore } from "./storage";
import { prepareValidation, validateDeviceOutput, type OutputValidatorSource } from "./validate-output";

/**
 * Running jobs and batches on the collection runner (runCollection): a job supplies the
 * commands, the device filter, the execution settings, the storage pattern and the validation
 * gate; the runner does the rest exactly as for `collect` and vc-collect.
 */

export interface JobRunOptions {
  /** Candidate devices (the inventory, or devices from a flow); the job's filter selects among them. */
  devices: Device[];
  credentials: CredentialSource;
  /** Overrides the job's credential (`--credential`). */
  credential?: string;
  /** Overrides the job's device limit (`--limit`). */
  limit?: number;
  /** The collections directory; without it (or with noSave) nothing is written. */
  collections?: string;
  noSave?: boolean;
  /** Save outputs that fail validation, counting them as succeeded (VelocityCollector's --force-save). */
  forceSave?: boolean;
  /** Templates for the validation gate. */
  templates?: OutputValidatorSource;
  history?: CollectorDb;
  batchRunId?: string;
  recorder?: CredentialRecorder;
  hostKeys?: CollectRequest["hostKeys"];
  signal?: AbortSignal;
  jitterMs?: number;
  onDeviceResult?: (r: DeviceResult) => void;
  onProgress?: (p: RunProgress) => void;
  log?: (line: string) => void;
  /** Session opener (tests/benches); default: the SSH driver. */
  open?: CollectRequest["open"];
}

/** What a job would do: exactly the devices, commands and files the real run uses. */
export interface JobPlan {
  slug: string;
  name: string;
  enabled: boolean;
  captureType: string;
  commands: string[];
  credential?: string;
  validation?: Job["validation"];
  devices: Array<{
    name: string;
    host: string;
    port: number;
    platform: string;
    credential: string;
    capture: string | null;
  }>;
}

/** The job's devices among the candidates: the job's filter, then the limit (the same call for dry and real runs). */
export function selectJobDevices(job: Job, candidates: Device[], limit?: number): Device[] {
  return filterDevices(candidates, { ...job.filter, ...(limit !== undefined ? { limit } : {}) });
}

function storeFor(
  job: Job,
  opts: Pick<JobRunOptions, "collections" | "noSave">,
  devices: Device[],
): JobCaptureStore | undefined {
  if (opts.noSave || !opts.collections) return undefined;
  return new JobCaptureStore(
    { collections: opts.collections, keepHistory: job.storage.keepHistory },
    job.storage,
  ).register(devices);
}

export function planJob(
  job: Job,
  opts: Pick<JobRunOptions, "devices" | "limit" | "credential" | "collections" | "noSave">,
): JobPlan {
  const devices = selectJobDevices(job, opts.devices, opts.limit);
  const store = storeFor(job, opts, devices);
  const credential = opts.credential ?? job.credential;
  return {
    slug: job.slug,
    name: job.name,
    enabled: job.enabled,
    captureType: job.captureType,
    commands: job.commands,
    ...(credential ? { credential } : {}),
    ...(job.validation ? { validation: job.validation } : {}),
    devices: devices.map((d) => ({
      name: d.name,
      host: d.host,
      port: d.port,
      platform: d.platform,
      credential: d.credentialName ?? credential ?? "(vault default)",
      capture: store?.pathFor(job.captureType, d.name) ?? null,
    })),
  };
}

/** The validation gate of a job as the runner's per-device hook. */
export function jobValidator(
  job: Job,
  templates: OutputValidatorSource,
  forceSave = false,
): OutputValidator | undefined {
  const settings = job.validation;
  if (!settings) return undefined;
  const force = forceSave || settings.forceSave;
  return (result: DeviceResult): ValidationVerdict => {
    const validation = validateDeviceOutput(result, settings, templates);
    if (validation.valid) return { validation, save: true, fail: false };
    return { validation, save: force || settings.storeFailures, fail: !force };
  };
}

export interface JobRun {
  slug: string;
  summary?: RunSummary;
  /** A job-level failure before any device ran (disabled, no templates, bad credential…). */
  error?: string;
  errorClass?: ErrorClass;
  /** True when every device succeeded. */
  ok: boolean;
}

/** Runs one job. Never throws for a job-level problem: it is reported in the result (and history). */
export async function runJob(job: Job, opts: JobRunOptions): Promise<JobRun> {
  if (!job.enabled)
    return { slug: job.slug, ok: false, errorClass: "job_disabled", error: `job '${job.slug}' is disabled` };
  const devices = selectJobDevices(job, opts.devices, opts.limit);
  try {
    if (job.validation) {
      if (!opts.templates)
        throw new VcError("no_template", "the job validates its output but no templates were given", job.slug);
      prepareValidation(opts.templates, job.validation);
    }
    const summary = await runCollection({
      devices,
      commands: job.commands,
      captureType: job.captureType,
      jobName: job.slug,
      jobFile: job.file,
      batchRunId: opts.batchRunId,
      credentials: opts.credentials,
      credential: opts.credential ?? job.credential,
      concurrency: job.execution.concurrency,
      jitterMs: opts.jitterMs,
      commandDelayMs: job.execution.commandDelayMs,
      timeouts: {
        ...(job.execution.commandTimeoutMs !== undefined ? { commandMs: job.execution.commandTimeoutMs } : {}),
        ...(job.execution.deviceTimeoutMs !== undefined ? { deviceMs: job.execution.deviceTimeoutMs } : {}),
        ...(job.execution.connectTimeoutMs !== undefined
          ? {
              connectMs: job.execution.connectTimeoutMs,
              bannerMs: job.execution.connectTimeoutMs,
              authMs: job.execution.connectTimeoutMs,
            }
          : {}),
      },
      retry: job.execution.retries !== undefined ? { retries: job.execution.retries } : undefined,
      hostKeys: opts.hostKeys,
      store: storeFor(job, opts, devices),
      history: opts.history,
      recorder: opts.recorder,
      validate: opts.templates ? jobValidator(job, opts.templates, opts.forceSave) : undefined,
      signal: opts.signal,
      onDeviceResult: opts.onDeviceResult,
      onProgress: opts.onProgress,
      log: opts.log,
      open: opts.open,
    });
    return { slug: job.slug, summary, ok: summary.status === "success" };
  } catch (err) {
    const errorClass = err instanceof VcError ? err.errorClass : "internal_error";
    return { slug: job.slug, ok: false, errorClass, error: errorMessage(err) };
  }
}

export interface BatchRun {
  runId: string;
  batch: string;
  status: "success" | "partial" | "failed" | "cancelled";
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  jobs: Array<JobRun & { skipped?: boolean }>;
  /** The job after which the batch stopped (stop_on_failure), if it did. */
  stoppedAfter?: string;
  historyId?: number;
}

export interface BatchRunOptions extends Omit<JobRunOptions, "batchRunId" | "onDeviceResult" | "onProgress"> {
  /** Looks a job up by slug (throws job_not_found). */
  job: (slug: string) => Job;
  onJobStart?: (slug: string, index: number, total: number) => void;
  onJobEnd?: (run: JobRun, index: number, total: number) => void;
  onDeviceResult?: (r: DeviceResult, slug: string) => void;
  onProgress?: (p: RunProgress, slug: string) => void;
  /** Overrides the batch's stop_on_failure / delay. */
  stopOnFailure?: boolean;
  delayMs?: number;
}

/**
 * Runs a batch's jobs in order: one batch row in history plus each job's own row (linked by
 * the batch's run id). A job that fails stops the batch when stop_on_failure says so; the jobs
 * not run are listed as skipped. The delay between jobs is cancellable.
 */
export async function runBatch(batch: Batch, opts: BatchRunOptions): Promise<BatchRun> {
  const runId = randomUUID();
  const started = new Date();
  const historyId = opts.history?.startRun({
    runId,
    jobName: batch.slug,
    captureType: "batch",
    startedAt: started.toISOString(),
    total: batch.jobs.length,
    jobFile: batch.file,
    kind: "batch",
  });
  const stopOnFailure = opts.stopOnFailure ?? batch.stopOnFailure;
  const delayMs = opts.delayMs ?? batch.delayMs;
  const jobs: BatchRun["jobs"] = [];
  let stoppedAfter: string | undefined;
  for (let i = 0; i < batch.jobs.length; i++) {
    const slug = batch.jobs[i];
    if (opts.signal?.aborted || stoppedAfter) {
      jobs.push({
        slug,
        ok: false,
        skipped: true,
        error: stoppedAfter ? `not run: the batch stopped after '${stoppedAfter}'` : "not run: cancelled",
      });
      continue;
    }
    if (i > 0 && delayMs > 0) {
      await sleep(delayMs, opts.signal);
      if (opts.signal?.aborted) {
        jobs.push({ slug, ok: false, skipped: true, error: "not run: cancelled" });
        continue;
      }
    }
    opts.onJobStart?.(slug, i, batch.jobs.length);
    let run: JobRun;
    try {
      const job = opts.job(slug);
      run = await runJob(job, {
        ...opts,
        batchRunId: runId,
        onDeviceResult: opts.onDeviceResult ? (r) => opts.onDeviceResult!(r, slug) : undefined,
        onProgress: opts.onProgress ? (p) => opts.onProgress!(p, slug) : undefined,
      });
    } catch (err) {
      run = {
        slug,
        ok: false,
        errorClass: err instanceof VcError ? err.errorClass : "internal_error",
        error: errorMessage(err),
      };
    }
    jobs.push(run);
    opts.onJobEnd?.(run, i, batch.jobs.length);
    if (!run.ok && stopOnFailure) stoppedAfter = slug;
  }
  const finished = new Date();
  const ran = jobs.filter((j) => !j.skipped);
  const ok = ran.filter((j) => j.ok).length;
  const cancelled = Boolean(opts.signal?.aborted);
  const status: BatchRun["status"] = cancelled
    ? "cancelled"
    : ok === batch.jobs.length && batch.jobs.length > 0
      ? "success"
      : ok === 0
        ? "failed"
        : "partial";
  const result: BatchRun = {
    runId,
    batch: batch.slug,
    status,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    jobs,
    ...(stoppedAfter ? { stoppedAfter } : {}),
    ...(historyId !== undefined ? { historyId } : {}),
  };
  if (opts.history && historyId !== undefined) {
    try {
      opts.history.finishBatch(historyId, {
        finishedAt: result.finishedAt,
        total: batch.jobs.length,
        ok,
        failed: batch.jobs.length - ok,
        status,
        durationMs: result.durationMs,
        error:
          [
            ...jobs.filter((j) => !j.ok && j.error).map((j) => `${j.slug}: ${j.error}`),
            ...(stoppedAfter ? [`stopped after '${stoppedAfter}' (stop_on_failure)`] : []),
          ].join("; ") || undefined,
      });
    } catch (err) {
      opts.log?.(`batch history not updated: ${errorMessage(err)}`);
    }
  }
  return result;
}
