import type { Node, NodeAPI } from "node-red";
import type { Vault } from "../../lib/core/vault";

/**
 * What other nodes (vc-collect, discovery) get from a deployed vc-vault-config node:
 *   const cfg = getVaultConfigNode(RED, config.vault);   // config.vault = the config node id
 *   const vault = cfg.openUnlocked();                     // throws a VcError with a clear message
 * The returned Vault is shared and stays unlocked while the config node is deployed; callers must
 * not lock or close it (the config node does that on redeploy/stop).
 */
export interface VaultConfigNode extends Node {
  /** Absolute path of the vault file this node uses. */
  vaultPath: string;
  /** Data home this deployed node uses (its `home` setting, else $VCOLLECTOR_HOME or ~/.vcollector). */
  dataHome?: string;
  /** Opens and unlocks the vault on first use (or after another process changed its password). */
  openUnlocked(): Vault;
}

export const VAULT_CONFIG_TYPE = "vc-vault-config";

export function isVaultConfigNode(node: unknown): node is VaultConfigNode {
  const n = node as Partial<VaultConfigNode> | null | undefined;
  return !!n && n.type === VAULT_CONFIG_TYPE && typeof n.openUnlocked === "function" && typeof n.vaultPath === "string";
}

/** The deployed vault config node with this id, or undefined (not deployed / not a vault node). */
export function getVaultConfigNode(RED: NodeAPI, id: string | undefined): VaultConfigNode | undefined {
  if (!id) return undefined;
  const node = RED.nodes.getNode(id);
  return isVaultConfigNode(node) ? node : undefined;
}
