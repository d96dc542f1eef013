import { DEFAULT_TIMEOUTS as SESSION_DEFAULTS } from "../defaults";
import type { DeviceResult, SessionErrorClass } from "../types";

/** How long each stage of one device may take. Every value is in milliseconds. */
export interface CollectTimeouts {
  /** TCP connect. */
  connectMs: number;
  /** SSH banner after TCP connect. */
  bannerMs: number;
  /** Authentication. */
  authMs: number;
  /** One command's output. */
  commandMs: number;
  /** The whole device: every login attempt, retry and command. */
  deviceMs: number;
}

/** The run-level view of lib/core/defaults' DEFAULT_TIMEOUTS (the one source of these values). */
export const DEFAULT_TIMEOUTS: CollectTimeouts = {
  connectMs: SESSION_DEFAULTS.connectMs,
  bannerMs: SESSION_DEFAULTS.bannerMs,
  authMs: SESSION_DEFAULTS.authMs,
  commandMs: SESSION_DEFAULTS.commandMs,
  deviceMs: SESSION_DEFAULTS.deviceMs,
};

/**
 * The timeouts a run gives each device. commandMs is set only when the caller set it: otherwise
 * each device's session uses its platform's `timeouts.commandMs`, then DEFAULT_TIMEOUTS.
 */
export type RunTimeouts = Omit<CollectTimeouts, "commandMs"> & { commandMs?: number };

/** The run's timeouts: explicit settings over the defaults, commandMs left to the platform when not set. */
export function runTimeouts(explicit: Partial<CollectTimeouts> = {}): RunTimeouts {
  const { commandMs: _platformDecides, ...rest } = DEFAULT_TIMEOUTS;
  const set = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined));
  return { ...rest, ...set };
}

/** Retries with exponential backoff, for connection failures only (never auth failures). */
export interface RetryPolicy {
  /** Further attempts after the first one (0 = no retry). */
  retries: number;
  /** Delay before the first retry; doubled for each further retry, plus up to 50% random. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 1_000, maxDelayMs: 10_000 };

/**
 * Login failures that are safe to retry: the device was not reachable, or the connection dropped
 * before any credential was rejected. (The SSH driver reports a drop during authentication after
 * a credential was sent as auth_failed, which is never retried: lockouts.)
 */
export const RETRYABLE_CLASSES: ReadonlySet<SessionErrorClass> = new Set<SessionErrorClass>([
  "connect_refused",
  "connect_timeout",
  "banner_timeout",
  "disconnected",
]);

/**
 * Whole-run status, as stored in job_history (VelocityCollector's words plus "cancelled", and
 * "interrupted" for a run whose process ended without finishing it: kill -9, power cut).
 */
export type RunStatus = "running" | "success" | "partial" | "failed" | "cancelled" | "interrupted";

/** What the runner reports once a run ends (vc-collect output 2, the CLI's last lines). */
export interface RunSummary {
  runId: string;
  jobName: string;
  captureType: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  total: number;
  ok: number;
  /** Devices where every login and command worked but at least one command was rejected. */
  partial: number;
  failed: number;
  /** Devices never started because the run was cancelled (also counted in failed). */
  cancelled: number;
  /** Failed and partial devices by error class. */
  errorCounts: Partial<Record<SessionErrorClass, number>>;
  status: Exclude<RunStatus, "running" | "interrupted">;
  /** Row id in collector.db's job_history, when history is on. */
  historyId?: number;
  /** A run-level problem (no devices, history not writable…); devices carry their own errors. */
  error?: string;
}

/** Progress after each device finishes (for live status such as `34/200 ✓31 ✗3`). */
export interface RunProgress {
  runId: string;
  total: number;
  done: number;
  ok: number;
  partial: number;
  failed: number;
  active: number;
}

export type { DeviceResult };

/** Short progress text for a node status or a terminal title: `34/200 ✓31 ✗3` (partial counts as ✗). */
export function progressText(p: Pick<RunProgress, "done" | "total" | "ok" | "partial" | "failed">): string {
  return `${p.done}/${p.total} ✓${p.ok} ✗${p.failed + p.partial}`;
}
