import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { preparePrivateFile } from "../home";
import { VcError } from "../errors";
import { writeFileAtomicSync } from "../fs/atomic-write";
import { readIndexRows, type IndexRow } from "../textfsm";

/**
 * The template library: TextFSM templates in SQLite (templates.db in the data home). Templates
 * come from an imported ntc-templates directory (source "ntc", platform and command pattern from
 * its index) or are written by users (source "user"). A user template with the same name as an
 * ntc one overrides it everywhere the library is read (show, export, detection), and removing it
 * brings the ntc one back. Re-importing ntc never touches user templates.
 */

export type TemplateSource = "ntc" | "user";

export interface TemplateInfo {
  /** File stem, e.g. "cisco_ios_show_ip_arp" (the file is `<name>.textfsm`). */
  name: string;
  source: TemplateSource;
  /** Platform (ntc: the index Platform cell, which may be a regex such as `cisco_(asa|ftd)`). */
  platform: string | null;
  /** Command pattern (ntc: the index Command cell, `sh[[ow]] ip ar[[p]]` style). */
  command: string | null;
  sha256: string;
  lines: number;
  createdAt: string;
  updatedAt: string;
  /** True for an ntc template hidden by a user template of the same name (only listed on request). */
  shadowed: boolean;
}

export interface LibraryTemplate extends TemplateInfo {
  text: string;
}

export interface ListFilter {
  source?: TemplateSource;
  /** Templates for this platform: the platform pattern matches it, or the name starts with it. */
  platform?: string;
  /** Substring of the name (case-insensitive). */
  search?: string;
  /** Include ntc templates that a user template overrides. */
  includeShadowed?: boolean;
}

export interface UserTemplateInput {
  name: string;
  text: string;
  platform?: string | null;
  command?: string | null;
}

export interface ImportReport {
  dir: string;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  indexRows: number;
  /** Templates with no index row (imported without platform and command). */
  notInIndex: string[];
  /** Files that could not be imported, with the reason; the others are imported anyway. */
  skipped: Array<{ file: string; reason: string }>;
}

export interface ExportReport {
  dir: string;
  files: string[];
  /** Path of the index file written beside the templates, or null when no template had one. */
  index: string | null;
}

/** Checks that user text can be used as a template; throws a located VcError otherwise. */
export type TemplateValidator = (text: string, name: string) => void;

const SCHEMA_VERSION = 1;
const TEMPLATE_EXT = ".textfsm";
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$/;
const INDEX_HEADER = "Template, Hostname, Platform, Command";

interface Row {
  name: string;
  source: TemplateSource;
  platform: string | null;
  command: string | null;
  text: string;
  sha256: string;
  created_at: string;
  updated_at: string;
}

/** Accepts "x" or "x.textfsm"; rejects anything that could leave the export directory. */
export function normaliseTemplateName(name: string, where = "template name"): string {
  const stem = name.trim().endsWith(TEMPLATE_EXT) ? name.trim().slice(0, -TEMPLATE_EXT.length) : name.trim();
  if (!NAME_RE.test(stem) || stem.includes("..")) {
    throw new VcError(
      "invalid_input",
      `'${name}' is not a valid template name (letters, digits, '_', '-', '.'; at most 120 characters)`,
      where,
    );
  }
  return stem;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function now(): string {
  return new Date().toISOString();
}

function countLines(text: string): number {
  return text === "" ? 0 : text.split(/\r?\n|\r/).length - (/(\r?\n|\r)$/.test(text) ? 1 : 0);
}

/** True when `platform` is one of the template's platforms: the stored pattern matches it at the
 *  start (like the ntc index lookup), or the template name starts with `<platform>_`. */
export function templateMatchesPlatform(template: Pick<TemplateInfo, "name" | "platform">, platform: string): boolean {
  if (template.name.startsWith(platform + "_")) return true;
  if (!template.platform) return false;
  if (template.platform === platform) return true;
  return platformRegex(template.platform)?.test(platform) ?? false;
}

const platformRegexes = new Map<string, RegExp | null>();

/** An index Platform cell as a prefix regex (like the ntc lookup), or null when it is broken. */
function platformRegex(pattern: string): RegExp | null {
  let regex = platformRegexes.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(`^(?:${pattern})`);
    } catch {
      regex = null;
    }
    platformRegexes.set(pattern, regex);
  }
  return regex;
}

function checkIndexCell(value: string | null | undefined, field: string, name: string): string | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  if (/[,\r\n]/.test(value))
    throw new VcError(
      "invalid_input",
      `${field} must not contain a comma or a line break (it goes into an ntc index row)`,
      `template ${name}: ${field}`,
    );
  return value.trim();
}

