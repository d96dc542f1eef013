import * as assert from "node:assert";
import { parseCommands, runPool } from "../../../lib/core/collect";

describe("collect: command lists", () => {
  it("reads one command per line, dropping blank lines, never splitting on commas", () => {
    assert.deepStrictEqual(parseCommands("show ip arp\r\n\n  show run | include a,b  \n", "node.commands"), [
      "show ip arp",
      "show run | include a,b",
    ]);
  });

  it("reads the CLI's semicolon list with \\; for a literal semicolon", () => {
    assert.deepStrictEqual(parseCommands("show clock; show users;;echo a\\;b", "--commands", "semicolon"), [
      "show clock",
      "show users",
      "echo a;b",
    ]);
  });

  it("accepts a list of strings and names a bad element", () => {
    assert.deepStrictEqual(parseCommands(["a", " b "], "msg.commands"), ["a", "b"]);
    assert.throws(() => parseCommands(["a", 3], "msg.commands"), /msg\.commands\[1\]: must be a string, got number/);
    assert.throws(
      () => parseCommands({}, "msg.commands"),
      /msg\.commands: must be a string or a list of strings, got object/,
    );
    assert.throws(() => parseCommands(" \n ", "node.commands"), /node\.commands: no command to run/);
  });
});

describe("collect: worker pool", () => {
  it("never runs more than `concurrency` items at once and runs each item once", async () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    const { started } = await runPool(items, 7, async (item) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      seen.push(item);
      active--;
    });
    assert.strictEqual(started, 200);
    assert.strictEqual(peak, 7);
    assert.deepStrictEqual(
      seen.slice().sort((a, b) => a - b),
      items,
    );
  });

  it("stops taking items once the signal aborts and says how many started", async () => {
    const ac = new AbortController();
    const done: number[] = [];
    const { started } = await runPool(
      Array.from({ length: 50 }, (_, i) => i),
      3,
      async (item) => {
        if (item === 10) ac.abort();
        await new Promise((r) => setImmediate(r));
        done.push(item);
      },
      ac.signal,
    );
    assert.strictEqual(started, 11);
    assert.strictEqual(done.length, 11);
  });

  it("finishes the other items, then rethrows an unexpected worker error", async () => {
    const done: number[] = [];
    await assert.rejects(
      runPool([1, 2, 3, 4], 2, async (item) => {
        if (item === 2) throw new Error("bug");
        done.push(item);
      }),
      /bug/,
    );
    assert.deepStrictEqual(done.sort(), [1, 3, 4]);
  });
});
