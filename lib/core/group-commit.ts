/**
 * Group commit: items that arrive within `windowMs` of the first one waiting (or until the group
 * is full) are committed together, by one call of `commit`, so a run of a thousand devices pays
 * a few dozen transactions instead of a thousand. Groups commit one after another. Each item
 * learns its own outcome: `commit` returns one result or Error per item, in order.
 */
/**
 * A collection run's groups (capture versions, collector.db rows): what arrives within this
 * window of the first item waiting, up to RUN_GROUP_MAX_ITEMS, commits together.
 */
export const RUN_GROUP_WINDOW_MS = 25;
export const RUN_GROUP_MAX_ITEMS = 64;

export interface GroupCommitOptions {
  windowMs: number;
  maxItems: number;
  /** A group is full at this total weight (e.g. characters of text); while a full group waits, add() waits too. */
  maxWeight: number;
  /**
   * Whether more items may still join a group of `waiting` items soon (default: always). A run
   * answers false once every device in flight waits in the group, so a lone device, or the last
   * ones of a run, do not wait out the window for nothing.
   */
  moreExpected?: (waiting: number) => boolean;
}

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: Error) => void;
}

export class GroupCommit<T, R> {
  private waiting: Array<Waiting<T, R>> = [];
  private waitingWeight = 0;
  private committing: Promise<void> | undefined;
  private wakeGatherer: (() => void) | undefined;
  private closing = false;
  /** Groups committed so far. */
  commits = 0;

  constructor(
    private readonly commit: (items: T[]) => Promise<Array<R | Error>> | Array<R | Error>,
    private readonly opts: GroupCommitOptions,
  ) {}

  /**
   * `queued` resolves once the item waits in a group (at once, unless a full group waits: then
   * after the commit in progress); `done` with the item's result once its group is committed.
   */
  add(item: T, weight = 0): { queued: Promise<void>; done: Promise<R> } {
    let resolve!: (r: R) => void;
    let reject!: (err: Error) => void;
    const done = new Promise<R>((res, rej) => ((resolve = res), (reject = rej)));
    const queued = (async () => {
      while (this.waitingWeight >= this.opts.maxWeight && this.committing) await this.committing;
      this.waiting.push({ item, resolve, reject });
      this.waitingWeight += weight;
      if (this.groupFull()) this.wakeGatherer?.();
      this.committing ??= this.commitGroups();
    })();
    return { queued, done };
  }

  /** Commits what waits without waiting for the window; later adds still work. */
  async flush(): Promise<void> {
    this.closing = true;
    this.wakeGatherer?.();
    while (this.committing) await this.committing;
    this.closing = false;
  }

  private groupFull(): boolean {
    return (
      this.closing ||
      this.waiting.length >= this.opts.maxItems ||
      this.waitingWeight >= this.opts.maxWeight ||
      this.opts.moreExpected?.(this.waiting.length) === false
    );
  }

  /** Resolves when the group is full, the window has passed, or a flush is asked for. */
  private gather(): Promise<void> {
    if (this.groupFull()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeGatherer?.(), this.opts.windowMs);
      this.wakeGatherer = () => {
        clearTimeout(timer);
        this.wakeGatherer = undefined;
        resolve();
      };
    });
  }

  private async commitGroups(): Promise<void> {
    while (this.waiting.length > 0) {
      await this.gather();
      const group = this.waiting;
      this.waiting = [];
      this.waitingWeight = 0;
      this.commits++;
      let results: Array<R | Error>;
      try {
        results = await this.commit(group.map((w) => w.item));
      } catch (err) {
        results = group.map(() => (err instanceof Error ? err : new Error(String(err))));
      }
      group.forEach((w, i) => {
        const r = results[i];
        if (r instanceof Error) w.reject(r);
        else w.resolve(r);
      });
    }
    this.committing = undefined;
  }
}
