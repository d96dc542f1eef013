import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import type { Device } from "../types";
import { VcError, errorMessage } from "../errors";
import { csvError, parseCsvRows } from "./csv";
import { filterDevices } from "./filter";
import { LABELS_KEY, labelsOf } from "./labels";
import { PlatformCatalog } from "./platforms";
import {
  credentialStatusToDb,
  deviceSelectSql,
  rowCustomFields,
  rowTags,
  rowToDevice,
  sqlTimestamp,
  type DeviceRow,
} from "./rows";
import { columnsOf, migrate, tableExists } from "./schema";
import { DEFAULT_MANUFACTURERS, DEFAULT_PLATFORMS, DEFAULT_ROLES } from "./seeds";
import type { CredentialStatus, CsvImportReport, CsvRowError, DeviceFilter, DeviceInput, PlatformInfo } from "./types";
import {
  checkCredentialName,
  checkDeviceName,
  checkHost,
  checkIp,
  checkPort,
  checkStatus,
  checkTags,
  slugify,
  type Checked,
} from "./validate";

type Db = Database.Database;

/** The site a device goes to when none is given (dcim_device.site_id is NOT NULL). */
export const DEFAULT_SITE = "default";

export interface OpenOptions {
  /** Create the file (and its schema) when it does not exist. */
  create?: boolean;
  /** Read only: no migration, no writes (for reading someone else's dcim.db as it is). */
  readonly?: boolean;
}

export interface WriteOptions {
  /** Create sites and roles that do not exist yet, instead of refusing the device. */
  createMissing?: boolean;
  /** Also create unknown platforms (NetBox sync: NetBox knows them, so they are real). */
  createPlatforms?: boolean;
}

export interface InventoryCounts {
  manufacturers: number;
  platforms: number;
  roles: number;
  sites: number;
  devices: number;
}

/** The column values of one device row, checked. */
interface DeviceValues {
  name: string;
  site_id: number;
  platform_id: number | null;
  role_id: number | null;
  status: string;
  primary_ip4: string | null;
  primary_ip6: string | null;
  ssh_port: number;
  credential_name: string | null;
  tags: string;
  custom_fields: string | null;
  description: string | null;
  netbox_id: number | null;
}

interface NamedRow {
  id: number;
  name: string;
  slug: string;
}

function required<T>(checked: Checked<T>, field: string, where: string): T {
  if (!checked.ok) throw new VcError("invalid_device", checked.problem, `${where}, field ${field}`);
  return checked.value;
}

/**
 * The SQLite DCIM (better-sqlite3, WAL): tables and columns of VelocityCollector's dcim.db plus
 * our own added columns (see schema.ts). Every read of devices goes through filterDevices.
 */
export class Inventory {
  private deviceSql?: string;

  private constructor(
    /** @internal the database handle, for the importers in this module. */
    readonly db: Db,
    readonly file: string,
    readonly readonly: boolean,
  ) {}

