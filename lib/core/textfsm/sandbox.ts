import { runBlocking, startBlockingWorker } from "../workers/blocking";
import type { StartedWorker } from "../workers/start-worker";
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

/** Time on top of the budget for the worker to notice its own deadline and report it. */
const GRACE_MS = 50;

let sandbox: StartedWorker | undefined;

function startSandbox(): StartedWorker {
  const w = startBlockingWorker(__filename, "sandbox-worker", "TextFSM sandbox worker");
  w.worker.on("error", () => {
    if (sandbox === w) sandbox = undefined;
  });
  return w;
}

export function parseInSandbox(template: { name: string; text: string }, input: string, budgetMs: number): RunOutput {
  sandbox ??= startSandbox();
  const job: SandboxJob = { name: template.name, templateText: template.text, input, budgetMs };
  const r = runBlocking(sandbox, job, budgetMs + GRACE_MS);
  if (r.timedOut) {
    sandbox = undefined;
    const lines = pySplitLines(input);
    throw new ParseTimeoutError(template.name, budgetMs, r.progress, lines[r.progress - 1] ?? "");
  }
  const reply = r.reply as SandboxReply | undefined;
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
