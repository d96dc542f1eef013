import { Client } from "ssh2";
import { buildAlgorithms } from "../ssh/algorithms";
import { SessionError } from "../ssh/errors";

/**
 * Fetches a host's SSH public key without authenticating: the connection is refused by us at
 * host-key verification, which comes before any user authentication, so no credential is sent.
 * Used by discovery's explicit "pin new hosts" option.
 */
export function fetchHostKey(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  const device = `${host}:${port}`;
  return new Promise<Buffer>((resolve, reject) => {
    const client = new Client();
    let key: Buffer | undefined;
    let settled = false;
    const finish = (err?: SessionError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      client.end();
      if (key) resolve(key);
      else
        reject(
          err ?? new SessionError("disconnected", device, "the connection closed before the host key was received"),
        );
    };
    const onAbort = () => finish(new SessionError("cancelled", device, "host key scan cancelled"));
    const timer = setTimeout(
      () => finish(new SessionError("banner_timeout", device, `no host key received within ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener("abort", onAbort, { once: true });
    client.on("error", (err: Error & { code?: string; level?: string }) => {
      if (key) return finish();
      if (err.code === "ECONNREFUSED")
        return finish(new SessionError("connect_refused", device, `connection refused (nothing listens on ${device})`));
      if (err.code === "ETIMEDOUT")
        return finish(new SessionError("connect_timeout", device, "TCP connection timed out"));
      finish(new SessionError("disconnected", device, `host key scan failed: ${err.message}`));
    });
    client.on("close", () => finish());
    client.connect({
      host,
      port,
      username: "vcollector-keyscan",
      readyTimeout: timeoutMs,
      // The session driver's defaults (the cheaper key exchange first).
      algorithms: buildAlgorithms(undefined, undefined),
      hostVerifier: (k: Buffer) => {
        key = Buffer.from(k);
        setImmediate(() => finish());
        return false;
      },
    });
  });
}
