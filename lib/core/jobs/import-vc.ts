import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { CollectorDb } from "../collect/history";
import { VcError, errorMessage } from "../errors";
import { batchSlug, type BatchFile } from "./batch";
import { checkJob, type JobFile } from "./job";
import { loadYamlLocated } from "./located-yaml";
import type { JobStore } from "./store";

/**
 * Import from VelocityCollector: jobs_v2 JSON files or folders, a collector.db (its jobs,
 * job_commands and job_history tables) and batches/*.yaml. VelocityCollector's meaning is kept
 * where it is well defined, and every place where it is not (or where it was a defect) is said
 * in the job's notes. Re-importing the same sources changes nothing.
 */

export type ImportAction = "imported" | "unchanged" | "replaced" | "kept" | "refused";

export interface ImportEntry {
  kind: "job" | "batch" | "history";
  /** Where it came from: file[:line], or collector.db#jobs/<id>. */
  source: string;
  slug?: string;
  action: ImportAction;
  /** What changed from VelocityCollector's meaning, and why. */
  notes: string[];
  error?: string;
}

export interface ImportReport {
  entries: ImportEntry[];
  /** job_history rows copied (and already present). */
  history: { imported: number; unchanged: number };
}

export interface ImportOptions {
  store: JobStore;
  /** Our collector.db, for job_history rows (none copied without it). */
  history?: CollectorDb;
  /** VelocityCollector's dcim.db, to turn platform/site/role ids into names (default: beside the sources). */
  dcimDb?: string;
  /** Replace jobs and batches that exist with different content (default: keep them). */
  replace?: boolean;
  dryRun?: boolean;
}

/** Paging commands our platform profiles already send: dropped from imported command lists. */
const PAGING_COMMANDS = new Set([
  "terminal length 0",
  "terminal pager 0",
  "set cli screen-length 0",
  "set cli pager off",
  "screen-length 0 temporary",
  "screen-length disable",
  "no page",
  "terminal width 511",
]);

interface IdNames {
  platform: Map<number, string>;
  site: Map<number, string>;
  role: Map<number, string>;
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** VelocityCollector's comma-joined command string as the commands it really sent. */
function splitVcCommands(command: unknown, paging: unknown, notes: string[]): string[] {
  let parts: string[];
  if (Array.isArray(command)) {
    parts = command.map(String);
    notes.push(
      "commands.command is a list: VelocityCollector's runner could not run it (it joins with ','); imported as ordered commands",
    );
  } else {
    const text = String(command ?? "");
    parts = text.split(",");
    if (parts.length > 1)
      notes.push(
        `command '${text}' split on ',' as VelocityCollector sent it${/\|[^,]*,/.test(text) ? " (a comma inside a pipe filter was already split by VelocityCollector; check it)" : ""}`,
      );
  }
  const empties = parts.filter((p) => p.trim() === "").length;
  if (empties) notes.push(`${empties} empty element(s) (extra Enters for its prompt counting) dropped`);
  const pagingText = typeof paging === "string" ? paging.trim() : "";
  if (pagingText)
    notes.push(`paging_disable '${pagingText.replace(/\n/g, "\\n")}' dropped: the platform profile disables paging`);
  const kept = parts.map((p) => p.trim()).filter((p) => p !== "" && p !== pagingText);
  const paging2 = kept.filter((p) => PAGING_COMMANDS.has(p.toLowerCase()));
  if (paging2.length)
    notes.push(
      `paging command(s) ${paging2.map((p) => `'${p}'`).join(", ")} dropped: the platform profile disables paging`,
    );
  return kept.filter((p) => !PAGING_COMMANDS.has(p.toLowerCase()));
}

/** name_pattern as VelocityCollector ran it (strip * ^ $, then a substring) as a name regex. */
function namePattern(pattern: unknown, notes: string[]): string | undefined {
  if (typeof pattern !== "string" || pattern.trim() === "") return undefined;
  const literal = pattern.replace(/[*^$]/g, "");
  const regex = literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  notes.push(
    `name_pattern '${pattern}': VelocityCollector stripped * ^ $ and matched the rest as text in the name, IP or description; now the name regex '${regex}' (names only)`,
  );
  return regex;
}

function readIdNames(file: string | undefined): IdNames | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const map = (table: string, column = "slug") => {
      try {
        return new Map(
          (db.prepare(`SELECT id, ${column} AS v FROM ${table}`).all() as Array<{ id: number; v: string }>).map((r) => [
            r.id,
            r.v,
          ]),
        );
      } catch {
        return new Map<number, string>();
      }
    };
    const platform = new Map<number, string>();
    try {
      for (const r of db.prepare("SELECT id, slug, netmiko_device_type AS n FROM dcim_platform").all() as Array<{
        id: number;
        slug: string;
        n: string | null;
      }>)
        platform.set(r.id, r.slug);
    } catch {
      /* no platforms table */
    }
    return { platform, site: map("dcim_site"), role: map("dcim_device_role") };
  } finally {
    db.close();
  }
}

