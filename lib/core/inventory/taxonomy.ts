import { VcError } from "../errors";
import type { Inventory } from "./inventory";
import { slugify } from "./validate";

/**
 * Editing the inventory's sites, roles and platforms (the lists devices refer to), for the editor
 * sidebar. Names and slugs stay unique; a site, role or platform still used by devices is never
 * removed (removing a site would delete its devices: dcim_device.site_id cascades).
 */
export type TaxonomyKind = "site" | "role" | "platform";

export interface TaxonomyInput {
  name: string;
  /** Default: made from the name. */
  slug?: string;
  /** Roles: six hex digits, e.g. "2196f3". */
  color?: string;
  /** Platforms: manufacturer slug or name (created when new). */
  manufacturer?: string;
  /** Platforms: the netmiko / ntc-templates platform name, e.g. "cisco_ios". */
  netmikoDeviceType?: string;
}

export interface TaxonomyItem {
  kind: TaxonomyKind;
  name: string;
  slug: string;
  devices: number;
  color?: string;
  manufacturer?: string;
  netmikoDeviceType?: string;
}

const TABLES: Record<TaxonomyKind, { table: string; column: string }> = {
  site: { table: "dcim_site", column: "site_id" },
  role: { table: "dcim_device_role", column: "role_id" },
  platform: { table: "dcim_platform", column: "platform_id" },
};

interface Row {
  id: number;
  name: string;
  slug: string;
  color?: string | null;
  manufacturer?: string | null;
  netmiko_device_type?: string | null;
  devices: number;
}

/** Every site, role and platform with the number of devices using it, by name. */
export function listTaxonomy(inv: Inventory, kind: TaxonomyKind): TaxonomyItem[] {
  return rows(inv, kind).map((r) => toItem(kind, r));
}

export function addTaxonomy(inv: Inventory, kind: TaxonomyKind, input: TaxonomyInput): TaxonomyItem {
  const v = checked(kind, input, `${kind} ${String(input?.name ?? "")}`);
  inv.transaction(() => {
    assertFree(inv, kind, v.name, v.slug);
    const { table } = TABLES[kind];
    if (kind === "site") inv.db.prepare(`INSERT INTO ${table} (name, slug) VALUES (?, ?)`).run(v.name, v.slug);
    else if (kind === "role")
      inv.db
        .prepare(`INSERT INTO ${table} (name, slug, color) VALUES (?, ?, ?)`)
        .run(v.name, v.slug, v.color ?? "9e9e9e");
    else
      inv.db
        .prepare(`INSERT INTO ${table} (name, slug, manufacturer_id, netmiko_device_type) VALUES (?, ?, ?, ?)`)
        .run(v.name, v.slug, manufacturerOf(inv, v.manufacturer), v.netmikoDeviceType ?? null);
  });
  return getTaxonomy(inv, kind, v.slug);
}

/** Changes a site, role or platform found by slug or name; the devices using it follow. */
export function updateTaxonomy(
  inv: Inventory,
  kind: TaxonomyKind,
  key: string,
  patch: Partial<TaxonomyInput>,
): TaxonomyItem {
  let slug = "";
  inv.transaction(() => {
    const row = findRow(inv, kind, key);
    const v = checked(kind, { ...toItem(kind, row), ...stripUndefined(patch) }, `${kind} ${key}`);
    if (patch.slug === undefined && patch.name !== undefined && patch.name !== row.name) v.slug = row.slug;
    assertFree(inv, kind, v.name, v.slug, row.id);
    const { table } = TABLES[kind];
    inv.db
      .prepare(`UPDATE ${table} SET name = ?, slug = ?, updated_at = datetime('now') WHERE id = ?`)
      .run(v.name, v.slug, row.id);
    if (kind === "role" && v.color) inv.db.prepare(`UPDATE ${table} SET color = ? WHERE id = ?`).run(v.color, row.id);
    if (kind === "platform") {
      if (patch.manufacturer !== undefined)
        inv.db
          .prepare(`UPDATE ${table} SET manufacturer_id = ? WHERE id = ?`)
          .run(manufacturerOf(inv, v.manufacturer), row.id);
      if (patch.netmikoDeviceType !== undefined)
        inv.db
          .prepare(`UPDATE ${table} SET netmiko_device_type = ? WHERE id = ?`)
          .run(v.netmikoDeviceType || null, row.id);
    }
    slug = v.slug;
  });
  return getTaxonomy(inv, kind, slug);
}

