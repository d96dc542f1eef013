import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type Database from "better-sqlite3";
import { VcError } from "../errors";
import type { Credential, CredentialSummary } from "../types";
import { fernetKey, type FernetKey } from "./fernet";
import { DEFAULT_ITERATIONS, KDF_ALGORITHM, checkNewPassword, deriveKey, deriveKeyAsync, newKdfParams } from "./kdf";
import {
  openCredential,
  sealCheck,
  sealCredential,
  sealManifest,
  verifyCheck,
  verifyManifest,
  type SecretFields,
} from "./sealed";
import {
  VAULT_FORMAT,
  VAULT_FORMAT_VERSION,
  checkpoint,
  createVaultDatabase,
  credentialSummary,
  dataVersion,
  openVaultDatabase,
  readMeta,
  readRows,
  writeMeta,
  type CredentialRow,
  type VaultMeta,
} from "./storage";
import type { CredentialInput, CredentialPatch, ImportOptions, ImportReport } from "./types";
import { checkName, checkPrivateKey, checkSecret, checkUsername } from "./validate";
import { readBackup, writeBackup, type BackupCredential } from "./backup";
import { chainOrder, fallbackListNames, fallbackOrder } from "./chain";

export interface CreateOptions {
  /** PBKDF2 iterations (default 600,000). Lower counts are for tests only. */
  iterations?: number;
}

export interface ChangePasswordOptions {
  /** New PBKDF2 iteration count; default: the stored count or 600,000, whichever is higher. */
  iterations?: number;
  /** Called after each credential is re-encrypted, inside the transaction. A throw aborts it all. */
  onProgress?: (done: number, total: number) => void;
}

export interface ExportOptions {
  /** PBKDF2 iterations for the backup's own key (default 600,000). */
  iterations?: number;
  /** Replace an existing file (default: refuse). */
  overwrite?: boolean;
}

/** Rows read and checked against the manifest, valid until the database changes. */
interface VerifiedState {
  version: number;
  rows: CredentialRow[];
  byName: Map<string, CredentialRow>;
}

/**
 * A credential vault file. Opened locked; `unlock` derives the key once and keeps it (and only
 * it) in memory until `lock`/`close`. Secrets are decrypted per call and handed to the caller;
 * the vault itself never holds decrypted secrets. Every change is one SQLite transaction, so a
 * failure or a crash leaves the file as it was.
 */
