import type { Device } from "../types";
import { VcError, type ErrorClass } from "../errors";
import { labelsOf, withLabels } from "./labels";
import { PlatformCatalog, ntcName } from "./platforms";
import type { CredentialStatus } from "./types";
import {
  checkCredentialName,
  checkDeviceName,
  checkHost,
  checkPort,
  checkStatus,
  checkTags,
  type Checked,
} from "./validate";

/** One bad item of a device list: where it is ("msg.payload[3].host") and what is wrong. */
export interface ItemError {
  where: string;
  problem: string;
  message: string;
}

const HOST_KEYS = ["host", "primary_ip4", "ip", "address", "management_ip", "primary_ip6"] as const;
const KNOWN_KEYS = new Set<string>([
  ...HOST_KEYS,
  "id",
  "name",
  "port",
  "ssh_port",
  "platform",
  "site",
  "role",
  "manufacturer",
  "vendor",
  "status",
  "tags",
  "credentialName",
  "credential",
  "credentialStatus",
  "credentialTestedAt",
  "extra",
]);

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (value && typeof value === "object" && typeof (value as { slug?: unknown }).slug === "string")
    return (value as { slug: string }).slug;
  return undefined;
}

function normaliseOne(item: unknown, where: string, catalog: PlatformCatalog, errors: ItemError[]): Device | undefined {
  const fail = (field: string | undefined, problem: string) => {
    const at = field ? `${where}.${field}` : where;
    errors.push({ where: at, problem, message: `${at}: ${problem}` });
  };
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    fail(
      undefined,
      `a device must be an object with name, host and platform, got ${item === null ? "null" : Array.isArray(item) ? "an array" : typeof item}`,
    );
    return undefined;
  }
  const o = item as Record<string, unknown>;
  const before = errors.length;
  const take = <T>(field: string, checked: Checked<T>): T | undefined => {
    if (checked.ok) return checked.value;
    fail(field, checked.problem);
    return undefined;
  };
  const name = take("name", checkDeviceName(o.name));
  const hostKey = HOST_KEYS.find((k) => o[k] !== undefined && o[k] !== null && o[k] !== "");
  const host = hostKey
    ? take(
        hostKey,
        typeof o[hostKey] === "string"
          ? checkHost(o[hostKey] as string)
          : { ok: false, problem: `must be text, got ${typeof o[hostKey]}` },
      )
    : undefined;
  if (!hostKey) fail("host", "a host is required (host, primary_ip4 or ip)");
  const port = take(o.port !== undefined ? "port" : "ssh_port", checkPort(o.port ?? o.ssh_port));
  const platformText = text(o.platform);
  const platform = platformText ? catalog.find(platformText) : undefined;
  if (!platformText) fail("platform", "a platform is required (e.g. cisco_ios)");
  else if (!platform)
    fail("platform", `unknown platform '${platformText}' (known: ${catalog.knownNames().join(", ")})`);
  const status = take("status", checkStatus(text(o.status) ?? o.status));
  const tags = take("tags", checkTags(o.tags));
  const credentialName = take(
    o.credentialName !== undefined ? "credentialName" : "credential",
    checkCredentialName(o.credentialName ?? o.credential),
  );
  let credentialStatus: CredentialStatus = "untested";
  if (o.credentialStatus !== undefined && o.credentialStatus !== null) {
    if (o.credentialStatus === "ok" || o.credentialStatus === "failed" || o.credentialStatus === "untested")
      credentialStatus = o.credentialStatus;
    else fail("credentialStatus", `must be ok, failed or untested, got ${JSON.stringify(o.credentialStatus)}`);
  }
  if (o.extra !== undefined && (o.extra === null || typeof o.extra !== "object" || Array.isArray(o.extra)))
    fail("extra", "must be an object");
  if (errors.length > before || !name || !host || !platform || port === undefined || status === undefined || !tags)
    return undefined;

  const extra: Record<string, unknown> = { ...((o.extra as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(o)) if (!KNOWN_KEYS.has(k) && v !== undefined) extra[k] = v;
  const device: Device = {
    ...(typeof o.id === "number" ? { id: o.id } : {}),
    name,
    host,
    port,
    platform: ntcName(platform),
    site: text(o.site),
    role: text(o.role),
    manufacturer: text(o.manufacturer) ?? text(o.vendor) ?? platform.manufacturer,
    status,
    tags,
    credentialName,
    credentialStatus,
    credentialTestedAt: typeof o.credentialTestedAt === "string" ? o.credentialTestedAt : undefined,
    extra: Object.keys(extra).length ? extra : undefined,
  };
  const labels = labelsOf(device);
  return withLabels(device, {
    ...labels,
    platformName: labels.platformName ?? platform.name,
    platformSlug: labels.platformSlug ?? platform.slug,
    manufacturerName: labels.manufacturerName ?? catalog.manufacturerName(device.manufacturer),
  });
}

/**
 * Devices from loosely typed input (an inline list in a node's configuration, msg.payload, a
 * JSON file): one object or an array of objects with at least name, host (or primary_ip4 / ip)
 * and platform. Returns the good devices and one located error per bad item.
 */
export function normaliseDevicesReport(
  input: unknown,
  where = "devices",
  platforms?: PlatformCatalog,
): { devices: Device[]; errors: ItemError[] } {
  const catalog = platforms ?? new PlatformCatalog();
  const errors: ItemError[] = [];
  const devices: Device[] = [];
  if (input === undefined || input === null) {
    errors.push({ where, problem: "no devices given", message: `${where}: no devices given` });
    return { devices, errors };
  }
  const items = Array.isArray(input) ? input : [input];
  const firstIndexOf = new Map<string, number>();
  items.forEach((item, i) => {
    const at = Array.isArray(input) ? `${where}[${i}]` : where;
    const d = normaliseOne(item, at, catalog, errors);
    if (!d) return;
    const first = firstIndexOf.get(d.name);
    if (first !== undefined) {
      errors.push({
        where: `${at}.name`,
        problem: `duplicate device name '${d.name}' (first at index ${first})`,
        message: `${at}.name: duplicate device name '${d.name}' (first at index ${first})`,
      });
      return;
    }
    firstIndexOf.set(d.name, i);
    devices.push(d);
  });
  return { devices, errors };
}

/** Like normaliseDevicesReport, but any bad item is an error naming every bad item. */
export function normaliseDevices(input: unknown, where = "devices", platforms?: PlatformCatalog): Device[] {
  const { devices, errors } = normaliseDevicesReport(input, where, platforms);
  if (errors.length)
    throw aggregateError(
      "invalid_device",
      errors.map((e) => e.message),
    );
  return devices;
}

/** One error listing several located problems (the first ten, then a count). */
export function aggregateError(errorClass: ErrorClass, messages: string[]): VcError {
  const shown = messages.slice(0, 10);
  const more = messages.length > shown.length ? `; and ${messages.length - shown.length} more` : "";
  const head = messages.length === 1 ? "" : `${messages.length} problems: `;
  return new VcError(errorClass, `${head}${shown.join("; ")}${more}`);
}
