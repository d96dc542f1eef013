import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small HTTP server on 127.0.0.1 that records every request (method, path, headers, body) and
 * answers with `respond` (default 200 `{"ok":true}`): a webhook receiver, or a NetBox-API-compatible
 * endpoint for `PATCH /api/dcim/devices/<id>/` when `netboxToken` is set (401 `{"detail":"Invalid
 * token"}` without `Authorization: Token <token>`, 404 for other paths, the patched device as JSON).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Resolves once `count` requests have been recorded, or rejects after `ms`. */
  waitFor(count: number, ms?: number): Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

export async function startRecordingServer(opts: { netboxToken?: string } = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      for (const w of [...waiters]) w();
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (!opts.netboxToken) return send(200, { ok: true });
      if (req.headers.authorization !== `Token ${opts.netboxToken}`) return send(401, { detail: "Invalid token" });
      const m = /^\/api\/dcim\/devices\/(\d+)\/$/.exec(rec.path);
      if (!m || rec.method !== "PATCH") return send(404, { detail: "Not found." });
      let patch: Record<string, unknown>;
      try {
        patch = JSON.parse(rec.body) as Record<string, unknown>;
      } catch {
        return send(400, { detail: "JSON parse error" });
      }
      return send(200, { id: Number(m[1]), url: `/api/dcim/devices/${m[1]}/`, ...patch });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitFor(count, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          cleanup();
          resolve(requests.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${requests.length}/${count} requests within ${ms} ms`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
