import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { VcError, errorMessage } from "../errors";
import type { Inventory } from "./inventory";
import { columnsOf, tableExists } from "./schema";
import type { ImportReport } from "./types";

type Db = Database.Database;
type Row = Record<string, unknown> & { id: number };

export interface VcImportOptions {
  /** Names in our vault; a mapping to any other name is reported and left empty. */
  knownCredentialNames?: string[];
  /** VelocityCollector's vault (credential ids → names); default: collector.db beside the dcim.db. */
  collectorDb?: string;
}

function openReadOnly(file: string, what: string): Db {
  if (!fs.existsSync(file)) throw new VcError("inventory_not_found", `no such ${what}`, file);
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new VcError("inventory_open", `cannot open ${what}: ${errorMessage(err)}`, file, { cause: err });
  }
}

/** VelocityCollector keeps credential names in collector.db; dcim.db has only their ids. */
function credentialNames(file: string): Map<number, string> {
  const names = new Map<number, string>();
  if (!fs.existsSync(file)) return names;
  const db = openReadOnly(file, "VelocityCollector vault");
  try {
    if (!tableExists(db, "credentials")) return names;
    for (const r of db.prepare("SELECT id, name FROM credentials").all() as Array<{ id: number; name: string }>)
      names.set(r.id, r.name);
    return names;
  } finally {
    db.close();
  }
}

/** Rows of a source table with only the columns both sides have. */
function copyableColumns(source: Db, target: Db, table: string, wanted: string[]): string[] {
  const have = columnsOf(source, table);
  const accept = columnsOf(target, table);
  return wanted.filter((c) => have.has(c) && accept.has(c));
}

/**
 * Copies a VelocityCollector dcim.db (sites, manufacturers, platforms, roles, devices) into our
 * inventory. Everything is matched by slug (devices by name): existing rows are reused or
 * updated, nothing is deleted. Each device's credential_id is turned into the credential's NAME
 * through VelocityCollector's collector.db, so it can be matched against our vault after
 * `vault import-vc`. The whole import is one transaction.
 */
export function importVelocityCollectorDcim(
  source: string,
  target: Inventory,
  opts: VcImportOptions = {},
): ImportReport {
  const src = openReadOnly(source, "VelocityCollector dcim.db");
  try {
    if (!tableExists(src, "dcim_device") || !tableExists(src, "dcim_site"))
      throw new VcError(
        "inventory_open",
        "not a VelocityCollector dcim.db (no dcim_site / dcim_device tables)",
        source,
      );
    const names = credentialNames(opts.collectorDb ?? path.join(path.dirname(source), "collector.db"));
    const known = opts.knownCredentialNames ? new Set(opts.knownCredentialNames) : undefined;
    const report: ImportReport = {
      source,
      sites: 0,
      manufacturers: 0,
      platforms: 0,
      roles: 0,
      devicesAdded: 0,
      devicesUpdated: 0,
      credentialsMapped: 0,
      unmatchedCredentials: [],
      skipped: [],
    };
    target.transaction(() => copyAll(src, target, names, known, report));
    return report;
  } finally {
    src.close();
  }
}

