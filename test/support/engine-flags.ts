// The test process runs with V8's regex engine flags on, as the `vcollector` process does
// (cli/vcollector.ts). Set before any test compiles a regex: a regex counts as linear only when it
// was compiled with the fallback on. Library mode (Node-RED: no flags) is tested in child
// processes (test/core/textfsm/library-mode.spec.ts), where this file is not loaded.
import { enableRegexEngineFlags } from "../../lib/core/textfsm/guard";

enableRegexEngineFlags();
