#!/usr/bin/env node
import { enableRegexEngineFlags } from "../lib/core/textfsm/guard";
import { main } from "./main";

// This process is ours: V8's linear regexp fallback and faster first-use regex compilation
// (process-wide flags the library never sets on its own; see lib/core/textfsm/guard.ts).
enableRegexEngineFlags();

const controller = new AbortController();
let signals = 0;
// SIGHUP (a closed terminal or ssh session) stops a run as cleanly as SIGTERM: its history row is completed.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    // First signal: ask the running command to stop cleanly; second: give up at once.
    if (++signals > 1) process.exit(130);
    controller.abort(new Error(`received ${sig}`));
  });
}

main(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`vcollector: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
