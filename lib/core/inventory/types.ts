import type { Device } from "../types";

export type CredentialStatus = NonNullable<Device["credentialStatus"]>;

/**
 * Which devices to select. Every value is a case-insensitive exact match against any of the
 * device's names for that attribute (slug, display name, and for platforms the netmiko/ntc name;
 * vendors also by alias, ignoring spaces, hyphens and underscores); site, role, platform,
 * manufacturer, status and tag take a comma list ("dc1,dc2": any of them),
 * except `name` (a regular expression, case-insensitive), `tag` (the device carries the tag) and
 * `credentialStatus` (a device never tested counts as "untested"). `limit` applies last, after a
 * stable sort by device name.
 */
export interface DeviceFilter {
  site?: string;
  role?: string;
  platform?: string;
  /** Manufacturer (vendor). */
  manufacturer?: string;
  status?: string;
  /** Regular expression matched against the device name (case-insensitive, unanchored). */
  name?: string;
  tag?: string;
  credentialStatus?: CredentialStatus;
  limit?: number;
}

/** What a caller gives to add or update a device in the SQLite inventory. */
export interface DeviceInput {
  name: string;
  /** Management address (IPv4 or IPv6; a prefix length is stripped). */
  host: string;
  port?: number;
  /** Platform slug, display name or netmiko/ntc name; must be known to the inventory. */
  platform: string;
  /** Site slug or name; a device without one goes to the site "default". */
  site?: string;
  role?: string;
  status?: string;
  tags?: string[];
  credentialName?: string;
  description?: string;
  /** Extra attributes kept with the device (stored as JSON). */
  extra?: Record<string, unknown>;
  netboxId?: number;
}

/** One problem with one CSV row: where it is and what is wrong. */
export interface CsvRowError {
  source: string;
  /** Line number in the file where the row starts (a header on the first line is row 1). */
  row: number;
  column?: string;
  problem: string;
  /** `<file>:row <n>, column <col>: <problem>` */
  message: string;
}

export interface CsvImportReport {
  source: string;
  imported: number;
  /** Device names imported, in file order. */
  importedNames: string[];
  /** Rows left out because they were bad (only with skipBad; otherwise nothing is imported). */
  skipped: CsvRowError[];
  errors: CsvRowError[];
  createdSites: string[];
  createdRoles: string[];
}

export interface ImportReport {
  source: string;
  sites: number;
  manufacturers: number;
  platforms: number;
  roles: number;
  devicesAdded: number;
  devicesUpdated: number;
  /** Devices whose VelocityCollector credential mapping became a credential name here. */
  credentialsMapped: number;
  /** Credential names a device referred to that the vault does not have (mapping left empty). */
  unmatchedCredentials: string[];
  /** Devices left out, with the reason. */
  skipped: Array<{ device: string; reason: string }>;
}

export interface NetBoxFilter {
  site?: string;
  role?: string;
  platform?: string;
  status?: string;
  tag?: string;
}

export interface PlatformInfo {
  name: string;
  slug: string;
  /** Manufacturer slug. */
  manufacturer?: string;
  /** netmiko device type: what a Device's `platform` holds (ntcPlatformFor() gives the ntc-templates name). */
  netmikoDeviceType?: string;
  /**
   * VelocityCollector's paging_disable_command column, kept for compatibility. Seeded from the
   * platform catalogue (the record's `paging`, which is also what the session sends first).
   */
  pagingDisableCommand?: string;
}

export interface ManufacturerInfo {
  name: string;
  slug: string;
}

export interface RoleInfo {
  name: string;
  slug: string;
  color: string;
}

/** NetBox-style device statuses (the values VelocityCollector's dcim_device.status uses). */
export const DEVICE_STATUSES = [
  "active",
  "planned",
  "staged",
  "failed",
  "offline",
  "decommissioning",
  "inventory",
] as const;
