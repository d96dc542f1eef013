import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small HTTP server on 127.0.0.1 that answers `/api/dcim/devices/` like NetBox 4 does: token
 * auth (`Authorization: Token <t>`, 401 with {"detail": "Invalid token"} otherwise), limit/offset
 * pagination with an absolute `next` URL, and NetBox's site/role/platform/status/tag filters.
 * Failure modes for the tests: answer 500, answer slowly, send `next` to another origin, redirect.
 */
export interface FakeNetBoxDevice {
  id: number;
  name: string | null;
  site: string;
  role?: string;
  platform?: string | null;
  manufacturer?: string;
  status?: string;
  ip4?: string | null;
  ip6?: string | null;
  tags?: string[];
  customFields?: Record<string, unknown>;
}

export interface FakeNetBox {
  url: string;
  token: string;
  devices: FakeNetBoxDevice[];
  /** Every request received: path with query, and the Authorization header. */
  requests: Array<{ url: string; authorization?: string }>;
  mode: { status500?: boolean; delayMs?: number; foreignNext?: string; redirectTo?: string };
  stop(): Promise<void>;
}

const title = (slug: string) =>
  slug
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");

function toNetBox(d: FakeNetBoxDevice): Record<string, unknown> {
  return {
    id: d.id,
    url: `/api/dcim/devices/${d.id}/`,
    display: d.name ?? `Unnamed device (${d.id})`,
    name: d.name,
    device_type: {
      id: 1,
      model: "Model X",
      slug: "model-x",
      manufacturer: d.manufacturer ? { id: 1, name: title(d.manufacturer), slug: d.manufacturer } : null,
    },
    role: d.role ? { id: 1, name: title(d.role), slug: d.role } : null,
    site: { id: 1, name: title(d.site), slug: d.site },
    platform: d.platform ? { id: 1, name: title(d.platform), slug: d.platform } : null,
    status: { value: d.status ?? "active", label: title(d.status ?? "active") },
    primary_ip4: d.ip4 ? { id: 1, family: { value: 4 }, address: d.ip4 } : null,
    primary_ip6: d.ip6 ? { id: 2, family: { value: 6 }, address: d.ip6 } : null,
    tags: (d.tags ?? []).map((t, i) => ({ id: i + 1, name: title(t), slug: t })),
    custom_fields: d.customFields ?? {},
  };
}

function matches(d: FakeNetBoxDevice, q: URLSearchParams): boolean {
  const eq = (key: string, value: string | null | undefined) => !q.has(key) || q.getAll(key).includes(value ?? "");
  return (
    eq("site", d.site) &&
    eq("role", d.role) &&
    eq("platform", d.platform) &&
    eq("status", d.status ?? "active") &&
    (!q.has("tag") || q.getAll("tag").some((t) => (d.tags ?? []).includes(t)))
  );
}

export async function startFakeNetBox(
  devices: FakeNetBoxDevice[],
  token = "0123456789abcdef0123456789abcdef01234567",
): Promise<FakeNetBox> {
  const fake: Omit<FakeNetBox, "url" | "stop"> = { token, devices, requests: [], mode: {} };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    fake.requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const answer = (status: number, body: unknown) => {
      const send = () => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (fake.mode.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) send();
        }, fake.mode.delayMs);
        timers.add(t);
      } else send();
    };
    if (fake.mode.redirectTo && !url.pathname.startsWith("/moved")) {
      res.writeHead(301, { Location: fake.mode.redirectTo });
      return res.end();
    }
    if (req.headers.authorization !== `Token ${fake.token}`) return answer(401, { detail: "Invalid token" });
    if (fake.mode.status500) return answer(500, { detail: "Internal Server Error", error: "database is locked" });
    if (url.pathname !== "/api/dcim/devices/") return answer(404, { detail: "Not found." });
    const limit = Number(url.searchParams.get("limit") ?? 50);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const selected = fake.devices.filter((d) => matches(d, url.searchParams));
    let next: string | null = null;
    if (offset + limit < selected.length) {
      const n = new URL(url.toString());
      n.searchParams.set("offset", String(offset + limit));
      next = fake.mode.foreignNext
        ? `${fake.mode.foreignNext}${n.pathname}${n.search}`
        : `http://${req.headers.host}${n.pathname}${n.search}`;
    }
    answer(200, {
      count: selected.length,
      next,
      previous: null,
      results: selected.slice(offset, offset + limit).map(toNetBox),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
