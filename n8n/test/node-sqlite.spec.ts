import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "../../lib/core/sqlite/node-sqlite";

/**
 * The better-sqlite3 subset on node:sqlite that the n8n bundle uses instead of the native addon:
 * every difference the core could notice is pinned here.
 */
describe("n8n: better-sqlite3 API on node:sqlite (lib/core/sqlite/node-sqlite)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vc-n8n-sqlite-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("returns plain objects, Buffers for blobs, and run() counts", () => {
    const db = new Database(path.join(dir, "a.db"));
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, blob BLOB)");
    const r = db
      .prepare("INSERT INTO t (name, blob) VALUES (@name, @blob)")
      .run({ name: "r1", blob: Buffer.from("xyz") });
    assert.deepEqual(r, { changes: 1, lastInsertRowid: 1 });
    const row = db.prepare("SELECT * FROM t WHERE name = ?").get("r1") as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.ok(Buffer.isBuffer(row.blob), "blob is a Buffer");
    assert.equal((row.blob as Buffer).toString(), "xyz");
    assert.deepEqual(db.prepare("SELECT name FROM t WHERE id IN (?, ?)").all([1, 2]), [{ name: "r1" }]);
    assert.equal(db.prepare("SELECT * FROM t WHERE id = ?").get(99), undefined);
    db.close();
    assert.equal(db.open, false);
  });

  it("starts with foreign keys off, as SQLite and better-sqlite3 do", () => {
    const db = new Database(":memory:");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 0);
    db.pragma("foreign_keys = ON");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    db.close();
  });

  it("rolls back a failed transaction, and a failed nested one only to its savepoint", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (v TEXT UNIQUE)");
    const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
    assert.throws(() =>
      db.transaction(() => {
        insert.run("a");
        insert.run("a");
      })(),
    );
    assert.deepEqual(db.prepare("SELECT v FROM t").all(), []);
    db.transaction(() => {
      insert.run("b");
      assert.equal(db.inTransaction, true);
      assert.throws(() => db.transaction(() => insert.run("b"))());
      insert.run("c");
    }).immediate();
    assert.deepEqual(db.prepare("SELECT v FROM t ORDER BY v").all(), [{ v: "b" }, { v: "c" }]);
    assert.equal(db.inTransaction, false);
    db.close();
  });

  it("names errors as better-sqlite3 does (code SQLITE_*), and honours fileMustExist and readonly", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (v TEXT UNIQUE)");
    db.prepare("INSERT INTO t VALUES ('x')").run();
    assert.throws(() => db.prepare("INSERT INTO t VALUES ('x')").run(), { code: "SQLITE_CONSTRAINT" });
    db.close();
    assert.throws(() => new Database(path.join(dir, "missing.db"), { fileMustExist: true }), {
      code: "SQLITE_CANTOPEN",
    });
    const file = path.join(dir, "ro.db");
    new Database(file).exec("CREATE TABLE t (v)").close();
    const ro = new Database(file, { readonly: true });
    assert.throws(() => ro.exec("INSERT INTO t VALUES (1)"), { code: "SQLITE_READONLY" });
    ro.close();
    fs.writeFileSync(path.join(dir, "junk.db"), "this is not a database, just text ".repeat(200));
    assert.throws(() => new Database(path.join(dir, "junk.db")).prepare("SELECT * FROM sqlite_master").all(), {
      code: "SQLITE_NOTADB",
    });
  });
});
