import type { Node, NodeAPI, NodeDef } from "node-red";

// Placeholder until issue 3 lands: passes messages through and says it does nothing.
export = function register(RED: NodeAPI): void {
  function VcTextfsmNode(this: Node, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    this.status({ fill: "grey", shape: "ring", text: "not implemented" });
    this.on("input", (msg, send, done) => {
      send(msg);
      done();
    });
  }
  RED.nodes.registerType("vc-textfsm", VcTextfsmNode);
};
