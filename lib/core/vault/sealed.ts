import { createHash } from "node:crypto";
import { VcError } from "../errors";
import { FernetError, fernetDecrypt, fernetEncrypt, type FernetKey } from "./fernet";
import type { CredentialSummary } from "../types";
import { credentialSummary, type CredentialRow } from "./storage";

/**
 * What the vault encrypts, and how each piece is bound to its place:
 * - the check token proves the master password (authenticated decryption, no separate hash);
 * - each credential's token carries the vault id, its row id, name and username, so a token
 *   copied to another row, or a row renamed in the plain columns, no longer verifies;
 * - the manifest token lists every row's plain columns and a digest of its token, so rows added,
 *   removed or edited outside vcollector (a flipped default, a changed username) are detected.
 * JSON field order is fixed so the same content always seals to the same plaintext.
 */

export const CHECK_PURPOSE = "vcollector-vault-check";
export const CREDENTIAL_PURPOSE = "vcollector-credential";
export const MANIFEST_PURPOSE = "vcollector-vault-manifest";

export interface SecretFields {
  password?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
  enableSecret?: string;
}

interface CredentialPayload extends SecretFields {
  purpose: typeof CREDENTIAL_PURPOSE;
  vault: string;
  id: number;
  name: string;
  username: string;
}

/** A row's plain columns (the summary's `hasEnableSecret` named `hasEnable`) and a digest of its token. */
export interface ManifestEntry extends Omit<CredentialSummary, "hasEnableSecret"> {
  hasEnable: boolean;
  tokenDigest: string;
}

export function sealJson(key: FernetKey, value: unknown): string {
  return fernetEncrypt(key, Buffer.from(JSON.stringify(value), "utf8"));
}

/** Decrypts a token into JSON; `what` names the token in the error, `file` the vault. */
export function openJson(key: FernetKey, token: string, what: string, file: string): Record<string, unknown> {
  let plain: Buffer;
  try {
    plain = fernetDecrypt(key, token);
  } catch (err) {
    if (err instanceof FernetError && err.reason === "bad_signature") {
      throw new VcError("vault_tampered", `${what} does not verify: it was altered or copied from elsewhere`, file);
    }
    throw new VcError(
      "vault_corrupt",
      `${what} is damaged (${err instanceof FernetError ? err.reason : "unreadable"})`,
      file,
    );
  }
  try {
    const value = JSON.parse(plain.toString("utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  } finally {
    plain.fill(0);
  }
  throw new VcError("vault_corrupt", `${what} does not hold what vcollector wrote`, file);
}

export function sealCheck(key: FernetKey, vaultId: string): string {
  return sealJson(key, { purpose: CHECK_PURPOSE, vault: vaultId });
}

/**
 * Authenticated decryption of the check token: a failing HMAC here means a wrong password (the
 * token is the only thing the password is verified against).
 */
export function verifyCheck(key: FernetKey, token: string, vaultId: string, file: string): void {
  let value: Record<string, unknown>;
  try {
    value = openJson(key, token, "the password check token", file);
  } catch (err) {
    if (err instanceof VcError && err.errorClass === "vault_tampered") {
      throw new VcError("vault_wrong_password", "wrong master password", file);
    }
    throw err;
  }
  if (value.purpose !== CHECK_PURPOSE || value.vault !== vaultId) {
    throw new VcError("vault_tampered", "the password check token belongs to another vault", file);
  }
}

export function sealCredential(
  key: FernetKey,
  vaultId: string,
  row: { id: number; name: string; username: string },
  secrets: SecretFields,
): string {
  const payload: CredentialPayload = {
    purpose: CREDENTIAL_PURPOSE,
    vault: vaultId,
    id: row.id,
    name: row.name,
    username: row.username,
    password: secrets.password,
    privateKey: secrets.privateKey,
    privateKeyPassphrase: secrets.privateKeyPassphrase,
    enableSecret: secrets.enableSecret,
  };
  return sealJson(key, payload);
}

/** Decrypts a credential's token and checks it belongs to exactly this row of this vault. */
export function openCredential(key: FernetKey, vaultId: string, row: CredentialRow, file: string): SecretFields {
  const what = `credential '${row.name}'`;
  const p = openJson(key, row.secret_token, `the secret token of ${what}`, file);
  if (
    p.purpose !== CREDENTIAL_PURPOSE ||
    p.vault !== vaultId ||
    p.id !== row.id ||
    p.name !== row.name ||
    p.username !== row.username
  ) {
    throw new VcError(
      "vault_tampered",
      `the secret token of ${what} belongs to another row (moved, or the row was renamed outside vcollector)`,
      file,
    );
  }
  const secrets: SecretFields = {};
  for (const field of ["password", "privateKey", "privateKeyPassphrase", "enableSecret"] as const) {
    const v = p[field];
    if (v === undefined) continue;
    if (typeof v !== "string") throw new VcError("vault_corrupt", `the ${field} of ${what} is not text`, file);
    secrets[field] = v;
  }
  const hasPassword = secrets.password !== undefined;
  const hasKey = secrets.privateKey !== undefined;
  const kind = hasKey ? (hasPassword ? "key+password" : "key") : "password";
  if (
    kind !== row.kind ||
    (secrets.enableSecret !== undefined) !== (row.has_enable === 1) ||
    (!hasPassword && !hasKey)
  ) {
    throw new VcError("vault_tampered", `the listed kind of ${what} does not match its secrets`, file);
  }
  return secrets;
}

export function manifestEntry(row: CredentialRow): ManifestEntry {
  const { hasEnableSecret, ...plain } = credentialSummary(row);
  return {
    ...plain,
    hasEnable: hasEnableSecret,
    tokenDigest: createHash("sha256").update(row.secret_token).digest("base64"),
  };
}

export function sealManifest(key: FernetKey, vaultId: string, rows: CredentialRow[]): string {
  return sealJson(key, { purpose: MANIFEST_PURPOSE, vault: vaultId, credentials: rows.map(manifestEntry) });
}

/** Checks that the rows are exactly those the manifest lists; names the first difference. */
export function verifyManifest(
  key: FernetKey,
  vaultId: string,
  token: string,
  rows: CredentialRow[],
  file: string,
): void {
  const m = openJson(key, token, "the credential manifest", file);
  if (m.purpose !== MANIFEST_PURPOSE || m.vault !== vaultId || !Array.isArray(m.credentials)) {
    throw new VcError("vault_tampered", "the credential manifest belongs to another vault", file);
  }
  const listed = new Map((m.credentials as ManifestEntry[]).map((e) => [e.id, e]));
  for (const row of rows) {
    const entry = listed.get(row.id);
    if (!entry)
      throw new VcError("vault_tampered", `credential '${row.name}' (id ${row.id}) was added outside vcollector`, file);
    listed.delete(row.id);
    const actual = manifestEntry(row);
    for (const field of Object.keys(actual) as Array<keyof ManifestEntry>) {
      if (actual[field] !== entry[field]) {
        const what = field === "tokenDigest" ? "its secret token" : field;
        throw new VcError(
          "vault_tampered",
          `credential '${entry.name}' (id ${row.id}) was modified outside vcollector (${what} changed)`,
          file,
        );
      }
    }
  }
  const missing = [...listed.values()][0];
  if (missing)
    throw new VcError(
      "vault_tampered",
      `credential '${missing.name}' (id ${missing.id}) was removed outside vcollector`,
      file,
    );
}
