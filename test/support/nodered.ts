import helper = require("node-red-node-test-helper");

/**
 * The real Node-RED runtime (the version installed beside the tests: 4.x in the main tree, 5.x
 * in .nr5/) under node-red-node-test-helper. Use `useNodeRed()` inside a describe block.
 */
helper.init(require.resolve("node-red"));

export { helper };

export function useNodeRed(): void {
  beforeEach(async () => {
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });
}

/** Resolves with the next message a helper node receives, or rejects after `ms`. */
export function nextMessage<T = Record<string, unknown>>(nodeId: string, ms = 10000): Promise<T> {
  const node = helper.getNode(nodeId);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message reached ${nodeId} within ${ms} ms`)), ms);
    node.once("input", (msg: T) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Collects `count` messages arriving at a helper node. */
export function collectMessages<T = Record<string, unknown>>(nodeId: string, count: number, ms = 20000): Promise<T[]> {
  const node = helper.getNode(nodeId) as unknown as NodeJS.EventEmitter;
  const got: T[] = [];
  return new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${nodeId} got ${got.length}/${count} messages within ${ms} ms`)),
      ms,
    );
    const onInput = (msg: T) => {
      got.push(msg);
      if (got.length === count) {
        clearTimeout(timer);
        node.removeListener("input", onInput);
        resolve(got);
      }
    };
    node.on("input", onInput);
  });
}

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Every status a loaded node has shown (the helper spies on node.status), oldest first. */
export function statuses(nodeId: string): NodeStatus[] {
  const n = helper.getNode(nodeId) as unknown as { status: { args: Array<[NodeStatus]> } };
  return n.status.args.map((a) => a[0]);
}

export function lastStatus(nodeId: string): NodeStatus {
  const all = statuses(nodeId);
  return all[all.length - 1];
}

/** Resolves with the text of a node's next node.error or node.warn call (done(err) calls node.error). */
export function nextCall(nodeId: string, method: "error" | "warn", ms = 10000): Promise<string> {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${method} from ${nodeId} within ${ms} ms`)), ms);
    node.once(`call:${method}`, (call: { args: unknown[] }) => {
      clearTimeout(timer);
      const first = call.args[0];
      resolve(first instanceof Error ? first.message : String(first));
    });
  });
}

/** A flow of one node wired to the helper `out`; `props` set or override the node's properties. */
export function toHelperFlow(node: { id: string; type: string; name: string }, props: Record<string, unknown>) {
  return [
    { ...node, wires: [["out"]], ...props },
    { id: "out", type: "helper" },
  ];
}
