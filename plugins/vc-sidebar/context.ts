import * as fs from "node:fs";
import type { NodeAPI } from "node-red";
import { VcError } from "../../lib/core/errors";
import { resolveHome, type HomePaths } from "../../lib/core/home";
import { Inventory } from "../../lib/core/inventory";
import { Vault } from "../../lib/core/vault";
import { getVaultConfigNode, VAULT_CONFIG_TYPE, type VaultConfigNode } from "../../nodes/vc-vault-config/api";

/**
 * Where the sidebar's data lives, and how it unlocks the vault. The rule (docs/sidebar.md):
 *  - the data home is settings.js `velocitycollector.home`, else what the CLI uses
 *    ($VCOLLECTOR_HOME, else ~/.vcollector); it is fixed when Node-RED starts and never comes
 *    from a request;
 *  - the vault is the home's vault.db, unlocked with the master password of a DEPLOYED
 *    vc-vault-config node: the one named by `velocitycollector.vaultNode` (a config node id), else
 *    the first deployed vault node whose file is the home's vault.db. The password stays in the
 *    runtime; the browser only ever learns whether the vault is unlocked.
 */
export interface SidebarSettings {
  home?: string;
  vaultNode?: string;
  /** NetBox sync: the URL (else $NETBOX_URL); the token always comes from $NETBOX_TOKEN. */
  netboxUrl?: string;
}

export interface VaultState {
  exists: boolean;
  unlocked: boolean;
  /** The vault node used (its name or id), when one is deployed for this vault. */
  node?: string;
  /** Why the vault is locked, in words. */
  reason?: string;
  errorClass?: string;
}

export class SidebarContext {
  readonly home: HomePaths;
  readonly settings: SidebarSettings;

  constructor(private readonly RED: NodeAPI) {
    const raw = (RED.settings as unknown as { velocitycollector?: unknown }).velocitycollector;
    this.settings = raw && typeof raw === "object" ? (raw as SidebarSettings) : {};
    this.home = resolveHome(typeof this.settings.home === "string" ? this.settings.home : undefined);
  }

  /** The inventory, read-only unless `write` (then created and seeded when missing). */
  openInventory(write = false): Inventory {
    if (!write) return Inventory.open(this.home.dcimDb, { readonly: true });
    fs.mkdirSync(this.home.root, { recursive: true, mode: 0o700 });
    const inv = Inventory.open(this.home.dcimDb, { create: true });
    try {
      if (inv.counts().platforms === 0) inv.init();
    } catch (err) {
      inv.close();
      throw err;
    }
    return inv;
  }

  inventoryExists(): boolean {
    return fs.existsSync(this.home.dcimDb);
  }

  withInventory<T>(write: boolean, fn: (inv: Inventory) => T): T {
    const inv = this.openInventory(write);
    try {
      return fn(inv);
    } finally {
      inv.close();
    }
  }

  /** The deployed vault node for the home's vault, or undefined. */
  vaultNode(): VaultConfigNode | undefined {
    if (this.settings.vaultNode) return getVaultConfigNode(this.RED, this.settings.vaultNode);
    let found: VaultConfigNode | undefined;
    this.RED.nodes.eachNode((def: { id: string; type: string }) => {
      if (found || def.type !== VAULT_CONFIG_TYPE) return;
      const node = getVaultConfigNode(this.RED, def.id);
      if (node && node.vaultPath === this.home.vaultDb) found = node;
    });
    return found;
  }

  vaultState(): VaultState {
    const exists = fs.existsSync(this.home.vaultDb);
    const node = this.vaultNode();
    const label = node ? node.name || node.id : undefined;
    if (!exists) return { exists, unlocked: false, node: label, reason: "no vault file in the data home" };
    if (!node)
      return {
        exists,
        unlocked: false,
        reason: "no deployed vc-vault-config node uses this vault: add one (with its master password) and deploy",
        errorClass: "vault_locked",
      };
    try {
      node.openUnlocked();
      return { exists, unlocked: true, node: label };
    } catch (err) {
      const errorClass = err instanceof VcError ? err.errorClass : "vault_locked";
      return { exists, unlocked: false, node: label, reason: stripPath(err, this.home.vaultDb), errorClass };
    }
  }

  /** The unlocked vault (shared with the vault node: never closed or locked here). */
  unlockedVault(): Vault {
    const node = this.vaultNode();
    if (!node)
      throw new VcError(
        "vault_locked",
        "no deployed vc-vault-config node uses the data home's vault: add one (with its master password) and deploy",
        "vault",
      );
    return node.openUnlocked();
  }

  /** Runs `fn` with the vault for listing: the node's when deployed, else the file opened locked. */
  withListableVault<T>(fn: (vault: Vault) => T): T | undefined {
    const node = this.vaultNode();
    if (node) {
      try {
        return fn(node.openUnlocked());
      } catch {
        // locked: list from the file below (names need no password)
      }
    }
    return withExisting(this.home.vaultDb, () => Vault.open(this.home.vaultDb), fn);
  }
}

/** Runs fn on what `open` opens, closing it after; undefined (nothing opened) when `file` does not exist. */
export function withExisting<S extends { close(): void }, T>(
  file: string,
  open: () => S,
  fn: (opened: S) => T,
): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  const opened = open();
  try {
    return fn(opened);
  } finally {
    opened.close();
  }
}

function stripPath(err: unknown, file: string): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(`${file}: `, "");
}
