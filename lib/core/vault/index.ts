/**
 * The encrypted credential vault: named SSH credentials (username, password, private key with
 * passphrase, enable secret), a default and an ordered fallback list, in a SQLite file whose
 * secrets are Fernet tokens under a PBKDF2-derived key. See docs/vault.md for the format and the
 * threat model.
 */
export { Vault, type CreateOptions, type ChangePasswordOptions, type ExportOptions } from "./vault";
export type { CredentialInput, CredentialPatch, ImportOptions, ImportReport } from "./types";
export type { Credential, CredentialSummary } from "../types";
export {
  importVelocityCollectorVault,
  VC_KEY_ITERATIONS,
  VC_VERIFIER_ITERATIONS,
  type VelocityCollectorImportReport,
} from "./velocitycollector";
export { unlockFromEnv, VAULT_PASS_ENV } from "./env";
export { chainNames, fallbackListNames } from "./chain";
export { DEFAULT_ITERATIONS, MIN_ITERATIONS, CLI_MIN_ITERATIONS, MIN_PASSWORD_LENGTH } from "./kdf";
export { fernetEncrypt, fernetDecrypt, fernetKey, FernetError, type FernetKey } from "./fernet";

/**
 * errorClass values of the VcErrors the vault throws, for callers that branch on them:
 * vault_missing, vault_exists, vault_corrupt, vault_foreign (a VelocityCollector file),
 * vault_wrong_password, vault_tampered, vault_locked, vault_changed (password changed by another
 * process), vault_closed, vault_no_password, vault_invalid, vault_duplicate,
 * vault_unknown_credential, backup_exists, backup_missing, backup_corrupt, backup_wrong_password,
 * vc_import_missing, vc_import_invalid, vc_import_token.
 */
export type VaultErrorClass =
  | "vault_missing"
  | "vault_exists"
  | "vault_corrupt"
  | "vault_foreign"
  | "vault_wrong_password"
  | "vault_tampered"
  | "vault_locked"
  | "vault_changed"
  | "vault_closed"
  | "vault_no_password"
  | "vault_invalid"
  | "vault_duplicate"
  | "vault_unknown_credential"
  | "backup_exists"
  | "backup_missing"
  | "backup_corrupt"
  | "backup_wrong_password"
  | "vc_import_missing"
  | "vc_import_invalid"
  | "vc_import_token";
