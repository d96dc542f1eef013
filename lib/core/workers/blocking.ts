import { receiveMessageOnPort } from "node:worker_threads";
import { VcError } from "../errors";
import { startWorker, type StartedWorker } from "./start-worker";

/**
 * The synchronous side of a deadline worker (TextFSM sandbox, bounded-regex runner): the caller
 * blocks on Atomics.wait, so a parse or a regex test stays a synchronous call. The shared array
 * holds three slots, written by the worker (see signalDone, reportProgress, signalReady).
 */
export const SLOT = { STATE: 0, PROGRESS: 1, READY: 2 } as const;

/** Time allowed for a worker thread to start (module loading), not counted in any budget. */
export const WORKER_STARTUP_MS = 20_000;

/** Starts the worker `<name>` beside `callerFilename` and blocks until it is ready; `what` names it in the error. */
export function startBlockingWorker(callerFilename: string, name: string, what: string): StartedWorker {
  const w = startWorker(callerFilename, name);
  if (Atomics.wait(w.shared, SLOT.READY, 0, WORKER_STARTUP_MS) === "timed-out") {
    stopWorker(w);
    throw new VcError("internal_error", `the ${what} did not start`);
  }
  return w;
}

export function stopWorker(w: StartedWorker): void {
  void w.worker.terminate();
  w.port.close();
}

/**
 * Posts `job` and blocks until the worker signals done or `timeoutMs` passes. Returns its reply
 * (undefined when it sent none), or, past the deadline, the progress it had reached: the worker
 * is then terminated (V8 stops even a running regex) and must not be used again.
 */
export function runBlocking(
  w: StartedWorker,
  job: unknown,
  timeoutMs: number,
): { timedOut: false; reply: unknown } | { timedOut: true; progress: number } {
  Atomics.store(w.shared, SLOT.STATE, 0);
  Atomics.store(w.shared, SLOT.PROGRESS, 0);
  w.worker.postMessage(job);
  if (Atomics.wait(w.shared, SLOT.STATE, 0, timeoutMs) === "timed-out") {
    const progress = Atomics.load(w.shared, SLOT.PROGRESS);
    stopWorker(w);
    return { timedOut: true, progress };
  }
  return { timedOut: false, reply: receiveMessageOnPort(w.port)?.message };
}

// --- worker side ------------------------------------------------------------------------------

export function reportProgress(shared: Int32Array, n: number): void {
  Atomics.store(shared, SLOT.PROGRESS, n);
}

export function signalDone(shared: Int32Array): void {
  Atomics.store(shared, SLOT.STATE, 1);
  Atomics.notify(shared, SLOT.STATE);
}

export function signalReady(shared: Int32Array): void {
  Atomics.store(shared, SLOT.READY, 1);
  Atomics.notify(shared, SLOT.READY);
}
