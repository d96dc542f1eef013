/**
 * The device inventory: a SQLite DCIM compatible with VelocityCollector's dcim.db, CSV files,
 * NetBox, inline lists and msg.payload, all yielding the shared Device type and all filtered by
 * the one filterDevices. See docs/inventory.md.
 */
export {
  Inventory,
  DEFAULT_SITE,
  deviceToInput,
  type OpenOptions,
  type WriteOptions,
  type InventoryCounts,
} from "./inventory";
export { NetBoxClient, syncFromNetBox, type NetBoxClientOptions, type SyncReport } from "./netbox";
export { importVelocityCollectorDcim, type VcImportOptions } from "./vc-import";
export {
  SOURCE_TYPES,
  parseSourceSettings,
  effectiveFilter,
  netboxServerFilter,
  readSource,
  selectFromSource,
  messagePerDevice,
  type SourceType,
  type DeviceSourceConfig,
  type RawSourceSettings,
  type MessageParts,
} from "./source";
export { filterDevices, normaliseFilter, compileNamePattern, describeFilter, FILTER_KEYS } from "./filter";
export { parseDevicesCsv, parseCsvRows, CSV_COLUMNS } from "./csv";
export { loadDevices, sourceKind, type SourceKind } from "./load";
export { normaliseDevices, normaliseDevicesReport, aggregateError, type ItemError } from "./normalise";
export { PlatformCatalog } from "./platforms";
export { labelsOf, type DcimLabels } from "./labels";
export { SCHEMA_VERSION } from "./schema";
export { DEFAULT_MANUFACTURERS, DEFAULT_PLATFORMS, DEFAULT_ROLES, DEFAULT_NETBOX_PLATFORM_MAP } from "./seeds";
export type {
  DeviceFilter,
  DeviceInput,
  CsvRowError,
  CsvImportReport,
  ImportReport,
  NetBoxFilter,
  PlatformInfo,
  CredentialStatus,
} from "./types";
export { DEVICE_STATUSES } from "./types";
