import { createHash } from "node:crypto";

/** A small seeded PRNG (mulberry32): the same seed gives the same jitter, facts and host keys. */
export type Rng = () => number;

export function rngFrom(...parts: (string | number)[]): Rng {
  let state = createHash("sha256").update(parts.join("\u0000")).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable small integer from text (for picking one of several response files). */
export function stableIndex(text: string, modulo: number): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0) % modulo;
}
