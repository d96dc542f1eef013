import type { Node, NodeMessageInFlow, NodeStatus } from "node-red";
import { errorMessage } from "../../lib/core/errors";
import type { Send } from "./serial-input";

/** The status a failed message leaves: red, with the start of the error text. */
export function errorTextStatus(err: unknown): NodeStatus {
  return { fill: "red", shape: "ring", text: errorMessage(err).slice(0, 60) };
}

/**
 * A node whose input messages are handled as they come (no queue: export, search, parse). A
 * failed message sets the status `errorStatus` gives (none when it gives undefined) and goes to
 * done(err), a thrown non-Error wrapped in one.
 */
export function asyncInput<M extends NodeMessageInFlow = NodeMessageInFlow>(
  node: Node,
  handle: (msg: M, send: Send) => Promise<void>,
  errorStatus: (err: unknown) => NodeStatus | undefined = errorTextStatus,
): void {
  node.on("input", (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
    handle(msg as M, send).then(
      () => done(),
      (err: unknown) => {
        const status = errorStatus(err);
        if (status) node.status(status);
        done(err instanceof Error ? err : new Error(errorMessage(err)));
      },
    );
  });
}
