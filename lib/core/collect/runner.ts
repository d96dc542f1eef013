import { randomUUID } from "node:crypto";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../defaults";
import { runVersionRecorder } from "../changes";
import { VcError, errorMessage } from "../errors";
import type { Device, DeviceResult, SessionErrorClass } from "../types";
import { requireCredential, snapshotCredentials, type CredentialRecorder, type CredentialSource } from "./credentials";
import { DEFAULT_HOST_KEY_POLICY, hostKeyPolicyProblem } from "../ssh/host-key-policy";
import { KnownHostsStore } from "../ssh/known-hosts";
import { collectDevice, type DeviceRunContext, type OutputValidator } from "./device";
import { pinsFrom } from "./pins";
import type { CollectorDb } from "./history";
import { historyRows, type HistoryRows } from "./history-rows";
import { runPool } from "./pool";
import { vaultSecretsOf } from "./redaction";
import { redactionRules, type RuleOptions } from "../platforms";
import { linkedSignal } from "./timing";
import type { HostKeyPolicy, SessionOpener } from "./session";
import type { CaptureStore } from "./store";
import { defaultMaxOutputBytes } from "./excerpt";
import {
  DEFAULT_RETRY,
  runTimeouts,
  type CollectTimeouts,
  type RetryPolicy,
  type RunProgress,
  type RunSummary,
} from "./types";

export const DEFAULT_CONCURRENCY = 20;
export const MAX_CONCURRENCY = 5_000;
/** Default upper bound of the random start delay of each device. */
export const DEFAULT_JITTER_MS = 250;
export { DEFAULT_MAX_OUTPUT_BYTES };

export interface CollectRequest {
  devices: Device[];
  /** Commands in order; each is sent as typed (no comma splitting). */
  commands: string[];
  /** Folder name under collections/ (e.g. "configs", "arp"). */
  captureType: string;
  /** Job name for history; defaults to the capture type. */
  jobName?: string;
  credentials: CredentialSource;
  /** The job's / node's explicit credential name (checked before any login). */
  credential?: string;
  /** Try the other vault credentials on hosts whose key was pinned before the run. */
  discovery?: boolean;
  concurrency?: number;
  /** Upper bound of the random start delay of the first `concurrency` devices (the initial burst), ms. */
  jitterMs?: number;
  /** Pause between two commands on one device, ms. */
  commandDelayMs?: number;
  timeouts?: Partial<CollectTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Cap on one command's output; default 32 MiB when a command shows a configuration, else 8 MiB. */
  maxOutputBytes?: number;
  /** Host-key policy (default tofu) and store (required unless accept-any: the data home's known_hosts). */
  hostKeys?: { policy: HostKeyPolicy; store?: KnownHostsStore };
  /** Where captures go; without it nothing is written (no-save). */
  store?: CaptureStore;
  /** Keep capture versions for change detection (default: on whenever captures are saved). */
  versions?: boolean;
  /** collector.db for job_history and captures rows; without it no history is kept. */
  history?: CollectorDb;
  /** Where the credential that worked, and when each device was last collected, are remembered (the SQLite inventory). */
  recorder?: CredentialRecorder;
  /**
   * Mask secrets in device output with each platform's rules before it is saved or reported (off
   * for raw config backups, on for anything sent onward). Secrets the vault knows are masked
   * whatever this says, and partial output attached to an error always gets the rules.
   */
  redact?: boolean;
  /** User platform records and rules (platformOptionsForHome(home) gives a data home's). */
  platforms?: RuleOptions;
  /** Checks each device's output before its capture is saved (a job's validation gate). */
  validate?: OutputValidator;
  /** The batch run this run belongs to (recorded in its history row). */
  batchRunId?: string;
  /** Where the job came from (history's job_file: a job file path). */
  jobFile?: string;
  signal?: AbortSignal;
  /** Called as each device finishes, in completion order. */
  onDeviceResult?: (result: DeviceResult) => void;
  onProgress?: (progress: RunProgress) => void;
  log?: (line: string) => void;
  /** Session opener; defaults to lib/core/ssh's openSession. */
  open?: SessionOpener;
  /** Random source for jitter and backoff (tests may pin it). */
  random?: () => number;
}