  static open(file: string, opts: OpenOptions = {}): Inventory {
    const exists = fs.existsSync(file);
    if (!exists && (!opts.create || opts.readonly)) {
      throw new VcError(
        "inventory_not_found",
        "no inventory database here (create one with `vcollector inventory init`)",
        file,
      );
    }
    let db: Db | undefined;
    try {
      if (!exists) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      db = opts.readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file);
      db.pragma("busy_timeout = 5000");
      db.pragma("foreign_keys = ON");
      if (opts.readonly) {
        if (!tableExists(db, "dcim_device"))
          throw new VcError("inventory_open", "not an inventory database (it has no dcim_device table)", file);
      } else {
        db.pragma("journal_mode = WAL");
        // WAL's recommended level: never corrupts; a power cut may lose only the last commit.
        db.pragma("synchronous = NORMAL");
        migrate(db, file);
      }
      if (!exists) fs.chmodSync(file, 0o600);
      return new Inventory(db, file, Boolean(opts.readonly));
    } catch (err) {
      db?.close();
      if (err instanceof VcError) throw err;
      throw new VcError("inventory_open", `cannot open the inventory: ${errorMessage(err)}`, file, { cause: err });
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Seeds the default manufacturers, platforms and roles. Idempotent (INSERT OR IGNORE). */
  init(): InventoryCounts {
    this.assertWritable();
    const insMfr = this.db.prepare("INSERT OR IGNORE INTO dcim_manufacturer (name, slug) VALUES (?, ?)");
    const insPlatform = this.db
      .prepare(`INSERT OR IGNORE INTO dcim_platform (name, slug, manufacturer_id, netmiko_device_type, paging_disable_command)
      VALUES (?, ?, (SELECT id FROM dcim_manufacturer WHERE slug = ?), ?, ?)`);
    const insRole = this.db.prepare("INSERT OR IGNORE INTO dcim_device_role (name, slug, color) VALUES (?, ?, ?)");
    this.db.transaction(() => {
      for (const m of DEFAULT_MANUFACTURERS) insMfr.run(m.name, m.slug);
      for (const p of DEFAULT_PLATFORMS)
        insPlatform.run(
          p.name,
          p.slug,
          p.manufacturer ?? null,
          p.netmikoDeviceType ?? null,
          p.pagingDisableCommand ?? null,
        );
      for (const r of DEFAULT_ROLES) insRole.run(r.name, r.slug, r.color);
    })();
    return this.counts();
  }

  counts(): InventoryCounts {
    const count = (table: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      manufacturers: count("dcim_manufacturer"),
      platforms: count("dcim_platform"),
      roles: count("dcim_device_role"),
      sites: count("dcim_site"),
      devices: count("dcim_device"),
    };
  }

  // ---- reading ---------------------------------------------------------------------------------

  private selectSql(): string {
    this.deviceSql ??= deviceSelectSql(columnsOf(this.db, "dcim_device"));
    return this.deviceSql;
  }

  private allRows(): DeviceRow[] {
    return this.db.prepare(this.selectSql()).all() as DeviceRow[];
  }

  /** Every device matching the filter (filterDevices semantics), sorted by name. */
  listDevices(filter: DeviceFilter = {}): Device[] {
    return filterDevices(this.allRows().map(rowToDevice), filter);
  }

  private rowsNamed(name: string): DeviceRow[] {
    return this.db.prepare(`${this.selectSql()} WHERE d.name = ? ORDER BY d.id`).all(name) as DeviceRow[];
  }

  /** VelocityCollector allows one name per site; here a name must identify one device. */
  private rowNamed(name: string): DeviceRow | undefined {
    const rows = this.rowsNamed(name);
    if (rows.length > 1) {
      throw new VcError(
        "ambiguous_device",
        `${rows.length} devices have this name (sites ${rows.map((r) => r.site_slug ?? "?").join(", ")}); rename all but one`,
        `device '${name}'`,
      );
    }
    return rows[0];
  }

  private existingRow(name: string): DeviceRow {
    const row = this.rowNamed(name);
    if (!row) throw new VcError("device_not_found", "no such device in the inventory", `device '${name}'`);
    return row;
  }

  private rowWithNetBoxId(netboxId: number): DeviceRow | undefined {
    return this.db.prepare(`${this.selectSql()} WHERE d.netbox_id = ?`).get(netboxId) as DeviceRow | undefined;
  }

  getDevice(name: string): Device | undefined {
    const row = this.rowNamed(name);
    return row && rowToDevice(row);
  }

  listSites(): Array<NamedRow & { status: string }> {
    return this.db.prepare("SELECT id, name, slug, status FROM dcim_site ORDER BY name").all() as Array<
      NamedRow & { status: string }
    >;
  }

  listRoles(): Array<NamedRow & { color: string | null }> {
    return this.db.prepare("SELECT id, name, slug, color FROM dcim_device_role ORDER BY name").all() as Array<
      NamedRow & { color: string | null }
    >;
  }

  listPlatforms(): PlatformInfo[] {
    const rows = this.db
      .prepare(
        `SELECT p.name, p.slug, m.slug AS manufacturer, p.netmiko_device_type, p.paging_disable_command
      FROM dcim_platform p LEFT JOIN dcim_manufacturer m ON p.manufacturer_id = m.id ORDER BY p.name`,
      )
      .all() as Array<{
      name: string;
      slug: string;
      manufacturer: string | null;
      netmiko_device_type: string | null;
      paging_disable_command: string | null;
    }>;
    return rows.map((r) => ({
      name: r.name,
      slug: r.slug,
      manufacturer: r.manufacturer ?? undefined,
      netmikoDeviceType: r.netmiko_device_type ?? undefined,
      pagingDisableCommand: r.paging_disable_command ?? undefined,
    }));
  }

  /** Platforms in this database first, then the seeded ones (added to the database when used). */
  platformCatalog(): PlatformCatalog {
    const catalog = new PlatformCatalog(this.listPlatforms(), []);
    for (const m of this.db.prepare("SELECT name, slug FROM dcim_manufacturer").all() as Array<{
      name: string;
      slug: string;
    }>)
      catalog.addManufacturer(m.slug, m.name);
    for (const m of DEFAULT_MANUFACTURERS) catalog.addManufacturer(m.slug, m.name);
    for (const p of DEFAULT_PLATFORMS) catalog.add(p);
    return catalog;
  }

  // ---- writing ---------------------------------------------------------------------------------

  private assertWritable(): void {
    if (this.readonly) throw new VcError("inventory_readonly", "the inventory was opened read-only", this.file);
  }

  /** @internal runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private findNamed(table: "dcim_site" | "dcim_device_role" | "dcim_manufacturer", text: string): NamedRow | undefined {
    return this.db
      .prepare(
        `SELECT id, name, slug FROM ${table} WHERE lower(slug) = lower(?) OR lower(name) = lower(?) ORDER BY (lower(slug) = lower(?)) DESC LIMIT 1`,
      )
      .get(text, text, text) as NamedRow | undefined;
  }

  private uniqueValue(table: string, column: "slug" | "name", base: string): string {
    const taken = this.db.prepare(`SELECT 1 FROM ${table} WHERE ${column} = ?`);
    for (let i = 1; i < 10000; i++) {
      const value = i === 1 ? base : `${base}-${i}`;
      if (!taken.get(value)) return value;
    }
    throw new VcError("inventory_write", `no free ${column} for '${base}'`, table);
  }

  private uniqueSlug(table: string, base: string): string {
    return this.uniqueValue(table, "slug", base);
  }

  private uniqueName(table: string, base: string): string {
    return this.uniqueValue(table, "name", base);
  }

  /** @internal the id of a site found by slug or name; created if missing and allowed. */
  siteId(text: string, create: boolean, attrs: { name?: string } = {}): number | undefined {
    const found =
      this.findNamed("dcim_site", text) ?? (attrs.name ? this.findNamed("dcim_site", attrs.name) : undefined);
    if (found) return found.id;
    if (!create) return undefined;
    const name = this.uniqueName("dcim_site", attrs.name ?? text);
    return Number(
      this.db
        .prepare("INSERT INTO dcim_site (name, slug) VALUES (?, ?)")
        .run(name, this.uniqueSlug("dcim_site", slugify(text))).lastInsertRowid,
    );
  }

  /** @internal the id of a role found by slug or name; created if missing and allowed. */
  roleId(text: string, create: boolean, attrs: { name?: string; color?: string } = {}): number | undefined {
    const found =
      this.findNamed("dcim_device_role", text) ??
      (attrs.name ? this.findNamed("dcim_device_role", attrs.name) : undefined);
    if (found) return found.id;
    if (!create) return undefined;
    const name = this.uniqueName("dcim_device_role", attrs.name ?? text);
    const color = attrs.color && /^[0-9a-f]{6}$/i.test(attrs.color) ? attrs.color.toLowerCase() : "9e9e9e";
    return Number(
      this.db
        .prepare("INSERT INTO dcim_device_role (name, slug, color) VALUES (?, ?, ?)")
        .run(name, this.uniqueSlug("dcim_device_role", slugify(text)), color).lastInsertRowid,
    );
  }

  /** @internal the id of a manufacturer, created when missing (as VelocityCollector does). */
  manufacturerId(slug: string, name?: string): number {
    const found =
      this.findNamed("dcim_manufacturer", slug) ?? (name ? this.findNamed("dcim_manufacturer", name) : undefined);
    if (found) return found.id;
    const seeded = DEFAULT_MANUFACTURERS.find((m) => m.slug === slug);
    return Number(
      this.db
        .prepare("INSERT INTO dcim_manufacturer (name, slug) VALUES (?, ?)")
        .run(name ?? seeded?.name ?? slug, this.uniqueSlug("dcim_manufacturer", slug)).lastInsertRowid,
    );
  }

  /** @internal the id of a known platform's row, inserting a seeded platform on first use. */
  platformId(platform: PlatformInfo): number {
    const found = this.db
      .prepare("SELECT id FROM dcim_platform WHERE slug = ? OR name = ? ORDER BY (slug = ?) DESC LIMIT 1")
      .get(platform.slug, platform.name, platform.slug) as { id: number } | undefined;
    if (found) return found.id;
    const manufacturerId = platform.manufacturer ? this.manufacturerId(platform.manufacturer) : null;
    return Number(
      this.db
        .prepare(
          "INSERT INTO dcim_platform (name, slug, manufacturer_id, netmiko_device_type, paging_disable_command) VALUES (?, ?, ?, ?, ?)",
        )
        .run(
          platform.name,
          platform.slug,
          manufacturerId,
          platform.netmikoDeviceType ?? null,
          platform.pagingDisableCommand ?? null,
        ).lastInsertRowid,
    );
  }

  private resolvePlatform(text: string, where: string, catalog = this.platformCatalog()): PlatformInfo {
    const platform = catalog.find(text);
    if (!platform)
      throw new VcError(
        "invalid_device",
        `unknown platform '${text}' (known: ${catalog.knownNames().join(", ")})`,
        `${where}, field platform`,
      );
    return platform;
  }

  /** Checks a device input and turns it into column values, resolving site/role/platform. */
  private values(
    input: DeviceInput,
    opts: WriteOptions & { allowNoPlatform?: boolean; allowNoHost?: boolean },
  ): DeviceValues {
    const where = `device '${typeof input.name === "string" ? input.name : "?"}'`;
    const name = required(checkDeviceName(input.name), "name", where);
    const hostText = typeof input.host === "string" ? input.host.trim() : "";
    const host = hostText === "" && opts.allowNoHost ? null : required(checkHost(hostText), "host", where);
    const labels = input.extra ? labelsOf({ extra: input.extra } as Device) : {};
    let platformId: number | null = null;
    if (input.platform) {
      const platformText = input.platform.trim();
      const known = opts.createPlatforms ? this.platformCatalog().find(platformText) : undefined;
      platformId = this.platformId(
        known ??
          (opts.createPlatforms
            ? {
                name: labels.platformName ?? platformText,
                slug: slugify(platformText),
                netmikoDeviceType: platformText,
              }
            : this.resolvePlatform(platformText, where)),
      );
    } else if (!opts.allowNoPlatform)
      throw new VcError("invalid_device", "a platform is required", `${where}, field platform`);
    const siteText = input.site?.trim() || DEFAULT_SITE;
    const siteId = this.siteId(siteText, Boolean(opts.createMissing) || siteText === DEFAULT_SITE, {
      name: labels.siteName,
    });
    if (siteId === undefined)
      throw new VcError(
        "invalid_device",
        `unknown site '${siteText}' (allow creating missing sites and roles to add it)`,
        `${where}, field site`,
      );
    let roleId: number | null = null;
    if (input.role?.trim()) {
      roleId =
        this.roleId(input.role.trim(), Boolean(opts.createMissing), {
          name: labels.roleName,
          color: labels.roleColor,
        }) ?? null;
      if (roleId === null)
        throw new VcError(
          "invalid_device",
          `unknown role '${input.role}' (allow creating missing sites and roles to add it)`,
          `${where}, field role`,
        );
    }
    return {
      name,
      site_id: siteId,
      platform_id: platformId,
      role_id: roleId,
      status: required(checkStatus(input.status), "status", where),
      ...addressColumns(host),
      ssh_port: required(checkPort(input.port), "port", where),
      credential_name: required(checkCredentialName(input.credentialName), "credentialName", where) ?? null,
      tags: JSON.stringify(required(checkTags(input.tags), "tags", where)),
      custom_fields: customFieldsJson(input.extra),
      description: input.description?.trim() || null,
      netbox_id: input.netboxId ?? null,
    };
  }

  private assertNameFree(name: string, exceptId?: number): void {
    const other = this.db
      .prepare("SELECT id FROM dcim_device WHERE name = ? AND id IS NOT ?")
      .get(name, exceptId ?? null);
    if (other)
      throw new VcError("duplicate_device", "a device with this name is already in the inventory", `device '${name}'`);
  }

  private insertStatement?: Database.Statement;

  /** The one INSERT of a device (addDevice, upsertDevice, NetBox sync and CSV import all come here). */
  private insert(v: DeviceValues): number {
    this.insertStatement ??= this.db.prepare(
      `INSERT INTO dcim_device (name, site_id, platform_id, role_id, status, primary_ip4, primary_ip6, ssh_port, credential_name, tags, custom_fields, description, netbox_id)
      VALUES (@name, @site_id, @platform_id, @role_id, @status, @primary_ip4, @primary_ip6, @ssh_port, @credential_name, @tags, @custom_fields, @description, @netbox_id)`,
    );
    return Number(this.insertStatement.run(v).lastInsertRowid);
  }

  private update(id: number, v: DeviceValues): void {
    this.db
      .prepare(
        `UPDATE dcim_device SET name = @name, site_id = @site_id, platform_id = @platform_id, role_id = @role_id, status = @status,
      primary_ip4 = @primary_ip4, primary_ip6 = @primary_ip6, ssh_port = @ssh_port, credential_name = @credential_name, tags = @tags,
      custom_fields = @custom_fields, description = @description, netbox_id = @netbox_id, updated_at = datetime('now') WHERE id = @id`,
      )
      .run({ ...v, id });
  }

  private deviceById(id: number): Device {
    return rowToDevice(this.db.prepare(`${this.selectSql()} WHERE d.id = ?`).get(id) as DeviceRow);
  }

  addDevice(input: DeviceInput, opts: WriteOptions = {}): Device {
    this.assertWritable();
    const id = this.transaction(() => {
      const v = this.values(input, opts);
      this.assertNameFree(v.name);
      return this.insert(v);
    });
    return this.deviceById(id);
  }

  /** The stored device as a DeviceInput (what an update starts from). */
  private inputOf(row: DeviceRow): DeviceInput {
    const custom = rowCustomFields(row);
    return {
      name: row.name,
      host: row.primary_ip4 ?? row.primary_ip6 ?? "",
      port: row.ssh_port ?? 22,
      platform: row.platform_slug ?? "",
      site: row.site_slug ?? undefined,
      role: row.role_slug ?? undefined,
      status: row.status ?? "active",
      tags: rowTags(row),
      credentialName: row.credential_name ?? undefined,
      description: row.description ?? undefined,
      extra: Object.keys(custom).length ? custom : undefined,
      netboxId: row.netbox_id ?? undefined,
    };
  }

  updateDevice(name: string, patch: Partial<DeviceInput>, opts: WriteOptions = {}): Device {
    this.assertWritable();
    const id = this.transaction(() => {
      const row = this.existingRow(name);
      const merged: DeviceInput = { ...this.inputOf(row), ...stripUndefined(patch) };
      // A VelocityCollector device may lack a platform or an address: an update of other fields keeps it so.
      const v = this.values(merged, {
        ...opts,
        allowNoPlatform: !patch.platform && row.platform_id === null,
        allowNoHost: !patch.host && !row.primary_ip4 && !row.primary_ip6,
      });
      if (!patch.host) {
        // Not changing the address: keep both stored columns as they are (a device may have both).
        v.primary_ip4 = row.primary_ip4;
        v.primary_ip6 = row.primary_ip6;
      }
      this.assertNameFree(v.name, row.id);
      this.update(row.id, v);
      return row.id;
    });
    return this.deviceById(id);
  }

  removeDevice(name: string): void {
    this.assertWritable();
    const row = this.existingRow(name);
    this.db.prepare("DELETE FROM dcim_device WHERE id = ?").run(row.id);
  }

  /**
   * Adds or updates a device by name (NetBox sync). Returns what happened; a device whose stored
   * values already equal the input is left alone.
   */
  upsertDevice(input: DeviceInput, opts: WriteOptions = {}): "added" | "updated" | "unchanged" {
    this.assertWritable();
    return this.transaction(() => {
      const row =
        (input.netboxId !== undefined ? this.rowWithNetBoxId(input.netboxId) : undefined) ??
        (typeof input.name === "string" ? this.rowNamed(input.name.trim()) : undefined);
      const lenient = { ...opts, allowNoHost: true, allowNoPlatform: true };
      if (!row) {
        const v = this.values(input, lenient);
        this.insert(v);
        return "added";
      }
      const before = storedValues(row);
      const merged: DeviceInput = { ...this.inputOf(row), ...stripUndefined(input) };
      const after = this.values(merged, lenient);
      this.assertNameFree(after.name, row.id);
      if (JSON.stringify(before) === JSON.stringify(after)) return "unchanged";
      this.update(row.id, after);
      return "updated";
    });
  }

  /**
   * Records a credential test or a collection login. ok: the credential that worked (by name) is
   * saved on the device. failed: when the device's mapped credential is among `rejected`, the
   * device is marked failed and the mapping is removed (it was just shown not to work); when
   * other credentials were rejected but the mapped one was not tried, nothing changes (the test
   * says nothing about it). Without `rejected` a failure is recorded and the mapping kept.
   */
  setCredentialResult(
    deviceName: string,
    result: { credentialName?: string; status: "ok" | "failed"; rejected?: readonly string[]; at?: Date },
  ): void {
    this.assertWritable();
    if (result.status !== "ok" && result.status !== "failed")
      throw new VcError(
        "invalid_device",
        `credential status must be ok or failed, got '${String(result.status)}'`,
        `device '${deviceName}'`,
      );
    const row = this.existingRow(deviceName);
    const credentialName = required(
      checkCredentialName(result.credentialName),
      "credentialName",
      `device '${deviceName}'`,
    );
    const status: CredentialStatus = result.status;
    const mapped = row.credential_name ?? null;
    let mapping: string | null = status === "ok" ? (credentialName ?? mapped) : mapped;
    if (status === "failed" && mapped !== null && result.rejected) {
      if (!result.rejected.includes(mapped)) return;
      mapping = null;
    }
    this.db
      .prepare(
        `UPDATE dcim_device SET credential_test_result = ?, credential_tested_at = ?, credential_name = ?, updated_at = datetime('now') WHERE id = ?`,
      )
      .run(credentialStatusToDb(status), sqlTimestamp(result.at ?? new Date()), mapping, row.id);
  }

  /** Records when a collection run last got output from the device (VelocityCollector's last_collected_at). */
  setCollectedAt(deviceName: string, at: Date = new Date()): void {
    this.assertWritable();
    const row = this.existingRow(deviceName);
    this.db.prepare("UPDATE dcim_device SET last_collected_at = ? WHERE id = ?").run(sqlTimestamp(at), row.id);
  }

  /**
   * Imports CSV text (see csv.ts for the columns). Checks every row first: fields, platforms
   * (this database's and the seeded ones), duplicates within the file and against the inventory,
   * unknown sites and roles (created only with createMissing; a row without a site goes to
   * "default"). By default nothing is imported when any row is bad; with skipBad the good rows
   * are imported and the bad ones listed in `skipped`.
   */
  importCsv(text: string, opts: { skipBad?: boolean; createMissing?: boolean; source?: string } = {}): CsvImportReport {
    this.assertWritable();
    const source = opts.source ?? "<csv>";
    const report: CsvImportReport = {
      source,
      imported: 0,
      importedNames: [],
      skipped: [],
      errors: [],
      createdSites: [],
      createdRoles: [],
    };
    const catalog = this.platformCatalog();
    const { rows, fileErrors } = parseCsvRows(text, { source, platforms: catalog });
    if (fileErrors.length) {
      report.errors = fileErrors;
      return report;
    }
    const existing = new Set(
      (this.db.prepare("SELECT name FROM dcim_device").all() as Array<{ name: string }>).map((r) => r.name),
    );
    const known = (table: "dcim_site" | "dcim_device_role") => {
      const keys = new Set<string>();
      for (const r of this.db.prepare(`SELECT name, slug FROM ${table}`).all() as Array<{ name: string; slug: string }>)
        keys.add(r.name.toLowerCase()).add(r.slug.toLowerCase());
      return keys;
    };
    const sites = known("dcim_site");
    const roles = known("dcim_device_role");
    const errors: CsvRowError[] = [];
    for (const r of rows) {
      const d = r.device;
      if (d) {
        if (existing.has(d.name))
          r.errors.push(csvError(source, r.row, "name", `device '${d.name}' is already in the inventory`));
        if (d.site && !opts.createMissing && !sites.has(d.site.toLowerCase()))
          r.errors.push(
            csvError(
              source,
              r.row,
              "site",
              `unknown site '${d.site}' (allow creating missing sites and roles to add it)`,
            ),
          );
        if (d.role && !opts.createMissing && !roles.has(d.role.toLowerCase()))
          r.errors.push(
            csvError(
              source,
              r.row,
              "role",
              `unknown role '${d.role}' (allow creating missing sites and roles to add it)`,
            ),
          );
        if (r.errors.length) r.device = undefined;
      }
      errors.push(...r.errors);
    }
    report.errors = errors;
    if (errors.length && !opts.skipBad) return report;
    report.skipped = errors;
    const good = rows.filter((r) => r.device).map((r) => r.device!);
    this.transaction(() => {
      const siteIds = new Map<string, number>();
      const roleIds = new Map<string, number>();
      const platformIds = new Map<string, number>();
      const idOf = (cache: Map<string, number>, key: string, make: () => number) => {
        let id = cache.get(key);
        if (id === undefined) cache.set(key, (id = make()));
        return id;
      };
      for (const d of good) {
        const siteText = d.site ?? DEFAULT_SITE;
        const siteId = idOf(siteIds, siteText.toLowerCase(), () => {
          if (!sites.has(siteText.toLowerCase())) report.createdSites.push(siteText);
          return this.siteId(siteText, true)!;
        });
        const roleId = d.role
          ? idOf(roleIds, d.role.toLowerCase(), () => {
              if (!roles.has(d.role!.toLowerCase())) report.createdRoles.push(d.role!);
              return this.roleId(d.role!, true)!;
            })
          : null;
        const platform = catalog.find(labelsOf(d).platformSlug ?? d.platform)!;
        const platformId = idOf(platformIds, platform.slug, () => this.platformId(platform));
        this.insert({
          name: d.name,
          site_id: siteId,
          platform_id: platformId,
          role_id: roleId,
          status: d.status ?? "active",
          ...addressColumns(d.host),
          ssh_port: d.port,
          credential_name: d.credentialName ?? null,
          tags: JSON.stringify(d.tags ?? []),
          custom_fields: customFieldsJson(d.extra),
          description: null,
          netbox_id: null,
        });
        report.importedNames.push(d.name);
      }
    });
    report.imported = report.importedNames.length;
    return report;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A stored row's values in the form `values()` produces, to tell whether an upsert changes it. */
function storedValues(row: DeviceRow): DeviceValues {
  const custom = rowCustomFields(row);
  return {
    name: row.name,
    site_id: row.site_id ?? 0,
    platform_id: row.platform_id,
    role_id: row.role_id,
    status: row.status ?? "active",
    primary_ip4: row.primary_ip4,
    primary_ip6: row.primary_ip6,
    ssh_port: row.ssh_port ?? 22,
    credential_name: row.credential_name,
    tags: JSON.stringify(rowTags(row)),
    custom_fields: Object.keys(custom).length ? JSON.stringify(custom) : null,
    description: row.description,
    netbox_id: row.netbox_id,
  };
}

/** Keys of Device.extra that live in their own columns or are computed, never in custom_fields. */
const RESERVED_EXTRA_KEYS = new Set([LABELS_KEY, "netboxId", "description", "vcCredentialId"]);

/** Where a management address is stored: an IPv6 address in primary_ip6, anything else in primary_ip4. */
function addressColumns(host: string | null): { primary_ip4: string | null; primary_ip6: string | null } {
  const ip = checkIp(host ?? "");
  return ip.ok && ip.value.family === 6
    ? { primary_ip4: null, primary_ip6: ip.value.address }
    : { primary_ip4: host, primary_ip6: null };
}

function customFieldsJson(extra: Record<string, unknown> | undefined): string | null {
  if (!extra) return null;
  let custom: Record<string, unknown> | undefined;
  for (const k in extra) {
    if (RESERVED_EXTRA_KEYS.has(k) || extra[k] === undefined) continue;
    (custom ??= {})[k] = extra[k];
  }
  return custom ? JSON.stringify(custom) : null;
}

/** A Device (from NetBox, a CSV file, a list) as input for the SQLite inventory. */
export function deviceToInput(d: Device): DeviceInput {
  const extra = d.extra ?? {};
  return {
    name: d.name,
    host: d.host,
    port: d.port,
    platform: labelsOf(d).platformSlug ?? d.platform,
    site: d.site,
    role: d.role,
    status: d.status,
    tags: d.tags,
    credentialName: d.credentialName,
    description: typeof extra.description === "string" ? extra.description : undefined,
    extra: d.extra,
    netboxId: typeof extra.netboxId === "number" ? extra.netboxId : undefined,
  };
}