export class Vault {
  private key: FernetKey | null = null;
  /** The check token the key was verified against; if the file's differs, the password changed. */
  private unlockedWith: string | null = null;
  private verified: VerifiedState | null = null;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private meta: VaultMeta,
  ) {}

  /** Creates a new vault (refusing to overwrite any existing file) and returns it unlocked. */
  static create(file: string, masterPassword: string, opts: CreateOptions = {}): Vault {
    checkNewPassword(masterPassword, "master password");
    const kdf = newKdfParams(opts.iterations ?? DEFAULT_ITERATIONS);
    const raw = deriveKey(masterPassword, kdf);
    const key = fernetKey(raw);
    raw.fill(0);
    const db = createVaultDatabase(file);
    try {
      const vaultId = randomUUID();
      const checkToken = sealCheck(key, vaultId);
      db.transaction(() => {
        writeMeta(db, {
          format: VAULT_FORMAT,
          format_version: String(VAULT_FORMAT_VERSION),
          vault_id: vaultId,
          kdf: KDF_ALGORITHM,
          kdf_salt: kdf.salt.toString("base64"),
          kdf_iterations: String(kdf.iterations),
          check_token: checkToken,
          manifest_token: sealManifest(key, vaultId, []),
          created_at: new Date().toISOString(),
        });
      })();
      const vault = new Vault(file, db, readMeta(db, file));
      vault.key = key;
      vault.unlockedWith = checkToken;
      return vault;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Opens an existing vault, locked. A missing, foreign or damaged file is a clear VcError. */
  static open(file: string): Vault {
    const db = openVaultDatabase(file);
    try {
      return new Vault(file, db, readMeta(db, file));
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get unlocked(): boolean {
    return this.key !== null;
  }

  /** The PBKDF2 iteration count the vault's key is derived with. */
  get iterations(): number {
    return this.meta.kdf.iterations;
  }

  /** Verifies the password by decrypting the check token; wrong → errorClass "vault_wrong_password". */
  unlock(masterPassword: string): void {
    const meta = this.freshMeta();
    this.acceptKey(meta, () => deriveKey(String(masterPassword ?? ""), meta.kdf));
  }

  /** Like unlock, but derives the key off the main thread (for servers such as Node-RED). */
  async unlockAsync(masterPassword: string): Promise<void> {
    const meta = this.freshMeta();
    const raw = await deriveKeyAsync(String(masterPassword ?? ""), meta.kdf);
    if (this.closed) {
      raw.fill(0);
      this.ensureOpen();
    }
    this.acceptKey(meta, () => raw);
  }

  /** Forgets the key (and any cached state). Safe to call when already locked. */
  lock(): void {
    if (this.key) {
      this.key.signing.fill(0);
      this.key.encryption.fill(0);
    }
    this.key = null;
    this.unlockedWith = null;
    this.verified = null;
  }

  close(): void {
    this.lock();
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
  }

  /**
   * True when the vault must be unlocked (again) before use: it is locked, or another process
   * changed the master password since it was unlocked.
   */
  needsUnlock(): boolean {
    if (!this.key) return true;
    return this.freshMeta().checkToken !== this.unlockedWith;
  }

  /**
   * Lists credentials without secrets. Works locked (names, usernames and kinds are stored in
   * plain columns); when unlocked the listing is also verified against the encrypted manifest.
   */
  list(): CredentialSummary[] {
    const rows = this.key ? this.state().rows : this.readRowsChecked();
    return rows
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(credentialSummary);
  }

  /** The named credential with its secrets. Needs the vault unlocked. */
  get(name: string): Credential {
    const row = this.rowByName(name);
    return this.decrypt(row);
  }

  getDefault(): Credential | undefined {
    const row = this.state().rows.find((r) => r.is_default === 1);
    return row ? this.decrypt(row) : undefined;
  }

  /** The credentials to try in order: the default first, then the fallback list, no duplicates. */
  fallbackChain(): Credential[] {
    return this.chainRows().map((r) => this.decrypt(r));
  }

  /** Names of the fallback chain, in order (no secrets, works unlocked only). */
  fallbackChainNames(): string[] {
    return this.chainRows().map((r) => r.name);
  }

  /** Names of the fallback list alone, by position (no secrets; works locked too). */
  fallbackListNames(): string[] {
    return fallbackListNames(this.list());
  }

  add(input: CredentialInput): CredentialSummary {
    return this.write(
      (state) => {
        const name = checkName(input?.name);
        const username = checkUsername(input.username, name);
        if (state.byName.has(name))
          throw new VcError("vault_duplicate", `a credential named '${name}' already exists`, this.file);
        const secrets = checkSecrets(input, name);
        const now = new Date().toISOString();
        const id = Number(
          this.db
            .prepare(
              "INSERT INTO credentials (name, username, kind, has_enable, secret_token, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?)",
            )
            .run(name, username, kindOf(secrets), secrets.enableSecret !== undefined ? 1 : 0, now, now).lastInsertRowid,
        );
        this.db
          .prepare("UPDATE credentials SET secret_token = ? WHERE id = ?")
          .run(sealCredential(this.requireKey(), this.meta.vaultId, { id, name, username }, secrets), id);
        if (input.isDefault) this.makeDefault(id);
        return id;
      },
      (id) => this.summaryById(id),
    );
  }

  /** Changes a credential in place: it keeps its id (device mappings stay valid). */
  edit(name: string, patch: CredentialPatch): CredentialSummary {
    return this.write(
      (state) => {
        const row = this.rowIn(state, name);
        const newName = patch.newName !== undefined ? checkName(patch.newName, "new credential name") : row.name;
        if (newName !== row.name && state.byName.has(newName))
          throw new VcError("vault_duplicate", `a credential named '${newName}' already exists`, this.file);
        const username = patch.username !== undefined ? checkUsername(patch.username, newName) : row.username;
        const current = openCredential(this.requireKey(), this.meta.vaultId, row, this.file);
        const merged: CredentialInput = { name: newName, username, ...current };
        // A new key comes with its own passphrase (or none): the old key's never carries over.
        if (patch.privateKey !== undefined && patch.privateKeyPassphrase === undefined)
          merged.privateKeyPassphrase = undefined;
        for (const field of ["password", "privateKey", "privateKeyPassphrase", "enableSecret"] as const) {
          if (patch[field] !== undefined) merged[field] = patch[field] === "" ? undefined : patch[field];
        }
        const secrets = checkSecrets(merged, newName);
        this.db
          .prepare(
            "UPDATE credentials SET name = ?, username = ?, kind = ?, has_enable = ?, secret_token = ?, updated_at = ? WHERE id = ?",
          )
          .run(
            newName,
            username,
            kindOf(secrets),
            secrets.enableSecret !== undefined ? 1 : 0,
            sealCredential(this.requireKey(), this.meta.vaultId, { id: row.id, name: newName, username }, secrets),
            new Date().toISOString(),
            row.id,
          );
        if (patch.isDefault === true) this.makeDefault(row.id);
        if (patch.isDefault === false && row.is_default === 1)
          this.db.prepare("UPDATE credentials SET is_default = 0 WHERE id = ?").run(row.id);
        return row.id;
      },
      (id) => this.summaryById(id),
    );
  }

  remove(name: string): void {
    this.write((state) => {
      const row = this.rowIn(state, name);
      this.db.prepare("DELETE FROM credentials WHERE id = ?").run(row.id);
      this.renumberFallback(
        fallbackOrder(
          state.rows.filter((r) => r.id !== row.id),
          (r) => r.fallback_position,
        ).map((r) => r.id),
      );
      return 0;
    });
  }

  /** Makes `name` the default. An unknown name is an error and changes nothing. */
  setDefault(name: string): void {
    this.write((state) => {
      this.makeDefault(this.rowIn(state, name).id);
      return 0;
    });
  }

  clearDefault(): void {
    this.write(() => {
      this.db.prepare("UPDATE credentials SET is_default = 0 WHERE is_default = 1").run();
      return 0;
    });
  }

  /** Replaces the ordered fallback list. Unknown or repeated names are errors; nothing changes then. */
  setFallbackOrder(names: string[]): void {
    this.write((state) => {
      if (!Array.isArray(names))
        throw new VcError("vault_invalid", "the fallback order must be a list of credential names", this.file);
      const ids = names.map((n) => this.rowIn(state, n).id);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined)
        throw new VcError("vault_invalid", `credential '${dup}' appears twice in the fallback order`, this.file);
      this.renumberFallback(ids);
      return 0;
    });
  }

  /**
   * Re-encrypts everything under a new master password and a new salt in ONE transaction: if
   * the process dies midway, SQLite's WAL recovery leaves the old vault intact.
   */
  changePassword(newMasterPassword: string, opts: ChangePasswordOptions = {}): void {
    checkNewPassword(newMasterPassword, "new master password");
    const oldKey = this.requireKey();
    const kdf = newKdfParams(opts.iterations ?? Math.max(this.meta.kdf.iterations, DEFAULT_ITERATIONS));
    const raw = deriveKey(newMasterPassword, kdf);
    const newKey = fernetKey(raw);
    raw.fill(0);
    const checkToken = sealCheck(newKey, this.meta.vaultId);
    this.guarded(() =>
      this.db
        .transaction(() => {
          const rows = this.state().rows;
          const update = this.db.prepare("UPDATE credentials SET secret_token = ? WHERE id = ?");
          rows.forEach((row, i) => {
            const secrets = openCredential(oldKey, this.meta.vaultId, row, this.file);
            update.run(sealCredential(newKey, this.meta.vaultId, row, secrets), row.id);
            opts.onProgress?.(i + 1, rows.length);
          });
          writeMeta(this.db, {
            kdf_salt: kdf.salt.toString("base64"),
            kdf_iterations: String(kdf.iterations),
            check_token: checkToken,
            manifest_token: sealManifest(newKey, this.meta.vaultId, readRows(this.db)),
          });
        })
        .immediate(),
    );
    this.lock();
    this.key = newKey;
    this.unlockedWith = checkToken;
    this.meta = readMeta(this.db, this.file);
    checkpoint(this.db);
  }

  /** Writes every credential, encrypted under `backupPassword`, to a new backup file. */
  exportBackup(file: string, backupPassword: string, opts: ExportOptions = {}): void {
    checkNewPassword(backupPassword, "backup password");
    const rows = this.state().rows;
    const credentials: BackupCredential[] = rows.map((r) => ({
      name: r.name,
      username: r.username,
      ...this.secretsOf(r),
      isDefault: r.is_default === 1,
      fallbackPosition: r.fallback_position,
      createdAt: r.created_at,
    }));
    writeBackup(file, backupPassword, credentials, opts);
  }

  /** Imports a backup made by exportBackup (into this, possibly non-empty, vault). */
  importBackup(file: string, backupPassword: string, opts: ImportOptions = {}): ImportReport {
    this.requireKey();
    const credentials = readBackup(file, backupPassword);
    const fallback = credentials
      .filter((c) => c.fallbackPosition !== null)
      .sort((a, b) => (a.fallbackPosition ?? 0) - (b.fallbackPosition ?? 0))
      .map((c) => c.name);
    return this.importCredentials(credentials, {
      ...opts,
      defaultName: credentials.find((c) => c.isDefault)?.name,
      fallback,
    });
  }

  /**
   * Adds many credentials in one transaction. A bad or already-present entry is skipped and
   * reported (or, with `replace`, an existing one is overwritten and keeps its id); the source
   * default becomes this vault's default when this vault has none (or with `replace`); fallback
   * names are appended to this vault's fallback list.
   */
  importCredentials(
    entries: CredentialInput[],
    opts: ImportOptions & { defaultName?: string; fallback?: string[] } = {},
  ): ImportReport {
    this.requireKey();
    const report: ImportReport = { imported: [], replaced: [], skipped: [], defaultApplied: false };
    this.guarded(() =>
      this.db
        .transaction(() => {
          for (const entry of entries) {
            const name = typeof entry?.name === "string" ? entry.name : String(entry?.name);
            const { isDefault: _ignored, ...input } = entry;
            try {
              if (this.state().byName.has(name)) {
                if (!opts.replace) {
                  report.skipped.push({
                    name,
                    reason: "a credential with this name already exists (use replace to overwrite it)",
                  });
                  continue;
                }
                this.edit(name, {
                  ...input,
                  password: input.password ?? "",
                  privateKey: input.privateKey ?? "",
                  privateKeyPassphrase: input.privateKeyPassphrase ?? "",
                  enableSecret: input.enableSecret ?? "",
                });
                report.replaced.push(name);
              } else {
                this.add(input);
                report.imported.push(name);
              }
            } catch (err) {
              if (!(err instanceof VcError) || err.errorClass !== "vault_invalid") throw err;
              report.skipped.push({ name, reason: err.message });
            }
          }
          const present = new Set([...report.imported, ...report.replaced]);
          if (opts.defaultName !== undefined && present.has(opts.defaultName)) {
            report.defaultName = opts.defaultName;
            const hasDefault = this.state().rows.some((r) => r.is_default === 1);
            if (!hasDefault || opts.replace) {
              this.setDefault(opts.defaultName);
              report.defaultApplied = true;
            }
          }
          const order = fallbackOrder(this.state().rows, (r) => r.fallback_position).map((r) => r.name);
          const extra = (opts.fallback ?? []).filter((n) => present.has(n) && !order.includes(n));
          if (extra.length > 0) this.setFallbackOrder([...order, ...extra]);
        })
        .immediate(),
    );
    return report;
  }

  // ---- internals ----

  private freshMeta(): VaultMeta {
    this.ensureOpen();
    return readMeta(this.db, this.file);
  }

  private acceptKey(meta: VaultMeta, derive: () => Buffer): void {
    this.lock();
    const raw = derive();
    const key = fernetKey(raw);
    raw.fill(0);
    verifyCheck(key, meta.checkToken, meta.vaultId, this.file);
    this.meta = meta;
    this.key = key;
    this.unlockedWith = meta.checkToken;
  }

  private ensureOpen(): void {
    if (this.closed) throw new VcError("vault_closed", "the vault has been closed", this.file);
  }

  private requireKey(): FernetKey {
    this.ensureOpen();
    if (!this.key)
      throw new VcError("vault_locked", "the vault is locked: unlock it with the master password first", this.file);
    return this.key;
  }

  /** The verified rows, re-read and re-verified only when the database changed. */
  private state(): VerifiedState {
    const key = this.requireKey();
    const version = dataVersion(this.db);
    // Own writes do not change data_version, so every write path below refreshes the cache itself
    // (and drops it on failure); a change by another connection shows up as a new version.
    if (this.verified && this.verified.version === version) return this.verified;
    const meta = readMeta(this.db, this.file);
    if (meta.checkToken !== this.unlockedWith) {
      this.lock();
      throw new VcError(
        "vault_changed",
        "the master password was changed by another process: unlock the vault again",
        this.file,
      );
    }
    this.meta = meta;
    const rows = this.readRowsChecked();
    verifyManifest(key, meta.vaultId, meta.manifestToken, rows, this.file);
    return (this.verified = stateOf(version, rows));
  }

  private readRowsChecked(): CredentialRow[] {
    this.ensureOpen();
    try {
      return readRows(this.db);
    } catch (err) {
      throw new VcError("vault_corrupt", `cannot read the credentials table (${(err as Error).message})`, this.file);
    }
  }

  /** Runs a change in an IMMEDIATE transaction on verified state, then re-seals the manifest. */
  private write<T>(change: (state: VerifiedState) => number, result?: (id: number) => T): T {
    const key = this.requireKey();
    const id = this.guarded(() =>
      this.db
        .transaction(() => {
          const changed = change(this.state());
          const rows = readRows(this.db);
          writeMeta(this.db, { manifest_token: sealManifest(key, this.meta.vaultId, rows) });
          // These rows are exactly what the new manifest lists: they are the verified state now.
          this.verified = stateOf(dataVersion(this.db), rows);
          return changed;
        })
        .immediate(),
    );
    return (result ? result(id) : undefined) as T;
  }

  /** Runs a transaction; on any failure the cached state may describe rolled-back rows: drop it. */
  private guarded<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      this.verified = null;
      throw err;
    }
  }

  private rowIn(state: VerifiedState, name: string): CredentialRow {
    const row = state.byName.get(name);
    if (!row) throw new VcError("vault_unknown_credential", `no credential named '${name}' in the vault`, this.file);
    return row;
  }

  private rowByName(name: string): CredentialRow {
    return this.rowIn(this.state(), name);
  }

  private summaryById(id: number): CredentialSummary {
    const row = this.state().rows.find((r) => r.id === id);
    if (!row) throw new VcError("vault_internal", `credential id ${id} vanished`, this.file);
    return credentialSummary(row);
  }

  private chainRows(): CredentialRow[] {
    return chainOrder(
      this.state().rows,
      (r) => r.is_default === 1,
      (r) => r.fallback_position,
    );
  }

  private secretsOf(row: CredentialRow): SecretFields {
    return openCredential(this.requireKey(), this.meta.vaultId, row, this.file);
  }

  private decrypt(row: CredentialRow): Credential {
    const s = this.secretsOf(row);
    const credential: Credential = { id: row.id, name: row.name, username: row.username };
    if (s.password !== undefined) credential.password = s.password;
    if (s.privateKey !== undefined) credential.privateKey = s.privateKey;
    if (s.privateKeyPassphrase !== undefined) credential.privateKeyPassphrase = s.privateKeyPassphrase;
    if (s.enableSecret !== undefined) credential.enableSecret = s.enableSecret;
    return hideSecretsFromJson(credential);
  }

  private makeDefault(id: number): void {
    this.db.prepare("UPDATE credentials SET is_default = 0 WHERE is_default = 1 AND id <> ?").run(id);
    this.db.prepare("UPDATE credentials SET is_default = 1 WHERE id = ?").run(id);
  }

  private renumberFallback(ids: number[]): void {
    this.db.prepare("UPDATE credentials SET fallback_position = NULL WHERE fallback_position IS NOT NULL").run();
    const set = this.db.prepare("UPDATE credentials SET fallback_position = ? WHERE id = ?");
    ids.forEach((id, i) => set.run(i, id));
  }
}