/** Checks a request before anything connects; throws a VcError naming the bad field. */
export function validateRequest(req: CollectRequest): {
  commands: string[];
  concurrency: number;
  credentials: CredentialSource;
} {
  if (!Array.isArray(req.devices)) throw new VcError("invalid_input", "devices must be a list", "collect.devices");
  if (!Array.isArray(req.commands))
    throw new VcError("invalid_input", "commands must be a list of strings", "collect.commands");
  const commands = req.commands
    .map((c, i) => {
      if (typeof c !== "string")
        throw new VcError("invalid_input", `must be a string, got ${typeof c}`, `collect.commands[${i}]`);
      return c.trim();
    })
    .filter((c) => c !== "");
  if (commands.length === 0) throw new VcError("invalid_input", "no command to run", "collect.commands");
  if (typeof req.captureType !== "string" || req.captureType.trim() === "")
    throw new VcError("invalid_input", "a capture type is required (e.g. configs, arp)", "collect.captureType");
  const concurrency = req.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new VcError(
      "invalid_input",
      `must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${String(req.concurrency)}`,
      "collect.concurrency",
    );
  }
  for (const [field, value] of Object.entries({
    jitterMs: req.jitterMs,
    commandDelayMs: req.commandDelayMs,
    maxOutputBytes: req.maxOutputBytes,
    ...req.timeouts,
  })) {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
      throw new VcError("invalid_input", `must be a number of at least 0, got ${String(value)}`, `collect.${field}`);
    }
  }
  const credentials = snapshotCredentials(req.credentials);
  if (req.credential) requireCredential(credentials, req.credential, "collect.credential");
  const policy = req.hostKeys?.policy ?? DEFAULT_HOST_KEY_POLICY;
  const policyProblem = hostKeyPolicyProblem(policy);
  if (policyProblem) throw new VcError("invalid_input", policyProblem, "collect.hostKeys.policy");
  if (!req.hostKeys?.store && policy !== "accept-any")
    throw new VcError(
      "invalid_input",
      `a known_hosts store is required with the ${policy} policy (the data home's: new KnownHostsStore(home.knownHosts))`,
      "collect.hostKeys.store",
    );
  // A bad user rule (platforms.yaml) fails the run here, naming the file, before any login.
  for (const platform of new Set(req.devices.map((d) => String(d?.platform ?? ""))))
    redactionRules(platform, req.platforms);
  return { commands, concurrency, credentials };
}

/**
 * Runs the commands on every device with bounded concurrency and returns the summary. Each
 * device's result goes to onDeviceResult as soon as it finishes. Aborting `signal` stops
 * starting devices, closes every open session, and reports the devices never started as
 * cancelled. Throws only for a bad request or an unusable history database, before any login.
 */
