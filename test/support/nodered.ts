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
