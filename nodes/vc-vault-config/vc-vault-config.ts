import type { Node, NodeAPI, NodeDef } from "node-red";

// Placeholder until issue 5 lands: passes messages through and says it does nothing.
export = function register(RED: NodeAPI): void {
  function VcVaultConfigNode(this: Node, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    
  }
  RED.nodes.registerType("vc-vault-config", VcVaultConfigNode);
};
