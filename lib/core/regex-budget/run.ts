import { type MessagePort, type Worker, receiveMessageOnPort } from "node:worker_threads";
import { startWorker } from "../workers/start-worker";
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

const STATE = 0;
const PROGRESS = 1;
const READY = 2;
/** Time allowed for a worker to start (module loading), not counted in any budget. */
const STARTUP_MS = 20_000;

interface RegexWorker {
  worker: Worker;
  port: MessagePort;
  shared: Int32Array;
}

function spawn(): RegexWorker {
  return startWorker(__filename, "worker");
}

function kill(w: RegexWorker): void {
  void w.worker.terminate();
  w.port.close();
}

function failure(reply: RegexReply | undefined): Error {
  return new VcError("internal_error", `the regex worker failed: ${reply && !reply.ok ? reply.message : "no reply"}`);
}

// --- synchronous ------------------------------------------------------------------------------

let syncWorker: RegexWorker | undefined;

function startSync(): RegexWorker {
  const w = spawn();
  w.worker.on("error", () => {
    if (syncWorker === w) syncWorker = undefined;
  });
  if (Atomics.wait(w.shared, READY, 0, STARTUP_MS) === "timed-out") {
    kill(w);
    throw new VcError("internal_error", "the regex worker did not start");
  }
  receiveMessageOnPort(w.port); // the "ready" message
  return w;
}

/** Runs a job, blocking the thread at most `budgetMs`; throws JobTimeout past it. */
export function runSync(job: RegexJob, budgetMs: number): RegexReply & { ok: true } {
  syncWorker ??= startSync();
  const w = syncWorker;
  Atomics.store(w.shared, STATE, 0);
  Atomics.store(w.shared, PROGRESS, 0);
  w.worker.postMessage(job);
  if (Atomics.wait(w.shared, STATE, 0, budgetMs) === "timed-out") {
    const reached = Atomics.load(w.shared, PROGRESS);
    syncWorker = undefined;
    kill(w);
    throw new JobTimeout(reached);
  }
  const reply = receiveMessageOnPort(w.port)?.message as RegexReply | undefined;
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
      kill(w);
      reject(new VcError("internal_error", "the regex worker did not start"));
    }, STARTUP_MS);
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
      kill(w);
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
      const reached = Atomics.load(w.shared, PROGRESS);
      finish();
      discard();
      reject(new JobTimeout(reached));
    }, budgetMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    w.port.on("message", onMessage);
    w.port.ref();
    w.worker.once("error", onError);
    Atomics.store(w.shared, PROGRESS, 0);
    w.worker.postMessage(job);
  });
}
