import type { CredentialFields } from "../types";

/** What a caller supplies to add a credential. Secrets travel only in these objects, never in argv. */
export interface CredentialInput extends CredentialFields {
  /** Make this the vault's default credential. */
  isDefault?: boolean;
}

/**
 * A change to an existing credential. A field left out keeps its value; an empty string clears a
 * secret (password, privateKey, privateKeyPassphrase, enableSecret). `isDefault: false` only
 * clears the default when this credential holds it.
 */
export type CredentialPatch = Partial<CredentialInput> & { newName?: string };

/** What importing a backup or a VelocityCollector vault did. */
export interface ImportReport {
  imported: string[];
  /** Existing credentials overwritten (with `replace`); they keep their ids. */
  replaced: string[];
  skipped: Array<{ name: string; reason: string }>;
  /** The source's default credential, when it was imported. */
  defaultName?: string;
  /** Whether that default became this vault's default (only when this vault had none, or with `replace`). */
  defaultApplied: boolean;
}

export interface ImportOptions {
  /** Overwrite credentials whose names already exist (keeping their ids) instead of skipping them. */
  replace?: boolean;
}