/** Finds the folder holding the .textfsm files: the directory itself, or its templates/ or
 *  ntc_templates/templates/ (so both a templates folder and an ntc-templates checkout work). */
export function locateNtcTemplatesDir(dir: string): string {
  const candidates = [dir, path.join(dir, "templates"), path.join(dir, "ntc_templates", "templates")];
  for (const candidate of candidates) {
    if (
      fs.existsSync(candidate) &&
      fs.statSync(candidate).isDirectory() &&
      fs.readdirSync(candidate).some((f) => f.endsWith(TEMPLATE_EXT))
    )
      return candidate;
  }
  if (!fs.existsSync(dir)) throw new VcError("not_found", "no such directory", dir);
  throw new VcError(
    "invalid_input",
    "no .textfsm templates found here (nor in templates/ or ntc_templates/templates/)",
    dir,
  );
}

export class TemplateLibrary {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    private readonly validate?: TemplateValidator,
  ) {}

  /** Opens (creating if needed) the library database at `file`. */
  static open(file: string, opts: { validate?: TemplateValidator } = {}): TemplateLibrary {
    // Usually the data home, which also holds the vault: owner-only if it has to be created.
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    let db: Database.Database;
    try {
      preparePrivateFile(file);
      db = new Database(file);
    } catch (err) {
      throw new VcError("library_error", `cannot open the template library: ${(err as Error).message}`, file, {
        cause: err,
      });
    }
    try {
      db.pragma("busy_timeout = 5000");
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > SCHEMA_VERSION)
        throw new VcError(
          "library_error",
          `template library schema ${version} is newer than this program (${SCHEMA_VERSION})`,
          file,
        );
      // Only a new (or older) file is written to: opening must not change it (detectors are
      // cached by the file's modification time).
      if (version < SCHEMA_VERSION)
        db.exec(`
        CREATE TABLE IF NOT EXISTS templates (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('ntc', 'user')),
          platform TEXT,
          command TEXT,
          text TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          UNIQUE (name, source)
        );
        CREATE TABLE IF NOT EXISTS library_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    } catch (err) {
      db.close();
      if (err instanceof VcError) throw err;
      throw new VcError("library_error", `not a usable template library: ${(err as Error).message}`, file, {
        cause: err,
      });
    }
    return new TemplateLibrary(db, file, opts.validate);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Changes on every write; detectors built from the library compare it to know they are stale. */
  revision(): number {
    return Number(this.meta("revision") ?? "0");
  }

  count(source?: TemplateSource): number {
    const row = source
      ? (this.db.prepare("SELECT COUNT(*) AS n FROM templates WHERE source = ?").get(source) as { n: number })
      : (this.db.prepare("SELECT COUNT(*) AS n FROM templates").get() as { n: number });
    return row.n;
  }

  list(filter: ListFilter = {}): TemplateInfo[] {
    const rows = this.db.prepare("SELECT * FROM templates ORDER BY name, source DESC").all() as Row[];
    const userNames = new Set(rows.filter((r) => r.source === "user").map((r) => r.name));
    const search = filter.search?.toLowerCase();
    const out: TemplateInfo[] = [];
    for (const row of rows) {
      const info = this.toInfo(row, row.source === "ntc" && userNames.has(row.name));
      if (info.shadowed && !filter.includeShadowed) continue;
      if (filter.source && info.source !== filter.source) continue;
      if (search && !info.name.toLowerCase().includes(search)) continue;
      if (filter.platform && !templateMatchesPlatform(info, filter.platform)) continue;
      out.push(info);
    }
    return out;
  }

  /** The template as the library serves it: the user version if there is one, else ntc's. */
  get(name: string, source?: TemplateSource): LibraryTemplate | undefined {
    const stem = normaliseTemplateName(name);
    const rows = this.db.prepare("SELECT * FROM templates WHERE name = ? ORDER BY source DESC").all(stem) as Row[];
    const row = source ? rows.find((r) => r.source === source) : rows[0];
    if (!row) return undefined;
    return { ...this.toInfo(row, row.source === "ntc" && rows.some((r) => r.source === "user")), text: row.text };
  }

  require(name: string, source?: TemplateSource): LibraryTemplate {
    const template = this.get(name, source);
    if (!template)
      throw new VcError(
        "not_found",
        `no ${source ? source + " " : ""}template named '${normaliseTemplateName(name)}' in the library`,
        this.file,
      );
    return template;
  }

  /** Every template as served (user overrides applied), with text: what detection runs on. */
  effectiveTemplates(): LibraryTemplate[] {
    const rows = this.db.prepare("SELECT * FROM templates ORDER BY name, source DESC").all() as Row[];
    const out: LibraryTemplate[] = [];
    for (const row of rows) {
      if (out.length > 0 && out[out.length - 1].name === row.name) continue;
      out.push({ ...this.toInfo(row, false), text: row.text });
    }
    return out;
  }

  /** Adds a user template; fails if a user template of that name exists (use updateUserTemplate).
   *  Platform and command default to those of the ntc template it overrides, if any. */
  addUserTemplate(input: UserTemplateInput): LibraryTemplate {
    const name = normaliseTemplateName(input.name);
    if (this.get(name, "user"))
      throw new VcError("conflict", `a user template named '${name}' already exists (edit it instead)`, this.file);
    const ntc = this.get(name, "ntc");
    return this.writeUser(
      name,
      input.text,
      input.platform === undefined ? ntc?.platform : input.platform,
      input.command === undefined ? ntc?.command : input.command,
    );
  }

  /** Changes a user template; editing an ntc template creates the user override of it. Fields
   *  left undefined keep their value. */
  updateUserTemplate(name: string, changes: Partial<Omit<UserTemplateInput, "name">>): LibraryTemplate {
    const stem = normaliseTemplateName(name);
    const current = this.get(stem);
    if (!current) throw new VcError("not_found", `no template named '${stem}' in the library`, this.file);
    return this.writeUser(
      stem,
      changes.text ?? current.text,
      changes.platform === undefined ? current.platform : changes.platform,
      changes.command === undefined ? current.command : changes.command,
    );
  }

  /** Removes a template (by default the served one: the user override if any). Returns what was
   *  removed; removing an override brings the ntc template back. */
  remove(name: string, source?: TemplateSource): TemplateInfo {
    const template = this.require(name, source);
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM templates WHERE name = ? AND source = ?").run(template.name, template.source);
      this.bumpRevision();
    })();
    const { text: _text, ...info } = template;
    return info;
  }

  /** Imports (or refreshes) ntc templates from a directory with .textfsm files and an index.
   *  Unchanged templates are left as they are; `prune` removes ntc templates no longer there. */
  importNtc(dir: string, opts: { prune?: boolean } = {}): ImportReport {
    const templatesDir = locateNtcTemplatesDir(path.resolve(dir));
    const indexFile = path.join(templatesDir, "index");
    const indexText = fs.existsSync(indexFile) ? fs.readFileSync(indexFile, "utf8") : undefined;
    const rows = indexText === undefined ? [] : readIndexRows(indexText, indexFile).rows;
    const rowOf = new Map<string, IndexRow>();
    for (const row of rows) for (const t of row.templates) if (!rowOf.has(t)) rowOf.set(t, row);
    const report: ImportReport = {
      dir: templatesDir,
      added: 0,
      updated: 0,
      unchanged: 0,
      removed: 0,
      indexRows: rows.length,
      notInIndex: [],
      skipped: [],
    };
    const files = fs
      .readdirSync(templatesDir)
      .filter((f) => f.endsWith(TEMPLATE_EXT))
      .sort();
    const existing = new Map(
      (
        this.db.prepare("SELECT name, sha256, platform, command FROM templates WHERE source = 'ntc'").all() as Row[]
      ).map((r) => [r.name, r]),
    );
    const insert = this.db.prepare(
      "INSERT INTO templates (name, source, platform, command, text, sha256, created_at, updated_at) VALUES (?, 'ntc', ?, ?, ?, ?, ?, ?)",
    );
    const update = this.db.prepare(
      "UPDATE templates SET platform = ?, command = ?, text = ?, sha256 = ?, updated_at = ? WHERE name = ? AND source = 'ntc'",
    );
    const seen = new Set<string>();
    this.db.transaction(() => {
      for (const file of files) {
        let name: string;
        let text: string;
        try {
          name = normaliseTemplateName(file, path.join(templatesDir, file));
          text = fs.readFileSync(path.join(templatesDir, file), "utf8");
        } catch (err) {
          report.skipped.push({ file, reason: (err as Error).message });
          continue;
        }
        seen.add(name);
        const row = rowOf.get(file);
        if (!row) report.notInIndex.push(name);
        const platform = row?.cells.Platform || null;
        const command = row?.cells.Command || null;
        const hash = sha256(text);
        const before = existing.get(name);
        if (!before) {
          insert.run(name, platform, command, text, hash, now(), now());
          report.added++;
        } else if (before.sha256 !== hash || before.platform !== platform || before.command !== command) {
          update.run(platform, command, text, hash, now(), name);
          report.updated++;
        } else report.unchanged++;
      }
      if (opts.prune) {
        const remove = this.db.prepare("DELETE FROM templates WHERE name = ? AND source = 'ntc'");
        for (const name of existing.keys()) if (!seen.has(name)) report.removed += remove.run(name).changes;
      }
      if (indexText !== undefined) this.setMeta("ntc_index", indexText);
      this.setMeta("ntc_imported_from", templatesDir);
      this.setMeta("ntc_imported_at", now());
      this.bumpRevision();
    })();
    return report;
  }

  /** Writes the served templates (all, or the named ones) as `<name>.textfsm` files into `dir`,
   *  plus an ntc-style `index` so the folder works as a templates directory for index lookup:
   *  rows of user templates that have a platform and command first, then the imported ntc rows
   *  whose templates are all exported, in their original order. */
  exportTemplates(
    dir: string,
    opts: { names?: string[]; source?: TemplateSource; platform?: string } = {},
  ): ExportReport {
    let selected = this.effectiveTemplates();
    if (opts.names && opts.names.length > 0) {
      const wanted = opts.names.map((n) => normaliseTemplateName(n));
      for (const name of wanted)
        if (!selected.some((t) => t.name === name))
          throw new VcError("not_found", `no template named '${name}' in the library`, this.file);
      selected = selected.filter((t) => wanted.includes(t.name));
    }
    if (opts.source) selected = selected.filter((t) => t.source === opts.source);
    if (opts.platform) selected = selected.filter((t) => templateMatchesPlatform(t, opts.platform!));
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const template of selected) {
      const file = path.join(dir, template.name + TEMPLATE_EXT);
      writeFileAtomicSync(file, template.text);
      files.push(file);
    }
    const indexLines = this.exportIndexLines(new Set(selected.map((t) => t.name)), selected);
    let index: string | null = null;
    if (indexLines.length > 0) {
      index = path.join(dir, "index");
      writeFileAtomicSync(
        index,
        [`# Written by vcollector templates export on ${now()}.`, "", INDEX_HEADER, "", ...indexLines, ""].join("\n"),
      );
    }
    return { dir, files, index };
  }

  private exportIndexLines(exported: Set<string>, selected: LibraryTemplate[]): string[] {
    const lines: string[] = [];
    const ntcRows = readIndexRows(this.meta("ntc_index") ?? INDEX_HEADER).rows;
    const coveredByNtc = new Set(ntcRows.flatMap((r) => r.templates));
    for (const t of selected) {
      if (t.source === "user" && t.platform && t.command && !coveredByNtc.has(t.name + TEMPLATE_EXT))
        lines.push(`${t.name}${TEMPLATE_EXT}, .*, ${t.platform}, ${t.command}`);
    }
    if (lines.length > 0) lines.push("");
    for (const row of ntcRows) {
      if (!row.templates.every((f) => exported.has(f.slice(0, -TEMPLATE_EXT.length)))) continue;
      const cell = (column: string) => row.cells[column] ?? "";
      lines.push(`${row.templates.join(":")}, ${cell("Hostname") || ".*"}, ${cell("Platform")}, ${cell("Command")}`);
    }
    return lines;
  }

  private writeUser(
    name: string,
    text: string,
    platform: string | null | undefined,
    command: string | null | undefined,
  ): LibraryTemplate {
    if (typeof text !== "string" || text.trim() === "")
      throw new VcError("invalid_input", "template text is empty", `template ${name}`);
    const cleanPlatform = checkIndexCell(platform, "platform", name);
    const cleanCommand = checkIndexCell(command, "command", name);
    this.validate?.(text, name);
    const stamp = now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO templates (name, source, platform, command, text, sha256, created_at, updated_at) VALUES (?, 'user', ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name, source) DO UPDATE SET platform = excluded.platform, command = excluded.command, text = excluded.text,
             sha256 = excluded.sha256, updated_at = excluded.updated_at`,
        )
        .run(name, cleanPlatform, cleanCommand, text, sha256(text), stamp, stamp);
      this.bumpRevision();
    })();
    return this.require(name, "user");
  }

  private toInfo(row: Row, shadowed: boolean): TemplateInfo {
    return {
      name: row.name,
      source: row.source,
      platform: row.platform,
      command: row.command,
      sha256: row.sha256,
      lines: countLines(row.text),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      shadowed,
    };
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM library_meta WHERE key = ?").get(key) as { value: string } | undefined)
      ?.value;
  }

  private setMeta(key: string, value: string): void {
    this.db
      .prepare(
        "INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  private bumpRevision(): void {
    this.setMeta("revision", String(this.revision() + 1));
  }
}