/** The numeric id filters (platform_id, site_id, role_id) as names; throws when one cannot be resolved. */
function idFilters(f: Record<string, unknown>, ids: IdNames | undefined, out: NonNullable<JobFile["devices"]>): void {
  for (const [key, attr] of [
    ["platform_id", "platform"],
    ["site_id", "site"],
    ["role_id", "role"],
  ] as const) {
    const id = f[key];
    if (id === null || id === undefined || id === 0 || id === "") continue;
    const name = ids?.[attr].get(Number(id));
    if (!name)
      throw new VcError(
        "import_refused",
        `${key} ${String(id)} cannot be turned into a ${attr} name${ids ? " (not in dcim.db)" : " (no VelocityCollector dcim.db beside the sources; give --dcim)"}: importing without it would select more devices`,
      );
    out[attr] = name;
  }
}

function validationOf(
  v: Record<string, unknown>,
  filterKey: "tfsm_filter" | "textfsm_template",
  useDefault: boolean,
  notes: string[],
): JobFile["validation"] {
  const use = v.use_tfsm ?? v.use_textfsm ?? useDefault;
  if (!use || v.skip === true) return undefined;
  const filter =
    typeof v[filterKey] === "string" && (v[filterKey] as string).trim() !== ""
      ? (v[filterKey] as string).trim()
      : undefined;
  if (!filter)
    notes.push(
      "no template filter: VelocityCollector built '<vendor>_<capture_type>'; now auto-detect by platform and command",
    );
  const min = v.min_score ?? v.validation_min_score;
  if (min !== undefined && min !== null && Number(min) !== 0)
    notes.push(
      `min_score ${String(min)} (VelocityCollector's 0–100 scale, which it never applied: any template with a record passed) → 0 (a template must fit); set validation.min_score (0..1) to be stricter`,
    );
  if (v.store_failures === true || v.store_failures === 1)
    notes.push("store_failures was ignored by VelocityCollector (failures were not stored); imported as false");
  return { template: "auto", ...(filter ? { filter } : {}), min_score: 0, store_failures: false };
}

/** A jobs_v2 JSON job as our job file. */
export function jobFromJsonV2(
  doc: Record<string, unknown>,
  ids: IdNames | undefined,
  source: string,
): { job: JobFile; notes: string[] } {
  const notes: string[] = [];
  const vendor = typeof doc.vendor === "string" && doc.vendor !== "" ? doc.vendor : undefined;
  const captureType = typeof doc.capture_type === "string" && doc.capture_type !== "" ? doc.capture_type : "custom";
  if (doc.job_id === undefined || doc.job_id === null)
    throw new VcError("import_refused", "job_id: required (VelocityCollector's validate refuses it too)");
  const commands = (doc.commands ?? {}) as Record<string, unknown>;
  if (commands.command === undefined) throw new VcError("import_refused", "commands.command: required");
  const slug = `${slugify(`${vendor ?? "multi"}-${captureType}`)}-${String(doc.job_id)}`;
  const name = `${(vendor ?? "multi").replace(/\b\w/g, (c) => c.toUpperCase())} ${captureType.toUpperCase()} Collection`;
  const list = splitVcCommands(commands.command, commands.paging_disable, notes);
  const f = (doc.device_filter ?? {}) as Record<string, unknown>;
  const devices: NonNullable<JobFile["devices"]> = {};
  const fv = typeof f.vendor === "string" && f.vendor ? f.vendor : vendor;
  if (fv) {
    devices.vendor = fv;
    notes.push(
      `vendor '${fv}' matches every platform of that manufacturer, as in VelocityCollector (e.g. cisco: IOS and NX-OS alike); add devices.platform to narrow`,
    );
  }
  for (const key of ["site", "role"] as const)
    if (typeof f[key] === "string" && f[key]) {
      devices[key] = f[key] as string;
      notes.push(`device_filter.${key} '${String(f[key])}' was ignored by VelocityCollector's runner; now applied`);
    }
  idFilters(f, ids, devices);
  const pattern = namePattern(f.name_pattern, notes);
  if (pattern) devices.name = pattern;
  if (typeof f.status === "string" && f.status && f.status !== "any") devices.status = f.status;
  else
    notes.push(
      "no status filter: every device status matches, as in VelocityCollector's JSON jobs (add devices.status: active to skip planned/offline devices)",
    );
  const e = (doc.execution ?? {}) as Record<string, unknown>;
  const s = (doc.storage ?? {}) as Record<string, unknown>;
  const validation = validationOf((doc.validation ?? {}) as Record<string, unknown>, "tfsm_filter", true, notes);
  const job: JobFile = {
    name,
    slug,
    enabled: true,
    capture_type: captureType,
    commands: list,
    ...(Object.keys(devices).length ? { devices } : {}),
    ...execution(e.max_workers, e.timeout, e.inter_command_time),
    ...storage(commands.output_directory, s.filename_pattern, s.base_path, captureType, notes),
    ...(validation ? { validation } : {}),
    imported: { from: "velocitycollector jobs_v2", source: path.basename(source), job_id: doc.job_id as number },
  };
  return { job, notes };
}

