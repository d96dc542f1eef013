import type { Node, NodeMessage, NodeMessageInFlow } from "node-red";

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

/**
 * A node whose input messages are processed one after another (each a run: collect, job). A
 * failed message sets a red "error" status (unless the flow is closing) and goes to done(err).
 * On close the returned signal is aborted (ending the run in progress); `onClosed` runs once it has ended,
 * before Node-RED is told the node is closed.
 */
export function serialInput(
  node: Node,
  handle: (msg: NodeMessageInFlow, send: Send) => Promise<void>,
  onClosed: () => void = () => undefined,
): { signal: AbortSignal } {
  const closing = new AbortController();
  let queue: Promise<void> = Promise.resolve();
  node.on("input", (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
    queue = queue.then(() =>
      handle(msg, send).then(
        () => done(),
        (err: Error) => {
          if (!closing.signal.aborted) node.status({ fill: "red", shape: "ring", text: "error" });
          done(err);
        },
      ),
    );
  });
  node.on("close", (_removed: boolean, done: () => void) => {
    closing.abort();
    void queue.then(() => {
      onClosed();
      done();
    });
  });
  return { signal: closing.signal };
}
