import * as v8 from "node:v8";

/**
 * Catastrophic backtracking protection, part 1: V8's breadth-first ("experimental", linear
 * time) regexp engine. With --enable-experimental-regexp-engine-on-excessive-backtracks, a regex
 * that backtracks more than --regexp-backtracks-before-fallback times (50 000 by default) is
 * re-run by the linear engine, which gives the same result in time proportional to
 * pattern × input. Measured: `^(?:(\S+(\s)*)+):` on 26 'x' takes 358 ms without the flag,
 * 0.1 ms with it; on 1000 'x' it would take longer than the universe, and takes 7 ms.
 * The flags are process-wide; they only change how long a pathological match takes, never its
 * result. They must be set before the regexes are compiled, so this runs at module load.
 *
 * The linear engine cannot run lookarounds or backreferences; templates whose risky regexes need
 * them are parsed in a worker thread with a hard deadline instead (see sandbox.ts).
 * (--no-regexp-tier-up would make first parses faster, but flipping it at run time crashes V8
 * when regexes compiled before are tiered up, so it is not used.)
 *
 * Compile cost, not matching, dominates a template library's first parse: ~7,800 distinct
 * regexes reach V8 in a corpus run and each costs 30-90 us to compile on first use. Two flags
 * cut that without changing any result: regexes are interpreted for their first 100 runs
 * (most run a few times; only hot ones get native code), and the bytecode peephole pass is
 * skipped (it halves first-use compile time and costs nothing measurable once a regex is
 * native): the corpus parse went from ~1.55 s to ~1.3 s.
 */
let available: boolean | undefined;

export function linearEngineAvailable(): boolean {
  if (available === undefined) {
    try {
      v8.setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
      v8.setFlagsFromString("--enable-experimental-regexp-engine");
      v8.setFlagsFromString("--regexp-tier-up-ticks=100");
      v8.setFlagsFromString("--no-regexp-peephole-optimization");
      // eslint-disable-next-line no-invalid-regexp -- "l" (linear) is a V8 flag, valid once enabled
      new RegExp("a", "l");
      available = true;
    } catch {
      available = false;
    }
  }
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

linearEngineAvailable();
