import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { VcError } from "../errors";
import { reportProgress, signalDone, signalReady } from "../workers/blocking";
import { type TextFsmTemplate, compileTemplate } from "./compiled";
import type { SandboxJob, SandboxReply } from "./sandbox";

// The worker side of sandbox.ts: compiles (and caches) the template, runs the state machine,
// publishes the input line it is on, and signals completion through the shared array.
const { shared, port } = workerData as { shared: Int32Array; port: MessagePort };
const templates = new Map<string, TextFsmTemplate>();

function errorFields(err: VcError): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of ["template", "budgetMs", "inputLine", "inputText", "ruleLine", "ruleMessage"]) {
    const v = (err as unknown as Record<string, unknown>)[key];
    if (v !== undefined) fields[key] = v;
  }
  return fields;
}

parentPort!.on("message", (job: SandboxJob) => {
  let reply: SandboxReply;
  try {
    const key = `${job.name}\0${job.templateText}`;
    let template = templates.get(key);
    if (!template) {
      template = compileTemplate(job.templateText, job.name);
      if (templates.size > 200) templates.clear();
      templates.set(key, template);
    }
    const out = template.run(job.input, job.budgetMs, (line) => reportProgress(shared, line));
    reply = { ok: true, out };
  } catch (err) {
    reply =
      err instanceof VcError
        ? { ok: false, errorClass: err.errorClass, message: err.message, fields: errorFields(err) }
        : { ok: false, errorClass: "internal_error", message: String(err) };
  }
  port.postMessage(reply);
  signalDone(shared);
});

signalReady(shared);
