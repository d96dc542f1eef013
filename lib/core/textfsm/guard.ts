import * as v8 from "node:v8";

/**
 * Catastrophic backtracking protection, part 1: V8's breadth-first ("experimental", linear
 * time) regexp engine. With --enable-experimental-regexp-engine-on-excessive-backtracks, a regex
 * that backtracks more than --regexp-backtracks-before-fallback times (50 000 by default) is
 * re-run by the linear engine, which gives the same result in time proportional to
 * pattern × input. Measured: `^(?:(\S+(\s)*)+):` on 26 'x' takes 358 ms without the flag,
 * 0.1 ms with it; on 1000 'x' it would take longer than the universe, and takes 7 ms.
 *
 * The flags are process-wide, so a library must not set them: loading this pack (inside
 * Node-RED, or any program) changes no engine setting. The `vcollector` process opts in at
 * start (cli/vcollector.ts calls enableRegexEngineFlags()), as can a program that owns its
 * process, or Node itself started with the flags. Without them a risky regex (one that may
 * backtrack exponentially) runs on the linear-time matcher of regex/linear.ts, with the same
 * results; only one that needs lookarounds or backreferences sends its template to the worker
 * sandbox with a hard deadline (sandbox.ts).
 *
 * The flags must be set before the regexes are compiled (V8 decides the fallback when it
 * compiles a regex); a regex compiled earlier keeps the sandbox (see PyRegex.linear).
 * (--no-regexp-tier-up would make first parses faster, but flipping it at run time crashes V8
 * when regexes compiled before are tiered up, so it is not used.)
 *
 * Compile cost, not matching, dominates a template library's first parse: ~7,800 distinct
 * regexes reach V8 in a corpus run and each costs 30-90 us to compile on first use. Two more
 * flags cut that without changing any result: regexes are interpreted for their first 100 runs
 * (most run a few times; only hot ones get native code), and the bytecode peephole pass is
 * skipped (it halves first-use compile time and costs nothing measurable once a regex is
 * native): the corpus parse went from ~1.55 s to ~1.3 s.
 */

const FALLBACK_FLAG = "--enable-experimental-regexp-engine-on-excessive-backtracks";
const ENGINE_FLAGS = [
  FALLBACK_FLAG,
  "--enable-experimental-regexp-engine",
  "--regexp-tier-up-ticks=100",
  "--no-regexp-peephole-optimization",
];

let enabledHere = false;
let available: boolean | undefined;

/**
 * Sets V8's regexp flags for this whole process (see above). Only for a process that is ours
 * (the CLI, a bench); never called on import. Returns whether the linear engine is now available.
 */
export function enableRegexEngineFlags(): boolean {
  if (!enabledHere) {
    try {
      for (const flag of ENGINE_FLAGS) v8.setFlagsFromString(flag);
      enabledHere = true;
    } catch {
      enabledHere = false;
    }
    available = undefined;
  }
  return linearEngineAvailable();
}

function linearFlagAccepted(): boolean {
  try {
    // eslint-disable-next-line no-invalid-regexp -- "l" (linear) is a V8 flag, valid once enabled
    new RegExp("a", "l");
    return true;
  } catch {
    return false;
  }
}

/** Node was started with the fallback flag (command line or NODE_OPTIONS). */
function fallbackOnCommandLine(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return given.some((a) => a.replace(/_/g, "-") === FALLBACK_FLAG);
}

/** Whether V8 falls back to its linear engine on excessive backtracking in this process. */
export function linearEngineAvailable(): boolean {
  available ??= (enabledHere || fallbackOnCommandLine()) && linearFlagAccepted();
  return available;
}

/** Whether V8's linear engine can run this regex (what it does after too many backtracks). */
export function runsInLinearTime(source: string, flags: string): boolean {
  if (!linearEngineAvailable()) return false;
  try {
    // Same check V8 makes before falling back: no lookarounds or backreferences, no `i` or `d`
    // flag, quantifier counts (multiplied through nesting) of at most 16.
    new RegExp(source, flags + "l");
    return true;
  } catch {
    return false;
  }
}
