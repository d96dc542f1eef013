/** A small seeded RNG (mulberry32) for fuzz tests, so a failure reproduces. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeded random regular expressions for fuzz tests: 1–3 parts, each an atom or a group (nested up
 * to 3 deep) with a quantifier, and an alternation after a part with the given probability.
 * `next` is the same generator, for the test's other random choices.
 */
export function randomRegexes(opts: { seed: number; atoms: string[]; quantifiers: string[]; alternation: number }): {
  next: () => number;
  pattern: () => string;
} {
  const next = rng(opts.seed);
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
  const build = (depth: number): string => {
    let out = "";
    const parts = 1 + Math.floor(next() * 3);
    for (let k = 0; k < parts; k++) {
      const atom = depth < 3 && next() < 0.35 ? `${pick(["(", "(?:"])}${build(depth + 1)})` : pick(opts.atoms);
      out += atom + pick(opts.quantifiers);
      if (next() < opts.alternation) out += "|";
    }
    return out;
  };
  return { next, pattern: () => build(0) };
}
