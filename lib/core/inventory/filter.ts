import type { Device } from "../types";
import { VcError } from "../errors";
import { compactName, loadCatalogue } from "../platforms";
import { compileBounded, testAll, type BoundedRegex } from "../regex-budget";
import { namesFor, type FilterAttribute } from "./labels";
import type { CredentialStatus, DeviceFilter } from "./types";

/**
 * THE device filter. The SQLite inventory, CSV files, NetBox, inline lists, the collection runner
 * (dry run and real run alike), credential discovery, the CLI and the vc-device-source node all
 * select devices through filterDevices, so they can never disagree about which devices a filter
 * means (VelocityCollector's dry run and real run did).
 */

/** Every filter a device selection takes, in the order forms show them. */
export const FILTER_KEYS = [
  "site",
  "role",
  "platform",
  "manufacturer",
  "status",
  "name",
  "tag",
  "credentialStatus",
  "limit",
] as const;
const CREDENTIAL_STATUSES: readonly CredentialStatus[] = ["ok", "failed", "untested"];
/** Filters whose value may be a comma list ("dc1,dc2": any of them), or an array from msg.filter. */
const LIST_KEYS: ReadonlySet<string> = new Set(["site", "role", "platform", "manufacturer", "status", "tag"]);
/** Accepted spellings of filter keys from loosely typed sources (msg.filter, CLI). */
const KEY_ALIASES: Record<string, (typeof FILTER_KEYS)[number]> = {
  vendor: "manufacturer",
  credential_status: "credentialStatus",
  credentialstatus: "credentialStatus",
};

/** The DeviceFilter key a loosely spelled key stands for ("vendor" → "manufacturer"), if any. */
export function filterKeyOf(rawKey: string): keyof DeviceFilter | undefined {
  return (FILTER_KEYS as readonly string[]).includes(rawKey)
    ? (rawKey as keyof DeviceFilter)
    : KEY_ALIASES[rawKey.toLowerCase()];
}

function filterError(field: string, message: string, where: string): VcError {
  return new VcError("invalid_filter", message, `${where}.${field}`);
}

/**
 * Checks and cleans a filter from any source (typed code, msg.filter, CLI options): unknown keys,
 * wrong types, a bad regex, an unknown credential status or a bad limit throw a VcError naming
 * the field. Empty strings mean "no filter" (an unset field in the Node-RED editor).
 */
export function normaliseFilter(input: unknown, where = "filter"): DeviceFilter {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input))
    throw new VcError(
      "invalid_filter",
      `a filter must be an object, got ${Array.isArray(input) ? "an array" : typeof input}`,
      where,
    );
  const out: DeviceFilter = {};
  for (const [rawKey, value] of Object.entries(input as Record<string, unknown>)) {
    const key = filterKeyOf(rawKey);
    if (!key) throw filterError(rawKey, `unknown filter (known: ${FILTER_KEYS.join(", ")})`, where);
    if (value === undefined || value === null) continue;
    if (key === "limit") {
      const limit = parseLimit(value, where);
      if (limit !== undefined) out.limit = limit;
      continue;
    }
    const text = LIST_KEYS.has(key) ? listText(value, key, where) : stringValue(value, key, where).trim();
    if (text === "") continue;
    if (key === "credentialStatus") {
      const status = text.toLowerCase() as CredentialStatus;
      if (!CREDENTIAL_STATUSES.includes(status))
        throw filterError(key, `must be one of ${CREDENTIAL_STATUSES.join(", ")}, got '${text}'`, where);
      out.credentialStatus = status;
    } else {
      if (key === "name") compileNamePattern(text, where);
      out[key] = text;
    }
  }
  return out;
}

function stringValue(value: unknown, key: string, where: string): string {
  if (typeof value !== "string") throw filterError(key, `must be a string, got ${typeof value}`, where);
  return value;
}

/** A comma list or an array of strings as "a,b" (items trimmed, empty items dropped). */
function listText(value: unknown, key: string, where: string): string {
  const items = Array.isArray(value) ? value.map((v) => stringValue(v, key, where)) : [stringValue(value, key, where)];
  return items
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "")
    .join(",");
}