function copyAll(
  src: Db,
  target: Inventory,
  credNames: Map<number, string>,
  known: Set<string> | undefined,
  report: ImportReport,
): void {
  const tgt = target.db;
  const free = (table: string, column: string, value: unknown, exceptId?: number) =>
    value === null ||
    value === undefined ||
    !tgt.prepare(`SELECT 1 FROM ${table} WHERE ${column} = ? AND id IS NOT ?`).get(value, exceptId ?? null);

  /** Copies one lookup table; returns source id → target id. */
  const copyLookup = (
    table: string,
    columns: string[],
    counter: "sites" | "manufacturers" | "platforms" | "roles",
    remap: (row: Row) => Row = (r) => r,
  ) => {
    const ids = new Map<number, number>();
    const cols = copyableColumns(src, tgt, table, columns);
    for (const raw of src.prepare(`SELECT id, ${cols.join(", ")} FROM ${table} ORDER BY id`).all() as Row[]) {
      const row = remap(raw);
      const existing = tgt
        .prepare(`SELECT id FROM ${table} WHERE slug = ? OR name = ? ORDER BY (slug = ?) DESC LIMIT 1`)
        .get(row.slug, row.name, row.slug) as { id: number } | undefined;
      if (existing) {
        ids.set(raw.id, existing.id);
        continue;
      }
      const values = cols.map((c) =>
        c === "netbox_id" && !free(table, "netbox_id", row[c]) ? null : (row[c] ?? null),
      );
      ids.set(
        raw.id,
        Number(
          tgt
            .prepare(`INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`)
            .run(...values).lastInsertRowid,
        ),
      );
      report[counter]++;
    }
    return ids;
  };

  const manufacturers = copyLookup("dcim_manufacturer", ["name", "slug", "description", "netbox_id"], "manufacturers");
  const platforms = copyLookup(
    "dcim_platform",
    ["name", "slug", "manufacturer_id", "description", "netmiko_device_type", "paging_disable_command", "netbox_id"],
    "platforms",
    (r) => ({
      ...r,
      manufacturer_id: r.manufacturer_id === null ? null : (manufacturers.get(r.manufacturer_id as number) ?? null),
    }),
  );
  const roles = copyLookup("dcim_device_role", ["name", "slug", "color", "description", "netbox_id"], "roles");
  const sites = copyLookup(
    "dcim_site",
    ["name", "slug", "status", "description", "physical_address", "facility", "time_zone", "netbox_id"],
    "sites",
  );

  const deviceCols = copyableColumns(src, tgt, "dcim_device", [
    "name",
    "site_id",
    "platform_id",
    "role_id",
    "status",
    "serial_number",
    "asset_tag",
    "primary_ip4",
    "primary_ip6",
    "oob_ip",
    "credential_id",
    "ssh_port",
    "credential_tested_at",
    "credential_test_result",
    "description",
    "comments",
    "netbox_id",
    "last_collected_at",
  ]);
  const unmatched = new Set<string>();
  const seen = new Set<string>();
  for (const raw of src.prepare(`SELECT id, ${deviceCols.join(", ")} FROM dcim_device ORDER BY id`).all() as Row[]) {
    const name = String(raw.name);
    if (seen.has(name)) {
      report.skipped.push({
        device: name,
        reason:
          "another device of the same name was imported (VelocityCollector allows one per site; here names are unique)",
      });
      continue;
    }
    seen.add(name);
    const siteId = sites.get(raw.site_id as number);
    if (siteId === undefined) {
      report.skipped.push({
        device: name,
        reason: `its site (id ${String(raw.site_id)}) does not exist in the source`,
      });
      continue;
    }
    const row: Record<string, unknown> = {
      ...raw,
      site_id: siteId,
      platform_id: raw.platform_id == null ? null : (platforms.get(raw.platform_id as number) ?? null),
      role_id: raw.role_id == null ? null : (roles.get(raw.role_id as number) ?? null),
    };
    let credentialName: string | null = null;
    if (raw.credential_id != null) {
      const found = credNames.get(raw.credential_id as number);
      if (found === undefined)
        unmatched.add(`#${String(raw.credential_id)} (no such id in VelocityCollector's collector.db)`);
      else if (known && !known.has(found)) unmatched.add(found);
      else {
        credentialName = found;
        report.credentialsMapped++;
      }
    }
    const existing = tgt.prepare("SELECT id FROM dcim_device WHERE name = ? ORDER BY id LIMIT 1").get(name) as
      { id: number } | undefined;
    for (const unique of ["netbox_id", "asset_tag"])
      if (!free("dcim_device", unique, row[unique], existing?.id)) row[unique] = null;
    const cols = [...deviceCols, "credential_name"];
    const values = cols.map((c) => (c === "credential_name" ? credentialName : (row[c] ?? null)));
    if (existing) {
      tgt
        .prepare(
          `UPDATE dcim_device SET ${cols.map((c) => `${c} = ?`).join(", ")}, updated_at = datetime('now') WHERE id = ?`,
        )
        .run(...values, existing.id);
      report.devicesUpdated++;
    } else {
      tgt
        .prepare(`INSERT INTO dcim_device (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`)
        .run(...values);
      report.devicesAdded++;
    }
  }
  report.unmatchedCredentials = [...unmatched].sort();
}
