import { type MessagePort, type Worker, receiveMessageOnPort } from "node:worker_threads";
import { startWorker } from "../workers/start-worker";
import { VcError, type ErrorClass } from "../errors";
import { ParseTimeoutError, TextFsmParseError } from "./errors";
import type { RunOutput } from "./fsm";
import { pySplitLines } from "./pytext";

/**
 * Catastrophic backtracking protection, part 2: a JavaScript regex exec cannot be interrupted,
 * so a template whose regexes may backtrack exponentially and cannot run on V8's linear engine
 * (see guard.ts) is parsed in a worker thread. The caller blocks on Atomics.wait with the
 * budget as timeout, which keeps `parse()` synchronous; at the deadline the worker is
 * terminated (V8 stops even a running regex) and the parse throws "parse_timeout" naming the
 * input line the worker had reached.
 */

export interface SandboxJob {
  name: string;
  templateText: string;
  input: string;
  budgetMs: number;
}

export type SandboxReply =
  | { ok: true; out: RunOutput }
  | { ok: false; errorClass: ErrorClass; message: string; fields?: Record<string, unknown> };

/** Shared Int32 slots: [0] job state (0 busy, 1 done), [1] input line being parsed, [2] worker ready. */
const STATE = 0;
const LINE = 1;
const READY = 2;
/** Time allowed for the worker thread to start (module loading), not counted in the budget. */
const STARTUP_MS = 20000;
/** Time on top of the budget for the worker to notice its own deadline and report it. */
const GRACE_MS = 50;

interface Sandbox {
  worker: Worker;
  port: MessagePort;
  shared: Int32Array;
}

let sandbox: Sandbox | undefined;

function startSandbox(): Sandbox {
  const { worker, port, shared } = startWorker(__filename, "sandbox-worker");
  worker.on("error", () => {
    if (sandbox?.worker === worker) sandbox = undefined;
  });
  if (Atomics.wait(shared, READY, 0, STARTUP_MS) === "timed-out") {
    void worker.terminate();
    throw new VcError("internal_error", "the TextFSM sandbox worker did not start");
  }
  return { worker, port, shared };
}

export function parseInSandbox(template: { name: string; text: string }, input: string, budgetMs: number): RunOutput {
  sandbox ??= startSandbox();
  const sb = sandbox;
  Atomics.store(sb.shared, STATE, 0);
  Atomics.store(sb.shared, LINE, 0);
  const job: SandboxJob = { name: template.name, templateText: template.text, input, budgetMs };
  sb.worker.postMessage(job);
  if (Atomics.wait(sb.shared, STATE, 0, budgetMs + GRACE_MS) === "timed-out") {
    const lineNo = Atomics.load(sb.shared, LINE);
    sandbox = undefined;
    void sb.worker.terminate();
    sb.port.close();
    const lines = pySplitLines(input);
    throw new ParseTimeoutError(template.name, budgetMs, lineNo, lines[lineNo - 1] ?? "");
  }
  const reply = receiveMessageOnPort(sb.port)?.message as SandboxReply | undefined;
  if (!reply) throw new VcError("internal_error", `the TextFSM sandbox gave no result for ${template.name}`);
  if (reply.ok) return reply.out;
  throw rebuildError(reply);
}

function rebuildError(reply: Extract<SandboxReply, { ok: false }>): Error {
  const f = reply.fields ?? {};
  if (reply.errorClass === "parse_timeout")
    return new ParseTimeoutError(String(f.template), Number(f.budgetMs), Number(f.inputLine), String(f.inputText));
  if (reply.errorClass === "parse_error" && f.ruleLine !== undefined) {
    return new TextFsmParseError(
      String(f.template),
      Number(f.ruleLine),
      Number(f.inputLine),
      String(f.inputText),
      f.ruleMessage === undefined ? undefined : String(f.ruleMessage),
    );
  }
  return new VcError(reply.errorClass, reply.message);
}
