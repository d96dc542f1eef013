import * as assert from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CaptureStore, captureContent } from "../../../lib/core/collect";
import { VcError } from "../../../lib/core/errors";
import { useTmpDir } from "../../support/tmp";

describe("collect: capture store", () => {
  const tmp = useTmpDir("vc-store-");

  it("writes <collections>/<capture_type>/<device>.txt with size and sha256 of the bytes", async () => {
    const store = new CaptureStore({ collections: path.join(tmp.path, "collections") });
    const content = "interface Gi0/1\n description café\n";
    const saved = await store.save("configs", "core-sw1", content);
    assert.strictEqual(saved.path, path.join(tmp.path, "collections", "configs", "core-sw1.txt"));
    assert.strictEqual(fs.readFileSync(saved.path, "utf8"), content);
    assert.strictEqual(saved.size, Buffer.byteLength(content));
    assert.strictEqual(saved.sha256, createHash("sha256").update(content).digest("hex"));
    assert.strictEqual(saved.historyPath, undefined);
  });

  it("replaces the previous capture atomically and leaves no temp files", async () => {
    const store = new CaptureStore({ collections: tmp.path });
    await store.save("arp", "r1", "old\n");
    const saved = await store.save("arp", "r1", "new\n");
    assert.strictEqual(fs.readFileSync(saved.path, "utf8"), "new\n");
    assert.deepStrictEqual(fs.readdirSync(path.dirname(saved.path)), ["r1.txt"]);
  });

  it("keeps a timestamped history copy that later captures do not change", async () => {
    const store = new CaptureStore({ collections: tmp.path, keepHistory: true });
    const first = await store.save("arp", "r1", "first\n", new Date("2026-01-01T00:00:00Z"));
    const second = await store.save("arp", "r1", "second\n", new Date("2026-01-02T00:00:00Z"));
    assert.ok(first.historyPath && second.historyPath);
    assert.strictEqual(path.dirname(first.historyPath), path.join(tmp.path, "arp", "history", "r1"));
    assert.strictEqual(fs.readFileSync(first.historyPath, "utf8"), "first\n");
    assert.strictEqual(fs.readFileSync(second.historyPath, "utf8"), "second\n");
    assert.strictEqual(fs.readFileSync(second.path, "utf8"), "second\n");
  });

  it("makes device names and capture types safe path segments", async () => {
    const store = new CaptureStore({ collections: tmp.path });
    const saved = await store.save("../x", "a/../../b", "z\n");
    assert.ok(saved.path.startsWith(tmp.path + path.sep), saved.path);
    assert.ok(!path.relative(tmp.path, saved.path).split(path.sep).includes(".."), saved.path);
    assert.strictEqual(path.relative(tmp.path, saved.path).split(path.sep).length, 2, saved.path);
  });

  it("creates the directory again when it was removed between two saves", async () => {
    const store = new CaptureStore({ collections: path.join(tmp.path, "collections") });
    await store.save("arp", "r1", "one\n");
    fs.rmSync(path.join(tmp.path, "collections"), { recursive: true, force: true });
    const saved = await store.save("arp", "r2", "two\n");
    assert.strictEqual(fs.readFileSync(saved.path, "utf8"), "two\n");
  });

  it("throws save_failed naming the device and path when the directory cannot be made", async () => {
    fs.writeFileSync(path.join(tmp.path, "configs"), "a file where the folder should be");
    const store = new CaptureStore({ collections: tmp.path });
    await assert.rejects(store.save("configs", "r9", "x"), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "save_failed");
      assert.match(err.message, /^r9: could not save the capture to .*configs.r9\.txt/);
      return true;
    });
  });

  it("captures are 0600 in 0700 folders, saved whole or streamed, history copies included", async () => {
    const store = new CaptureStore({ collections: path.join(tmp.path, "collections"), keepHistory: true });
    const saved = await store.save("configs", "r1", "hostname r1\n");
    const w = await store.open("configs", "r2");
    await w.append("hostname r2\n");
    const streamed = await w.commit();
    for (const file of [saved.path, saved.historyPath!, streamed.path, streamed.historyPath!])
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600, file);
    assert.strictEqual(fs.statSync(path.dirname(saved.path)).mode & 0o777, 0o700);
  });

  it("a failure between the last append and the rename keeps the old capture and leaves no temp file", async () => {
    const collections = path.join(tmp.path, "collections");
    const plain = new CaptureStore({ collections });
    await plain.save("configs", "r1", "old\n");
    // The history link is made just before the rename: a file where its folder should be makes it fail.
    fs.writeFileSync(path.join(collections, "configs", "history"), "not a folder");
    const store = new CaptureStore({ collections, keepHistory: true });
    const w = await store.open("configs", "r1");
    await w.append("new part 1\n");
    await w.append("new part 2\n");
    await assert.rejects(w.commit(), (err: unknown) => {
      assert.ok(err instanceof VcError);
      assert.strictEqual(err.errorClass, "save_failed");
      assert.match(err.message, /^r1: could not save the capture to .*configs.r1\.txt/);
      return true;
    });
    assert.strictEqual(fs.readFileSync(path.join(collections, "configs", "r1.txt"), "utf8"), "old\n");
    assert.deepStrictEqual(fs.readdirSync(path.join(collections, "configs")).sort(), ["history", "r1.txt"]);
    // The whole-content save takes the same path.
    await assert.rejects(store.save("configs", "r1", "new\n"), /could not save the capture/);
    assert.strictEqual(fs.readFileSync(path.join(collections, "configs", "r1.txt"), "utf8"), "old\n");
    assert.deepStrictEqual(fs.readdirSync(path.join(collections, "configs")).sort(), ["history", "r1.txt"]);
  });

  it("stores one command's output as is and several as a transcript", () => {
    const one = captureContent([{ command: "show clock", output: "12:00", status: "ok", durationMs: 1 }], "r1#");
    assert.strictEqual(one, "12:00\n");
    const two = captureContent(
      [
        { command: "show clock", output: "12:00\n", status: "ok", durationMs: 1 },
        { command: "show users", output: "none", status: "ok", durationMs: 1 },
      ],
      "r1#",
    );
    assert.strictEqual(two, "r1#show clock\n12:00\nr1#show users\nnone\n");
  });
});
