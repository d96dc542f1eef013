import * as fs from "node:fs";
import { pbkdf2Sync, timingSafeEqual } from "node:crypto";
import Database from "better-sqlite3";
import { VcError } from "../errors";
import { FernetError, fernetDecrypt, fernetKey, type FernetKey } from "./fernet";
import { sqliteReason } from "./storage";
import type { CredentialInput, ImportOptions, ImportReport } from "./types";
import type { Vault } from "./vault";

/**
 * Reads a VelocityCollector vault (the `vault_metadata` and `credentials` tables of its
 * collector.db) with its master password, exactly as VelocityCollector's resolver does:
 * verifier = PBKDF2-SHA256(password, salt, 100,000), key = PBKDF2-SHA256(password, salt, 480,000)
 * used as a Fernet key; each secret is a separate Fernet token, usernames are plain text.
 * The old file is opened read-only and never changed.
 */

export const VC_VERIFIER_ITERATIONS = 100_000;
export const VC_KEY_ITERATIONS = 480_000;

interface VcRow {
  id: number;
  name: string;
  username: string;
  password_encrypted: string | null;
  ssh_key_encrypted: string | null;
  ssh_key_passphrase_encrypted: string | null;
  is_default: number | null;
}

export interface VelocityCollectorImportReport extends ImportReport {
  /** Credentials found in the old vault. */
  total: number;
}

/**
 * Imports every credential of a VelocityCollector collector.db into `target` (which must be
 * unlocked) in one transaction. A wrong password or an unreadable file changes nothing; a
 * credential whose secrets do not decrypt, or that is not usable, is skipped and reported.
 */
export function importVelocityCollectorVault(
  collectorDb: string,
  oldMasterPassword: string,
  target: Vault,
  opts: ImportOptions = {},
): VelocityCollectorImportReport {
  if (!target.unlocked) throw new VcError("vault_locked", "the target vault is locked: unlock it first", target.file);
  const { rows, defaultName, key } = readVelocityCollectorVault(collectorDb, oldMasterPassword);
  const skipped: Array<{ name: string; reason: string }> = [];
  const entries: CredentialInput[] = [];
  for (const row of rows) {
    try {
      entries.push({
        name: row.name,
        username: row.username,
        password: decryptField(key, row.password_encrypted, "password", row.name),
        privateKey: decryptField(key, row.ssh_key_encrypted, "SSH key", row.name),
        privateKeyPassphrase: decryptField(key, row.ssh_key_passphrase_encrypted, "SSH key passphrase", row.name),
      });
    } catch (err) {
      if (!(err instanceof VcError)) throw err;
      skipped.push({ name: row.name, reason: err.message });
    }
  }
  key.signing.fill(0);
  key.encryption.fill(0);
  const report = target.importCredentials(entries, { ...opts, defaultName });
  return { ...report, skipped: [...skipped, ...report.skipped], total: rows.length };
}

function readVelocityCollectorVault(
  file: string,
  password: string,
): { rows: VcRow[]; defaultName?: string; key: FernetKey } {
  if (!fs.existsSync(file)) throw new VcError("vc_import_missing", "no such file", file);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new VcError("vc_import_invalid", `cannot open it as SQLite (${sqliteReason(err)})`, file);
  }
  try {
    let tables: Set<string>;
    try {
      tables = new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map(
          (r) => r.name,
        ),
      );
    } catch (err) {
      throw new VcError("vc_import_invalid", `not a SQLite database (${sqliteReason(err)})`, file);
    }
    if (!tables.has("vault_metadata") || !tables.has("credentials")) {
      throw new VcError(
        "vc_import_invalid",
        "not a VelocityCollector collector.db (no vault_metadata/credentials tables)",
        file,
      );
    }
    const meta = new Map(
      (db.prepare("SELECT key, value FROM vault_metadata").all() as Array<{ key: string; value: string }>).map((r) => [
        r.key,
        r.value,
      ]),
    );
    const salt = meta.get("salt");
    const hash = meta.get("password_hash");
    if (!salt || !hash)
      throw new VcError(
        "vc_import_invalid",
        "the VelocityCollector vault was never initialised (no salt or password hash)",
        file,
      );
    const saltBytes = Buffer.from(salt, "base64");
    const expected = Buffer.from(hash, "base64");
    const pw = Buffer.from(String(password ?? ""), "utf8");
    const verifier = pbkdf2Sync(pw, saltBytes, VC_VERIFIER_ITERATIONS, 32, "sha256");
    if (expected.length !== verifier.length || !timingSafeEqual(verifier, expected)) {
      throw new VcError("vault_wrong_password", "wrong master password for this VelocityCollector vault", file);
    }
    const raw = pbkdf2Sync(pw, saltBytes, VC_KEY_ITERATIONS, 32, "sha256");
    const key = fernetKey(raw);
    raw.fill(0);
    const rows = db
      .prepare(
        "SELECT id, name, username, password_encrypted, ssh_key_encrypted, ssh_key_passphrase_encrypted, is_default FROM credentials ORDER BY id",
      )
      .all() as VcRow[];
    // VelocityCollector takes `WHERE is_default = 1` with fetchone: the first such row.
    const defaultName = rows.find((r) => r.is_default === 1)?.name;
    return { rows, defaultName, key };
  } catch (err) {
    if (err instanceof VcError) throw err;
    throw new VcError("vc_import_invalid", `cannot read the VelocityCollector vault (${sqliteReason(err)})`, file);
  } finally {
    db.close();
  }
}

function decryptField(key: FernetKey, token: string | null, field: string, name: string): string | undefined {
  if (token === null || token === "") return undefined;
  try {
    return fernetDecrypt(key, token).toString("utf8");
  } catch (err) {
    const why =
      err instanceof FernetError && err.reason === "bad_signature"
        ? "does not verify (altered, or from another vault)"
        : "is damaged";
    throw new VcError("vc_import_token", `the ${field} token ${why}`, `credential '${name}'`);
  }
}