function execution(workers: unknown, timeout: unknown, delay: unknown): Pick<JobFile, "execution"> {
  const ex: NonNullable<JobFile["execution"]> = {};
  if (Number(workers) >= 1) ex.concurrency = Math.min(5000, Math.floor(Number(workers)));
  if (Number(timeout) > 0) ex.command_timeout_s = Number(timeout);
  if (delay !== undefined && delay !== null && Number(delay) >= 0) ex.command_delay_s = Number(delay);
  return Object.keys(ex).length ? { execution: ex } : {};
}

function storage(
  dir: unknown,
  pattern: unknown,
  base: unknown,
  captureType: string,
  notes: string[],
): Pick<JobFile, "storage"> {
  const st: NonNullable<JobFile["storage"]> = {};
  if (typeof dir === "string" && dir !== "" && dir !== captureType) st.folder = dir;
  if (dir === null)
    notes.push(
      "output_directory is null (VelocityCollector then failed every save while counting success); the capture type's folder is used",
    );
  if (typeof pattern === "string" && pattern !== "" && pattern !== "{device_name}.txt") st.filename = pattern;
  if (typeof base === "string" && base !== "" && base.replace(/\/+$/, "") !== "~/.vcollector/collections")
    notes.push(`base_path '${base}' not kept: captures go to the data home's collections folder`);
  return Object.keys(st).length ? { storage: st } : {};
}

/** A row of collector.db's jobs table (plus its job_commands) as our job file. */
export function jobFromDbRow(
  row: Record<string, unknown>,
  extra: string[],
  ids: IdNames | undefined,
): { job: JobFile; notes: string[] } {
  const notes: string[] = [];
  const captureType = String(row.capture_type ?? "custom");
  const list = splitVcCommands(row.command, row.paging_disable_command, notes);
  for (const c of extra) if (!list.includes(c)) list.push(c);
  if (extra.length)
    notes.push(
      `job_commands rows (never run by VelocityCollector) appended in sequence order: ${extra.map((c) => `'${c}'`).join(", ")}`,
    );
  const devices: NonNullable<JobFile["devices"]> = {};
  if (typeof row.vendor === "string" && row.vendor) {
    devices.vendor = row.vendor;
    notes.push(
      `vendor '${row.vendor}' matches every platform of that manufacturer, as in VelocityCollector; add devices.platform to narrow`,
    );
  }
  idFilters(
    {
      platform_id: row.device_filter_platform_id,
      site_id: row.device_filter_site_id,
      role_id: row.device_filter_role_id,
    },
    ids,
    devices,
  );
  const pattern = namePattern(row.device_filter_name_pattern, notes);
  if (pattern) devices.name = pattern;
  const status = row.device_filter_status;
  if (typeof status === "string" && status !== "" && status !== "any") devices.status = status;
  const validation = validationOf(
    {
      use_textfsm: Boolean(row.use_textfsm),
      textfsm_template: row.textfsm_template,
      min_score: row.validation_min_score,
      store_failures: row.store_failures,
    },
    "textfsm_template",
    false,
    notes,
  );
  if (row.credential_id !== null && row.credential_id !== undefined)
    notes.push(
      "credential_id was never used by VelocityCollector's runner; not imported (each device's mapped credential, then the vault default, apply)",
    );
  const job: JobFile = {
    name: String(row.name ?? row.slug),
    slug: String(row.slug),
    ...(row.description ? { description: String(row.description) } : {}),
    enabled: row.is_enabled === null || row.is_enabled === undefined ? true : Boolean(row.is_enabled),
    capture_type: captureType,
    commands: list,
    ...(Object.keys(devices).length ? { devices } : {}),
    ...execution(row.max_workers, row.timeout_seconds, row.inter_command_delay),
    ...storage(row.output_directory, row.filename_pattern, row.base_path, captureType, notes),
    ...(validation ? { validation } : {}),
    imported: {
      from: "velocitycollector collector.db",
      job_id: Number(row.id),
      ...(row.legacy_job_id ? { legacy_job_id: Number(row.legacy_job_id) } : {}),
    },
  };
  return { job, notes };
}

