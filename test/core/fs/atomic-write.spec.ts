import * as assert from "node:assert";
import * as fs from "node:fs";
// The module object itself (the namespace import is read-only): the spy below replaces its mkdir functions.
import fsModule from "node:fs";
import * as path from "node:path";
import { writeFileAtomic, writeFileAtomicSync } from "../../../lib/core/fs/atomic-write";
import { useTmpDir } from "../../support/tmp";

const injected = (): never => {
  throw Object.assign(new Error("disk full (injected)"), { code: "ENOSPC" });
};

describe("atomic write (fs/atomic-write)", () => {
  const tmp = useTmpDir("vc-atomic-");

  for (const form of ["sync", "async"] as const) {
    const write = (file: string, data: string | Iterable<string>, opts = {}): Promise<number> =>
      form === "sync"
        ? new Promise((resolve) => resolve(writeFileAtomicSync(file, data, opts)))
        : writeFileAtomic(file, data, opts);

    describe(form, () => {
      it("replaces the file and leaves nothing else in the folder", async () => {
        const file = path.join(tmp.path, "out.json");
        fs.writeFileSync(file, "old\n");
        const bytes = await write(file, "new ü\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), "new ü\n");
        assert.strictEqual(bytes, Buffer.byteLength("new ü\n"));
        assert.deepStrictEqual(fs.readdirSync(tmp.path), ["out.json"]);
      });

      it("a failure between write and rename keeps the old file intact and leaves no temp file", async () => {
        const file = path.join(tmp.path, "out.json");
        fs.writeFileSync(file, "old\n");
        let seenTemp = "";
        await assert.rejects(
          write(file, "new\n", {
            beforeRename: (t: string) => {
              seenTemp = t;
              // The new content is complete and on disk before the rename.
              assert.strictEqual(fs.readFileSync(t, "utf8"), "new\n");
              injected();
            },
          }),
          /disk full \(injected\)/,
        );
        assert.strictEqual(path.dirname(seenTemp), tmp.path, "temp file in the same folder");
        assert.match(path.basename(seenTemp), /^\.out\.json\.\d+\.[0-9a-f]{12}\.tmp$/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "old\n");
        assert.deepStrictEqual(fs.readdirSync(tmp.path), ["out.json"]);
      });

      it("a failure on a new file leaves no file at all", async () => {
        const file = path.join(tmp.path, "fresh.txt");
        await assert.rejects(write(file, "x", { beforeRename: injected }), /injected/);
        assert.deepStrictEqual(fs.readdirSync(tmp.path), []);
      });

      it("streams many chunks, sets the mode and creates the folder when asked", async () => {
        const file = path.join(tmp.path, "a", "b", "big.csv");
        const chunks = function* (): Iterable<string> {
          for (let i = 0; i < 50000; i++) yield `row ${i},${"x".repeat(40)}\n`;
        };
        await assert.rejects(write(file, chunks()), { code: "ENOENT" });
        const bytes = await write(file, chunks(), { mkdir: true, mode: 0o600 });
        assert.strictEqual(bytes, fs.statSync(file).size);
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
        assert.strictEqual(fs.readFileSync(file, "utf8").split("\n").length, 50001);
      });

      it("with mkdir, a folder that exists is not made again (only a missing one is)", async () => {
        const file = path.join(tmp.path, "sub", "out.txt");
        const calls: string[] = [];
        const realSync = fsModule.mkdirSync;
        const realAsync = fsModule.promises.mkdir;
        fsModule.mkdirSync = ((dir: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
          calls.push(String(dir));
          return realSync(dir, o);
        }) as typeof fs.mkdirSync;
        fsModule.promises.mkdir = ((dir: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
          calls.push(String(dir));
          return realAsync(dir, o);
        }) as typeof fs.promises.mkdir;
        try {
          for (let i = 0; i < 3; i++) await write(file, `v${i}\n`, { mkdir: 0o700 });
        } finally {
          fsModule.mkdirSync = realSync;
          fsModule.promises.mkdir = realAsync;
        }
        assert.deepStrictEqual(calls, [path.dirname(file)]);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "v2\n");
        assert.strictEqual(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
      });

      it("two writers never share a temp name", async () => {
        const file = path.join(tmp.path, "same.txt");
        const names = new Set<string>();
        for (let i = 0; i < 20; i++) await write(file, String(i), { beforeRename: (t: string) => names.add(t) });
        assert.strictEqual(names.size, 20);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "19");
      });
    });
  }
});
