/**
 * A fixed number of workers pulling items from a shared queue: at most `concurrency` items are
 * in flight, and only `concurrency` promises exist at any time whatever the number of items
 * (a run over 10,000 devices never creates 10,000 pending promises).
 *
 * Workers stop taking new items once `signal` aborts; the returned `started` count tells the
 * caller which items were never started (indexes started..length-1).
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ started: number }> {
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (err) {
        // `work` is expected to report its own failures; anything else is a bug to surface.
        firstError ??= err;
      }
    }
  };
  const size = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: size }, worker));
  if (firstError !== undefined) throw firstError;
  return { started: next };
}
