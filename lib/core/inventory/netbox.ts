import type { Device } from "../types";
import { VcError, errorMessage } from "../errors";
import { deviceToInput, type Inventory } from "./inventory";
import { withLabels } from "./labels";
import { PlatformCatalog, ntcName } from "./platforms";
import { DEFAULT_NETBOX_PLATFORM_MAP } from "./seeds";
import type { NetBoxFilter } from "./types";
import { checkIp, checkPort, checkStatus } from "./validate";

export interface NetBoxClientOptions {
  /** Base URL of NetBox, e.g. https://netbox.example.com (with or without a trailing /). */
  url: string;
  /** API token, sent as `Authorization: Token <token>`; never logged, never in an error. */
  token: string;
  /** Per request, body included (default 15000). */
  timeoutMs?: number;
  /** NetBox platform slug → ntc/netmiko platform name; merged over DEFAULT_NETBOX_PLATFORM_MAP. */
  platformMap?: Record<string, string>;
  /** Devices per page (NetBox `limit`, default 200). */
  pageSize?: number;
  /** Upper bound on pages followed through `next` (default 10000). */
  maxPages?: number;
}

/** The parts of a NetBox device (API v3.x and v4.x) that we read. */
interface NetBoxDevice {
  id?: number;
  name?: string | null;
  device_type?: { manufacturer?: { name?: string; slug?: string } | null } | null;
  role?: { name?: string; slug?: string; color?: string } | null;
  device_role?: { name?: string; slug?: string; color?: string } | null;
  site?: { name?: string; slug?: string } | null;
  platform?: { name?: string; slug?: string } | null;
  status?: { value?: string } | string | null;
  primary_ip4?: { address?: string } | null;
  primary_ip6?: { address?: string } | null;
  tags?: Array<{ name?: string; slug?: string }>;
  custom_fields?: Record<string, unknown> | null;
  serial?: string;
  description?: string;
}

interface NetBoxPage {
  count?: number;
  next?: string | null;
  results?: unknown;
}

/**
 * Reads devices from NetBox's REST API (`/api/dcim/devices/`), following `next` for pagination,
 * with NetBox's own server-side filters. Each device becomes a Device: primary_ip4 (or
 * primary_ip6) without its prefix length as host, the platform slug mapped to an ntc platform
 * name, the SSH port from a `ssh_port` custom field when there is one.
 */
export class NetBoxClient {
  private readonly base: URL;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly platformMap: Record<string, string>;
  private readonly catalog = new PlatformCatalog();
  /** Devices left out by the last listDevices (NetBox devices without a name). */
  skipped: Array<{ id?: number; reason: string }> = [];

