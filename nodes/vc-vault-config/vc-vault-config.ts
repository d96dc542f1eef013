import * as path from "node:path";
import type { Node, NodeAPI, NodeDef } from "node-red";
import { errorMessage, VcError } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";
import { Vault, VAULT_PASS_ENV } from "../../lib/core/vault";
import { registerVaultAdminApi, type VaultConfigRuntime } from "./admin-api";
import { VAULT_CONFIG_TYPE } from "./api";

interface VaultConfigDef extends NodeDef {
  /** Vault file; empty means <home>/vault.db. */
  vaultFile?: string;
  /** Data home; empty means $VCOLLECTOR_HOME or ~/.vcollector. */
  home?: string;
}

interface VaultConfigCredentials {
  /** The master password, or `${VAR}` (Node-RED substitutes it from the environment). */
  masterPassword?: string;
}

type RuntimeVaultConfigNode = VaultConfigRuntime & { credentials?: VaultConfigCredentials };

/**
 * The vault configuration node: a vault file and its master password (a Node-RED credential,
 * encrypted in flows_cred.json; when empty, $VCOLLECTOR_VAULT_PASS). The vault is unlocked in
 * the background at deploy (the key derivation runs off the event loop) and on demand, cached
 * while deployed, and locked and closed when the node stops.
 */
export = function register(RED: NodeAPI): void {
  function VcVaultConfigNode(this: Node<VaultConfigCredentials>, config: VaultConfigDef): void {
    RED.nodes.createNode(this, config);
    const node = this as unknown as RuntimeVaultConfigNode;
    const home = resolveHome(config.home && config.home.trim() !== "" ? config.home.trim() : undefined);
    node.dataHome = home.root;
    node.vaultPath =
      config.vaultFile && config.vaultFile.trim() !== "" ? path.resolve(config.vaultFile.trim()) : home.vaultDb;

    let vault: Vault | undefined;
    let stopped = false;
    const masterPassword = (): string => {
      const configured = node.credentials?.masterPassword;
      const password = configured && configured !== "" ? configured : process.env[VAULT_PASS_ENV];
      if (!password) {
        throw new VcError(
          "vault_no_password",
          `no master password: set it in the vault node or in ${VAULT_PASS_ENV}`,
          node.vaultPath,
        );
      }
      return password;
    };
    const opened = (): Vault => {
      if (stopped) throw new VcError("vault_closed", "the vault node has been stopped", node.vaultPath);
      if (!vault) vault = Vault.open(node.vaultPath);
      return vault;
    };

    node.openUnlocked = (): Vault => {
      const v = opened();
      if (v.needsUnlock()) v.unlock(masterPassword());
      return v;
    };

    node.createVault = (): void => {
      if (stopped) throw new VcError("vault_closed", "the vault node has been stopped", node.vaultPath);
      Vault.create(node.vaultPath, masterPassword()).close();
    };

    // Warm up: derive the key now, on the thread pool, so the first collection does not block
    // the runtime for half a second, and a wrong password is reported at deploy.
    if (!masterPasswordMissing()) {
      Promise.resolve()
        .then(() => {
          const v = opened();
          return v.unlocked ? undefined : v.unlockAsync(masterPassword());
        })
        .catch((err: unknown) => {
          if (stopped) return;
          if (err instanceof VcError && err.errorClass === "vault_missing") {
            node.log(
              `vault file ${node.vaultPath} does not exist yet: create it from the node's dialog or with 'vcollector vault init'`,
            );
          } else {
            node.warn(`vault ${node.vaultPath}: ${errorMessage(err).replace(`${node.vaultPath}: `, "")}`);
          }
        });
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      stopped = true;
      vault?.close();
      vault = undefined;
      done();
    });

    function masterPasswordMissing(): boolean {
      try {
        masterPassword();
        return false;
      } catch {
        return true;
      }
    }
  }

  RED.nodes.registerType<Node<VaultConfigCredentials>, VaultConfigDef, object, VaultConfigCredentials>(
    VAULT_CONFIG_TYPE,
    VcVaultConfigNode,
    {
      credentials: { masterPassword: { type: "password" } },
    },
  );
  registerVaultAdminApi(RED);
};
