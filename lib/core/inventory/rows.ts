import type { Device } from "../types";
import { LABELS_KEY, type DcimLabels } from "./labels";
import type { CredentialStatus } from "./types";

/**
 * How dcim_device rows (joined with their site, platform, manufacturer and role) become Devices.
 * Columns that an older dcim.db lacks (VelocityCollector v1 has no credential test columns, v2
 * none of ours) are selected as NULL, so any version reads the same way.
 */
export interface DeviceRow {
  id: number;
  name: string;
  site_id: number | null;
  platform_id: number | null;
  role_id: number | null;
  status: string | null;
  primary_ip4: string | null;
  primary_ip6: string | null;
  ssh_port: number | null;
  credential_id: number | null;
  credential_tested_at: string | null;
  credential_test_result: string | null;
  description: string | null;
  netbox_id: number | null;
  credential_name: string | null;
  tags: string | null;
  custom_fields: string | null;
  site_name: string | null;
  site_slug: string | null;
  platform_name: string | null;
  platform_slug: string | null;
  netmiko_device_type: string | null;
  manufacturer_name: string | null;
  manufacturer_slug: string | null;
  role_name: string | null;
  role_slug: string | null;
  role_color: string | null;
}

const OPTIONAL_DEVICE_COLUMNS = [
  "site_id",
  "platform_id",
  "role_id",
  "status",
  "primary_ip4",
  "primary_ip6",
  "ssh_port",
  "credential_id",
  "credential_tested_at",
  "credential_test_result",
  "description",
  "netbox_id",
  "credential_name",
  "tags",
  "custom_fields",
];

export function deviceSelectSql(deviceColumns: Set<string>): string {
  const cols = OPTIONAL_DEVICE_COLUMNS.map((c) => (deviceColumns.has(c) ? `d.${c}` : `NULL AS ${c}`)).join(", ");
  return `SELECT d.id, d.name, ${cols},
    s.name AS site_name, s.slug AS site_slug, p.name AS platform_name, p.slug AS platform_slug, p.netmiko_device_type,
    m.name AS manufacturer_name, m.slug AS manufacturer_slug, r.name AS role_name, r.slug AS role_slug, r.color AS role_color
  FROM dcim_device d
  LEFT JOIN dcim_site s ON ${deviceColumns.has("site_id") ? "d.site_id" : "NULL"} = s.id
  LEFT JOIN dcim_platform p ON ${deviceColumns.has("platform_id") ? "d.platform_id" : "NULL"} = p.id
  LEFT JOIN dcim_manufacturer m ON p.manufacturer_id = m.id
  LEFT JOIN dcim_device_role r ON ${deviceColumns.has("role_id") ? "d.role_id" : "NULL"} = r.id`;
}

/** VelocityCollector stores 'success' | 'failed' | 'untested' (NULL = untested). */
export function credentialStatusFromDb(value: string | null): CredentialStatus {
  if (value === "success" || value === "ok") return "ok";
  if (value === "failed") return "failed";
  return "untested";
}

export function credentialStatusToDb(status: CredentialStatus): string {
  return status === "ok" ? "success" : status;
}

/** Timestamps are stored like SQLite's datetime('now'): 'YYYY-MM-DD HH:MM:SS', UTC. */
export function sqlTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/** Stored timestamps in that form are shown as ISO 8601 UTC; anything else as stored. */
export function isoTimestamp(value: string | null): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
}

/** An address stored with a prefix length (as NetBox exports it) is used without it. */
export function stripPrefix(address: string | null): string | undefined {
  if (!address) return undefined;
  const trimmed = address.trim();
  if (trimmed === "") return undefined;
  const slash = trimmed.indexOf("/");
  return slash < 0 ? trimmed : trimmed.slice(0, slash);
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function rowTags(row: Pick<DeviceRow, "tags">): string[] {
  if (!row.tags || row.tags === "[]") return [];
  const tags = parseJson<unknown>(row.tags, []);
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

export function rowCustomFields(row: Pick<DeviceRow, "custom_fields">): Record<string, unknown> {
  const fields = parseJson<unknown>(row.custom_fields, {});
  return fields !== null && typeof fields === "object" && !Array.isArray(fields)
    ? (fields as Record<string, unknown>)
    : {};
}

/** Cheaper than Object.keys(o).length on the hot path of listing 10,000 devices. */
function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

export function rowToDevice(row: DeviceRow): Device {
  const extra: Record<string, unknown> = row.custom_fields ? rowCustomFields(row) : {};
  if (row.netbox_id !== null) extra.netboxId = row.netbox_id;
  if (row.description) extra.description = row.description;
  // VelocityCollector's credential_id points into its own vault; kept for reference only.
  if (row.credential_id !== null) extra.vcCredentialId = row.credential_id;
  const labels: DcimLabels = {};
  if (row.site_name) labels.siteName = row.site_name;
  if (row.role_name) labels.roleName = row.role_name;
  if (row.role_color) labels.roleColor = row.role_color;
  if (row.platform_name) labels.platformName = row.platform_name;
  if (row.platform_slug) labels.platformSlug = row.platform_slug;
  if (row.manufacturer_name) labels.manufacturerName = row.manufacturer_name;
  if (hasKeys(labels)) extra[LABELS_KEY] = labels;
  return {
    id: row.id,
    name: row.name,
    host: stripPrefix(row.primary_ip4) ?? stripPrefix(row.primary_ip6) ?? "",
    port: row.ssh_port ?? 22,
    platform: row.netmiko_device_type || row.platform_slug || "",
    site: row.site_slug ?? undefined,
    role: row.role_slug ?? undefined,
    manufacturer: row.manufacturer_slug ?? undefined,
    status: row.status ?? "active",
    tags: row.tags ? rowTags(row) : [],
    credentialName: row.credential_name ?? undefined,
    credentialStatus: credentialStatusFromDb(row.credential_test_result),
    credentialTestedAt: isoTimestamp(row.credential_tested_at),
    extra: hasKeys(extra) ? extra : undefined,
  };
}
