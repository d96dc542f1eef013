import type { ICredentialType, INodeProperties, Icon } from "n8n-workflow";

/**
 * The encrypted vault of the pack (the same file `vcollector vault` and the Node-RED pack use):
 * its path on the n8n host and its master password. n8n keeps both encrypted with its own key;
 * the device credentials stay in the vault, encrypted with the master password, and are never put
 * into an item. Tested by the Collect node's credential test (it unlocks the vault).
 */
export class VelocityCollectorVaultApi implements ICredentialType {
  name = "velocityCollectorVaultApi";

  displayName = "Velocity Collector Vault API";

  icon: Icon = { light: "file:velocitycollector-vault.svg", dark: "file:velocitycollector-vault.dark.svg" };

  documentationUrl = "https://github.com/velocitycollector/node-red-contrib-velocitycollector/blob/main/docs/vault.md";

  properties: INodeProperties[] = [
    {
      displayName: "Vault File",
      name: "vaultPath",
      type: "string",
      default: "",
      required: true,
      placeholder: "/home/node/.vcollector/vault.db",
      description: "Path of the vault file on the n8n host (every worker in queue mode needs it)",
    },
    {
      displayName: "Master Password",
      name: "masterPassword",
      type: "string",
      typeOptions: { password: true },
      default: "",
      required: true,
      description: "The vault's master password",
    },
  ];
}
