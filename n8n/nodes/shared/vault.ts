import { createHash } from "node:crypto";
import * as path from "node:path";
import type {
  ICredentialsDecrypted,
  ICredentialTestFunctions,
  IExecuteFunctions,
  INodeCredentialTestResult,
} from "n8n-workflow";
import { errorMessage, VcError } from "../../../lib/core/errors";
import { Vault } from "../../../lib/core/vault";

/** What the Velocity Collector Vault credential holds (n8n encrypts it in its database). */
export interface VaultCredential {
  vaultPath: string;
  masterPassword: string;
}

/** An unlocked vault is kept this long after its last use: key derivation costs ~0.5 s of CPU. */
const IDLE_CLOSE_MS = 5 * 60_000;

interface Cached {
  vault: Promise<Vault>;
  timer?: NodeJS.Timeout;
}

const cache = new Map<string, Cached>();

export function vaultCredentialFrom(raw: Record<string, unknown> | undefined): VaultCredential {
  const vaultPath = typeof raw?.vaultPath === "string" ? raw.vaultPath.trim() : "";
  const masterPassword = typeof raw?.masterPassword === "string" ? raw.masterPassword : "";
  if (vaultPath === "") throw new VcError("invalid_config", "the vault file path is empty", "credential vaultPath");
  if (masterPassword === "")
    throw new VcError("vault_no_password", "the master password is empty", "credential masterPassword");
  return { vaultPath: path.resolve(vaultPath), masterPassword };
}

/**
 * The vault of this credential, opened and unlocked (the key derivation runs on the thread
 * pool). Unlocked vaults are shared by the executions of this process, keyed by file and a hash
 * of the password, and closed after five idle minutes; a failed unlock is not cached.
 */
export async function openVault(credential: VaultCredential): Promise<Vault> {
  const key = `${credential.vaultPath}\0${createHash("sha256").update(credential.masterPassword).digest("hex")}`;
  let entry = cache.get(key);
  if (!entry) {
    const opening = (async () => {
      const vault = Vault.open(credential.vaultPath);
      await vault.unlockAsync(credential.masterPassword).catch((err: unknown) => {
        vault.close();
        return Promise.reject(err);
      });
      return vault;
    })();
    entry = { vault: opening };
    cache.set(key, entry);
    opening.catch(() => cache.delete(key));
  }
  const vault = await entry.vault;
  if (vault.needsUnlock()) await vault.unlockAsync(credential.masterPassword);
  if (entry.timer) clearTimeout(entry.timer);
  const current = entry;
  entry.timer = setTimeout(() => {
    if (cache.get(key) !== current) return;
    cache.delete(key);
    vault.close();
  }, IDLE_CLOSE_MS);
  entry.timer.unref();
  return vault;
}

/** Closes every cached vault (tests, and the process going away). */
export function closeCachedVaults(): void {
  for (const [key, entry] of cache) {
    if (entry.timer) clearTimeout(entry.timer);
    cache.delete(key);
    entry.vault.then((v) => v.close()).catch(() => undefined);
  }
}

/** The node's Velocity Collector Vault credential, opened and unlocked. */
export async function openNodeVault(ctx: IExecuteFunctions): Promise<Vault> {
  return openVault(vaultCredentialFrom(await ctx.getCredentials<Record<string, unknown>>(VAULT_CREDENTIAL_TYPE)));
}

export const VAULT_CREDENTIAL_TYPE = "velocityCollectorVaultApi";

/** The credential test of every node that uses the vault (`testedBy: "velocityCollectorVaultTest"`). */
export async function velocityCollectorVaultTest(
  this: ICredentialTestFunctions,
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  try {
    const vault = await openVault(vaultCredentialFrom(credential.data));
    const count = vault.list().length;
    return { status: "OK", message: `Vault unlocked: ${count} credential${count === 1 ? "" : "s"}` };
  } catch (err) {
    return { status: "Error", message: errorMessage(err) };
  }
}
