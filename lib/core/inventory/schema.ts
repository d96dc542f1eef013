import type BetterSqlite3 from "better-sqlite3";
import { VcError } from "../errors";

/**
 * The DCIM schema. Versions 1 and 2 are VelocityCollector's (`dcim/db_schema.py`, tables, indexes
 * and views unchanged), so its dcim.db opens here as it is and a dcim.db made here opens there.
 * Our additions come as later versions that only ADD columns (VelocityCollector reads its
 * columns by name, and its own migration code stops at version 2, so it ignores ours).
 */
export const SCHEMA_VERSION = 3;

const SCHEMA_VERSION_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (datetime('now'))
);`;

const VELOCITYCOLLECTOR_V2_SQL = `${SCHEMA_VERSION_TABLE_SQL}
CREATE TABLE IF NOT EXISTS dcim_site (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'active',
    description TEXT,
    physical_address TEXT,
    facility TEXT,
    time_zone TEXT,
    netbox_id INTEGER UNIQUE,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS idx_dcim_site_slug ON dcim_site(slug);
CREATE INDEX IF NOT EXISTS idx_dcim_site_status ON dcim_site(status);
CREATE INDEX IF NOT EXISTS idx_dcim_site_netbox_id ON dcim_site(netbox_id);
CREATE TABLE IF NOT EXISTS dcim_manufacturer (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    description TEXT,
    netbox_id INTEGER UNIQUE,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS idx_dcim_manufacturer_slug ON dcim_manufacturer(slug);
CREATE TABLE IF NOT EXISTS dcim_platform (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    manufacturer_id INTEGER,
    description TEXT,
    netmiko_device_type TEXT,
    paging_disable_command TEXT,
    netbox_id INTEGER UNIQUE,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now')),
    FOREIGN KEY (manufacturer_id) REFERENCES dcim_manufacturer(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS idx_dcim_platform_slug ON dcim_platform(slug);
CREATE INDEX IF NOT EXISTS idx_dcim_platform_manufacturer ON dcim_platform(manufacturer_id);
CREATE TABLE IF NOT EXISTS dcim_device_role (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    color TEXT DEFAULT '9e9e9e',
    description TEXT,
    netbox_id INTEGER UNIQUE,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS idx_dcim_device_role_slug ON dcim_device_role(slug);
CREATE TABLE IF NOT EXISTS dcim_device (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    site_id INTEGER NOT NULL,
    platform_id INTEGER,
    role_id INTEGER,
    status TEXT NOT NULL DEFAULT 'active',
    serial_number TEXT,
    asset_tag TEXT UNIQUE,
    primary_ip4 TEXT,
    primary_ip6 TEXT,
    oob_ip TEXT,
    credential_id INTEGER,
    ssh_port INTEGER DEFAULT 22,
    credential_tested_at TEXT,
    credential_test_result TEXT DEFAULT 'untested',
    description TEXT,
    comments TEXT,
    netbox_id INTEGER UNIQUE,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now')),
    last_collected_at TEXT,
    FOREIGN KEY (site_id) REFERENCES dcim_site(id) ON DELETE CASCADE,
    FOREIGN KEY (platform_id) REFERENCES dcim_platform(id) ON DELETE SET NULL,
    FOREIGN KEY (role_id) REFERENCES dcim_device_role(id) ON DELETE SET NULL,
    UNIQUE (name, site_id)
);
CREATE INDEX IF NOT EXISTS idx_dcim_device_name ON dcim_device(name);
CREATE INDEX IF NOT EXISTS idx_dcim_device_site ON dcim_device(site_id);
CREATE INDEX IF NOT EXISTS idx_dcim_device_platform ON dcim_device(platform_id);
CREATE INDEX IF NOT EXISTS idx_dcim_device_role ON dcim_device(role_id);
CREATE INDEX IF NOT EXISTS idx_dcim_device_status ON dcim_device(status);
CREATE INDEX IF NOT EXISTS idx_dcim_device_primary_ip4 ON dcim_device(primary_ip4);
CREATE INDEX IF NOT EXISTS idx_dcim_device_netbox_id ON dcim_device(netbox_id);
CREATE INDEX IF NOT EXISTS idx_dcim_device_cred_result ON dcim_device(credential_test_result);
CREATE INDEX IF NOT EXISTS idx_dcim_device_cred_tested ON dcim_device(credential_tested_at);
${deviceDetailViewSql()}
CREATE VIEW IF NOT EXISTS v_site_device_counts AS
SELECT s.id, s.name, s.slug, s.status,
    COUNT(d.id) AS device_count,
    COUNT(CASE WHEN d.status = 'active' THEN 1 END) AS active_devices
FROM dcim_site s
LEFT JOIN dcim_device d ON s.id = d.site_id
GROUP BY s.id;
CREATE VIEW IF NOT EXISTS v_platform_device_counts AS
SELECT p.id, p.name, p.slug, m.name AS manufacturer_name, COUNT(d.id) AS device_count
FROM dcim_platform p
LEFT JOIN dcim_manufacturer m ON p.manufacturer_id = m.id
LEFT JOIN dcim_device d ON p.id = d.platform_id
GROUP BY p.id;
`;

/** VelocityCollector's v_device_detail (all of its device queries go through it). */
function deviceDetailViewSql(): string {
  return `CREATE VIEW IF NOT EXISTS v_device_detail AS
SELECT d.id, d.name, d.status, d.primary_ip4, d.primary_ip6, d.oob_ip, d.ssh_port, d.serial_number,
    d.asset_tag, d.credential_id, d.credential_tested_at, d.credential_test_result, d.description,
    d.last_collected_at, d.netbox_id, d.created_at, d.updated_at,
    s.id AS site_id, s.name AS site_name, s.slug AS site_slug,
    p.id AS platform_id, p.name AS platform_name, p.slug AS platform_slug, p.netmiko_device_type, p.paging_disable_command,
    m.id AS manufacturer_id, m.name AS manufacturer_name, m.slug AS manufacturer_slug,
    r.id AS role_id, r.name AS role_name, r.slug AS role_slug
FROM dcim_device d
LEFT JOIN dcim_site s ON d.site_id = s.id
LEFT JOIN dcim_platform p ON d.platform_id = p.id
LEFT JOIN dcim_manufacturer m ON p.manufacturer_id = m.id
LEFT JOIN dcim_device_role r ON d.role_id = r.id;`;
}

type Db = BetterSqlite3.Database;

export function tableExists(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

export function columnsOf(db: Db, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((r) => r.name));
}

export function currentVersion(db: Db): number {
  if (!tableExists(db, "dcim_site")) return 0;
  if (!tableExists(db, "schema_version")) return 1;
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_version").get() as { v: number | null };
  return row.v ?? 1;
}

function addColumnIfMissing(db: Db, table: string, column: string, type: string): void {
  if (!columnsOf(db, table).has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

/** Migrations from version N-1 to N. Each runs in its own transaction and records its version. */
const MIGRATIONS: Record<number, (db: Db) => void> = {
  // VelocityCollector's v1 → v2: credential test columns, their indexes, the view with them.
  2: (db) => {
    addColumnIfMissing(db, "dcim_device", "credential_tested_at", "TEXT");
    addColumnIfMissing(db, "dcim_device", "credential_test_result", "TEXT DEFAULT 'untested'");
    db.exec(`CREATE INDEX IF NOT EXISTS idx_dcim_device_cred_result ON dcim_device(credential_test_result);
      CREATE INDEX IF NOT EXISTS idx_dcim_device_cred_tested ON dcim_device(credential_tested_at);
      DROP VIEW IF EXISTS v_device_detail;
      ${deviceDetailViewSql()}`);
  },
  // Ours: the credential mapping by NAME (credential_id points into VelocityCollector's vault,
  // whose ids mean nothing to ours), tags, and extra attributes as JSON.
  3: (db) => {
    addColumnIfMissing(db, "dcim_device", "credential_name", "TEXT");
    addColumnIfMissing(db, "dcim_device", "tags", "TEXT");
    addColumnIfMissing(db, "dcim_device", "custom_fields", "TEXT");
    db.exec("CREATE INDEX IF NOT EXISTS idx_dcim_device_credential_name ON dcim_device(credential_name)");
  },
};

/** Creates the schema in an empty file, or brings an existing dcim.db up to SCHEMA_VERSION. */
export function migrate(db: Db, file: string): { from: number; to: number } {
  const from = currentVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new VcError(
      "inventory_schema",
      `schema version ${from} is newer than this version of the pack understands (${SCHEMA_VERSION})`,
      file,
    );
  }
  let version = from;
  if (version === 0) {
    db.transaction(() => {
      db.exec(VELOCITYCOLLECTOR_V2_SQL);
      db.prepare("INSERT OR IGNORE INTO schema_version (version) VALUES (2)").run();
    })();
    version = 2;
  } else if (!tableExists(db, "schema_version")) {
    db.exec(SCHEMA_VERSION_TABLE_SQL);
  }
  for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
    db.transaction(() => {
      MIGRATIONS[v](db);
      db.prepare("INSERT OR IGNORE INTO schema_version (version) VALUES (?)").run(v);
    })();
  }
  return { from, to: SCHEMA_VERSION };
}
