import { loadCatalogue } from "../platforms";
import type { ManufacturerInfo, PlatformInfo, RoleInfo } from "./types";

/**
 * Seed data written by `Inventory.init()`, read from the platform catalogue (lib/core/platforms):
 * every platform record's inventory rows and the vendors. The first 8 manufacturers, 13 platforms
 * and 12 roles are VelocityCollector's own seeds (same names, slugs, netmiko types, paging
 * commands and colours, in its order), so a DCIM initialised here looks like one initialised by
 * `vcollector init` there; the catalogue's other platforms follow by name.
 */

/** VelocityCollector's own platform seeds, in its insertion order (the ids it gives them). */
const VELOCITYCOLLECTOR_ORDER = [
  "cisco_ios",
  "cisco_ios_xe",
  "cisco_ios_xr",
  "cisco_nxos",
  "cisco_asa",
  "arista_eos",
  "juniper_junos",
  "paloalto_panos",
  "fortinet_fortios",
  "f5_tmos",
  "hp_procurve",
  "hp_comware",
  "dell_os10",
];

export const DEFAULT_MANUFACTURERS: ManufacturerInfo[] = loadCatalogue().vendors.map((v) => ({
  name: v.name,
  slug: v.slug,
}));

function seededPlatforms(): PlatformInfo[] {
  const rows = loadCatalogue()
    .list()
    .flatMap((r) => r.inventory);
  const rank = (slug: string) => {
    const i = VELOCITYCOLLECTOR_ORDER.indexOf(slug);
    return i < 0 ? VELOCITYCOLLECTOR_ORDER.length : i;
  };
  rows.sort((a, b) => rank(a.slug) - rank(b.slug) || a.name.localeCompare(b.name));
  return rows.map((r) => ({
    name: r.name,
    slug: r.slug,
    manufacturer: r.vendor,
    netmikoDeviceType: r.deviceType,
    pagingDisableCommand: r.pagingCommand,
  }));
}

export const DEFAULT_PLATFORMS: PlatformInfo[] = seededPlatforms();

export const DEFAULT_ROLES: RoleInfo[] = [
  { name: "Router", slug: "router", color: "3498db" },
  { name: "Switch", slug: "switch", color: "2ecc71" },
  { name: "Firewall", slug: "firewall", color: "e74c3c" },
  { name: "Load Balancer", slug: "load-balancer", color: "9b59b6" },
  { name: "Wireless Controller", slug: "wireless-controller", color: "f39c12" },
  { name: "Access Point", slug: "access-point", color: "1abc9c" },
  { name: "Spine", slug: "spine", color: "3498db" },
  { name: "Leaf", slug: "leaf", color: "2ecc71" },
  { name: "Core", slug: "core", color: "e67e22" },
  { name: "Distribution", slug: "distribution", color: "f1c40f" },
  { name: "Access", slug: "access", color: "27ae60" },
  { name: "Edge", slug: "edge", color: "9b59b6" },
];

/** NetBox platform slugs commonly seen in the wild → netmiko/ntc platform names (editable per client). */
export const DEFAULT_NETBOX_PLATFORM_MAP: Record<string, string> = Object.fromEntries(
  loadCatalogue()
    .list()
    .flatMap((r) => r.inventory.flatMap((row) => row.netbox.map((slug) => [slug, row.deviceType]))),
);
