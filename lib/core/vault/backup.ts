import * as fs from "node:fs";
import { VcError } from "../errors";
import type { CredentialFields } from "../types";
import { writeFileAtomicSync } from "../fs/atomic-write";
import { FernetError, fernetDecrypt, fernetEncrypt, fernetKey } from "./fernet";
import {
  DEFAULT_ITERATIONS,
  KDF_ALGORITHM,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SALT_BYTES,
  deriveKey,
  newKdfParams,
} from "./kdf";

/**
 * The encrypted backup file: small JSON whose only content is one Fernet token, under a key
 * derived from a backup password with its own salt and iteration count:
 *   { "format": "vcollector-vault-backup", "version": 1,
 *     "kdf": { "algorithm": "pbkdf2-sha256", "salt": "<base64>", "iterations": 600000 },
 *     "createdAt": "<ISO time>", "token": "<Fernet token of the credentials as JSON>" }
 * The credential count and names are inside the token, not beside it.
 */

export const BACKUP_FORMAT = "vcollector-vault-backup";
export const BACKUP_VERSION = 1;
const PURPOSE = "vcollector-vault-backup";
const MAX_BACKUP_BYTES = 64 * 1024 * 1024;

export interface BackupCredential extends CredentialFields {
  isDefault: boolean;
  fallbackPosition: number | null;
  createdAt?: string;
}

export function writeBackup(
  file: string,
  backupPassword: string,
  credentials: BackupCredential[],
  opts: { iterations?: number; overwrite?: boolean },
): void {
  if (!opts.overwrite && fs.existsSync(file))
    throw new VcError("backup_exists", "a file already exists here; refusing to overwrite it", file);
  const kdf = newKdfParams(opts.iterations ?? DEFAULT_ITERATIONS);
  const raw = deriveKey(backupPassword, kdf);
  const key = fernetKey(raw);
  raw.fill(0);
  const token = fernetEncrypt(key, Buffer.from(JSON.stringify({ purpose: PURPOSE, credentials }), "utf8"));
  const doc = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    kdf: { algorithm: KDF_ALGORITHM, salt: kdf.salt.toString("base64"), iterations: kdf.iterations },
    createdAt: new Date().toISOString(),
    token,
  };
  // Owner-only, and never half-written.
  writeFileAtomicSync(file, JSON.stringify(doc, null, 2) + "\n", { mode: 0o600, mkdir: true });
}

/** Reads and decrypts a backup; wrong password, damage and foreign files each have their own error. */
export function readBackup(file: string, backupPassword: string): BackupCredential[] {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (stat.size > MAX_BACKUP_BYTES) throw new VcError("backup_corrupt", "too large to be a vault backup", file);
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof VcError) throw err;
    throw new VcError("backup_missing", "cannot read the backup file (does it exist?)", file);
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new VcError("backup_corrupt", "not a vault backup (not JSON)", file);
  }
  if (!doc || doc.format !== BACKUP_FORMAT) throw new VcError("backup_corrupt", "not a vcollector vault backup", file);
  if (doc.version !== BACKUP_VERSION)
    throw new VcError("backup_corrupt", `backup version ${String(doc.version)} is not supported`, file);
  const kdf = doc.kdf as { algorithm?: unknown; salt?: unknown; iterations?: unknown } | undefined;
  const salt = typeof kdf?.salt === "string" ? Buffer.from(kdf.salt, "base64") : Buffer.alloc(0);
  const iterations = kdf?.iterations;
  if (
    kdf?.algorithm !== KDF_ALGORITHM ||
    salt.length !== SALT_BYTES ||
    typeof iterations !== "number" ||
    !Number.isSafeInteger(iterations) ||
    iterations < MIN_ITERATIONS ||
    iterations > MAX_ITERATIONS ||
    typeof doc.token !== "string"
  ) {
    throw new VcError("backup_corrupt", "the backup's key-derivation fields are damaged", file);
  }
  const raw = deriveKey(String(backupPassword ?? ""), { algorithm: KDF_ALGORITHM, salt, iterations });
  const key = fernetKey(raw);
  raw.fill(0);
  let plain: Buffer;
  try {
    plain = fernetDecrypt(key, doc.token);
  } catch (err) {
    if (err instanceof FernetError && err.reason === "bad_signature")
      throw new VcError("backup_wrong_password", "wrong backup password (or the backup was altered)", file);
    throw new VcError(
      "backup_corrupt",
      `the backup's token is damaged (${err instanceof FernetError ? err.reason : "unreadable"})`,
      file,
    );
  }
  let payload: { purpose?: unknown; credentials?: unknown };
  try {
    payload = JSON.parse(plain.toString("utf8")) as typeof payload;
  } catch {
    throw new VcError("backup_corrupt", "the backup's content is not what vcollector writes", file);
  } finally {
    plain.fill(0);
  }
  if (payload?.purpose !== PURPOSE || !Array.isArray(payload.credentials)) {
    throw new VcError("backup_corrupt", "the backup's content is not what vcollector writes", file);
  }
  return payload.credentials.map((c: unknown, i: number) => backupCredential(c, i, file));
}

function backupCredential(c: unknown, index: number, file: string): BackupCredential {
  const o = c as Record<string, unknown>;
  const where = `${file}: credential #${index + 1}`;
  if (!o || typeof o !== "object" || typeof o.name !== "string" || typeof o.username !== "string") {
    throw new VcError("backup_corrupt", "lacks a name or a username", where);
  }
  const out: BackupCredential = {
    name: o.name,
    username: o.username,
    isDefault: o.isDefault === true,
    fallbackPosition: typeof o.fallbackPosition === "number" ? o.fallbackPosition : null,
  };
  for (const f of ["password", "privateKey", "privateKeyPassphrase", "enableSecret", "createdAt"] as const) {
    if (typeof o[f] === "string") out[f] = o[f] as string;
  }
  return out;
}
