/**
 * The platform catalogue: one record per platform (lib/core/platforms/catalogue/<name>.yaml) with
 * everything the pack knows about it — session behaviour, inventory seeds, NetBox slugs, vendor,
 * ntc-templates name, secret and volatile-line rules — and the vendors (vendors.yaml).
 */
export {
  BUILTIN_CATALOGUE_DIR,
  VENDORS_FILE,
  Catalogue,
  PlatformCatalogueError,
  compactName,
  compileRecord,
  findPlatform,
  hasSession,
  loadCatalogue,
  loadRecordFile,
  ntcPlatformFor,
  type CatalogueOptions,
  type InventoryPlatform,
  type PlatformRecord,
  type Vendor,
} from "./catalogue";
export {
  COMMON_RULES_FILE,
  USER_PLATFORMS_DIR,
  USER_RULES_FILE,
  platformOptionsForHome,
  redactionRules,
  volatilePatterns,
  volatileRules,
  type BlockRedaction,
  type LineRedaction,
  type RedactionRule,
  type RuleOptions,
  type VolatileRule,
} from "./rules";
export type {
  BlockRuleSource,
  InventorySource,
  LineRuleSource,
  PlatformSource,
  RedactRuleSource,
  SessionSource,
  UserRulesSource,
  VendorSource,
  VolatileRuleSource,
} from "./schema";
