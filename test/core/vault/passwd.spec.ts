import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { Vault } from "../../../lib/core/vault";
import { readMeta } from "../../../lib/core/vault/storage";
import { findSecretsInText } from "../../support/secrets";
import { useTmpDir } from "../../support/tmp";
import { TEST_VAULT_ITERATIONS } from "../../support/vault";
import { PLANTED, expectVcError, fileState } from "./helpers";

const FAST = { iterations: TEST_VAULT_ITERATIONS };
const NEW_MASTER = "PLANTED-new-master-31be9c";
const CHILD = path.join(__dirname, "fixtures", "passwd-crash-child.ts");
const COUNT = 120;

describe("vault: changing the master password (atomic re-encryption)", () => {
  const tmp = useTmpDir("vc-passwd-");
  let file: string;

  // Long secrets make the vault span many pages, so a crash interrupts real writes.
  const secretOf = (i: number) => `PLANTED-cred-${i}-${(i * 7919).toString(16)}-${"x".repeat(900)}`;

  beforeEach(() => {
    file = path.join(tmp.path, "vault.db");
    const v = Vault.create(file, PLANTED.master, FAST);
    for (let i = 0; i < COUNT; i++)
      v.add({ name: `cred-${i}`, username: `user-${i}`, password: secretOf(i), isDefault: i === 3 });
    v.setFallbackOrder(["cred-7", "cred-1"]);
    v.close();
  });

  /** Opens with `password` and checks every credential is exactly as planted. */
  function assertIntactWith(password: string): void {
    const v = Vault.open(file);
    try {
      v.unlock(password);
      const list = v.list();
      assert.strictEqual(list.length, COUNT);
      for (let i = 0; i < COUNT; i++) {
        const c = v.get(`cred-${i}`);
        assert.deepStrictEqual([c.id, c.username, c.password], [i + 1, `user-${i}`, secretOf(i)]);
      }
      assert.strictEqual(v.getDefault()?.name, "cred-3");
      assert.deepStrictEqual(v.fallbackChainNames(), ["cred-3", "cred-7", "cred-1"]);
    } finally {
      v.close();
    }
  }

  function unlockFails(password: string): void {
    const v = Vault.open(file);
    try {
      expectVcError(() => v.unlock(password), "vault_wrong_password");
    } finally {
      v.close();
    }
  }

  it("re-encrypts every credential under a new password, new salt and the requested iterations; ids stay", () => {
    const v = Vault.open(file);
    v.unlock(PLANTED.master);
    const db = new Database(file, { readonly: true });
    const before = readMeta(db, file);
    const tokensBefore = (
      db.prepare("SELECT secret_token FROM credentials ORDER BY id").all() as Array<{ secret_token: string }>
    ).map((r) => r.secret_token);
    v.changePassword(NEW_MASTER, { iterations: 2000 });
    assert.strictEqual(v.unlocked, true, "stays unlocked, under the new key");
    assert.strictEqual(v.get("cred-5").password, secretOf(5));
    v.close();
    const after = readMeta(db, file);
    const tokensAfter = (
      db.prepare("SELECT secret_token FROM credentials ORDER BY id").all() as Array<{ secret_token: string }>
    ).map((r) => r.secret_token);
    db.close();
    assert.strictEqual(after.kdf.iterations, 2000);
    assert.notDeepStrictEqual(after.kdf.salt, before.kdf.salt);
    assert.notStrictEqual(after.checkToken, before.checkToken);
    assert.ok(
      tokensAfter.every((t, i) => t !== tokensBefore[i]),
      "every token was re-encrypted",
    );
    unlockFails(PLANTED.master);
    assertIntactWith(NEW_MASTER);
    const bytes = [file, `${file}-wal`]
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString("latin1"))
      .join("");
    assert.deepStrictEqual(
      findSecretsInText(bytes, [PLANTED.master, NEW_MASTER, secretOf(0), secretOf(COUNT - 1)]),
      [],
    );
  });

  it("by default raises the stored iteration count to at least the default", function () {
    const v = Vault.open(file);
    v.unlock(PLANTED.master);
    v.changePassword(NEW_MASTER);
    assert.strictEqual(v.iterations, 600_000);
    v.close();
  });

  it("refuses a too-short new password and changes nothing", () => {
    const before = fileState(file);
    const v = Vault.open(file);
    v.unlock(PLANTED.master);
    expectVcError(() => v.changePassword("short"), "vault_invalid", /at least 8/);
    v.close();
    assert.strictEqual(fileState(file), before);
  });

  it("needs the vault unlocked", () => {
    const v = Vault.open(file);
    expectVcError(() => v.changePassword(NEW_MASTER, FAST), "vault_locked");
    v.close();
  });

  it("an error midway rolls everything back: the old password still opens the old vault", () => {
    const v = Vault.open(file);
    v.unlock(PLANTED.master);
    assert.throws(
      () =>
        v.changePassword(NEW_MASTER, {
          ...FAST,
          onProgress: (done) => {
            if (done === COUNT / 2) throw new Error("disk full (simulated)");
          },
        }),
      /disk full/,
    );
    assert.strictEqual(v.get("cred-9").password, secretOf(9), "the handle keeps working with the old key");
    v.close();
    assertIntactWith(PLANTED.master);
    unlockFails(NEW_MASTER);
  });

  it("a crash midway (the process SIGKILLed inside the transaction) leaves the old vault intact", function () {
    this.timeout(60000);
    for (const crashAfter of [1, COUNT / 2, COUNT]) {
      const r = spawnSync(
        process.execPath,
        ["--require", require.resolve("tsx/cjs"), CHILD, file, String(crashAfter)],
        {
          env: { ...process.env, VAULT_OLD_PASS: PLANTED.master, VAULT_NEW_PASS: NEW_MASTER },
          encoding: "utf8",
          timeout: 30000,
        },
      );
      assert.strictEqual(r.signal, "SIGKILL", `child should have crashed: ${r.stdout} ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`crashing after ${crashAfter}`));
      if (crashAfter > 1)
        assert.ok(fs.statSync(`${file}-wal`).size > 0, "the crashed transaction had written to the WAL");
      assertIntactWith(PLANTED.master);
      unlockFails(NEW_MASTER);
    }
  });

  it("the same child without a crash completes the change (the crash test can fail)", function () {
    this.timeout(60000);
    const r = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), CHILD, file, String(COUNT + 1)], {
      env: { ...process.env, VAULT_OLD_PASS: PLANTED.master, VAULT_NEW_PASS: NEW_MASTER },
      encoding: "utf8",
      timeout: 30000,
    });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /finished without crashing/);
    assertIntactWith(NEW_MASTER);
    unlockFails(PLANTED.master);
  });
});