  constructor(opts: NetBoxClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new VcError("invalid_config", `'${opts.url}' is not a URL`, "netbox.url");
    }
    if (base.protocol !== "http:" && base.protocol !== "https:")
      throw new VcError("invalid_config", `NetBox URL must be http or https, got ${base.protocol}`, "netbox.url");
    if (base.username || base.password)
      throw new VcError("invalid_config", "put the NetBox token in the token setting, not in the URL", "netbox.url");
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    base.search = "";
    base.hash = "";
    if (typeof opts.token !== "string" || opts.token.trim() === "")
      throw new VcError("invalid_config", "a NetBox API token is required", "netbox.token");
    if (/[\r\n]/.test(opts.token))
      throw new VcError("invalid_config", "the NetBox token contains a line break", "netbox.token");
    this.base = base;
    this.token = opts.token.trim();
    this.timeoutMs = positive(opts.timeoutMs, 15000, "netbox.timeoutMs");
    this.pageSize = positive(opts.pageSize, 200, "netbox.pageSize");
    this.maxPages = positive(opts.maxPages, 10000, "netbox.maxPages");
    this.platformMap = Object.fromEntries(
      Object.entries({ ...DEFAULT_NETBOX_PLATFORM_MAP, ...(opts.platformMap ?? {}) }).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    );
  }

  /** The devices URL with NetBox's filters (site, role, platform, status and tag slugs). */
  devicesUrl(filter: NetBoxFilter = {}): string {
    const url = new URL("api/dcim/devices/", this.base);
    url.searchParams.set("limit", String(this.pageSize));
    for (const key of ["site", "role", "platform", "status", "tag"] as const) {
      const value = filter[key];
      if (typeof value === "string" && value.trim() !== "") url.searchParams.set(key, value.trim());
    }
    return url.toString();
  }

  async listDevices(filter: NetBoxFilter = {}): Promise<Device[]> {
    this.skipped = [];
    const devices: Device[] = [];
    const seen = new Set<string>();
    let url = this.devicesUrl(filter);
    for (let page = 0; page < this.maxPages; page++) {
      seen.add(url);
      const body = await this.getJson(url);
      if (!Array.isArray(body.results))
        throw new VcError("netbox_bad_response", "the answer has no 'results' list (is this NetBox's API?)", url);
      for (const item of body.results as NetBoxDevice[]) {
        const device = this.toDevice(item);
        if (device) devices.push(device);
      }
      if (!body.next) return devices;
      const next = this.followable(body.next, url);
      if (seen.has(next))
        throw new VcError("netbox_bad_response", "pagination loops back to a page already read", next);
      url = next;
    }
    throw new VcError(
      "netbox_bad_response",
      `more than ${this.maxPages} pages of devices; narrow the filters or raise maxPages`,
      this.devicesUrl(filter),
    );
  }

  /** The token goes only to the configured NetBox: a `next` link elsewhere is refused. */
  private followable(next: string, from: string): string {
    let url: URL;
    try {
      url = new URL(next, from);
    } catch {
      throw new VcError("netbox_bad_response", `'next' is not a URL: ${next}`, from);
    }
    if (url.origin !== this.base.origin) {
      // NetBox behind a proxy often reports its internal address in `next`: keep the path and
      // query, and stay on the configured origin.
      const local = new URL(url.pathname + url.search, this.base.origin);
      if (!local.pathname.includes("/api/dcim/devices/"))
        throw new VcError("netbox_bad_response", `'next' points outside the devices API: ${url.pathname}`, from);
      return local.toString();
    }
    return url.toString();
  }

  private async getJson(url: string): Promise<NetBoxPage> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Token ${this.token}`, Accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
        // Never follow a redirect with the token: say where NetBox points instead.
        redirect: "manual",
      });
      text = await response.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === "TimeoutError" || e.name === "AbortError")
        throw new VcError("netbox_timeout", `NetBox did not answer within ${this.timeoutMs} ms`, url);
      const reason = e.cause?.code ?? e.cause?.message ?? errorMessage(err);
      throw new VcError("netbox_unreachable", `cannot reach NetBox: ${this.scrub(reason)}`, url);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      throw new VcError(
        "netbox_redirect",
        `NetBox answered with a redirect (HTTP ${response.status}${location ? ` to ${this.scrub(location)}` : ""}); set the NetBox URL to where it points`,
        url,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new VcError("netbox_auth", `NetBox refused the token (HTTP ${response.status})`, url);
    }
    if (!response.ok) {
      const detail = this.detail(text);
      throw new VcError(
        "netbox_http",
        `NetBox answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${detail ? `: ${detail}` : ""}`,
        url,
      );
    }
    try {
      const body = JSON.parse(text) as unknown;
      if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
      return body as NetBoxPage;
    } catch {
      throw new VcError("netbox_bad_response", "NetBox's answer is not a JSON object", url);
    }
  }

  private detail(text: string): string {
    let detail = text;
    try {
      const body = JSON.parse(text) as { detail?: unknown };
      if (typeof body.detail === "string") detail = body.detail;
    } catch {
      // not JSON: show the start of the text
    }
    return this.scrub(detail.replace(/\s+/g, " ").trim().slice(0, 200));
  }

  private scrub(text: string): string {
    return text.split(this.token).join("<token>");
  }

  mapPlatform(slug: string | undefined, name: string | undefined): string {
    if (!slug) return "";
    const mapped = this.platformMap[slug.toLowerCase()];
    if (mapped) return mapped;
    const known =
      this.catalog.find(slug) ??
      this.catalog.find(slug.replace(/-/g, "_")) ??
      (name ? this.catalog.find(name) : undefined);
    return known ? ntcName(known) : slug.replace(/-/g, "_");
  }

  toDevice(item: NetBoxDevice): Device | undefined {
    const name = typeof item.name === "string" ? item.name.trim() : "";
    if (!name) {
      this.skipped.push({ id: item.id, reason: "the device has no name in NetBox" });
      return undefined;
    }
    const address = item.primary_ip4?.address ?? item.primary_ip6?.address;
    const ip = address ? checkIp(address) : undefined;
    const role = item.role ?? item.device_role ?? undefined;
    const manufacturer = item.device_type?.manufacturer ?? undefined;
    const statusValue = typeof item.status === "string" ? item.status : item.status?.value;
    const status = checkStatus(statusValue);
    const port = checkPort(item.custom_fields?.ssh_port ?? undefined);
    const extra: Record<string, unknown> = {};
    if (typeof item.id === "number") extra.netboxId = item.id;
    if (item.description) extra.description = item.description;
    if (item.serial) extra.serial = item.serial;
    const device: Device = {
      name,
      host: ip?.ok ? ip.value.address : "",
      port: port.ok ? port.value : 22,
      platform: this.mapPlatform(item.platform?.slug, item.platform?.name),
      site: item.site?.slug,
      role: role?.slug,
      manufacturer: manufacturer?.slug,
      status: status.ok ? status.value : statusValue,
      tags: (item.tags ?? [])
        .map((t) => t.slug ?? t.name)
        .filter((t): t is string => typeof t === "string" && t !== ""),
      credentialStatus: "untested",
      extra,
    };
    return withLabels(device, {
      siteName: item.site?.name,
      roleName: role?.name,
      roleColor: role?.color,
      platformName: item.platform?.name,
      manufacturerName: manufacturer?.name,
    });
  }
}

function positive(value: number | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new VcError("invalid_config", `must be a whole number of at least 1, got ${value}`, where);
  return value;
}

export interface SyncReport {
  added: number;
  updated: number;
  unchanged: number;
  /** Devices that could not be written, each with its reason; the others are written anyway. */
  failed: Array<{ device: string; error: string }>;
}

/**
 * Writes devices (from NetBox) into the SQLite inventory, matched by NetBox id, else by name.
 * Missing sites, roles and platforms are created. Devices absent from the list are left alone.
 * The credential mapping and test results already in the inventory are kept.
 */
export function syncFromNetBox(inv: Inventory, devices: Device[]): SyncReport {
  const report: SyncReport = { added: 0, updated: 0, unchanged: 0, failed: [] };
  for (const device of devices) {
    try {
      const input = deviceToInput(device);
      // NetBox does not know our credential mapping: never overwrite it from there. A device
      // without a platform or address in NetBox keeps the one set here.
      const { credentialName: _kept, ...rest } = input;
      const patch = { ...rest, platform: input.platform || undefined, host: input.host || undefined } as typeof input;
      report[inv.upsertDevice(patch, { createMissing: true, createPlatforms: true })]++;
    } catch (err) {
      report.failed.push({ device: device.name, error: errorMessage(err) });
    }
  }
  return report;
}
