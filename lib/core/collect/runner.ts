import { randomUUID } from "node:crypto";
import { VcError, errorMessage } from "../errors";
import type { Device, DeviceResult, SessionErrorClass } from "../types";
import { requireCredential, snapshotCredentials, type CredentialRecorder, type CredentialSource } from "./credentials";
import { resolveHome } from "../home";
import { KnownHostsStore } from "../ssh/known-hosts";
import { collectDevice, type DeviceRunContext } from "./device";
import { pinsFrom } from "./pins";
import type { CollectorDb } from "./history";
import { runPool } from "./pool";
import { linkedSignal } from "./timing";
import type { HostKeyPolicy, SessionOpener } from "./session";
import type { CaptureStore } from "./store";
import { defaultMaxOutputBytes } from "./excerpt";
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type CollectTimeouts,
  type RetryPolicy,
  type RunProgress,
  type RunSummary,
} from "./types";

export const DEFAULT_CONCURRENCY = 20;
export const MAX_CONCURRENCY = 5_000;
/** Default upper bound of the random start delay of each device. */
export const DEFAULT_JITTER_MS = 250;
/** Default cap on one command's output (a runaway output becomes output_too_large, not an OOM). */
export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

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
  /** Host-key policy (default tofu) and store (default: the data home's known_hosts). */
  hostKeys?: { policy: HostKeyPolicy; store?: KnownHostsStore };
  /** Where captures go; without it nothing is written (no-save). */
  store?: CaptureStore;
  /** collector.db for job_history and captures rows; without it no history is kept. */
  history?: CollectorDb;
  /** Where the credential that worked is remembered (the SQLite inventory). */
  recorder?: CredentialRecorder;
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
  if (!Array.isArray(req.devices)) throw new VcError("invalid_request", "devices must be a list", "collect.devices");
  if (!Array.isArray(req.commands))
    throw new VcError("invalid_request", "commands must be a list of strings", "collect.commands");
  const commands = req.commands
    .map((c, i) => {
      if (typeof c !== "string")
        throw new VcError("invalid_request", `must be a string, got ${typeof c}`, `collect.commands[${i}]`);
      return c.trim();
    })
    .filter((c) => c !== "");
  if (commands.length === 0) throw new VcError("invalid_request", "no command to run", "collect.commands");
  if (typeof req.captureType !== "string" || req.captureType.trim() === "")
    throw new VcError("invalid_request", "a capture type is required (e.g. configs, arp)", "collect.captureType");
  const concurrency = req.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new VcError(
      "invalid_request",
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
      throw new VcError("invalid_request", `must be a number of at least 0, got ${String(value)}`, `collect.${field}`);
    }
  }
  const credentials = snapshotCredentials(req.credentials);
  if (req.credential) requireCredential(credentials, req.credential, "collect.credential");
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
  });

  const hostKeyStore = req.hostKeys?.store ?? new KnownHostsStore(resolveHome().knownHosts);
  const tally = new Tally(runId, req.devices.length);
  const ctx: DeviceRunContext = {
    runId,
    captureType,
    commands,
    credentials,
    explicitCredential: req.credential || undefined,
    discovery: req.discovery ?? false,
    timeouts: { ...DEFAULT_TIMEOUTS, ...req.timeouts },
    retry: { ...DEFAULT_RETRY, ...req.retry },
    jitterMs: req.jitterMs ?? DEFAULT_JITTER_MS,
    commandDelayMs: req.commandDelayMs ?? 0,
    maxOutputBytes: req.maxOutputBytes ?? defaultMaxOutputBytes(commands),
    hostKeyPolicy: req.hostKeys?.policy ?? "tofu",
    hostKeyStore,
    pins: pinsFrom(hostKeyStore),
    open: req.open ?? defaultOpener(),
    store: req.store,
    history: req.history ? { db: req.history, historyId } : undefined,
    recorder: req.recorder,
    signal,
    log: req.log,
    random: req.random ?? Math.random,
  };
  // Only the first wave starts as a burst: later devices start as slots free up, already spread
  // over time, so the start jitter (which adds to the run's wall time) is not paid again by them.
  const afterFirstWave: DeviceRunContext = { ...ctx, jitterMs: 0 };
  const emit = (result: DeviceResult) => {
    tally.add(result);
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
  if (req.history && historyId !== undefined) {
    try {
      req.history.finishRun(historyId, summary);
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