/** The values of a list filter ("a,b" → ["a", "b"]). */
function listItems(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function parseLimit(value: unknown, where: string): number | undefined {
  if (typeof value === "string" && value.trim() === "") return undefined;
  const n =
    typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1)
    throw filterError("limit", `must be a whole number of at least 1, got ${JSON.stringify(value)}`, where);
  return n;
}

/** Device names are matched case-insensitively, like host names. */
export function compileNamePattern(pattern: string, where = "filter"): RegExp {
  return boundedNamePattern(pattern, where).regex;
}

/** The name filter as a time-bounded regex (see regex-budget): a runaway pattern fails with regex_timeout. */
function boundedNamePattern(pattern: string, where = "filter"): BoundedRegex {
  try {
    return compileBounded(pattern, { caseInsensitive: true });
  } catch (err) {
    throw filterError(
      "name",
      `'${pattern}' is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}`,
      where,
    );
  }
}

type Predicate = (device: Device) => boolean;

function attributeEquals(attribute: FilterAttribute, wanted: string): Predicate {
  const w = new Set(listItems(wanted).map((v) => v.toLowerCase()));
  return (d) => namesFor(d, attribute).some((n) => n !== undefined && w.has(n.toLowerCase()));
}

/**
 * Vendors match by slug, display name or an alias from the catalogue's vendors.yaml, ignoring
 * case, spaces, hyphens and underscores: --vendor paloalto, "Palo Alto", palo-alto, "Palo Alto
 * Networks" all select the devices of manufacturer palo-alto.
 */
function vendorEquals(wanted: string): Predicate {
  const catalogue = loadCatalogue();
  const names = new Set<string>();
  for (const item of listItems(wanted)) {
    names.add(compactName(item));
    const vendor = catalogue.vendor(item);
    if (vendor) for (const n of [vendor.slug, vendor.name, ...vendor.aliases]) names.add(compactName(n));
  }
  return (d) => namesFor(d, "manufacturer").some((n) => n !== undefined && names.has(compactName(n)));
}

function buildPredicates(filter: DeviceFilter): Predicate[] {
  const predicates: Predicate[] = [];
  for (const attribute of ["site", "role", "platform"] as const) {
    const wanted = filter[attribute];
    if (wanted !== undefined) predicates.push(attributeEquals(attribute, wanted));
  }
  if (filter.manufacturer !== undefined) predicates.push(vendorEquals(filter.manufacturer));
  if (filter.status !== undefined) {
    const w = new Set(listItems(filter.status).map((v) => v.toLowerCase()));
    predicates.push((d) => w.has((d.status ?? "active").toLowerCase()));
  }
  if (filter.tag !== undefined) {
    const w = new Set(listItems(filter.tag).map((v) => v.toLowerCase()));
    predicates.push((d) => (d.tags ?? []).some((t) => w.has(t.toLowerCase())));
  }
  if (filter.credentialStatus !== undefined) {
    const w = filter.credentialStatus;
    predicates.push((d) => (d.credentialStatus ?? "untested") === w);
  }
  return predicates;
}

function byName(a: Device, b: Device): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Returns the devices matching every given filter, sorted by name (stable), at most `limit`.
 * The input array is not modified.
 */
export function filterDevices(devices: Device[], filter: DeviceFilter = {}): Device[] {
  const clean = normaliseFilter(filter);
  const predicates = buildPredicates(clean);
  let selected = predicates.length === 0 ? devices.slice() : devices.filter((d) => predicates.every((p) => p(d)));
  if (clean.name !== undefined) {
    // One budget for all names: a pattern that backtracks without bound fails with regex_timeout.
    const matched = testAll(
      boundedNamePattern(clean.name),
      selected.map((d) => d.name),
      { where: "filter.name" },
    );
    selected = selected.filter((_, i) => matched[i]);
  }
  selected.sort(byName);
  return clean.limit === undefined ? selected : selected.slice(0, clean.limit);
}

/** One line describing a filter, for logs and dry-run headers ("site=dc1, name~^core"). */
export function describeFilter(filter: DeviceFilter): string {
  const parts = Object.entries(normaliseFilter(filter)).map(([k, v]) =>
    k === "name" ? `name~${String(v)}` : `${k}=${String(v)}`,
  );
  return parts.length ? parts.join(", ") : "all devices";
}
