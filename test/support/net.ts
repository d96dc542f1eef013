import * as net from "node:net";

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any HTTP status) or `ms` passes. */
export async function waitForHttp(url: string, ms = 30000): Promise<void> {
  const until = Date.now() + ms;
  let lastErr: unknown;
  while (Date.now() < until) {
    try {
      await fetch(url);
      return;
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms: ${String(lastErr)}`);
}
