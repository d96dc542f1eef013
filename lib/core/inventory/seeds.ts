import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { loadCatalogue } from "../platforms";
import type { ManufacturerInfo, PlatformInfo, RoleInfo } from "./types";
import { slugify } from "./validate";

/**
 * Seed data written by `Inventory.init()`, read from the platform catalogue (lib/core/platforms):
 * every platform record's inventory rows and the vendors. The first 8 manufacturers, 13 platforms
 * and 12 roles are VelocityCollector's own seeds (same names, slugs, netmiko types, paging
 * commands and colours, in its order), so a DCIM initialised here looks like one initialised by
 * `vcollector init` there; the catalogue's other platforms follow by name. VelocityCollector's
 * platform order and its roles are in ./seeds.yaml.
 */

interface SeedsFile {
  velocitycollectorPlatformOrder: string[];
  roles: Array<{ name: string; color: string }>;
}

const SEEDS: SeedsFile = yaml.load(fs.readFileSync(path.join(__dirname, "seeds.yaml"), "utf8")) as SeedsFile;

/** VelocityCollector's own platform seeds, in its insertion order (the ids it gives them). */
export const VELOCITYCOLLECTOR_PLATFORM_ORDER: readonly string[] = SEEDS.velocitycollectorPlatformOrder;

export const DEFAULT_MANUFACTURERS: ManufacturerInfo[] = loadCatalogue().vendors.map((v) => ({
  name: v.name,
  slug: v.slug,
}));

function seededPlatforms(): PlatformInfo[] {
  const rows = loadCatalogue()
    .list()
    .flatMap((r) => r.inventory);
  const rank = (slug: string) => {
    const i = VELOCITYCOLLECTOR_PLATFORM_ORDER.indexOf(slug);
    return i < 0 ? VELOCITYCOLLECTOR_PLATFORM_ORDER.length : i;
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

export const DEFAULT_ROLES: RoleInfo[] = SEEDS.roles.map((r) => ({
  name: r.name,
  slug: slugify(r.name),
  color: r.color,
}));

/** NetBox platform slugs commonly seen in the wild → netmiko/ntc platform names (editable per client). */
export const DEFAULT_NETBOX_PLATFORM_MAP: Record<string, string> = Object.fromEntries(
  loadCatalogue()
    .list()
    .flatMap((r) => r.inventory.flatMap((row) => row.netbox.map((slug) => [slug, row.deviceType]))),
);
