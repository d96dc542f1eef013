import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { lineHits } from "./lines";
import { reportProgress, signalDone, signalReady } from "../workers/blocking";
import type { RegexJob, RegexReply } from "./run";

// The worker side of run.ts: runs one regex job, publishes the item/line it is on in shared[1],
// replies on the port and signals completion in shared[0] (for callers blocked in Atomics.wait).
const { shared, port } = workerData as { shared: Int32Array; port: MessagePort };
const compiled = new Map<string, RegExp>();

function regexFor(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(source, flags);
    if (compiled.size > 100) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

const progress = (i: number) => reportProgress(shared, i);

parentPort!.on("message", (job: RegexJob) => {
  let reply: RegexReply;
  try {
    const re = regexFor(job.source, job.flags);
    if (job.kind === "test") {
      reply = {
        ok: true,
        results: job.texts.map((t, i) => {
          progress(i);
          re.lastIndex = 0;
          return re.test(t);
        }),
      };
    } else {
      reply = { ok: true, hits: lineHits(re, job.text, job.limit, progress) };
    }
  } catch (err) {
    reply = { ok: false, message: String((err as Error).message ?? err) };
  }
  port.postMessage(reply);
  signalDone(shared);
});

port.postMessage({ ready: true });
signalReady(shared);
