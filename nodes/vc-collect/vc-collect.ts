import type { Node, NodeAPI, NodeDef } from "node-red";

// Placeholder until issue 7 lands: passes messages through and says it does nothing.
export = function register(RED: NodeAPI): void {
  function VcCollectNode(this: Node, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    this.status({ fill: "grey", shape: "ring", text: "not implemented" });
    this.on("input", (msg, send, done) => {
      send(msg);
      done();
    });
  }
  RED.nodes.registerType("vc-collect", VcCollectNode);
};
