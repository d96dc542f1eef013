import { VcError } from "../errors";
import { Vault } from "./vault";

/** The environment variable that unlocks a vault unattended (cron jobs, services, CI). */
export const VAULT_PASS_ENV = "VCOLLECTOR_VAULT_PASS";

/**
 * Opens `file` and unlocks it with $VCOLLECTOR_VAULT_PASS. The variable missing or empty is its
 * own error (errorClass "vault_no_password"); the file is closed again on any failure.
 */
export function unlockFromEnv(file: string, env: NodeJS.ProcessEnv = process.env): Vault {
  const password = env[VAULT_PASS_ENV];
  if (password === undefined || password === "") {
    throw new VcError(
      "vault_no_password",
      `set ${VAULT_PASS_ENV} to the vault's master password to unlock it unattended`,
      file,
    );
  }
  const vault = Vault.open(file);
  try {
    vault.unlock(password);
    return vault;
  } catch (err) {
    vault.close();
    throw err;
  }
}