export async function runCollection(req: CollectRequest): Promise<RunSummary> {
  const { commands, concurrency, credentials } = validateRequest(req);
  const linked = linkedSignal(req.signal, concurrency);
  const signal = linked.signal;
  const runId = randomUUID();
  const captureType = req.captureType.trim();
  const jobName = req.jobName?.trim() || captureType;
  const started = new Date();
  const historyId = req.history?.startRun({
    runId,
    jobName,
    captureType,
    startedAt: started.toISOString(),
    total: req.devices.length,
    jobFile: req.jobFile,
    batchRunId: req.batchRunId,
  });

  // Only accept-any runs without a store (validateRequest); nothing is pinned then.
  const hostKeyStore = req.hostKeys?.store ?? KnownHostsStore.inMemory();
  const tally = new Tally(runId, req.devices.length);
  // A group commit waits for more only while some device in flight is not yet in it.
  const moreExpected = (waiting: number) => tally.active > waiting;
  const ctx: DeviceRunContext = {
    runId,
    captureType,
    commands,
    credentials,
    explicitCredential: req.credential || undefined,
    discovery: req.discovery ?? false,
    timeouts: runTimeouts(req.timeouts),
    retry: { ...DEFAULT_RETRY, ...req.retry },
    jitterMs: req.jitterMs ?? DEFAULT_JITTER_MS,
    commandDelayMs: req.commandDelayMs ?? 0,
    maxOutputBytes: req.maxOutputBytes ?? defaultMaxOutputBytes(commands),
    hostKeyPolicy: req.hostKeys?.policy ?? DEFAULT_HOST_KEY_POLICY,
    hostKeyStore,
    pins: pinsFrom(hostKeyStore),
    open: req.open ?? defaultOpener(),
    store: req.store,
    versions:
      req.store && req.versions !== false
        ? runVersionRecorder(req.store.collections, req.log, moreExpected)
        : undefined,
    history: req.history ? { db: req.history, historyId, rows: historyRows(req.history, moreExpected) } : undefined,
    recorder: req.recorder,
    redaction: { redact: req.redact ?? false, platforms: req.platforms, vaultSecrets: vaultSecretsOf(credentials) },
    validate: req.validate,
    signal,
    log: req.log,
    random: req.random ?? Math.random,
  };
  // Only the first wave starts as a burst: later devices start as slots free up, already spread
  // over time, so the start jitter (which adds to the run's wall time) is not paid again by them.
  const afterFirstWave: DeviceRunContext = { ...ctx, jitterMs: 0 };
  const emit = (result: DeviceResult) => {
    tally.add(result);
    recordDevice(req, ctx.history?.rows, runId, historyId, result);
    safeCall(() => req.onDeviceResult?.(result), req.log, "onDeviceResult");
    safeCall(() => req.onProgress?.(tally.progress()), req.log, "onProgress");
  };

  const duplicates = duplicateCaptureNames(req.devices, captureType, req.store);
  // Keys pinned on first use are saved in coalesced writes during the run, and all of them before
  // the run reports (see KnownHostsStore.beginBatch).
  const endPinBatch = hostKeyStore.beginBatch();
  let pinError: string | undefined;
  // collectDevice reports every failure as a result; a throw would be a bug, reported the same way.
  const { started: startedCount } = await runPool(
    req.devices,
    concurrency,
    async (device, index) => {
      if (duplicates.has(index)) {
        emit(
          resultWithoutSession(
            device,
            ctx,
            "save_failed",
            `another device in this run has the same capture file (${duplicates.get(index)})`,
          ),
        );
        return;
      }
      tally.active++;
      let result: DeviceResult;
      try {
        result = await collectDevice(device, index < concurrency ? ctx : afterFirstWave);
      } catch (err) {
        result = resultWithoutSession(device, ctx, "internal_error", `internal error: ${errorMessage(err)}`);
      } finally {
        tally.active--;
      }
      emit(result);
    },
    signal,
  ).finally(() => {
    try {
      endPinBatch();
    } catch (err) {
      pinError = `host keys pinned in this run could not be saved to ${hostKeyStore.file}: ${errorMessage(err)}`;
    }
  });
  for (let i = startedCount; i < req.devices.length; i++)
    emit(resultWithoutSession(req.devices[i], ctx, "cancelled", "the run was cancelled before this device started"));

  const finished = new Date();
  const summary = tally.summary({
    jobName,
    captureType,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    cancelled: signal.aborted,
    error:
      [req.devices.length === 0 ? "no devices to collect" : undefined, pinError].filter(Boolean).join("; ") ||
      undefined,
    historyId,
  });
  // Unsaved pins would let a changed key pass unnoticed next time: never a clean success.
  if (pinError && summary.status === "success") summary.status = "partial";
  linked.dispose();
  await ctx.versions?.close();
  await ctx.history?.rows.flush();
  if (req.history && historyId !== undefined) {
    try {
      req.history.finishRun(historyId, summary);
      if (req.validate) req.history.setValidationFailed(historyId, summary.errorCounts.validation_failed ?? 0);
    } catch (err) {
      summary.error = [summary.error, `history not updated: ${errorMessage(err)}`].filter(Boolean).join("; ");
    }
  }
  return summary;
}

class Tally {
  done = 0;
  ok = 0;
  partial = 0;
  failed = 0;
  cancelled = 0;
  active = 0;
  readonly errorCounts: Partial<Record<SessionErrorClass, number>> = {};

  constructor(
    readonly runId: string,
    readonly total: number,
  ) {}

