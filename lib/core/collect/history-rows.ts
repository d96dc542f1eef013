import { GroupCommit, RUN_GROUP_MAX_ITEMS, RUN_GROUP_WINDOW_MS } from "../group-commit";
import type { CollectorDb } from "./history";

/**
 * collector.db rows of a running collection, committed in groups of up to 64 (one transaction
 * each instead of one per row). A row's `done` settles once it is committed; when a group's
 * transaction fails, its rows are written one by one, so a bad row fails alone.
 */
export type HistoryRows = GroupCommit<() => void, void>;

export function historyRows(db: CollectorDb, moreExpected?: (waiting: number) => boolean): HistoryRows {
  return new GroupCommit<() => void, void>(
    (writes) => {
      try {
        db.inOneTransaction(writes);
        return writes.map(() => undefined);
      } catch {
        return writes.map((write) => {
          try {
            write();
            return undefined;
          } catch (err) {
            return err instanceof Error ? err : new Error(String(err));
          }
        });
      }
    },
    { windowMs: RUN_GROUP_WINDOW_MS, maxItems: RUN_GROUP_MAX_ITEMS, maxWeight: Number.POSITIVE_INFINITY, moreExpected },
  );
}
