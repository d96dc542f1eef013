import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeVcCollectorDb, makeVcDcimDb } from "./inventory";

/**
 * A VelocityCollector home as its code leaves it (formats from the reference doc, written out
 * here independently of lib/core/jobs): jobs/ with jobs_v2 JSON files, batches/*.yaml,
 * collector.db with its jobs / job_commands / job_history tables, and dcim.db.
 */

export const VC_JOBS_SQL = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, slug TEXT UNIQUE NOT NULL, description TEXT,
  capture_type TEXT NOT NULL, vendor TEXT,
  credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL, credential_fallback_env TEXT,
  protocol TEXT NOT NULL DEFAULT 'ssh', device_filter_source TEXT DEFAULT 'database',
  device_filter_platform_id INTEGER, device_filter_site_id INTEGER, device_filter_role_id INTEGER,
  device_filter_name_pattern TEXT, device_filter_status TEXT DEFAULT 'active',
  paging_disable_command TEXT, command TEXT NOT NULL, output_directory TEXT,
  filename_pattern TEXT DEFAULT '{device_name}.txt', use_textfsm INTEGER DEFAULT 0, textfsm_template TEXT,
  validation_min_score INTEGER DEFAULT 0, store_failures INTEGER DEFAULT 1,
  max_workers INTEGER DEFAULT 10, timeout_seconds INTEGER DEFAULT 60, inter_command_delay INTEGER DEFAULT 1,
  base_path TEXT DEFAULT '~/.vcollector/collections', schedule_enabled INTEGER DEFAULT 0, schedule_cron TEXT,
  is_enabled INTEGER DEFAULT 1, last_run_at TEXT, last_run_status TEXT,
  legacy_job_id INTEGER, legacy_job_file TEXT, migrated_at TEXT,
  created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE job_commands (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
  sequence INTEGER NOT NULL DEFAULT 0, command TEXT NOT NULL, description TEXT, output_directory TEXT,
  use_textfsm INTEGER DEFAULT 0, textfsm_template TEXT, UNIQUE(job_id, sequence));
CREATE TABLE job_history (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, job_file TEXT,
  started_at TEXT NOT NULL, completed_at TEXT, total_devices INTEGER, success_count INTEGER, failed_count INTEGER,
  status TEXT, error_message TEXT);
CREATE TABLE captures (id INTEGER PRIMARY KEY AUTOINCREMENT, device_id INTEGER, device_name TEXT NOT NULL,
  capture_type TEXT NOT NULL, filepath TEXT NOT NULL, file_size INTEGER, captured_at TEXT DEFAULT CURRENT_TIMESTAMP,
  job_history_id INTEGER REFERENCES job_history(id));
`;

/** jobs_v2 files as in the starter set: arista ARP (comma-joined with trailing Enters), a cisco configs job, a broken one. */
export const VC_JSON_JOBS: Record<string, unknown> = {
  "arista_arp.json": {
    version: "2.0",
    job_id: 300,
    capture_type: "arp",
    vendor: "arista",
    credentials: { source: "vault", credential_set: "default", fallback_env: "VELOCITYCMDB_VAULT_PASS" },
    protocol: "ssh",
    device_filter: { source: "database", vendor: "arista", site: null, role: null, name_pattern: null },
    commands: { paging_disable: "terminal length 0", command: "show ip arp,,", output_directory: "arp" },
    validation: { use_tfsm: true, tfsm_filter: "arp", min_score: 1, store_failures: true },
    execution: { max_workers: 12, timeout: 60, inter_command_time: 1 },
    storage: { base_path: "~/.vcollector/collections", filename_pattern: "{device_name}.txt" },
    legacy_v1: {
      migrated_from: "arista_arp.json",
      migration_date: "2025-12-15",
      original_command_text: "terminal length 0,show ip arp",
    },
  },
  "cisco_configs.json": {
    version: "2.0",
    job_id: 329,
    capture_type: "configs",
    vendor: "cisco",
    device_filter: { source: "database", vendor: "cisco", name_pattern: "^core-.*" },
    commands: { paging_disable: "terminal length 0", command: "show running-config", output_directory: "configs" },
    validation: { use_tfsm: false, skip: true },
    execution: { max_workers: 10, timeout: 120, inter_command_time: 1 },
    storage: { base_path: "~/.vcollector/collections", filename_pattern: "{device_name}.txt" },
  },
  "broken_no_command.json": {
    version: "2.0",
    job_id: 399,
    capture_type: "version",
    vendor: "juniper",
    commands: { paging_disable: "set cli screen-length 0" },
  },
};

export interface VcHome {
  root: string;
  collectorDb: string;
  dcimDb: string;
}

export function makeVcHome(root: string): VcHome {
  fs.mkdirSync(path.join(root, "jobs"), { recursive: true });
  fs.mkdirSync(path.join(root, "batches"), { recursive: true });
  for (const [file, doc] of Object.entries(VC_JSON_JOBS))
    fs.writeFileSync(path.join(root, "jobs", file), JSON.stringify(doc, null, 2));
  const dcimDb = path.join(root, "dcim.db");
  makeVcDcimDb(dcimDb);
  const collectorDb = path.join(root, "collector.db");
  makeVcCollectorDb(collectorDb, [{ id: 1, name: "lab" }]);
  const db = new Database(collectorDb);
  try {
    db.exec(VC_JOBS_SQL);
    const platformId = (
      new Database(dcimDb, { readonly: true })
        .prepare("SELECT id FROM dcim_platform WHERE slug = 'arista_eos'")
        .get() as { id: number }
    ).id;
    db.prepare(
      `INSERT INTO jobs (name, slug, capture_type, vendor, device_filter_platform_id, command, paging_disable_command, output_directory, use_textfsm, textfsm_template, validation_min_score, max_workers, credential_id)
       VALUES ('Arista Version', 'arista-version', 'version', 'arista', ?, 'show version', 'terminal length 0', NULL, 1, 'arista_eos_show_version', 50, 8, 1)`,
    ).run(platformId);
    db.prepare(
      `INSERT INTO jobs (name, slug, capture_type, vendor, device_filter_status, command, is_enabled, legacy_job_id)
       VALUES ('Cisco MAC', 'cisco-mac-310', 'mac', 'cisco', 'any', 'show mac address-table', 0, 310)`,
    ).run();
    db.prepare(
      "INSERT INTO jobs (name, slug, capture_type, device_filter_site_id, command) VALUES ('Orphan', 'orphan', 'arp', 99, 'show ip arp')",
    ).run();
    db.prepare("INSERT INTO job_commands (job_id, sequence, command) VALUES (1, 0, 'show version detail')").run();
    const h = db.prepare(
      "INSERT INTO job_history (job_id, job_file, started_at, completed_at, total_devices, success_count, failed_count, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    h.run("arista-version", "database:1", "2025-12-01 02:00:00", "2025-12-01 02:01:00", 4, 4, 0, "success");
    h.run("300", "/home/u/jobs/arista_arp.json", "2025-12-02 02:00:00", null, 4, 0, 0, "running");
  } finally {
    db.close();
  }
  fs.writeFileSync(
    path.join(root, "batches", "daily-collection.yaml"),
    "name: Daily Collection\njobs:\n- arista-arp-300\n- arista-version\n- cisco-ios-arp\ndescription: every night\n",
  );
  return { root, collectorDb, dcimDb };
}
