import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { Vault, importVelocityCollectorVault } from "../../../lib/core/vault";
import { findSecretsInText } from "../../support/secrets";
import { makeTmpDir, useTmpDir } from "../../support/tmp";
import { TEST_VAULT_ITERATIONS, makeVelocityCollectorVault } from "../../support/vault";
import { PLANTED, allSecrets, encryptedKey, expectVcError, fileState, plainKey } from "./helpers";

const OLD_MASTER = "PLANTED-vc-master-8812ab";

describe("vault: importing a VelocityCollector vault (collector.db)", function () {
  this.timeout(60000);
  const tmp = useTmpDir("vc-import-");
  let fixtureDir: string;
  let fixture: string;
  let key: string;
  let keyOnly: string;
  let collectorDb: string;
  let target: Vault;

  before(() => {
    // Built once by VelocityCollector's own algorithm in Python (PBKDF2 100k verifier, 480k key, Fernet).
    key = encryptedKey();
    keyOnly = plainKey();
    fixtureDir = makeTmpDir("vc-import-fixture-");
    fixture = path.join(fixtureDir, "collector.db");
    makeVelocityCollectorVault(fixture, OLD_MASTER, [
      { name: "lab", username: "admin", password: PLANTED.password },
      {
        name: "keyed",
        username: "netops",
        sshKey: key,
        sshKeyPassphrase: PLANTED.passphrase,
        password: PLANTED.password2,
      },
      { name: "core-default", username: "cisco", password: PLANTED.enable, isDefault: true },
      { name: "keyonly", username: "svc", sshKey: keyOnly },
    ]);
  });

  after(() => fs.rmSync(fixtureDir, { recursive: true, force: true }));

  beforeEach(() => {
    collectorDb = path.join(tmp.path, "collector.db");
    fs.copyFileSync(fixture, collectorDb);
    target = Vault.create(path.join(tmp.path, "vault.db"), PLANTED.master, { iterations: TEST_VAULT_ITERATIONS });
  });

  afterEach(() => target.close());

  it("the fixture really is VelocityCollector's format (100k verifier, plain usernames, one token per secret)", () => {
    const db = new Database(collectorDb, { readonly: true });
    const meta = db.prepare("SELECT key FROM vault_metadata ORDER BY key").all();
    const row = db.prepare("SELECT * FROM credentials WHERE name = 'keyonly'").get() as Record<string, unknown>;
    db.close();
    assert.deepStrictEqual(meta, [{ key: "password_hash" }, { key: "salt" }]);
    assert.strictEqual(row.username, "svc");
    assert.strictEqual(row.password_encrypted, null);
    assert.match(String(row.ssh_key_encrypted), /^gAAAAA/);
  });

  it("imports every credential with the right names, users, secrets and default", () => {
    const before = fileState(collectorDb);
    const report = importVelocityCollectorVault(collectorDb, OLD_MASTER, target);
    assert.strictEqual(report.total, 4);
    assert.deepStrictEqual(report.imported, ["lab", "keyed", "core-default", "keyonly"]);
    assert.deepStrictEqual(report.skipped, []);
    assert.deepStrictEqual([report.defaultName, report.defaultApplied], ["core-default", true]);
    const lab = target.get("lab");
    assert.deepStrictEqual([lab.username, lab.password, lab.privateKey], ["admin", PLANTED.password, undefined]);
    const keyed = target.get("keyed");
    assert.deepStrictEqual(
      [keyed.username, keyed.password, keyed.privateKey, keyed.privateKeyPassphrase],
      ["netops", PLANTED.password2, key, PLANTED.passphrase],
    );
    const ko = target.get("keyonly");
    assert.deepStrictEqual([ko.username, ko.password, ko.privateKey], ["svc", undefined, keyOnly]);
    assert.strictEqual(target.getDefault()?.name, "core-default");
    assert.strictEqual(target.getDefault()?.password, PLANTED.enable);
    assert.strictEqual(fileState(collectorDb), before, "the old vault is not modified");
    target.close();
    const bytes = fs.readFileSync(path.join(tmp.path, "vault.db")).toString("latin1");
    assert.deepStrictEqual(findSecretsInText(bytes, [...allSecrets(key), OLD_MASTER]), []);
    target = Vault.open(path.join(tmp.path, "vault.db"));
  });

  it("a wrong old master password is its own error and imports nothing", () => {
    const before = fileState(target.file);
    const msg = expectVcError(
      () => importVelocityCollectorVault(collectorDb, "PLANTED-not-it-99", target),
      "vault_wrong_password",
      /VelocityCollector/,
    );
    assert.ok(!msg.includes("PLANTED-not-it-99"));
    assert.strictEqual(fileState(target.file), before);
    assert.strictEqual(target.list().length, 0);
  });

  it("a credential whose token was altered is skipped with a reason; the others are imported", () => {
    const db = new Database(collectorDb);
    const t = (db.prepare("SELECT password_encrypted AS t FROM credentials WHERE name = 'lab'").get() as { t: string })
      .t;
    db.prepare("UPDATE credentials SET password_encrypted = ? WHERE name = 'lab'").run(
      t.slice(0, 40) + (t[40] === "A" ? "B" : "A") + t.slice(41),
    );
    db.close();
    const report = importVelocityCollectorVault(collectorDb, OLD_MASTER, target);
    assert.deepStrictEqual(report.imported, ["keyed", "core-default", "keyonly"]);
    assert.deepStrictEqual(
      report.skipped.map((s) => s.name),
      ["lab"],
    );
    assert.match(report.skipped[0].reason, /'lab'.*password token does not verify/);
    assert.deepStrictEqual(findSecretsInText(JSON.stringify(report), allSecrets(key)), []);
  });

  it("a name already in the vault is skipped, or replaced in place with replace", () => {
    const mine = target.add({ name: "lab", username: "mine", password: "mine-pw-123" });
    const first = importVelocityCollectorVault(collectorDb, OLD_MASTER, target);
    assert.deepStrictEqual(
      first.skipped.map((s) => s.name),
      ["lab"],
    );
    assert.strictEqual(target.get("lab").username, "mine");
    const second = importVelocityCollectorVault(collectorDb, OLD_MASTER, target, { replace: true });
    assert.deepStrictEqual(second.replaced.sort(), ["core-default", "keyed", "keyonly", "lab"]);
    const lab = target.get("lab");
    assert.deepStrictEqual([lab.id, lab.username, lab.password], [mine.id, "admin", PLANTED.password]);
  });

  it("refuses a file that is not a VelocityCollector collector.db, and needs an unlocked target", () => {
    expectVcError(
      () => importVelocityCollectorVault(target.file, OLD_MASTER, target),
      "vc_import_invalid",
      /not a VelocityCollector collector\.db/,
    );
    expectVcError(
      () => importVelocityCollectorVault(path.join(tmp.path, "missing.db"), OLD_MASTER, target),
      "vc_import_missing",
    );
    const junk = path.join(tmp.path, "junk.db");
    fs.writeFileSync(junk, "definitely not sqlite, just text that is long enough ".repeat(100));
    expectVcError(() => importVelocityCollectorVault(junk, OLD_MASTER, target), "vc_import_invalid");
    const uninit = path.join(tmp.path, "uninit.db");
    const db = new Database(uninit);
    db.exec(
      "CREATE TABLE vault_metadata (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, value TEXT); CREATE TABLE credentials (id INTEGER PRIMARY KEY, name TEXT)",
    );
    db.close();
    expectVcError(
      () => importVelocityCollectorVault(uninit, OLD_MASTER, target),
      "vc_import_invalid",
      /never initialised/,
    );
    target.lock();
    expectVcError(() => importVelocityCollectorVault(collectorDb, OLD_MASTER, target), "vault_locked");
  });
});
