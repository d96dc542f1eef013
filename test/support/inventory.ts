import Database from "better-sqlite3";

/**
 * Fixtures for the inventory tests: VelocityCollector's dcim.db and collector.db built with ITS
 * schema (written out here from the reference doc, independently of lib/core/inventory/schema.ts
 * so the compatibility test is not circular), and inventory CSV text.
 */

const VC_V1_SQL = `
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE dcim_site (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'active', description TEXT, physical_address TEXT, facility TEXT, time_zone TEXT,
  netbox_id INTEGER UNIQUE, created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE dcim_manufacturer (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE,
  description TEXT, netbox_id INTEGER UNIQUE, created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE dcim_platform (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE,
  manufacturer_id INTEGER, description TEXT, netmiko_device_type TEXT, paging_disable_command TEXT, netbox_id INTEGER UNIQUE,
  created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')),
  FOREIGN KEY (manufacturer_id) REFERENCES dcim_manufacturer(id) ON DELETE SET NULL);
CREATE TABLE dcim_device_role (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE,
  color TEXT DEFAULT '9e9e9e', description TEXT, netbox_id INTEGER UNIQUE,
  created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE dcim_device (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, site_id INTEGER NOT NULL,
  platform_id INTEGER, role_id INTEGER, status TEXT NOT NULL DEFAULT 'active', serial_number TEXT, asset_tag TEXT UNIQUE,
  primary_ip4 TEXT, primary_ip6 TEXT, oob_ip TEXT, credential_id INTEGER, ssh_port INTEGER DEFAULT 22,
  description TEXT, comments TEXT, netbox_id INTEGER UNIQUE,
  created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')), last_collected_at TEXT,
  FOREIGN KEY (site_id) REFERENCES dcim_site(id) ON DELETE CASCADE,
  FOREIGN KEY (platform_id) REFERENCES dcim_platform(id) ON DELETE SET NULL,
  FOREIGN KEY (role_id) REFERENCES dcim_device_role(id) ON DELETE SET NULL,
  UNIQUE (name, site_id));
CREATE VIEW v_device_detail AS SELECT d.id, d.name, s.name AS site_name FROM dcim_device d LEFT JOIN dcim_site s ON d.site_id = s.id;
`;

const VC_V2_EXTRA_SQL = `
ALTER TABLE dcim_device ADD COLUMN credential_tested_at TEXT;
ALTER TABLE dcim_device ADD COLUMN credential_test_result TEXT DEFAULT 'untested';
CREATE INDEX idx_dcim_device_cred_result ON dcim_device(credential_test_result);
`;

export interface VcFixtureDevice {
  name: string;
  site: string;
  platform?: string;
  role?: string;
  status?: string;
  ip4?: string | null;
  ip6?: string;
  sshPort?: number | null;
  credentialId?: number;
  testResult?: "success" | "failed" | "untested" | null;
  testedAt?: string;
}

export const VC_FIXTURE_DEVICES: VcFixtureDevice[] = [
  {
    name: "core-rtr-01",
    site: "dc1",
    platform: "cisco_ios_xe",
    role: "core",
    ip4: "10.1.0.1",
    credentialId: 1,
    testResult: "success",
    testedAt: "2025-06-01 10:00:00",
  },
  {
    name: "core-rtr-02",
    site: "dc1",
    platform: "cisco_ios_xe",
    role: "core",
    ip4: "10.1.0.2/24",
    sshPort: 2222,
    credentialId: 2,
    testResult: "failed",
    testedAt: "2025-06-01 10:05:00",
  },
  { name: "dist-sw-01", site: "dc1", platform: "arista_eos", role: "distribution", ip4: "10.1.1.1", testResult: null },
  {
    name: "edge-fw-01",
    site: "branch-7",
    platform: "paloalto_panos",
    role: "firewall",
    ip4: "10.7.0.1",
    credentialId: 1,
    testResult: "success",
  },
  {
    name: "acc-sw-17",
    site: "branch-7",
    platform: "hp_procurve",
    role: "access",
    ip4: "10.7.1.17",
    status: "offline",
    testResult: "untested",
  },
  { name: "spare-01", site: "branch-7", status: "inventory", ip4: null, ip6: "2001:db8::7" },
  {
    name: "lab-jnpr",
    site: "lab",
    platform: "juniper_junos",
    role: "edge",
    ip4: "192.0.2.10",
    sshPort: null,
    credentialId: 9,
  },
];

/**
 * A dcim.db as VelocityCollector writes it: its schema (v2, or v1 without the credential test
 * columns), its seeded manufacturers/platforms/roles, three sites and the devices above.
 */
export function makeVcDcimDb(file: string, opts: { version?: 1 | 2; devices?: VcFixtureDevice[] } = {}): void {
  const version = opts.version ?? 2;
  const db = new Database(file);
  try {
    db.transaction(() => fillVcDcim(db, version, opts.devices ?? VC_FIXTURE_DEVICES))();
  } finally {
    db.close();
  }
}

