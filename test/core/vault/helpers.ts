import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { CredentialInput } from "../../../lib/core/vault";
import { generateSshKeyPair } from "../../support/ssh-keys";

/** Recognisable secrets planted in vaults, so tests can scan every output for them. */
export const PLANTED = {
  master: "PLANTED-master-9d41c7e2",
  password: "PLANTED-password-a83f10",
  password2: "PLANTED-password-b27c55",
  enable: "PLANTED-enable-c61d09",
  passphrase: "PLANTED-keypass-e4471b",
};

/** An ed25519 OpenSSH key encrypted with PLANTED.passphrase (few bcrypt rounds: fast). */
export function encryptedKey(): string {
  return generateSshKeyPair("ed25519", { passphrase: PLANTED.passphrase, cipher: "aes256-ctr", rounds: 4 }).private;
}

export function plainKey(): string {
  return generateSshKeyPair("ed25519").private;
}

/** The distinctive body of a private key (what a leak scan looks for). */
export function keyBody(key: string): string {
  return key
    .split("\n")
    .filter((l) => l && !l.startsWith("-----"))
    .join("");
}

export function sampleCredentials(key: string): CredentialInput[] {
  return [
    { name: "lab", username: "admin", password: PLANTED.password, enableSecret: PLANTED.enable, isDefault: true },
    { name: "keyed", username: "netops", privateKey: key, privateKeyPassphrase: PLANTED.passphrase },
    { name: "legacy", username: "cisco", password: PLANTED.password2 },
  ];
}

/** Every secret a test planted, for scanning (key bodies split in lines too, as files hold them). */
export function allSecrets(key: string): string[] {
  return [
    ...Object.values(PLANTED),
    keyBody(key),
    ...key.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----")),
  ];
}

/** Hash of a SQLite file together with its WAL, to prove a failed operation changed nothing. */
export function fileState(file: string): string {
  const h = createHash("sha256");
  for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) h.update(fs.readFileSync(f));
  return h.digest("hex");
}

/** Runs fn, expecting a VcError of the given class; returns its message. */
export function expectVcError(fn: () => unknown, errorClass: string, pattern?: RegExp): string {
  try {
    fn();
  } catch (err) {
    const e = err as { errorClass?: string; message: string };
    if (e.errorClass !== errorClass)
      throw new Error(`expected ${errorClass}, got ${e.errorClass ?? "non-VcError"}: ${e.message}`, { cause: err });
    if (pattern && !pattern.test(e.message))
      throw new Error(`message '${e.message}' does not match ${pattern}`, { cause: err });
    return e.message;
  }
  throw new Error(`expected a ${errorClass} error, but nothing was thrown`);
}

export async function expectVcErrorAsync(fn: () => Promise<unknown>, errorClass: string): Promise<string> {
  try {
    await fn();
  } catch (err) {
    const e = err as { errorClass?: string; message: string };
    if (e.errorClass !== errorClass)
      throw new Error(`expected ${errorClass}, got ${e.errorClass ?? "non-VcError"}: ${e.message}`, { cause: err });
    return e.message;
  }
  throw new Error(`expected a ${errorClass} error, but nothing was thrown`);
}
