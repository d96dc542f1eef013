import type { Device } from "../types";
import { VcError } from "../errors";

/**
 * One page of a device list for a table view: sorted by a column, sliced, with the figures a
 * header shows (how many match, credential coverage) and the values each filter can take.
 */
export const DEVICE_SORT_KEYS = [
  "name",
  "host",
  "platform",
  "site",
  "role",
  "manufacturer",
  "status",
  "credentialName",
  "credentialStatus",
] as const;
export type DeviceSortKey = (typeof DEVICE_SORT_KEYS)[number];

export const MAX_PAGE_SIZE = 500;

export interface PageRequest {
  sort?: DeviceSortKey;
  descending?: boolean;
  offset?: number;
  limit?: number;
}

export interface CredentialCoverage {
  total: number;
  ok: number;
  failed: number;
  untested: number;
  /** Share of the devices with a working credential, 0–100, one decimal. */
  percent: number;
}

export interface DevicePage {
  /** Devices matching the filter (before paging). */
  total: number;
  offset: number;
  limit: number;
  devices: Device[];
  coverage: CredentialCoverage;
}

export function credentialCoverage(devices: Device[]): CredentialCoverage {
  let ok = 0;
  let failed = 0;
  for (const d of devices) {
    if (d.credentialStatus === "ok") ok++;
    else if (d.credentialStatus === "failed") failed++;
  }
  const total = devices.length;
  return {
    total,
    ok,
    failed,
    untested: total - ok - failed,
    percent: total ? Math.round((ok / total) * 1000) / 10 : 0,
  };
}

export function pageDevices(devices: Device[], req: PageRequest = {}): DevicePage {
  const sort = req.sort ?? "name";
  if (!(DEVICE_SORT_KEYS as readonly string[]).includes(sort))
    throw new VcError("invalid_input", `unknown sort column (known: ${DEVICE_SORT_KEYS.join(", ")})`, "sort");
  const offset = req.offset ?? 0;
  const limit = req.limit ?? 50;
  if (!Number.isInteger(offset) || offset < 0)
    throw new VcError("invalid_input", "must be a whole number of at least 0", "offset");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new VcError("invalid_input", `must be a whole number from 1 to ${MAX_PAGE_SIZE}`, "limit");
  const value = (d: Device): string =>
    sort === "credentialStatus" ? (d.credentialStatus ?? "untested") : String(d[sort] ?? "");
  const sign = req.descending ? -1 : 1;
  const sorted = devices
    .map((d) => ({ d, key: value(d).toLowerCase() }))
    .sort((a, b) => sign * (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || cmp(a.d.name, b.d.name))
    .map((x) => x.d);
  return {
    total: devices.length,
    offset,
    limit,
    devices: sorted.slice(offset, offset + limit),
    coverage: credentialCoverage(devices),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