function fillVcDcim(db: Database.Database, version: 1 | 2, devices: VcFixtureDevice[]): void {
  db.exec(VC_V1_SQL);
  if (version === 2) db.exec(VC_V2_EXTRA_SQL);
  db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
  const mfr = db.prepare("INSERT INTO dcim_manufacturer (name, slug) VALUES (?, ?)");
  for (const [n, s] of [
    ["Cisco", "cisco"],
    ["Arista", "arista"],
    ["Juniper", "juniper"],
    ["Palo Alto", "palo-alto"],
    ["HP", "hp"],
  ])
    mfr.run(n, s);
  const plat = db.prepare(
    "INSERT INTO dcim_platform (name, slug, manufacturer_id, netmiko_device_type, paging_disable_command) VALUES (?, ?, (SELECT id FROM dcim_manufacturer WHERE slug = ?), ?, ?)",
  );
  plat.run("Cisco IOS-XE", "cisco_ios_xe", "cisco", "cisco_xe", "terminal length 0");
  plat.run("Arista EOS", "arista_eos", "arista", "arista_eos", "terminal length 0");
  plat.run("Juniper Junos", "juniper_junos", "juniper", "juniper_junos", "set cli screen-length 0");
  plat.run("Palo Alto PAN-OS", "paloalto_panos", "palo-alto", "paloalto_panos", "set cli pager off");
  plat.run("HP ProCurve", "hp_procurve", "hp", "hp_procurve", "no page");
  const role = db.prepare("INSERT INTO dcim_device_role (name, slug, color) VALUES (?, ?, ?)");
  for (const [n, s, c] of [
    ["Core", "core", "e67e22"],
    ["Distribution", "distribution", "f1c40f"],
    ["Firewall", "firewall", "e74c3c"],
    ["Access", "access", "27ae60"],
    ["Edge", "edge", "9b59b6"],
  ])
    role.run(n, s, c);
  const site = db.prepare("INSERT INTO dcim_site (name, slug, facility) VALUES (?, ?, ?)");
  site.run("Data Center 1", "dc1", "DC1");
  site.run("Branch 7", "branch-7", null);
  site.run("Lab", "lab", null);
  for (const d of devices) {
    const cols = [
      "name",
      "site_id",
      "platform_id",
      "role_id",
      "status",
      "primary_ip4",
      "primary_ip6",
      "ssh_port",
      "credential_id",
    ];
    const vals: unknown[] = [
      d.name,
      (db.prepare("SELECT id FROM dcim_site WHERE slug = ?").get(d.site) as { id: number }).id,
      d.platform
        ? (db.prepare("SELECT id FROM dcim_platform WHERE slug = ?").get(d.platform) as { id: number }).id
        : null,
      d.role ? (db.prepare("SELECT id FROM dcim_device_role WHERE slug = ?").get(d.role) as { id: number }).id : null,
      d.status ?? "active",
      d.ip4 ?? null,
      d.ip6 ?? null,
      d.sshPort === undefined ? 22 : d.sshPort,
      d.credentialId ?? null,
    ];
    if (version === 2) {
      cols.push("credential_test_result", "credential_tested_at");
      vals.push(d.testResult === undefined ? "untested" : d.testResult, d.testedAt ?? null);
    }
    db.prepare(`INSERT INTO dcim_device (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...vals);
  }
}

/** VelocityCollector's collector.db with just its credentials table (names are not secret). */
export function makeVcCollectorDb(file: string, credentials: Array<{ id: number; name: string }>): void {
  const db = new Database(file);
  try {
    db.exec(`CREATE TABLE vault_metadata (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, value TEXT);
      CREATE TABLE credentials (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL, username TEXT NOT NULL,
        password_encrypted TEXT, ssh_key_encrypted TEXT, ssh_key_passphrase_encrypted TEXT, is_default INTEGER DEFAULT 0,
        created_at TEXT DEFAULT CURRENT_TIMESTAMP, updated_at TEXT DEFAULT CURRENT_TIMESTAMP);`);
    const ins = db.prepare(
      "INSERT INTO credentials (id, name, username, password_encrypted) VALUES (?, ?, 'admin', 'gAAAAA-not-a-real-token')",
    );
    for (const c of credentials) ins.run(c.id, c.name);
  } finally {
    db.close();
  }
}

export const CSV_HEADER = "name,primary_ip4,platform,site,role,status,port,tags,credential";

const PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos", "cisco_xr", "paloalto_panos"];
const SITES = ["dc1", "dc2", "branch-1", "branch-2", "lab"];
const ROLES = ["core", "distribution", "access", "edge", "firewall"];

/** A valid inventory CSV of `count` devices spread over platforms, sites, roles and tags. */
export function makeInventoryCsv(count: number): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < count; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const tags = [i % 2 ? "odd" : "even", i % 10 === 0 ? "tenth" : ""].filter(Boolean).join(";");
    lines.push(
      [
        `dev-${String(i).padStart(5, "0")}`,
        ip,
        PLATFORMS[i % PLATFORMS.length],
        SITES[i % SITES.length],
        ROLES[i % ROLES.length],
        i % 17 === 0 ? "offline" : "active",
        22 + (i % 3),
        tags,
        i % 4 === 0 ? "lab" : "",
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}
