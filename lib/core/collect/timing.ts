import { setMaxListeners } from "node:events";
import type { RetryPolicy } from "./types";

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects: callers check the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A random start delay in [0, maxMs): spreads logins so AAA servers do not see one burst. */
export function jitterDelay(maxMs: number, random: () => number = Math.random): number {
  return maxMs > 0 ? Math.floor(random() * maxMs) : 0;
}

/** Delay before retry number `retry` (1-based): base × 2^(retry-1), capped, plus up to 50% random. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.min(policy.maxDelayMs, Math.round(exponential * (1 + random() * 0.5)));
}

/**
 * An AbortController that also aborts when any parent signal aborts or when `ms` passes; the
 * reason tells which ("deadline" for the timer, else the parent's reason). `dispose()` releases
 * the timer and the parent listeners so long runs do not accumulate them.
 */
export function deadlineController(
  ms: number,
  parents: Array<AbortSignal | undefined>,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const listeners: Array<[AbortSignal, () => void]> = [];
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener("abort", onAbort, { once: true });
    listeners.push([parent, onAbort]);
  }
  const timer = Number.isFinite(ms) ? setTimeout(() => controller.abort(DEADLINE), ms) : undefined;
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      for (const [parent, onAbort] of listeners) parent.removeEventListener("abort", onAbort);
    },
  };
}

/** The abort reason used when a device's time limit runs out. */
export const DEADLINE = "deadline";

/** Resolves with the promise's value, or rejects as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new AbortedError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** Thrown by raceAbort; `reason` is the abort reason (DEADLINE or the run's). */
export class AbortedError extends Error {
  constructor(readonly reason: unknown) {
    super(reason === DEADLINE ? "device time limit reached" : "cancelled");
    this.name = "AbortedError";
  }
}

/**
 * A run's own signal, following the caller's through one listener (removed by dispose). Every
 * active device adds a few listeners to the run's signal, which would trip Node's leak warning
 * at 10 if they were added to the caller's signal directly.
 */
export function linkedSignal(
  parent: AbortSignal | undefined,
  concurrency: number,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(concurrency * 4 + 16, controller.signal);
  const onAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent?.removeEventListener("abort", onAbort) };
}
