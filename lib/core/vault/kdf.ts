import { pbkdf2, pbkdf2Sync, randomBytes } from "node:crypto";
import { VcError } from "../errors";

/**
 * Master password → 32-byte Fernet key with PBKDF2-HMAC-SHA256. The salt and the iteration count
 * are stored beside the data (they are not secret), so the count can be raised later by `passwd`.
 */

export const KDF_ALGORITHM = "pbkdf2-sha256";
/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Costs roughly half a second per derivation. */
export const DEFAULT_ITERATIONS = 600_000;
/**
 * The lowest count `Vault.create` accepts when asked explicitly. Far below the default: it exists
 * so tests can build many vaults quickly; the CLI refuses anything under CLI_MIN_ITERATIONS.
 */
export const MIN_ITERATIONS = 1_000;
export const CLI_MIN_ITERATIONS = 100_000;
/** Beyond this a derivation takes minutes; a larger stored count means a damaged file. */
export const MAX_ITERATIONS = 100_000_000;
export const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 8;

export interface KdfParams {
  algorithm: typeof KDF_ALGORITHM;
  salt: Buffer;
  iterations: number;
}

export function newKdfParams(iterations = DEFAULT_ITERATIONS): KdfParams {
  checkIterations(iterations, "iterations");
  return { algorithm: KDF_ALGORITHM, salt: randomBytes(SALT_BYTES), iterations };
}

export function checkIterations(iterations: number, where: string): void {
  if (!Number.isSafeInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new VcError(
      "vault_invalid",
      `the PBKDF2 iteration count must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`,
      where,
    );
  }
}

/** Refuses empty and too-short master/backup passwords (the same rule everywhere). */
export function checkNewPassword(password: string, what: string): void {
  if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) {
    throw new VcError("vault_invalid", `the ${what} must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

export function deriveKey(password: string, params: KdfParams): Buffer {
  return pbkdf2Sync(Buffer.from(password, "utf8"), params.salt, params.iterations, 32, "sha256");
}

/** The same derivation on libuv's thread pool, so a Node-RED runtime keeps serving meanwhile. */
export function deriveKeyAsync(password: string, params: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(Buffer.from(password, "utf8"), params.salt, params.iterations, 32, "sha256", (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}
