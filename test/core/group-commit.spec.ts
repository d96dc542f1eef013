import * as assert from "node:assert";
import { GroupCommit } from "../../lib/core/group-commit";

describe("group commit (lib/core/group-commit)", () => {
  // A window far longer than mocha's timeout: a test passes only if the group commits early for its reason.
  const LONG_WINDOW_MS = 600_000;

  function recorder(opts: { maxItems?: number; moreExpected?: (waiting: number) => boolean } = {}) {
    const groups: number[][] = [];
    const gc = new GroupCommit<number, number>(
      (items) => {
        groups.push(items);
        return items.map((n) => (n < 0 ? new Error(`item ${n} refused`) : n * 10));
      },
      { windowMs: LONG_WINDOW_MS, maxItems: opts.maxItems ?? 100, maxWeight: 1000, moreExpected: opts.moreExpected },
    );
    return { gc, groups };
  }

  it("a full group commits at once, and each item gets its own result or error", async () => {
    const { gc, groups } = recorder({ maxItems: 3 });
    const done = [1, -2, 3].map((n) => gc.add(n).done);
    assert.strictEqual(await done[0], 10);
    await assert.rejects(done[1], /item -2 refused/);
    assert.strictEqual(await done[2], 30);
    assert.deepStrictEqual(groups, [[1, -2, 3]]);
  });

  it("commits without waiting out the window once no more items are expected", async () => {
    const inFlight = 2;
    const { gc, groups } = recorder({ moreExpected: (waiting) => inFlight > waiting });
    const first = gc.add(1).done;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(groups, [], "one of two in flight: the group waits");
    const second = gc.add(2).done;
    assert.deepStrictEqual(await Promise.all([first, second]), [10, 20]);
    assert.deepStrictEqual(groups, [[1, 2]]);
  });

  it("flush commits what waits, and the recorder keeps working after it", async () => {
    const { gc, groups } = recorder();
    const a = gc.add(1).done;
    await gc.flush();
    assert.strictEqual(await a, 10);
    const b = gc.add(2).done;
    await gc.flush();
    assert.strictEqual(await b, 20);
    assert.deepStrictEqual(groups, [[1], [2]]);
    assert.strictEqual(gc.commits, 2);
  });
});