/** Removes an unused site, role or platform; one still used by devices is refused (class conflict). */
export function removeTaxonomy(inv: Inventory, kind: TaxonomyKind, key: string): void {
  inv.transaction(() => {
    const row = findRow(inv, kind, key);
    if (row.devices > 0)
      throw new VcError(
        "conflict",
        `still used by ${row.devices} device${row.devices === 1 ? "" : "s"}: move or remove them first`,
        `${kind} ${row.name}`,
      );
    inv.db.prepare(`DELETE FROM ${TABLES[kind].table} WHERE id = ?`).run(row.id);
  });
}

export function getTaxonomy(inv: Inventory, kind: TaxonomyKind, key: string): TaxonomyItem {
  return toItem(kind, findRow(inv, kind, key));
}

function rows(inv: Inventory, kind: TaxonomyKind): Row[] {
  const { table, column } = TABLES[kind];
  const extra =
    kind === "role"
      ? ", t.color AS color"
      : kind === "platform"
        ? ", (SELECT m.slug FROM dcim_manufacturer m WHERE m.id = t.manufacturer_id) AS manufacturer, t.netmiko_device_type"
        : "";
  return inv.db
    .prepare(
      `SELECT t.id, t.name, t.slug${extra}, (SELECT COUNT(*) FROM dcim_device d WHERE d.${column} = t.id) AS devices
       FROM ${table} t ORDER BY t.name COLLATE NOCASE`,
    )
    .all() as Row[];
}

function findRow(inv: Inventory, kind: TaxonomyKind, key: string): Row {
  const k = String(key ?? "").toLowerCase();
  const found =
    rows(inv, kind).find((r) => r.slug.toLowerCase() === k) ?? rows(inv, kind).find((r) => r.name.toLowerCase() === k);
  if (!found) throw new VcError("not_found", `no ${kind} named '${key}'`, kind);
  return found;
}

function toItem(kind: TaxonomyKind, r: Row): TaxonomyItem {
  const item: TaxonomyItem = { kind, name: r.name, slug: r.slug, devices: r.devices };
  if (kind === "role") item.color = r.color ?? "9e9e9e";
  if (kind === "platform") {
    if (r.manufacturer) item.manufacturer = r.manufacturer;
    if (r.netmiko_device_type) item.netmikoDeviceType = r.netmiko_device_type;
  }
  return item;
}

function checked(kind: TaxonomyKind, input: TaxonomyInput, where: string): TaxonomyInput & { slug: string } {
  if (!input || typeof input !== "object") throw new VcError("invalid_input", "must be an object", where);
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (name === "" || name.length > 100)
    throw new VcError("invalid_input", "a name of 1 to 100 characters is required", `${where}, field name`);
  const slug = input.slug !== undefined && input.slug.trim() !== "" ? input.slug.trim() : slugify(name);
  if (!/^[a-z0-9_-]{1,100}$/.test(slug))
    throw new VcError("invalid_input", "a slug holds only a-z, 0-9, '-' and '_'", `${where}, field slug`);
  let color = input.color;
  if (kind === "role" && color !== undefined) {
    color = color.replace(/^#/, "").toLowerCase();
    if (!/^[0-9a-f]{6}$/.test(color))
      throw new VcError("invalid_input", "a colour is six hex digits, e.g. 2196f3", `${where}, field color`);
  }
  const netmiko = input.netmikoDeviceType?.trim();
  if (kind === "platform" && netmiko && !/^[a-z0-9_]{1,64}$/.test(netmiko))
    throw new VcError(
      "invalid_input",
      "the netmiko platform name holds only a-z, 0-9 and '_' (e.g. cisco_ios)",
      `${where}, field netmikoDeviceType`,
    );
  return { ...input, name, slug, color, netmikoDeviceType: netmiko };
}

function assertFree(inv: Inventory, kind: TaxonomyKind, name: string, slug: string, exceptId?: number): void {
  const clash = rows(inv, kind).find(
    (r) => r.id !== exceptId && (r.name.toLowerCase() === name.toLowerCase() || r.slug === slug),
  );
  if (clash) throw new VcError("conflict", `a ${kind} '${clash.name}' (${clash.slug}) already exists`, kind);
}

function manufacturerOf(inv: Inventory, text: string | undefined): number | null {
  if (!text || text.trim() === "") return null;
  return inv.manufacturerId(slugify(text), text.trim());
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
