import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { VcError } from "../errors";
import {
  describeAjvErrors,
  validatePlatform,
  validateVendors,
  type InventorySource,
  type PlatformSource,
  type VendorSource,
} from "./schema";

/**
 * THE platform catalogue: one YAML record per platform in ./catalogue (prompts, enable, paging,
 * pager answers, failure patterns, timeouts, algorithms, the inventory rows it seeds, NetBox
 * slugs, the vendor, the ntc-templates name, secret and volatile-line rules) and the vendors in
 * ./vendors.yaml. The SSH session driver, the inventory seeds, NetBox mapping, parsing,
 * redaction and change detection all read it from here.
 */

export const BUILTIN_CATALOGUE_DIR = path.join(__dirname, "catalogue");
export const VENDORS_FILE = path.join(__dirname, "vendors.yaml");

/** One inventory row of a platform, with its defaults filled in. */
export interface InventoryPlatform {
  name: string;
  slug: string;
  /** netmiko device type: what a Device's `platform` holds. */
  deviceType: string;
  netbox: readonly string[];
  /** VelocityCollector's paging_disable_command for this row. */
  pagingCommand?: string;
  vendor?: string;
}

/** A loaded catalogue record. */
export interface PlatformRecord {
  readonly name: string;
  readonly description: string;
  readonly vendor?: string;
  /** ntc-templates platform name (the record name unless the file says otherwise). */
  readonly ntcPlatform: string;
  readonly aliases: readonly string[];
  readonly inventory: readonly InventoryPlatform[];
  readonly paging?: string;
  /** Undefined on inventory-only platforms. */
  readonly session?: PlatformSource["session"];
  readonly inventoryOnly: boolean;
  readonly redact: NonNullable<PlatformSource["redact"]>;
  readonly volatile: NonNullable<PlatformSource["volatile"]>;
  /** File the record was loaded from. */
  readonly file: string;
}

export interface Vendor {
  slug: string;
  name: string;
  aliases: readonly string[];
}

export interface CatalogueOptions {
  /** Extra directories of records; a record there replaces the built-in of the same name. Later directories win. */
  extraDirs?: readonly string[];
}

export class PlatformCatalogueError extends VcError {
  constructor(message: string, where?: string) {
    // The class the session driver has always used for a bad or unknown profile.
    super("profile_invalid", message, where);
    this.name = "PlatformCatalogueError";
  }
}

/** A YAML file's document; a file that cannot be read or parsed is an error naming it (and the line). */
export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PlatformCatalogueError(`cannot read: ${(err as Error).message}`, file);
  }
  try {
    return yaml.load(text);
  } catch (err) {
    const e = err as { mark?: { line: number }; reason?: string; message: string };
    throw new PlatformCatalogueError(
      `invalid YAML: ${e.reason ?? e.message}`,
      e.mark ? `${file}:${e.mark.line + 1}` : file,
    );
  }
}

function checkRegex(source: string, field: string, file: string, flags = ""): void {
  try {
    new RegExp(source, flags);
  } catch (err) {
    throw new PlatformCatalogueError(
      `${field}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`,
      file,
    );
  }
}

