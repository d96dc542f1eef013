import * as path from "node:path";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";

/** A worker thread with a private message port and a small shared array for Atomics signalling. */
export interface StartedWorker {
  worker: Worker;
  port: MessagePort;
  shared: Int32Array;
}

/**
 * Starts the worker file `<name>.js` (or `.ts` when running from the TypeScript sources, loaded
 * through tsx) that sits beside the calling module, given as its `__filename`. Used by the
 * TextFSM sandbox and the bounded-regex runner, whose workers run user patterns under a hard
 * deadline. The worker and its port are unref'd: they never keep a process alive.
 */
export function startWorker(callerFilename: string, name: string): StartedWorker {
  const ext = path.extname(callerFilename);
  const file = path.join(path.dirname(callerFilename), `${name}${ext}`);
  const entry =
    ext !== ".ts"
      ? { file, eval: false }
      : {
          file: `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(file)});`,
          eval: true,
        };
  const shared = new Int32Array(new SharedArrayBuffer(12));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(entry.file, {
    eval: entry.eval,
    workerData: { shared, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, shared };
}