  add(r: DeviceResult): void {
    this.done++;
    if (r.status === "ok") this.ok++;
    else if (r.status === "partial") this.partial++;
    else this.failed++;
    if (r.errorClass === "cancelled") this.cancelled++;
    if (r.status !== "ok" && r.errorClass) this.errorCounts[r.errorClass] = (this.errorCounts[r.errorClass] ?? 0) + 1;
  }

  progress(): RunProgress {
    return {
      runId: this.runId,
      total: this.total,
      done: this.done,
      ok: this.ok,
      partial: this.partial,
      failed: this.failed,
      active: this.active,
    };
  }

  summary(s: {
    jobName: string;
    captureType: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    cancelled: boolean;
    error?: string;
    historyId?: number;
  }): RunSummary {
    const status: RunSummary["status"] = s.cancelled
      ? "cancelled"
      : this.total > 0 && this.ok === this.total
        ? "success"
        : this.ok + this.partial === 0
          ? "failed"
          : "partial";
    return {
      runId: this.runId,
      jobName: s.jobName,
      captureType: s.captureType,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      durationMs: s.durationMs,
      total: this.total,
      ok: this.ok,
      partial: this.partial,
      failed: this.failed,
      cancelled: this.cancelled,
      errorCounts: { ...this.errorCounts },
      status,
      historyId: s.historyId,
      ...(s.error ? { error: s.error } : {}),
    };
  }
}

function resultWithoutSession(
  device: Device,
  ctx: DeviceRunContext,
  errorClass: SessionErrorClass,
  error: string,
): DeviceResult {
  const now = new Date().toISOString();
  return {
    runId: ctx.runId,
    device,
    captureType: ctx.captureType,
    status: "failed",
    errorClass,
    error,
    commands: [],
    capturePaths: [],
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
  };
}

/** Devices (by index) whose capture file would be the same as an earlier device's. */
function duplicateCaptureNames(devices: Device[], captureType: string, store?: CaptureStore): Map<number, string> {
  const seen = new Map<string, string>();
  const dupes = new Map<number, string>();
  devices.forEach((d, i) => {
    const key = store ? store.pathFor(captureType, String(d?.name ?? "")) : String(d?.name ?? "");
    const first = seen.get(key);
    if (first !== undefined) dupes.set(i, `'${first}'`);
    else seen.set(key, String(d?.name ?? ""));
  });
  return dupes;
}

/**
 * The device's row in the run's history (for `history show`), and the inventory's
 * last_collected_at for a device that returned output. Neither may fail the run.
 */
function recordDevice(
  req: CollectRequest,
  rows: HistoryRows | undefined,
  runId: string,
  historyId: number | undefined,
  r: DeviceResult,
): void {
  if (req.history && rows && historyId !== undefined) {
    const write = () =>
      req.history!.addDeviceResult({
        historyId,
        runId,
        deviceName: String(r.device?.name ?? ""),
        status: r.status,
        errorClass: r.errorClass,
        error: r.error,
        credentialName: r.credentialName,
        durationMs: r.durationMs,
        capturePath: r.capturePaths[0],
        score: r.validation?.score,
        template: r.validation?.template ?? undefined,
        finishedAt: r.finishedAt,
      });
    // Committed with its group (the run waits for the last one before it reports); never fails the run.
    rows.add(write).done.catch((err: Error) => req.log?.(`history: device row not written: ${errorMessage(err)}`));
  }
  if (req.recorder?.setCollectedAt && r.commands.some((c) => c.status === "ok")) {
    const at = new Date(r.finishedAt || Date.now());
    safeCall(() => req.recorder!.setCollectedAt!(r.device.name, at), undefined, "last_collected_at");
  }
}

function safeCall(fn: () => void, log: ((line: string) => void) | undefined, what: string): void {
  try {
    fn();
  } catch (err) {
    log?.(`${what} callback threw: ${errorMessage(err)}`);
  }
}

function defaultOpener(): SessionOpener {
  // Loaded on first use so that code using only the store/history does not pay for ssh2.
  const ssh = require("../ssh") as { openSession: SessionOpener };
  return (opts) => ssh.openSession(opts);
}