interface Sources {
  jsonFiles: string[];
  dbFiles: string[];
  batchFiles: string[];
  dcim?: string;
}

function collectSources(paths: string[]): Sources {
  const out: Sources = { jsonFiles: [], dbFiles: [], batchFiles: [] };
  const visit = (p: string, depth: number) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) throw new VcError("not_found", "no such file or folder", p);
    if (st.isDirectory()) {
      if (depth > 1) return;
      for (const f of fs.readdirSync(p).sort()) {
        const full = path.join(p, f);
        const fst = fs.statSync(full);
        if (fst.isDirectory()) {
          if (["jobs", "jobs_v2", "batches"].includes(f)) visit(full, depth + 1);
        } else if (
          f.endsWith(".json") ||
          (f === "collector.db" && depth === 0) ||
          (/\.ya?ml$/.test(f) && path.basename(p) === "batches")
        )
          visit(full, depth + 1);
        if (f === "dcim.db" && depth === 0) out.dcim ??= full;
      }
      return;
    }
    if (p.endsWith(".json")) out.jsonFiles.push(p);
    else if (/\.ya?ml$/.test(p)) out.batchFiles.push(p);
    else if (p.endsWith(".db")) {
      if (path.basename(p) === "dcim.db") out.dcim ??= p;
      else out.dbFiles.push(p);
    } else throw new VcError("import_refused", "not a jobs_v2 .json, a collector.db or a batches .yaml", p);
    const beside = path.join(path.dirname(p), "dcim.db");
    if (fs.existsSync(beside) && !out.dcim) out.dcim = beside;
    const home = path.join(path.dirname(path.dirname(p)), "dcim.db");
    if (fs.existsSync(home) && !out.dcim) out.dcim = home;
  };
  for (const p of paths) visit(path.resolve(p), 0);
  return out;
}

function comparable(job: JobFile): unknown {
  return JSON.parse(JSON.stringify(job));
}

