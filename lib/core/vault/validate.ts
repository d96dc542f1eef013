import { utils as sshUtils } from "ssh2";
import { VcError } from "../errors";

/**
 * Input checks for credentials. Error messages name the credential and the field, never a value
 * of a secret field.
 */

export const MAX_NAME_LENGTH = 64;
export const MAX_USERNAME_LENGTH = 128;
export const MAX_SECRET_LENGTH = 1024;
export const MAX_KEY_LENGTH = 64 * 1024;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Names are what inventories, flows and the CLI use to refer to a credential: printable, no
 * leading/trailing blanks, and not starting with '-' (it would read as a CLI option).
 */
export function checkName(name: unknown, field = "credential name"): string {
  if (typeof name !== "string" || name.length === 0) throw invalid(undefined, field, "is required");
  const where = `credential '${name.slice(0, MAX_NAME_LENGTH)}'`;
  if (name.length > MAX_NAME_LENGTH) throw invalid(where, field, `must be at most ${MAX_NAME_LENGTH} characters`);
  if (CONTROL.test(name)) throw invalid(undefined, field, "must not contain control characters");
  if (name.trim() !== name) throw invalid(where, field, "must not start or end with blanks");
  if (name.startsWith("-")) throw invalid(where, field, "must not start with '-'");
  return name;
}

export function checkUsername(username: unknown, credential: string): string {
  const where = `credential '${credential}'`;
  if (typeof username !== "string" || username.length === 0) throw invalid(where, "username", "is required");
  if (username.length > MAX_USERNAME_LENGTH)
    throw invalid(where, "username", `must be at most ${MAX_USERNAME_LENGTH} characters`);
  if (CONTROL.test(username)) throw invalid(where, "username", "must not contain control characters");
  return username;
}

/** A password-like secret: a string (possibly empty, meaning "none"), bounded, one line. */
export function checkSecret(value: unknown, field: string, credential: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const where = `credential '${credential}'`;
  if (typeof value !== "string") throw invalid(where, field, "must be a string");
  if (value.length > MAX_SECRET_LENGTH) throw invalid(where, field, `must be at most ${MAX_SECRET_LENGTH} characters`);
  if (/[\r\n\0]/.test(value)) throw invalid(where, field, "must be a single line");
  return value;
}

/**
 * A private key must be one ssh2 can load with the given passphrase, so a credential that cannot
 * log in is refused when it is stored rather than at 3 a.m. on the first device.
 */
export function checkPrivateKey(key: unknown, passphrase: string | undefined, credential: string): string | undefined {
  if (key === undefined || key === null || key === "") return undefined;
  const where = `credential '${credential}'`;
  if (typeof key !== "string") throw invalid(where, "private key", "must be text (PEM or OpenSSH format)");
  if (key.length > MAX_KEY_LENGTH) throw invalid(where, "private key", `must be at most ${MAX_KEY_LENGTH} bytes`);
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(key))
    throw invalid(where, "private key", "is not a PEM or OpenSSH private key");
  const parsed = sshUtils.parseKey(key, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt|integrity/i.test(parsed.message);
    throw invalid(
      where,
      "private key",
      encrypted
        ? passphrase
          ? "cannot be decrypted with the given passphrase"
          : "is encrypted: a passphrase is needed"
        : "cannot be read (unsupported or damaged key)",
    );
  }
  return key;
}

function invalid(where: string | undefined, field: string, problem: string): VcError {
  return new VcError("vault_invalid", `${field} ${problem}`, where);
}
