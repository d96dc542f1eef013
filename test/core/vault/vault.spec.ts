import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import Database from "better-sqlite3";
import { DEFAULT_ITERATIONS, Vault, unlockFromEnv, type CredentialInput } from "../../../lib/core/vault";
import { fernetKey } from "../../../lib/core/vault/fernet";
import { deriveKey } from "../../../lib/core/vault/kdf";
import { sealManifest } from "../../../lib/core/vault/sealed";
import { readMeta, readRows } from "../../../lib/core/vault/storage";
import { findSecretsInText } from "../../support/secrets";
import { useTmpDir } from "../../support/tmp";
import { TEST_VAULT_ITERATIONS } from "../../support/vault";
import {
  PLANTED,
  allSecrets,
  encryptedKey,
  expectVcError,
  expectVcErrorAsync,
  fileState,
  keyBody,
  plainKey,
  sampleCredentials,
} from "./helpers";

const FAST = { iterations: TEST_VAULT_ITERATIONS };

describe("vault: the encrypted credential store", () => {
  const tmp = useTmpDir("vc-vault-");
  let key: string;
  let file: string;
  const errors: string[] = [];
  const open: Vault[] = [];

  /** Opens the vault (tracked, closed after the test). */
  function openVault(unlock = true): Vault {
    const v = Vault.open(file);
    open.push(v);
    if (unlock) v.unlock(PLANTED.master);
    return v;
  }

  function failing(fn: () => unknown, errorClass: string, pattern?: RegExp): string {
    const msg = expectVcError(fn, errorClass, pattern);
    errors.push(msg);
    return msg;
  }

  /** An attacker's direct edit of the file (write access, no password). */
  function tamper(sql: string, ...params: unknown[]): void {
    const db = new Database(file);
    db.prepare(sql).run(...params);
    db.close();
  }

  before(() => {
    key = encryptedKey();
  });

  beforeEach(() => {
    file = path.join(tmp.path, "vault.db");
    const v = Vault.create(file, PLANTED.master, FAST);
    for (const c of sampleCredentials(key)) v.add(c);
    v.setFallbackOrder(["legacy", "keyed"]);
    v.close();
  });

  afterEach(() => {
    for (const v of open.splice(0)) v.close();
  });

  after(() => {
    // No error text raised by any test may contain a planted secret.
    assert.deepStrictEqual(findSecretsInText(errors.join("\n"), allSecrets(key)), []);
  });

  describe("create, open, unlock, lock", () => {
    it("stores named credentials that come back decrypted after reopening", () => {
      const v = openVault();
      const lab = v.get("lab");
      assert.strictEqual(lab.username, "admin");
      assert.strictEqual(lab.password, PLANTED.password);
      assert.strictEqual(lab.enableSecret, PLANTED.enable);
      const keyed = v.get("keyed");
      assert.strictEqual(keyed.privateKey, key);
      assert.strictEqual(keyed.privateKeyPassphrase, PLANTED.passphrase);
      assert.strictEqual(keyed.password, undefined);
      assert.strictEqual(v.getDefault()?.name, "lab");
    });

    it("the file (and its WAL) holds none of the secrets, nor the master password", () => {
      const v = openVault();
      v.edit("legacy", { password: "PLANTED-rotated-77aa10" });
      v.close();
      const bytes = [file, `${file}-wal`, `${file}-shm`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString("latin1"))
        .join("");
      assert.deepStrictEqual(findSecretsInText(bytes, [...allSecrets(key), "PLANTED-rotated-77aa10"]), []);
      assert.ok(bytes.includes("admin"), "usernames are plain (documented), so the scan can see the file's text");
    });

    it("the vault file is owner-only", () => {
      assert.strictEqual(fs.statSync(file).mode & 0o077, 0);
    });

    it("create refuses to overwrite an existing file and leaves it as it was", () => {
      const before = fileState(file);
      failing(() => Vault.create(file, "another-master-pw", FAST), "vault_exists", /refusing to overwrite/);
      assert.strictEqual(fileState(file), before);
    });

    it("refuses a master password shorter than 8 characters", () => {
      failing(() => Vault.create(path.join(tmp.path, "short.db"), "1234567", FAST), "vault_invalid", /at least 8/);
      assert.ok(!fs.existsSync(path.join(tmp.path, "short.db")));
    });

    it("a missing vault file is its own error, naming the file and how to create one", () => {
      const missing = path.join(tmp.path, "nope.db");
      failing(() => Vault.open(missing), "vault_missing", /nope\.db.*vcollector vault init/);
      assert.ok(!fs.existsSync(missing), "opening does not create a file");
    });

    it("a file that is not a vault (garbage bytes) is reported as damaged and left untouched", () => {
      const junk = path.join(tmp.path, "junk.db");
      fs.writeFileSync(junk, Buffer.alloc(4096, 0x5a));
      const before = fileState(junk);
      failing(() => Vault.open(junk), "vault_corrupt", /junk\.db.*damaged or not a SQLite database/);
      assert.strictEqual(fileState(junk), before);
    });

    it("a SQLite file without vault tables is not a vault", () => {
      const other = path.join(tmp.path, "other.db");
      const db = new Database(other);
      db.exec("CREATE TABLE t (x)");
      db.close();
      failing(() => Vault.open(other), "vault_corrupt", /not a vcollector vault/);
    });

    it("a VelocityCollector collector.db is recognised and pointed to import-vc", () => {
      const vc = path.join(tmp.path, "collector.db");
      const db = new Database(vc);
      db.exec(
        "CREATE TABLE vault_metadata (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, value TEXT); CREATE TABLE credentials (id INTEGER PRIMARY KEY, name TEXT)",
      );
      db.close();
      failing(() => Vault.open(vc), "vault_foreign", /import-vc/);
    });

    it("a damaged check token is reported as a damaged vault at open", () => {
      tamper("UPDATE vault_meta SET value = 'not a token!' WHERE key = 'check_token'");
      failing(() => Vault.open(file), "vault_corrupt", /check token is damaged/);
    });

    it("a wrong password is its own error, changes nothing and leaves the vault locked", () => {
      const before = fileState(file);
      const v = openVault(false);
      const msg = failing(() => v.unlock("PLANTED-wrong-guess-55"), "vault_wrong_password", /wrong master password/);
      assert.ok(!msg.includes("PLANTED-wrong-guess-55"));
      assert.strictEqual(v.unlocked, false);
      failing(() => v.get("lab"), "vault_locked", /locked/);
      v.close();
      assert.strictEqual(fileState(file), before);
    });

    it("unlockAsync derives off the event loop with the same result", async () => {
      const v = openVault(false);
      await expectVcErrorAsync(() => v.unlockAsync("wrong-password-x"), "vault_wrong_password");
      await v.unlockAsync(PLANTED.master);
      assert.strictEqual(v.get("legacy").password, PLANTED.password2);
    });

    it("lock() drops the key: secrets are unavailable until the next unlock", () => {
      const v = openVault();
      assert.strictEqual(v.unlocked, true);
      v.lock();
      assert.strictEqual(v.unlocked, false);
      failing(() => v.get("lab"), "vault_locked");
      failing(() => v.fallbackChain(), "vault_locked");
      failing(() => v.add({ name: "x", username: "u", password: "p" }), "vault_locked");
      assert.strictEqual(v.list().length, 3, "listing works locked");
      v.unlock(PLANTED.master);
      assert.strictEqual(v.get("lab").password, PLANTED.password);
    });

    it("a closed vault refuses every operation", () => {
      const v = openVault();
      v.close();
      failing(() => v.get("lab"), "vault_closed");
      failing(() => v.unlock(PLANTED.master), "vault_closed");
    });

    it("unlockFromEnv uses VCOLLECTOR_VAULT_PASS, and says so when it is missing", () => {
      failing(() => unlockFromEnv(file, {}), "vault_no_password", /VCOLLECTOR_VAULT_PASS/);
      failing(() => unlockFromEnv(file, { VCOLLECTOR_VAULT_PASS: "wrong-password-y" }), "vault_wrong_password");
      const v = unlockFromEnv(file, { VCOLLECTOR_VAULT_PASS: PLANTED.master });
      open.push(v);
      assert.strictEqual(v.get("lab").password, PLANTED.password);
    });

    it(`uses ${DEFAULT_ITERATIONS} PBKDF2 iterations unless told otherwise, stored in the file`, () => {
      const real = path.join(tmp.path, "real.db");
      const v = Vault.create(real, PLANTED.master);
      v.add({ name: "a", username: "u", password: PLANTED.password });
      v.close();
      const db = new Database(real, { readonly: true });
      const meta = readMeta(db, real);
      db.close();
      assert.strictEqual(meta.kdf.iterations, DEFAULT_ITERATIONS);
      assert.strictEqual(meta.kdf.salt.length, 16);
      const r = Vault.open(real);
      open.push(r);
      assert.strictEqual(r.iterations, DEFAULT_ITERATIONS);
      failing(() => r.unlock(PLANTED.password), "vault_wrong_password");
      r.unlock(PLANTED.master);
      assert.strictEqual(r.get("a").password, PLANTED.password);
    });

    it("keeps no separate password hash: the metadata holds only KDF parameters and tokens", () => {
      const db = new Database(file, { readonly: true });
      const keys = (db.prepare("SELECT key FROM vault_meta ORDER BY key").all() as Array<{ key: string }>).map(
        (r) => r.key,
      );
      db.close();
      assert.deepStrictEqual(keys, [
        "check_token",
        "created_at",
        "format",
        "format_version",
        "kdf",
        "kdf_iterations",
        "kdf_salt",
        "manifest_token",
        "vault_id",
      ]);
    });
  });

  describe("credentials", () => {
    it("list shows names, usernames, kinds, default and fallback position, never secrets", () => {
      const v = openVault(false);
      const list = v.list();
      assert.deepStrictEqual(
        list.map((s) => [s.name, s.username, s.kind, s.hasEnableSecret, s.isDefault, s.fallbackPosition]),
        [
          ["keyed", "netops", "key", false, false, 1],
          ["lab", "admin", "password", true, true, null],
          ["legacy", "cisco", "password", false, false, 0],
        ],
      );
      assert.deepStrictEqual(findSecretsInText(JSON.stringify(list) + inspect(list), allSecrets(key)), []);
      v.unlock(PLANTED.master);
      assert.deepStrictEqual(v.list(), list, "the verified listing equals the plain one");
    });

    it("a decrypted credential neither serialises nor prints its secrets", () => {
      const v = openVault();
      const c = v.get("lab");
      const keyed = v.get("keyed");
      const text = JSON.stringify({ c, keyed }) + inspect(c) + inspect(keyed) + `${JSON.stringify([c])}`;
      assert.deepStrictEqual(findSecretsInText(text, allSecrets(key)), []);
      assert.match(JSON.stringify(c), /"name":"lab"/);
      assert.strictEqual({ ...c }.password, PLANTED.password, "the secret is still an ordinary property");
    });

    it("fallbackChain: default first, then the fallback list in order, without duplicates", () => {
      const v = openVault();
      assert.deepStrictEqual(
        v.fallbackChain().map((c) => c.name),
        ["lab", "legacy", "keyed"],
      );
      v.setFallbackOrder(["keyed", "lab"]);
      assert.deepStrictEqual(
        v.fallbackChain().map((c) => c.name),
        ["lab", "keyed"],
      );
      v.clearDefault();
      assert.deepStrictEqual(
        v.fallbackChain().map((c) => c.name),
        ["keyed", "lab"],
      );
      assert.strictEqual(v.getDefault(), undefined);
      assert.strictEqual(v.fallbackChain()[0].privateKey, key);
    });

    it("setFallbackOrder refuses unknown or repeated names and changes nothing", () => {
      const v = openVault();
      const before = fileState(file);
      failing(() => v.setFallbackOrder(["legacy", "ghost"]), "vault_unknown_credential", /ghost/);
      failing(() => v.setFallbackOrder(["legacy", "legacy"]), "vault_invalid", /twice/);
      assert.strictEqual(fileState(file), before);
      assert.deepStrictEqual(v.fallbackChainNames(), ["lab", "legacy", "keyed"]);
    });

    it("add refuses bad input with a message naming the credential and field, never the secret", () => {
      const v = openVault();
      const before = fileState(file);
      failing(() => v.add({ name: "lab", username: "x", password: "p" }), "vault_duplicate", /'lab' already exists/);
      failing(
        () => v.add({ name: "nosecret", username: "x" }),
        "vault_invalid",
        /'nosecret'.*needs a password or a private key/,
      );
      failing(() => v.add({ name: "", username: "x", password: "p" }), "vault_invalid", /credential name is required/);
      failing(() => v.add({ name: "-opt", username: "x", password: "p" }), "vault_invalid", /must not start with '-'/);
      failing(() => v.add({ name: "a\nb", username: "x", password: "p" }), "vault_invalid", /control characters/);
      failing(
        () => v.add({ name: "nouser", username: "", password: "p" }),
        "vault_invalid",
        /'nouser'.*username is required/,
      );
      failing(
        () => v.add({ name: "ml", username: "u", password: `${PLANTED.password}\nsecond` }),
        "vault_invalid",
        /'ml'.*password must be a single line/,
      );
      failing(
        () =>
          v.add({
            name: "badkey",
            username: "u",
            privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n-----END OPENSSH PRIVATE KEY-----\n",
          }),
        "vault_invalid",
        /'badkey'.*private key cannot be read/,
      );
      failing(
        () => v.add({ name: "notkey", username: "u", privateKey: PLANTED.password }),
        "vault_invalid",
        /not a PEM or OpenSSH private key/,
      );
      failing(
        () => v.add({ name: "needspp", username: "u", privateKey: key }),
        "vault_invalid",
        /encrypted: a passphrase is needed/,
      );
      failing(
        () => v.add({ name: "wrongpp", username: "u", privateKey: key, privateKeyPassphrase: "not-the-passphrase" }),
        "vault_invalid",
        /cannot be decrypted with the given passphrase/,
      );
      failing(
        () => v.add({ name: "pponly", username: "u", password: "p", privateKeyPassphrase: PLANTED.passphrase }),
        "vault_invalid",
        /passphrase but no private key/,
      );
      assert.strictEqual(fileState(file), before, "no failed add changed the file");
      assert.strictEqual(v.list().length, 3);
    });

    it("a key+password credential and a plain key are accepted", () => {
      const v = openVault();
      const both = v.add({ name: "both", username: "u", password: "pw-both-1", privateKey: plainKey() });
      assert.strictEqual(both.kind, "key+password");
      assert.strictEqual(v.get("both").password, "pw-both-1");
    });

    it("edit keeps the credential's id, through renames and secret changes", () => {
      const v = openVault();
      const id = v.list().find((s) => s.name === "legacy")!.id;
      const renamed = v.edit("legacy", {
        newName: "legacy-2",
        username: "cisco2",
        password: "new-password-1",
        enableSecret: "new-enable-1",
      });
      assert.strictEqual(renamed.id, id);
      assert.strictEqual(renamed.name, "legacy-2");
      assert.strictEqual(renamed.hasEnableSecret, true);
      assert.strictEqual(renamed.fallbackPosition, 0, "keeps its place in the fallback list");
      const c = v.get("legacy-2");
      assert.deepStrictEqual(
        [c.id, c.username, c.password, c.enableSecret],
        [id, "cisco2", "new-password-1", "new-enable-1"],
      );
      failing(() => v.get("legacy"), "vault_unknown_credential");
      v.close();
      const again = openVault();
      assert.strictEqual(again.get("legacy-2").id, id);
    });

    it("edit leaves out fields unchanged and clears a secret given as empty", () => {
      const v = openVault();
      v.edit("lab", { enableSecret: "" });
      const lab = v.get("lab");
      assert.strictEqual(lab.password, PLANTED.password);
      assert.strictEqual(lab.enableSecret, undefined);
      v.edit("keyed", { password: "added-pw-2" });
      assert.strictEqual(v.get("keyed").privateKeyPassphrase, PLANTED.passphrase);
      assert.strictEqual(v.list().find((s) => s.name === "keyed")!.kind, "key+password");
      v.edit("keyed", { privateKey: "", privateKeyPassphrase: "" });
      assert.strictEqual(v.list().find((s) => s.name === "keyed")!.kind, "password");
    });

    it("edit refuses to leave a credential without a secret, or to take an existing name; nothing changes", () => {
      const v = openVault();
      const before = fileState(file);
      failing(() => v.edit("lab", { password: "" }), "vault_invalid", /needs a password or a private key/);
      failing(() => v.edit("lab", { newName: "legacy" }), "vault_duplicate");
      failing(() => v.edit("ghost", { password: "x" }), "vault_unknown_credential", /'ghost'/);
      assert.strictEqual(fileState(file), before);
      assert.strictEqual(v.get("lab").password, PLANTED.password);
    });

    it("a new key replaces the old key's passphrase rather than inheriting it", () => {
      const v = openVault();
      const fresh = plainKey();
      v.edit("keyed", { privateKey: fresh });
      const c = v.get("keyed");
      assert.strictEqual(c.privateKey, fresh);
      assert.strictEqual(c.privateKeyPassphrase, undefined);
    });

    it("isDefault on add or edit moves the default; isDefault false clears it", () => {
      const v = openVault();
      v.add({ name: "newdef", username: "u", password: "p-1", isDefault: true });
      assert.deepStrictEqual(
        v
          .list()
          .filter((s) => s.isDefault)
          .map((s) => s.name),
        ["newdef"],
      );
      v.edit("legacy", { isDefault: true });
      assert.strictEqual(v.getDefault()?.name, "legacy");
      v.edit("lab", { isDefault: false });
      assert.strictEqual(v.getDefault()?.name, "legacy", "clearing a non-default changes nothing");
      v.edit("legacy", { isDefault: false });
      assert.strictEqual(v.getDefault(), undefined);
    });

    it("set-default with an unknown name is an error and keeps the current default", () => {
      const v = openVault();
      const before = fileState(file);
      failing(() => v.setDefault("lab-typo"), "vault_unknown_credential", /no credential named 'lab-typo'/);
      assert.strictEqual(fileState(file), before);
      assert.strictEqual(v.getDefault()?.name, "lab");
      v.setDefault("keyed");
      assert.strictEqual(v.getDefault()?.name, "keyed");
    });

    it("remove deletes a credential and closes the gap in the fallback order", () => {
      const v = openVault();
      v.remove("legacy");
      assert.deepStrictEqual(
        v.list().map((s) => [s.name, s.fallbackPosition]),
        [
          ["keyed", 0],
          ["lab", null],
        ],
      );
      failing(() => v.remove("legacy"), "vault_unknown_credential");
      v.remove("lab");
      assert.strictEqual(v.getDefault(), undefined);
    });

    it("an import that fails midway adds nothing, and the handle does not believe otherwise", () => {
      const v = openVault();
      const before = fileState(file);
      assert.throws(
        () =>
          v.importCredentials([
            { name: "first", username: "u", password: "p-first-1" },
            null as unknown as CredentialInput,
          ]),
        TypeError,
      );
      assert.deepStrictEqual(
        v.list().map((s) => s.name),
        ["keyed", "lab", "legacy"],
      );
      failing(() => v.get("first"), "vault_unknown_credential");
      assert.strictEqual(fileState(file), before);
      const report = v.importCredentials([
        { name: "first", username: "u", password: "p-first-1" },
        { name: "bad name\u0001", username: "u", password: "p" },
      ]);
      assert.deepStrictEqual(report.imported, ["first"]);
      assert.deepStrictEqual(
        report.skipped.map((x) => x.reason),
        ["credential name must not contain control characters"],
      );
      assert.strictEqual(v.get("first").password, "p-first-1");
    });

    it("two handles on one file see each other's changes (another process writing)", () => {
      const a = openVault();
      const b = openVault();
      assert.strictEqual(b.get("lab").password, PLANTED.password);
      a.edit("lab", { password: "changed-by-a-1" });
      a.add({ name: "from-a", username: "u", password: "p-a" });
      assert.strictEqual(b.get("lab").password, "changed-by-a-1");
      assert.strictEqual(b.get("from-a").username, "u");
    });

    it("a password change by another process is detected: the other handle must unlock again", () => {
      const a = openVault();
      const b = openVault();
      a.changePassword("second-master-pw", FAST);
      assert.strictEqual(b.needsUnlock(), true);
      failing(() => b.get("lab"), "vault_changed", /unlock the vault again/);
      assert.strictEqual(b.unlocked, false);
      failing(() => b.unlock(PLANTED.master), "vault_wrong_password");
      b.unlock("second-master-pw");
      assert.strictEqual(b.needsUnlock(), false);
      assert.strictEqual(b.get("lab").password, PLANTED.password);
    });
  });

  describe("tampering (an attacker with write access but no password)", () => {
    it("a modified token fails verification with its own message", () => {
      const db = new Database(file);
      const token = (
        db.prepare("SELECT secret_token FROM credentials WHERE name = 'lab'").get() as { secret_token: string }
      ).secret_token;
      const i = 60;
      db.prepare("UPDATE credentials SET secret_token = ? WHERE name = 'lab'").run(
        token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1),
      );
      db.close();
      const v = openVault();
      failing(() => v.get("lab"), "vault_tampered", /'lab'.*modified outside vcollector.*secret token/);
      failing(() => v.get("legacy"), "vault_tampered");
    });

    it("tokens swapped between two rows fail verification", () => {
      const db = new Database(file);
      const get = (n: string) =>
        (db.prepare("SELECT secret_token FROM credentials WHERE name = ?").get(n) as { secret_token: string })
          .secret_token;
      const [a, b] = [get("lab"), get("legacy")];
      db.prepare("UPDATE credentials SET secret_token = ? WHERE name = 'lab'").run(b);
      db.prepare("UPDATE credentials SET secret_token = ? WHERE name = 'legacy'").run(a);
      db.close();
      const v = openVault();
      failing(() => v.get("lab"), "vault_tampered", /modified outside vcollector/);
      failing(() => v.fallbackChain(), "vault_tampered");
    });

    it("a row renamed, a username changed or the default flipped in the plain columns is detected", () => {
      for (const [sql, pattern] of [
        [
          "UPDATE credentials SET name = 'lab-renamed' WHERE name = 'lab'",
          /modified outside vcollector \(name changed\)/,
        ],
        ["UPDATE credentials SET username = 'root' WHERE name = 'legacy'", /'legacy'.*username changed/],
        [
          "UPDATE credentials SET is_default = CASE name WHEN 'lab' THEN 0 WHEN 'legacy' THEN 1 ELSE 0 END",
          /isDefault changed/,
        ],
        ["UPDATE credentials SET fallback_position = NULL WHERE name = 'keyed'", /fallbackPosition changed/],
      ] as const) {
        fs.rmSync(file);
        const v0 = Vault.create(file, PLANTED.master, FAST);
        for (const c of sampleCredentials(key)) v0.add(c);
        v0.setFallbackOrder(["legacy", "keyed"]);
        v0.close();
        tamper(sql);
        const v = Vault.open(file);
        v.unlock(PLANTED.master);
        failing(() => v.fallbackChain(), "vault_tampered", pattern);
        v.close();
      }
    });

    it("a row deleted or inserted outside vcollector is detected", () => {
      tamper("DELETE FROM credentials WHERE name = 'legacy'");
      const v = openVault();
      failing(() => v.list(), "vault_tampered", /'legacy'.*removed outside vcollector/);
      v.close();
      const db = new Database(file);
      const token = (
        db.prepare("SELECT secret_token FROM credentials WHERE name = 'lab'").get() as { secret_token: string }
      ).secret_token;
      db.close();
      tamper(
        "INSERT INTO credentials (name, username, kind, secret_token, created_at, updated_at) VALUES ('evil', 'x', 'password', ?, 'now', 'now')",
        token,
      );
      const w = openVault();
      failing(() => w.get("lab"), "vault_tampered");
    });

    it("even with a re-sealed manifest, a token moved to another row fails its row binding", () => {
      // The strongest attacker for this check: one who could also re-seal the manifest.
      const db = new Database(file);
      const meta = readMeta(db, file);
      const k = fernetKey(deriveKey(PLANTED.master, meta.kdf));
      const get = (n: string) =>
        (db.prepare("SELECT secret_token FROM credentials WHERE name = ?").get(n) as { secret_token: string })
          .secret_token;
      db.prepare("UPDATE credentials SET secret_token = ? WHERE name = 'legacy'").run(get("lab"));
      db.prepare("UPDATE credentials SET has_enable = 1 WHERE name = 'legacy'").run();
      db.prepare("UPDATE vault_meta SET value = ? WHERE key = 'manifest_token'").run(
        sealManifest(k, meta.vaultId, readRows(db)),
      );
      db.close();
      const v = openVault();
      assert.strictEqual(v.get("lab").password, PLANTED.password, "the untouched row still works");
      failing(() => v.get("legacy"), "vault_tampered", /'legacy'.*belongs to another row/);
    });

    it("a renamed row with a re-sealed manifest fails its row binding too", () => {
      const db = new Database(file);
      const meta = readMeta(db, file);
      const k = fernetKey(deriveKey(PLANTED.master, meta.kdf));
      db.prepare("UPDATE credentials SET name = 'lab-x' WHERE name = 'lab'").run();
      db.prepare("UPDATE vault_meta SET value = ? WHERE key = 'manifest_token'").run(
        sealManifest(k, meta.vaultId, readRows(db)),
      );
      db.close();
      const v = openVault();
      failing(() => v.get("lab-x"), "vault_tampered", /belongs to another row/);
    });

    it("a manifest from another vault (same password) is refused", () => {
      const otherFile = path.join(tmp.path, "other.db");
      const other = Vault.create(otherFile, PLANTED.master, FAST);
      other.close();
      const odb = new Database(otherFile);
      const foreign = (
        odb.prepare("SELECT value FROM vault_meta WHERE key = 'manifest_token'").get() as { value: string }
      ).value;
      odb.close();
      tamper("UPDATE vault_meta SET value = ? WHERE key = 'manifest_token'", foreign);
      const v = openVault();
      failing(() => v.list(), "vault_tampered");
    });

    it("a lowered iteration count does not weaken anything: the password no longer verifies", () => {
      tamper("UPDATE vault_meta SET value = '1000' WHERE key = 'kdf_iterations'");
      tamper("UPDATE vault_meta SET value = '2000' WHERE key = 'kdf_iterations'");
      const v = openVault(false);
      failing(() => v.unlock(PLANTED.master), "vault_wrong_password");
    });

    it("the test key's body is what the scans look for", () => {
      assert.ok(keyBody(key).length > 100);
    });
  });
});