function stateOf(version: number, rows: CredentialRow[]): VerifiedState {
  return { version, rows, byName: new Map(rows.map((r) => [r.name, r])) };
}

function checkSecrets(input: Partial<CredentialInput>, name: string): SecretFields {
  const password = checkSecret(input.password, "password", name);
  const privateKeyPassphrase = checkSecret(input.privateKeyPassphrase, "private key passphrase", name);
  const privateKey = checkPrivateKey(input.privateKey, privateKeyPassphrase, name);
  const enableSecret = checkSecret(input.enableSecret, "enable secret", name);
  if (password === undefined && privateKey === undefined) {
    throw new VcError("vault_invalid", "needs a password or a private key", `credential '${name}'`);
  }
  if (privateKeyPassphrase !== undefined && privateKey === undefined) {
    throw new VcError("vault_invalid", "has a key passphrase but no private key", `credential '${name}'`);
  }
  return { password, privateKey, privateKeyPassphrase, enableSecret };
}

function kindOf(s: SecretFields): CredentialRow["kind"] {
  return s.privateKey !== undefined ? (s.password !== undefined ? "key+password" : "key") : "password";
}

/**
 * A decrypted credential serialises (JSON.stringify) and prints (util.inspect, console.log)
 * without its secrets, so putting one in a message or a log by mistake leaks nothing. The
 * secret properties stay readable as usual.
 */
function hideSecretsFromJson(c: Credential): Credential {
  const visible = () => ({ id: c.id, name: c.name, username: c.username, secrets: "[hidden]" });
  Object.defineProperty(c, "toJSON", { enumerable: false, value: visible });
  Object.defineProperty(c, inspect.custom, { enumerable: false, value: visible });
  return c;
}
