import { receiveMessageOnPort } from "node:worker_threads";
import { SLOT, WORKER_STARTUP_MS, runBlocking, startBlockingWorker, stopWorker } from "../workers/blocking";
import { startWorker, type StartedWorker } from "../workers/start-worker";
import { VcError } from "../errors";
import type { LineHit } from "./lines";

/**
 * A JavaScript regex exec cannot be interrupted, so a regex that may backtrack without bound
 * runs in a worker thread with a hard deadline: at the deadline (or when the caller's signal
 * aborts) the worker is terminated, which stops even a running exec, and a new one is started
 * for the next job. Two workers: one the synchronous API blocks on (Atomics.wait, like the
 * TextFSM sandbox), one the asynchronous API awaits (the event loop stays free, so Ctrl-C and
 * Node-RED keep working).
 */

export type RegexJob =
  | { kind: "test"; source: string; flags: string; texts: string[] }
  | { kind: "lines"; source: string; flags: string; text: string; limit: number };

export type RegexReply = { ok: true; results?: boolean[]; hits?: LineHit[] } | { ok: false; message: string };

/** What a job that ran out of time had reached: the item (test) or line (lines) index. */
export class JobTimeout extends Error {
  constructor(readonly reached: number) {
    super("regex job timed out");
  }
}

type RegexWorker = StartedWorker;

let workersStarted = 0;

/** How many regex workers this process has started (a probe: patterns the VM runs start none). */
export function regexWorkersStarted(): number {
  return workersStarted;
}

function spawn(): RegexWorker {
  workersStarted++;
  return startWorker(__filename, "worker");
}

function failure(reply: RegexReply | undefined): Error {
  return new VcError("internal_error", `the regex worker failed: ${reply && !reply.ok ? reply.message : "no reply"}`);
}

// --- synchronous ------------------------------------------------------------------------------

let syncWorker: RegexWorker | undefined;

function startSync(): RegexWorker {
  workersStarted++;
  const w = startBlockingWorker(__filename, "worker", "regex worker");
  w.worker.on("error", () => {
    if (syncWorker === w) syncWorker = undefined;
  });
  receiveMessageOnPort(w.port); // the "ready" message
  return w;
}

/** Runs a job, blocking the thread at most `budgetMs`; throws JobTimeout past it. */
export function runSync(job: RegexJob, budgetMs: number): RegexReply & { ok: true } {
  syncWorker ??= startSync();
  const r = runBlocking(syncWorker, job, budgetMs);
  if (r.timedOut) {
    syncWorker = undefined;
    throw new JobTimeout(r.progress);
  }
  const reply = r.reply as RegexReply | undefined;
  if (!reply || !reply.ok) throw failure(reply);
  return reply;
}

// --- asynchronous -----------------------------------------------------------------------------

let asyncWorker: Promise<RegexWorker> | undefined;
let queue: Promise<unknown> = Promise.resolve();

function startAsync(): Promise<RegexWorker> {
  const w = spawn();
  return new Promise<RegexWorker>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopWorker(w);
      reject(new VcError("internal_error", "the regex worker did not start"));
    }, WORKER_STARTUP_MS);
    w.port.once("message", () => {
      clearTimeout(timer);
      resolve(w);
    });
    w.worker.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Runs a job without blocking the event loop. Rejects with JobTimeout after `budgetMs` of running
 * (queueing and worker start-up excluded), with the signal's abort as a "cancelled" VcError.
 */
export function runAsync(job: RegexJob, budgetMs: number, signal?: AbortSignal): Promise<RegexReply & { ok: true }> {
  const run = queue.then(() => runNow(job, budgetMs, signal));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(job: RegexJob, budgetMs: number, signal?: AbortSignal): Promise<RegexReply & { ok: true }> {
  if (signal?.aborted) throw new VcError("cancelled", "cancelled");
  const pending = (asyncWorker ??= startAsync());
  let w: RegexWorker;
  try {
    w = await pending;
  } catch (err) {
    if (asyncWorker === pending) asyncWorker = undefined;
    throw err;
  }
  if (signal?.aborted) throw new VcError("cancelled", "cancelled");
  return new Promise((resolve, reject) => {
    const discard = () => {
      if (asyncWorker === pending) asyncWorker = undefined;
      stopWorker(w);
    };
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      w.port.removeListener("message", onMessage);
      w.worker.removeListener("error", onError);
      w.port.unref();
    };
    const onMessage = (reply: RegexReply) => {
      finish();
      if (reply.ok) resolve(reply);
      else reject(failure(reply));
    };
    const onError = (err: Error) => {
      finish();
      discard();
      reject(err);
    };
    const onAbort = () => {
      finish();
      discard();
      reject(new VcError("cancelled", "cancelled"));
    };
    const timer = setTimeout(() => {
      const reached = Atomics.load(w.shared, SLOT.PROGRESS);
      finish();
      discard();
      reject(new JobTimeout(reached));
    }, budgetMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    w.port.on("message", onMessage);
    w.port.ref();
    w.worker.once("error", onError);
    Atomics.store(w.shared, SLOT.PROGRESS, 0);
    w.worker.postMessage(job);
  });
}
