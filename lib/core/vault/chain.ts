import type { CredentialSummary } from "../types";

/**
 * The credential fallback order, defined once: the default first, then the fallback list by
 * position, each credential once. Used by the vault (with secrets), the CLI (names, also with a
 * locked vault) and the vault node's admin API.
 */

/** The fallback list alone, by position (the default is not in it unless it was listed). */
export function fallbackOrder<T>(items: readonly T[], position: (item: T) => number | null): T[] {
  return items.filter((i) => position(i) !== null).sort((a, b) => (position(a) as number) - (position(b) as number));
}

/** Default first, then the fallback list, no duplicates. */
export function chainOrder<T>(
  items: readonly T[],
  isDefault: (item: T) => boolean,
  position: (item: T) => number | null,
): T[] {
  const chain = items.filter(isDefault);
  for (const item of fallbackOrder(items, position)) if (!chain.includes(item)) chain.push(item);
  return chain;
}

/** Names of the fallback list, in order (from summaries: needs no unlocked vault). */
export function fallbackListNames(summaries: readonly CredentialSummary[]): string[] {
  return fallbackOrder(summaries, (s) => s.fallbackPosition).map((s) => s.name);
}

/** Names of the whole chain, default first (from summaries: needs no unlocked vault). */
export function chainNames(summaries: readonly CredentialSummary[]): string[] {
  return chainOrder(
    summaries,
    (s) => s.isDefault,
    (s) => s.fallbackPosition,
  ).map((s) => s.name);
}
