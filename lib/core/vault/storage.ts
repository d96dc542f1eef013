import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { VcError } from "../errors";
import type { CredentialSummary } from "../types";
import { decodeBase64Url } from "./fernet";
import { KDF_ALGORITHM, MAX_ITERATIONS, MIN_ITERATIONS, SALT_BYTES, type KdfParams } from "./kdf";

/**
 * The vault file: SQLite in WAL mode. Plain columns hold what `list` shows without the password
 * (names, usernames, kinds, default, fallback order); every secret sits in one Fernet token per
 * credential. The plain columns are authenticated by an encrypted manifest (see sealed.ts).
 */

export const VAULT_FORMAT = "vcollector-vault";
export const VAULT_FORMAT_VERSION = 1;

const SCHEMA = `
CREATE TABLE vault_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE credentials (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT NOT NULL UNIQUE,
  username          TEXT NOT NULL,
  kind              TEXT NOT NULL CHECK (kind IN ('password', 'key', 'key+password')),
  has_enable        INTEGER NOT NULL DEFAULT 0 CHECK (has_enable IN (0, 1)),
  is_default        INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  fallback_position INTEGER CHECK (fallback_position IS NULL OR fallback_position >= 0),
  secret_token      TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX credentials_one_default ON credentials (is_default) WHERE is_default = 1;
CREATE UNIQUE INDEX credentials_fallback_order ON credentials (fallback_position) WHERE fallback_position IS NOT NULL;
`;

export interface CredentialRow {
  id: number;
  name: string;
  username: string;
  kind: "password" | "key" | "key+password";
  has_enable: 0 | 1;
  is_default: 0 | 1;
  fallback_position: number | null;
  secret_token: string;
  created_at: string;
  updated_at: string;
}

/** A row's plain columns as `list` shows them (never a secret). */
export function credentialSummary(row: CredentialRow): CredentialSummary {
  return {
    id: row.id,
    name: row.name,
    username: row.username,
    kind: row.kind,
    hasEnableSecret: row.has_enable === 1,
    isDefault: row.is_default === 1,
    fallbackPosition: row.fallback_position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface VaultMeta {
  vaultId: string;
  kdf: KdfParams;
  checkToken: string;
  manifestToken: string;
  createdAt: string;
}

/** Opens an existing vault file read-write, with clear errors for the usual mistakes. */
export function openVaultDatabase(file: string): Database.Database {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new VcError("vault_missing", "no vault file here (create one with 'vcollector vault init')", file);
  }
  if (!stat.isFile()) throw new VcError("vault_missing", "is not a file", file);
  if (stat.size === 0) throw new VcError("vault_corrupt", "the vault file is empty", file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    configure(db);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map(
        (r) => r.name,
      ),
    );
    if (!tables.has("vault_meta") && tables.has("vault_metadata") && tables.has("credentials")) {
      throw new VcError(
        "vault_foreign",
        "this is a VelocityCollector collector.db, not a vcollector vault: import it with 'vcollector vault import-vc'",
        file,
      );
    }
    if (!tables.has("vault_meta") || !tables.has("credentials"))
      throw new VcError("vault_corrupt", "not a vcollector vault (its tables are missing)", file);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof VcError) throw err;
    throw new VcError(
      "vault_corrupt",
      `the vault file is damaged or not a SQLite database (${sqliteReason(err)})`,
      file,
    );
  }
}

/** Creates a new vault file with its schema; refuses to touch an existing file. */
export function createVaultDatabase(file: string): Database.Database {
  if (fs.existsSync(file))
    throw new VcError("vault_exists", "a file already exists here; refusing to overwrite it", file);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Create the file owner-only before SQLite opens it; SQLite keeps the mode for -wal/-shm.
  fs.writeFileSync(file, "", { mode: 0o600, flag: "wx" });
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    configure(db);
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    db?.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    throw err;
  }
}

function configure(db: Database.Database): void {
  db.pragma("busy_timeout = 5000");
  // Deleted or rewritten rows are zeroed, so an old token does not linger in free pages after
  // `passwd` or `rm`.
  db.pragma("secure_delete = ON");
  db.pragma("foreign_keys = ON");
}

export function writeMeta(db: Database.Database, values: Record<string, string>): void {
  const upsert = db.prepare(
    "INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  for (const [k, v] of Object.entries(values)) upsert.run(k, v);
}

/** Reads and checks the metadata rows; anything missing or malformed is a damaged vault. */
export function readMeta(db: Database.Database, file: string): VaultMeta {
  let rows: Array<{ key: string; value: string }>;
  try {
    rows = db.prepare("SELECT key, value FROM vault_meta").all() as Array<{ key: string; value: string }>;
  } catch (err) {
    throw new VcError("vault_corrupt", `cannot read the vault metadata (${sqliteReason(err)})`, file);
  }
  const m = new Map(rows.map((r) => [r.key, r.value]));
  const need = (key: string): string => {
    const v = m.get(key);
    if (v === undefined || v === "") throw new VcError("vault_corrupt", `the vault metadata lacks '${key}'`, file);
    return v;
  };
  if (need("format") !== VAULT_FORMAT)
    throw new VcError("vault_corrupt", `not a vcollector vault (format '${m.get("format")}')`, file);
  const version = Number(need("format_version"));
  if (version !== VAULT_FORMAT_VERSION) {
    throw new VcError(
      "vault_corrupt",
      `vault format version ${m.get("format_version")} is not supported by this vcollector (it reads version ${VAULT_FORMAT_VERSION})`,
      file,
    );
  }
  if (need("kdf") !== KDF_ALGORITHM)
    throw new VcError("vault_corrupt", `unknown key derivation '${m.get("kdf")}'`, file);
  const salt = Buffer.from(need("kdf_salt"), "base64");
  if (salt.length !== SALT_BYTES) throw new VcError("vault_corrupt", "the key-derivation salt is damaged", file);
  const iterations = Number(need("kdf_iterations"));
  if (!Number.isSafeInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new VcError(
      "vault_corrupt",
      `the stored PBKDF2 iteration count '${m.get("kdf_iterations")}' is out of range`,
      file,
    );
  }
  const checkToken = need("check_token");
  const manifestToken = need("manifest_token");
  for (const [k, t] of [
    ["check_token", checkToken],
    ["manifest_token", manifestToken],
  ] as const) {
    if (!decodeBase64Url(t)) throw new VcError("vault_corrupt", `the vault's ${k.replace("_", " ")} is damaged`, file);
  }
  return {
    vaultId: need("vault_id"),
    kdf: { algorithm: KDF_ALGORITHM, salt, iterations },
    checkToken,
    manifestToken,
    createdAt: need("created_at"),
  };
}

export function readRows(db: Database.Database): CredentialRow[] {
  return db.prepare("SELECT * FROM credentials ORDER BY id").all() as CredentialRow[];
}

/** Changes by other connections (another process) since the last call show up as a new value. */
export function dataVersion(db: Database.Database): number {
  return db.pragma("data_version", { simple: true }) as number;
}

/** Moves committed WAL content into the main file and truncates the WAL, when no reader blocks it. */
export function checkpoint(db: Database.Database): void {
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } catch {
    // Another process holds the database busy: its next checkpoint will do it.
  }
}

export function sqliteReason(err: unknown): string {
  const code = (err as { code?: string }).code;
  const msg = err instanceof Error ? err.message : String(err);
  return code ? `${code}: ${msg}` : msg;
}
