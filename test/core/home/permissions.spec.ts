import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../../lib/core/collect";
import { preparePrivateFile, resolveHome, tightenHome, ensureHome } from "../../../lib/core/home";
import { TemplateLibrary } from "../../../lib/core/templates";
import { useTmpDir } from "../../support/tmp";

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe("data home permissions", () => {
  const tmp = useTmpDir("vc-home-perms-");
  let oldUmask = 0;
  beforeEach(() => {
    // The usual umask, so files would be 0644 and folders 0755 unless the pack says otherwise.
    oldUmask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(oldUmask);
  });

  it("collector.db is created 0600, with its -wal and -shm files", () => {
    const file = path.join(tmp.path, "h1", "collector.db");
    const db = CollectorDb.open(file);
    try {
      db.listRuns();
      for (const f of [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)))
        assert.strictEqual(modeOf(f).toString(8), "600", f);
      assert.ok(fs.existsSync(`${file}-wal`), "WAL mode");
    } finally {
      db.close();
    }
  });

  it("templates.db is created 0600", () => {
    const file = path.join(tmp.path, "h2", "templates.db");
    TemplateLibrary.open(file).close();
    assert.strictEqual(modeOf(file).toString(8), "600");
  });

  it("an existing collector.db readable by others is tightened to 0600 when opened", () => {
    const file = path.join(tmp.path, "h3", "collector.db");
    CollectorDb.open(file).close();
    fs.chmodSync(file, 0o644);
    CollectorDb.open(file).close();
    assert.strictEqual(modeOf(file).toString(8), "600");
  });

  it("preparePrivateFile leaves :memory: alone and creates missing folders owner-only", () => {
    preparePrivateFile(":memory:");
    const file = path.join(tmp.path, "h4", "deep", "x.db");
    preparePrivateFile(file);
    assert.deepStrictEqual([modeOf(file).toString(8), modeOf(path.dirname(file)).toString(8)], ["600", "700"]);
  });

  it("the home is created 0700 and an existing open home is tightened to 0700", () => {
    const home = resolveHome(path.join(tmp.path, "h5"));
    ensureHome(home);
    assert.strictEqual(modeOf(home.root).toString(8), "700");
    fs.chmodSync(home.root, 0o755);
    const warnings: string[] = [];
    assert.strictEqual(
      tightenHome(home, (m) => warnings.push(m)),
      true,
    );
    assert.deepStrictEqual([modeOf(home.root).toString(8), warnings], ["700", []]);
    // A home that does not exist yet is not created by merely opening it.
    const missing = resolveHome(path.join(tmp.path, "nope"));
    assert.strictEqual(tightenHome(missing), true);
    assert.ok(!fs.existsSync(missing.root));
  });
});