export function importVelocityCollector(paths: string[], opts: ImportOptions): ImportReport {
  const report: ImportReport = { entries: [], history: { imported: 0, unchanged: 0 } };
  const sources = collectSources(paths);
  const ids = readIdNames(opts.dcimDb ?? sources.dcim);
  /** VelocityCollector job id / legacy id / JSON job_id → our slug, for history rows. */
  const slugOfHistoryId = new Map<string, string>();

  const put = (job: JobFile, notes: string[], source: string) => {
    const entry: ImportEntry = { kind: "job", source, slug: job.slug, action: "imported", notes };
    try {
      checkJob(job, source);
      const exists = opts.store.hasJob(job.slug) ? opts.store.getJob(job.slug).source : undefined;
      if (exists && isDeepStrictEqual(comparable(exists), comparable(job))) entry.action = "unchanged";
      else if (exists && !opts.replace) {
        entry.action = "kept";
        entry.notes = [`a different job '${job.slug}' exists: kept (use --replace to overwrite)`, ...notes];
      } else {
        entry.action = exists ? "replaced" : "imported";
        if (!opts.dryRun) opts.store.saveJob(job);
      }
    } catch (err) {
      entry.action = "refused";
      entry.error = errorMessage(err);
    }
    report.entries.push(entry);
  };

  for (const file of sources.jsonFiles) {
    let located;
    try {
      located = loadYamlLocated(fs.readFileSync(file, "utf8"), file);
      const doc = located.value;
      if (!doc || typeof doc !== "object" || Array.isArray(doc))
        throw new VcError("import_refused", "not a jobs_v2 job (an object with job_id and commands)");
      const { job, notes } = jobFromJsonV2(doc as Record<string, unknown>, ids, file);
      slugOfHistoryId.set(String((doc as Record<string, unknown>).job_id), job.slug);
      put(job, notes, file);
    } catch (err) {
      const field = /^([a-z_.]+):/.exec(errorMessage(err))?.[1];
      const line = located && field ? located.lineOf(`/${field.replace(/\./g, "/")}`) : undefined;
      report.entries.push({
        kind: "job",
        source: line ? `${file}:${line}` : file,
        action: "refused",
        notes: [],
        error: errorMessage(err),
      });
    }
  }

  for (const file of sources.dbFiles) {
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (err) {
      report.entries.push({
        kind: "job",
        source: file,
        action: "refused",
        notes: [],
        error: `cannot open: ${errorMessage(err)}`,
      });
      continue;
    }
    try {
      const has = (t: string) =>
        Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t));
      if (has("jobs")) {
        const extra = has("job_commands")
          ? db.prepare("SELECT command FROM job_commands WHERE job_id = ? ORDER BY sequence")
          : undefined;
        for (const row of db.prepare("SELECT * FROM jobs ORDER BY id").all() as Array<Record<string, unknown>>) {
          const source = `${file}#jobs/${String(row.id)}`;
          try {
            const cmds = extra
              ? (extra.all(row.id) as Array<{ command: string }>).map((r) => r.command.trim()).filter(Boolean)
              : [];
            const { job, notes } = jobFromDbRow(row, cmds, ids);
            slugOfHistoryId.set(String(row.slug), job.slug);
            if (row.legacy_job_id !== null && row.legacy_job_id !== undefined)
              slugOfHistoryId.set(String(row.legacy_job_id), job.slug);
            put(job, notes, source);
          } catch (err) {
            report.entries.push({
              kind: "job",
              source,
              slug: String(row.slug ?? ""),
              action: "refused",
              notes: [],
              error: errorMessage(err),
            });
          }
        }
      }
      if (has("job_history") && opts.history && !opts.dryRun) {
        const r = opts.history.importVcHistory(
          db.prepare("SELECT * FROM job_history ORDER BY id").all() as Array<Record<string, unknown>>,
          (jobId) => slugOfHistoryId.get(jobId) ?? jobId,
          path.resolve(file),
        );
        report.history.imported += r.imported;
        report.history.unchanged += r.unchanged;
      }
    } finally {
      db.close();
    }
  }

  const known = (slug: string) =>
    opts.store.hasJob(slug) ||
    report.entries.some((e) => e.kind === "job" && e.slug === slug && e.action !== "refused");
  for (const file of sources.batchFiles) {
    const stem = path.basename(file).replace(/\.ya?ml$/, "");
    try {
      const located = loadYamlLocated(fs.readFileSync(file, "utf8"), file);
      const doc = (located.value ?? {}) as Record<string, unknown>;
      if (typeof doc !== "object" || Array.isArray(doc))
        throw new VcError("import_refused", "not a batch (name, jobs)");
      const jobs = Array.isArray(doc.jobs) ? doc.jobs.map(String) : [];
      const notes: string[] = [];
      const unknown = jobs.filter((s) => !known(s));
      if (unknown.length)
        notes.push(
          `unknown job(s) left out, as VelocityCollector skipped them at run time: ${unknown.map((s) => `'${s}' (line ${located.lineOf(`/jobs/${jobs.indexOf(s)}`)})`).join(", ")}`,
        );
      notes.push(
        "stop_on_failure and delay were run-time choices in VelocityCollector's GUI: set to its defaults (false, 5 s)",
      );
      const slug = batchSlug(stem) || batchSlug(String(doc.name ?? "")) || "batch";
      const batch: BatchFile = {
        name: typeof doc.name === "string" && doc.name ? doc.name : stem,
        ...(typeof doc.description === "string" && doc.description ? { description: doc.description } : {}),
        jobs: jobs.filter((s) => !unknown.includes(s)),
        stop_on_failure: false,
        delay_s: 5,
        imported: { from: "velocitycollector batches", source: path.basename(file) },
      };
      const entry: ImportEntry = { kind: "batch", source: file, slug, action: "imported", notes };
      const existing = opts.store.listBatches().batches.find((b) => b.slug === slug);
      if (existing && isDeepStrictEqual(JSON.parse(JSON.stringify(existing.source)), JSON.parse(JSON.stringify(batch))))
        entry.action = "unchanged";
      else if (existing && !opts.replace) {
        entry.action = "kept";
        entry.notes = [`a different batch '${slug}' exists: kept (use --replace to overwrite)`, ...notes];
      } else {
        entry.action = existing ? "replaced" : "imported";
        if (!opts.dryRun) opts.store.saveBatch(slug, batch);
      }
      report.entries.push(entry);
    } catch (err) {
      report.entries.push({
        kind: "batch",
        source: file,
        slug: stem,
        action: "refused",
        notes: [],
        error: errorMessage(err),
      });
    }
  }
  return report;
}
