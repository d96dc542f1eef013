import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { openAtomicWriter } from "../../../lib/core/fs/atomic-write";
import { useTmpDir } from "../../support/tmp";

const injected = (): never => {
  throw Object.assign(new Error("disk full (injected)"), { code: "ENOSPC" });
};

describe("atomic write, streamed (fs/atomic-write openAtomicWriter)", () => {
  const tmp = useTmpDir("vc-atomic-stream-");

  it("writes piece by piece into a temp file beside the target; commit replaces the target", async () => {
    const file = path.join(tmp.path, "cap.txt");
    fs.writeFileSync(file, "old\n");
    const w = await openAtomicWriter(file, { mode: 0o600 });
    assert.strictEqual(path.dirname(w.tempFile), tmp.path);
    assert.match(path.basename(w.tempFile), /^\.cap\.txt\.\d+\.[0-9a-f]{12}\.tmp$/);
    for (let i = 0; i < 1000; i++) await w.write(`line ${i} é\n`);
    await w.write(Buffer.from("bytes\n"));
    // Until the commit, readers see the old file.
    assert.strictEqual(fs.readFileSync(file, "utf8"), "old\n");
    await w.commit();
    const text = fs.readFileSync(file, "utf8");
    assert.strictEqual(text.split("\n").length, 1002);
    assert.strictEqual(w.bytes, Buffer.byteLength(text));
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepStrictEqual(fs.readdirSync(tmp.path), ["cap.txt"]);
    await assert.rejects(w.write("late"), /after commit or abort/);
  });

  it("a failure between write and rename keeps the old file intact and leaves no temp file", async () => {
    const file = path.join(tmp.path, "cap.txt");
    fs.writeFileSync(file, "old\n");
    const w = await openAtomicWriter(file, {
      beforeRename: async (t) => {
        // The new content is complete and synced before the rename.
        assert.strictEqual(await fs.promises.readFile(t, "utf8"), "new 1\nnew 2\n");
        injected();
      },
    });
    await w.write("new 1\n");
    await w.write("new 2\n");
    await assert.rejects(w.commit(), /disk full \(injected\)/);
    assert.strictEqual(fs.readFileSync(file, "utf8"), "old\n");
    assert.deepStrictEqual(fs.readdirSync(tmp.path), ["cap.txt"]);
    await w.abort(); // still safe
  });

  it("a failure mid-stream removes the temp file, keeps the old file and refuses later writes", async () => {
    const file = path.join(tmp.path, "cap.txt");
    fs.writeFileSync(file, "old\n");
    const w = await openAtomicWriter(file);
    await w.write("part 1\n");
    // A piece the file system refuses (a closed descriptor would do the same).
    await assert.rejects(w.write(42 as unknown as string), { code: "ERR_INVALID_ARG_TYPE" });
    assert.deepStrictEqual(fs.readdirSync(tmp.path), ["cap.txt"]);
    assert.strictEqual(fs.readFileSync(file, "utf8"), "old\n");
    await assert.rejects(w.write("part 2\n"), /after commit or abort/);
    await assert.rejects(w.commit(), /after commit or abort/);
  });

  it("abort leaves no new file at all, and creates the folder only when asked", async () => {
    const file = path.join(tmp.path, "a", "b", "fresh.txt");
    await assert.rejects(openAtomicWriter(file), { code: "ENOENT" });
    const w = await openAtomicWriter(file, { mkdir: 0o700 });
    await w.write("x");
    await w.abort();
    await w.abort();
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), []);
    assert.strictEqual(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  });

  it("commits in one folder at the same time share the folder's fsync; each commit still waits for a sync begun after its rename", async () => {
    const dir = path.join(tmp.path, "shared");
    fs.mkdirSync(dir);
    // Watch the real file system: which folder syncs start, and when each rename happened.
    const events: string[] = [];
    const realOpen = fs.promises.open;
    const realRename = fs.promises.rename;
    fs.promises.open = (async (...args: Parameters<typeof realOpen>) => {
      const handle = await realOpen(...args);
      if (args[0] === dir) {
        const realSync = handle.sync.bind(handle);
        handle.sync = async () => {
          events.push("dir-sync-start");
          await realSync();
        };
      }
      return handle;
    }) as typeof realOpen;
    fs.promises.rename = (async (from: fs.PathLike, to: fs.PathLike) => {
      await realRename(from, to);
      events.push(`renamed ${path.basename(String(to))}`);
    }) as typeof realRename;
    try {
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const w = await openAtomicWriter(path.join(dir, `d${i}.txt`));
          await w.write(`device ${i}\n`);
          await w.commit();
          events.push(`committed d${i}.txt`);
        }),
      );
    } finally {
      fs.promises.open = realOpen;
      fs.promises.rename = realRename;
    }
    assert.strictEqual(fs.readdirSync(dir).length, 40);
    const syncs = events.filter((e) => e === "dir-sync-start").length;
    assert.ok(syncs >= 1 && syncs < 40, `40 commits in one folder made ${syncs} folder syncs`);
    // Every commit resolved after a folder sync that started after its own rename.
    for (let i = 0; i < 40; i++) {
      const renamed = events.indexOf(`renamed d${i}.txt`);
      const committed = events.indexOf(`committed d${i}.txt`);
      const syncAfter = events.indexOf("dir-sync-start", renamed);
      assert.ok(renamed >= 0 && syncAfter > renamed && syncAfter < committed, `d${i}: ${events.join(", ")}`);
    }
  });
});