/** Validates a parsed record; errors name the file and the field. */
export function compileRecord(doc: unknown, file: string): PlatformRecord {
  if (!validatePlatform(doc)) throw new PlatformCatalogueError(describeAjvErrors(validatePlatform.errors), file);
  const src = doc;
  const expected = path.basename(file).replace(/\.ya?ml$/, "");
  if (src.name !== expected)
    throw new PlatformCatalogueError(`name: "${src.name}" does not match the file name "${expected}"`, file);
  (src.redact ?? []).forEach((r, i) => {
    const flags = r.ignoreCase ? "i" : "";
    if ("match" in r) {
      checkRegex(r.match, `redact[${i}].match`, file, flags);
      if (!/\(\?<secret>/.test(r.match))
        throw new PlatformCatalogueError(
          `redact[${i}].match: needs a group named secret, (?<secret>…), around the value to hide`,
          file,
        );
    } else {
      checkRegex(r.begin, `redact[${i}].begin`, file, flags);
      checkRegex(r.end, `redact[${i}].end`, file, flags);
    }
  });
  (src.volatile ?? []).forEach((r, i) => checkRegex(r.match, `volatile[${i}].match`, file, r.ignoreCase ? "i" : ""));
  const inventory = (src.inventory ?? []).map((row: InventorySource): InventoryPlatform => ({
    name: row.name,
    slug: row.slug,
    deviceType: row.deviceType ?? src.name,
    netbox: row.netbox ?? [],
    pagingCommand: row.pagingCommand ?? src.paging,
    vendor: src.vendor,
  }));
  return {
    name: src.name,
    description: src.description,
    vendor: src.vendor,
    ntcPlatform: src.ntcPlatform ?? src.name,
    aliases: src.aliases ?? [],
    inventory,
    paging: src.paging,
    session: src.session,
    inventoryOnly: src.session === undefined,
    redact: src.redact ?? [],
    volatile: src.volatile ?? [],
    file,
  };
}

export type MtimeCache<T> = Map<string, { mtimeMs: number; value: T }>;

/** `load(file)`, cached until the file changes; a file that cannot be read is an error naming it. */
export function loadCached<T>(cache: MtimeCache<T>, file: string, load: (file: string) => T): T {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (err) {
    throw new PlatformCatalogueError(`cannot read: ${(err as Error).message}`, file);
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.value;
  const value = load(file);
  cache.set(file, { mtimeMs, value });
  return value;
}

const fileCache: MtimeCache<PlatformRecord> = new Map();

/** Reads and checks one record file (cached until the file changes). */
export function loadRecordFile(file: string): PlatformRecord {
  return loadCached(fileCache, file, (f) => compileRecord(readYaml(f), f));
}

function recordFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The records and the index of every name that selects one (name, alias, device type, inventory slug). */
export class Catalogue {
  private readonly byName = new Map<string, PlatformRecord>();
  private readonly byKey = new Map<string, PlatformRecord>();

  constructor(
    records: readonly PlatformRecord[],
    readonly vendors: readonly Vendor[],
  ) {
    for (const r of records) this.byName.set(r.name, r);
    // Names first, so that an alias never hides a record's own name.
    for (const r of this.byName.values()) this.byKey.set(r.name, r);
    for (const r of this.byName.values())
      for (const key of [...r.aliases, ...r.inventory.flatMap((row) => [row.deviceType, row.slug])])
        if (!this.byKey.has(key.toLowerCase())) this.byKey.set(key.toLowerCase(), r);
  }

  /** Every record, sorted by name. */
  list(): PlatformRecord[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The record a platform name, alias, netmiko device type or inventory slug stands for. */
  find(name: string): PlatformRecord | undefined {
    return this.byKey.get(String(name).trim().toLowerCase());
  }

  /** Like find, but an unknown name is a located error listing the known platforms. */
  get(name: string, where?: string): PlatformRecord {
    const r = this.find(name);
    if (!r)
      throw new PlatformCatalogueError(
        `unknown platform "${name}"; known platforms: ${this.list()
          .map((p) => p.name)
          .join(", ")}`,
        where,
      );
    return r;
  }

  vendor(slugOrName: string | undefined): Vendor | undefined {
    if (slugOrName === undefined) return undefined;
    const k = compactName(slugOrName);
    return this.vendors.find((v) => [v.slug, v.name, ...v.aliases].some((n) => compactName(n) === k));
  }
}

/** A name with case, spaces, hyphens, underscores and dots ignored ("Palo Alto" = "palo-alto" = "paloalto"). */
export function compactName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, "");
}

let vendorCache: { mtimeMs: number; vendors: Vendor[] } | undefined;

function loadVendors(): Vendor[] {
  const mtimeMs = fs.statSync(VENDORS_FILE).mtimeMs;
  if (vendorCache && vendorCache.mtimeMs === mtimeMs) return vendorCache.vendors;
  const doc = readYaml(VENDORS_FILE);
  if (!validateVendors(doc)) throw new PlatformCatalogueError(describeAjvErrors(validateVendors.errors), VENDORS_FILE);
  const vendors = doc.vendors.map((v: VendorSource) => ({ slug: v.slug, name: v.name, aliases: v.aliases ?? [] }));
  vendorCache = { mtimeMs, vendors };
  return vendors;
}

let builtin: Catalogue | undefined;

/** The built-in catalogue, with records from extraDirs replacing built-ins of the same name. */
export function loadCatalogue(opts: CatalogueOptions = {}): Catalogue {
  // The package's own files do not change while it runs; user directories are read every time.
  if (!opts.extraDirs?.length && builtin) return builtin;
  const byName = new Map<string, PlatformRecord>();
  for (const dir of [BUILTIN_CATALOGUE_DIR, ...(opts.extraDirs ?? [])])
    for (const file of recordFiles(dir)) {
      const record = loadRecordFile(file);
      byName.set(record.name, record);
    }
  const vendors = loadVendors();
  for (const r of byName.values())
    if (r.vendor !== undefined && !vendors.some((v) => v.slug === r.vendor))
      throw new PlatformCatalogueError(
        `vendor: "${r.vendor}" is not in vendors.yaml (${vendors.map((v) => v.slug).join(", ")})`,
        r.file,
      );
  const catalogue = new Catalogue([...byName.values()], vendors);
  if (!opts.extraDirs?.length) builtin = catalogue;
  return catalogue;
}

/** A platform's record, or undefined when no record has that name, alias, device type or slug. */
export function findPlatform(name: string, opts: CatalogueOptions = {}): PlatformRecord | undefined {
  return loadCatalogue(opts).find(name);
}

/**
 * The ntc-templates platform name to parse a device's output with: `cisco_xe` → `cisco_ios`
 * (ntc-templates has no cisco_xe templates), `aruba_osswitch` → `hp_procurve`. A platform the
 * catalogue does not know is passed through unchanged (the ntc index may still know it).
 */
export function ntcPlatformFor(platform: string, opts: CatalogueOptions = {}): string {
  return findPlatform(platform, opts)?.ntcPlatform ?? String(platform).trim().toLowerCase();
}

/** Whether devices of this platform can be collected (the record has a session). */
export function hasSession(platform: string, opts: CatalogueOptions = {}): boolean {
  return findPlatform(platform, opts)?.session !== undefined;
}
