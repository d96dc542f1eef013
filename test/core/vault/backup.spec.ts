import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Vault } from "../../../lib/core/vault";
import { findSecretsInText } from "../../support/secrets";
import { useTmpDir } from "../../support/tmp";
import { TEST_VAULT_ITERATIONS } from "../../support/vault";
import { PLANTED, allSecrets, encryptedKey, expectVcError, fileState, sampleCredentials } from "./helpers";

const FAST = { iterations: TEST_VAULT_ITERATIONS };
const BACKUP_PASS = "PLANTED-backup-pass-4e2a";

describe("vault: encrypted backups (export / import)", () => {
  const tmp = useTmpDir("vc-backup-");
  let key: string;
  let source: Vault;
  let backup: string;
  const vaults: Vault[] = [];

  function newVault(name: string, password = "target-master-pw"): Vault {
    const v = Vault.create(path.join(tmp.path, name), password, FAST);
    vaults.push(v);
    return v;
  }

  before(() => {
    key = encryptedKey();
  });

  beforeEach(() => {
    source = newVault("source.db", PLANTED.master);
    for (const c of sampleCredentials(key)) source.add(c);
    source.setFallbackOrder(["keyed", "legacy"]);
    backup = path.join(tmp.path, "backup.json");
    source.exportBackup(backup, BACKUP_PASS, FAST);
  });

  afterEach(() => {
    for (const v of vaults.splice(0)) v.close();
  });

  it("restores names, usernames, secrets, default and fallback order into another vault", () => {
    const target = newVault("target.db");
    const report = target.importBackup(backup, BACKUP_PASS);
    assert.deepStrictEqual(report.imported.sort(), ["keyed", "lab", "legacy"]);
    assert.deepStrictEqual(report.skipped, []);
    assert.deepStrictEqual([report.defaultName, report.defaultApplied], ["lab", true]);
    for (const name of ["lab", "keyed", "legacy"]) {
      const [a, b] = [source.get(name), target.get(name)];
      assert.deepStrictEqual({ ...b, id: 0 }, { ...a, id: 0 }, name);
    }
    assert.deepStrictEqual(target.fallbackChainNames(), ["lab", "keyed", "legacy"]);
  });

  it("the backup file is owner-only JSON with one token: no secret, no name in clear", () => {
    const text = fs.readFileSync(backup, "utf8");
    assert.strictEqual(fs.statSync(backup).mode & 0o077, 0);
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(doc).sort(), ["createdAt", "format", "kdf", "token", "version"]);
    assert.deepStrictEqual((doc.kdf as { iterations: number }).iterations, TEST_VAULT_ITERATIONS);
    assert.deepStrictEqual(findSecretsInText(text, [...allSecrets(key), BACKUP_PASS, "netops", "legacy"]), []);
  });

  it("uses the default iteration count when not told otherwise", () => {
    const real = path.join(tmp.path, "real-backup.json");
    source.exportBackup(real, BACKUP_PASS);
    assert.strictEqual(
      (JSON.parse(fs.readFileSync(real, "utf8")) as { kdf: { iterations: number } }).kdf.iterations,
      600_000,
    );
  });

  it("a wrong backup password is its own error and imports nothing", () => {
    const target = newVault("target.db");
    const before = fileState(target.file);
    const msg = expectVcError(
      () => target.importBackup(backup, "PLANTED-wrong-backup-1"),
      "backup_wrong_password",
      /wrong backup password/,
    );
    assert.ok(!msg.includes("PLANTED-wrong-backup-1"));
    assert.strictEqual(fileState(target.file), before);
    assert.strictEqual(target.list().length, 0);
  });

  it("a damaged or foreign backup file is reported as such", () => {
    const target = newVault("target.db");
    const doc = JSON.parse(fs.readFileSync(backup, "utf8")) as { token: string; kdf: { salt: string } };
    const damaged = path.join(tmp.path, "damaged.json");
    fs.writeFileSync(damaged, JSON.stringify({ ...doc, token: doc.token.slice(0, 50) + "%%" + doc.token.slice(52) }));
    expectVcError(() => target.importBackup(damaged, BACKUP_PASS), "backup_corrupt", /token is damaged/);
    fs.writeFileSync(damaged, "{ not json");
    expectVcError(() => target.importBackup(damaged, BACKUP_PASS), "backup_corrupt", /not JSON/);
    fs.writeFileSync(damaged, JSON.stringify({ format: "something-else" }));
    expectVcError(() => target.importBackup(damaged, BACKUP_PASS), "backup_corrupt", /not a vcollector vault backup/);
    fs.writeFileSync(damaged, JSON.stringify({ ...doc, kdf: { ...doc.kdf, salt: "AAAA" } }));
    expectVcError(() => target.importBackup(damaged, BACKUP_PASS), "backup_corrupt", /key-derivation fields/);
    expectVcError(() => target.importBackup(path.join(tmp.path, "none.json"), BACKUP_PASS), "backup_missing");
    assert.strictEqual(target.list().length, 0);
  });

  it("existing names are skipped (reported) unless replace, which keeps their ids", () => {
    const target = newVault("target.db");
    const mine = target.add({ name: "lab", username: "mine", password: "my-own-pw-1", isDefault: true });
    const skipped = target.importBackup(backup, BACKUP_PASS);
    assert.deepStrictEqual(
      skipped.skipped.map((s) => s.name),
      ["lab"],
    );
    assert.match(skipped.skipped[0].reason, /already exists/);
    assert.strictEqual(skipped.defaultApplied, false, "the lab default was not imported");
    assert.strictEqual(target.get("lab").password, "my-own-pw-1");
    const replaced = target.importBackup(backup, BACKUP_PASS, { replace: true });
    assert.deepStrictEqual(replaced.replaced.sort(), ["keyed", "lab", "legacy"]);
    const lab = target.get("lab");
    assert.deepStrictEqual(
      [lab.id, lab.username, lab.password, lab.enableSecret],
      [mine.id, "admin", PLANTED.password, PLANTED.enable],
    );
  });

  it("keeps this vault's default when it has one (without replace)", () => {
    const target = newVault("target.db");
    target.add({ name: "mine", username: "u", password: "p-mine-1", isDefault: true });
    const report = target.importBackup(backup, BACKUP_PASS);
    assert.deepStrictEqual([report.defaultName, report.defaultApplied], ["lab", false]);
    assert.strictEqual(target.getDefault()?.name, "mine");
  });

  it("export refuses to overwrite a file unless asked", () => {
    const before = fs.readFileSync(backup, "utf8");
    expectVcError(() => source.exportBackup(backup, BACKUP_PASS, FAST), "backup_exists");
    assert.strictEqual(fs.readFileSync(backup, "utf8"), before);
    source.exportBackup(backup, "another-backup-pw", { ...FAST, overwrite: true });
    assert.notStrictEqual(fs.readFileSync(backup, "utf8"), before);
    assert.deepStrictEqual(
      fs.readdirSync(tmp.path).filter((f) => f.endsWith(".tmp")),
      [],
      "no temp file left behind",
    );
  });

  it("export refuses a short backup password and needs the vault unlocked", () => {
    expectVcError(() => source.exportBackup(path.join(tmp.path, "b2.json"), "short", FAST), "vault_invalid");
    source.lock();
    expectVcError(() => source.exportBackup(path.join(tmp.path, "b2.json"), BACKUP_PASS, FAST), "vault_locked");
    assert.ok(!fs.existsSync(path.join(tmp.path, "b2.json")));
  });
});
