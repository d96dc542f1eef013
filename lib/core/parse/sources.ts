import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";
import { TemplateLibrary } from "../templates/library";
import { TemplateDetector, type DetectorTemplate } from "../templates/detect";
import { detectorForDirectory } from "../templates/detector-sources";
import { commandPatternRegex } from "../templates/hints";
import { templateMatchesPlatform } from "../templates/library";
import {
  TEMPLATES_DIR_ENV,
  compileTemplate,
  loadIndex,
  loadTemplateFile,
  templatePath,
  type TextFsmTemplate,
} from "../textfsm";
import { bundledTemplatesDir } from "./bundled";

/**
 * Which templates a parse uses, decided once per node or command, in this order:
 *   1. an explicit directory (the node's "templates directory", the CLI's --templates);
 *   2. $NET_TEXTFSM (netmiko's convention);
 *   3. the vcTextfsmTemplatesDir setting of Node-RED's settings.js (nodes only);
 *   4. the templates bundled with this package (data/ntc-templates), with the templates of the
 *      user's template library (templates.db in the data home) overriding them by name and
 *      adding to them.
 * A directory given in 1-3 is used alone: who names a folder wants exactly that folder.
 */
export type TemplateSourceKind = "explicit" | "NET_TEXTFSM" | "setting" | "bundled";

export interface TemplateSource {
  kind: TemplateSourceKind;
  /** The templates directory (with its ntc-style `index`). */
  dir: string;
  /** kind "bundled": the template library whose templates override the bundled ones. */
  library?: string;
  /** Why this source: one line for `vcollector templates where` and messages. */
  reason: string;
}

export interface TemplateSourceOptions {
  explicit?: string;
  /** Node-RED's vcTextfsmTemplatesDir setting. */
  setting?: string;
  env?: NodeJS.ProcessEnv;
  /** The data home's template library file (templates.db); used when it exists. */
  libraryFile?: string;
}

function given(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? path.resolve(value.trim()) : undefined;
}

export function resolveTemplateSource(opts: TemplateSourceOptions = {}): TemplateSource {
  const env = opts.env ?? process.env;
  const explicit = given(opts.explicit);
  if (explicit) return { kind: "explicit", dir: explicit, reason: "the templates directory given explicitly" };
  const fromEnv = given(env[TEMPLATES_DIR_ENV]);
  if (fromEnv) return { kind: "NET_TEXTFSM", dir: fromEnv, reason: `${TEMPLATES_DIR_ENV} is set` };
  const setting = given(opts.setting);
  if (setting)
    return { kind: "setting", dir: setting, reason: "the vcTextfsmTemplatesDir setting of Node-RED's settings.js" };
  const library = opts.libraryFile && fs.existsSync(opts.libraryFile) ? path.resolve(opts.libraryFile) : undefined;
  return {
    kind: "bundled",
    dir: bundledTemplatesDir(),
    ...(library ? { library } : {}),
    reason: `no templates directory given and ${TEMPLATES_DIR_ENV} is not set: the ntc-templates bundled with the package${library ? ", overridden by the template library" : ""}`,
  };
}

interface Overlay {
  stamp: string;
  /** Every template the library serves (user overrides applied), by file stem. */
  templates: Map<string, DetectorTemplate>;
  /** User templates with a platform and command: looked up before the index. */
  userRows: DetectorTemplate[];
}

const overlays = new Map<string, Overlay>();

function fileStamp(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
}

/** The library's templates, re-read only when the file changes; undefined when it has none. */
function libraryOverlay(file: string | undefined): Overlay | undefined {
  if (!file) return undefined;
  const stamp = fileStamp(file);
  if (!stamp) return undefined;
  const hit = overlays.get(file);
  if (hit && hit.stamp === stamp) return hit.templates.size > 0 ? hit : undefined;
  const library = TemplateLibrary.open(file);
  try {
    const templates = new Map<string, DetectorTemplate>();
    for (const t of library.effectiveTemplates())
      templates.set(t.name, { name: t.name, source: t.source, platform: t.platform, command: t.command, text: t.text });
    const userRows = [...templates.values()].filter((t) => t.source === "user" && t.platform && t.command);
    const overlay = { stamp, templates, userRows };
    overlays.set(file, overlay);
    return templates.size > 0 ? overlay : undefined;
  } finally {
    library.close();
  }
}

const compiledFromLibrary = new Map<string, TextFsmTemplate>();

function compileLibraryTemplate(t: DetectorTemplate): TextFsmTemplate {
  const key = `${t.name}\u0000${t.text}`;
  let compiled = compiledFromLibrary.get(key);
  if (!compiled) {
    if (compiledFromLibrary.size >= 2000) compiledFromLibrary.clear();
    compiled = compileTemplate(t.text, `${t.name}.textfsm`);
    compiledFromLibrary.set(key, compiled);
  }
  return compiled;
}

function stem(file: string): string {
  return file.endsWith(".textfsm") ? file.slice(0, -".textfsm".length) : file;
}

/** A template of the source by file name: the library's version first (kind bundled), else the file. */
function templateByFile(source: TemplateSource, overlay: Overlay | undefined, file: string): TextFsmTemplate {
  const fromLibrary = overlay?.templates.get(stem(file));
  return fromLibrary ? compileLibraryTemplate(fromLibrary) : loadTemplateFile(path.join(source.dir, file));
}

/**
 * The template(s) for platform + command, as ntc-templates' index picks them (a row may name
 * several, merged as clitable does). With the bundled source, a user template of the library
 * whose platform and command match comes first, and library templates replace bundled ones of
 * the same name. Throws VcError "no_template" when nothing matches.
 */
export function templatesForCommand(
  source: TemplateSource,
  platform: string,
  command: string,
): { names: string[]; compiled: TextFsmTemplate[] } {
  const overlay = source.kind === "bundled" ? libraryOverlay(source.library) : undefined;
  const normalised = command.trim().replace(/\s+/g, " ");
  const user = overlay?.userRows.find(
    (t) => templateMatchesPlatform(t, platform) && (commandPatternRegex(t.command!)?.test(normalised) ?? false),
  );
  if (user) return { names: [`${user.name}.textfsm`], compiled: [compileLibraryTemplate(user)] };
  const index = loadIndex(source.dir);
  const names = index.lookup(platform, command);
  if (names.length === 0)
    throw new VcError(
      "no_template",
      `no template in ${index.file} for platform '${platform}' and command '${command}'`,
    );
  return { names, compiled: names.map((n) => templateByFile(source, overlay, n)) };
}

/** A template by name (".textfsm" optional): the library's first (kind bundled), else the directory's. */
export function namedTemplate(source: TemplateSource, name: string): TextFsmTemplate {
  const overlay = source.kind === "bundled" ? libraryOverlay(source.library) : undefined;
  const fromLibrary = overlay?.templates.get(stem(name.trim()));
  if (fromLibrary) return compileLibraryTemplate(fromLibrary);
  const file = templatePath(source.dir, name.trim());
  if (!fs.existsSync(file)) throw new VcError("no_template", `template '${name}' not found in ${source.dir}`);
  return loadTemplateFile(file);
}

const mergedDetectors = new Map<string, { stamp: string; detector: TemplateDetector }>();

/** The auto-detect candidates of a source: its directory, plus (kind bundled) the library's templates by name. */
export function detectorForSource(source: TemplateSource): TemplateDetector {
  const overlay = source.kind === "bundled" ? libraryOverlay(source.library) : undefined;
  if (!overlay) return detectorForDirectory(source.dir);
  const key = `${source.dir}\u0000${source.library}`;
  const hit = mergedDetectors.get(key);
  if (hit && hit.stamp === overlay.stamp) return hit.detector;
  const merged = new Map(TemplateDetector.directoryTemplates(source.dir).map((t) => [t.name, t]));
  for (const [name, t] of overlay.templates) merged.set(name, t);
  const detector = new TemplateDetector([...merged.values()].sort((a, b) => a.name.localeCompare(b.name)));
  mergedDetectors.set(key, { stamp: overlay.stamp, detector });
  return detector;
}

export interface TemplateSourceDescription {
  kind: TemplateSourceKind;
  dir: string;
  reason: string;
  /** .textfsm files in the directory. */
  templates: number;
  /** The upstream commit of the bundled ntc-templates (kind bundled). */
  bundledCommit?: string;
  library?: { file: string; templates: number; user: number };
}

/** What `vcollector templates where` prints. */
export function describeTemplateSource(source: TemplateSource): TemplateSourceDescription {
  const templates = fs.existsSync(source.dir)
    ? fs.readdirSync(source.dir).filter((f) => f.endsWith(".textfsm")).length
    : 0;
  const out: TemplateSourceDescription = { kind: source.kind, dir: source.dir, reason: source.reason, templates };
  if (source.kind === "bundled") {
    const notice = path.join(source.dir, "..", "NOTICE");
    const commit = fs.existsSync(notice) ? /Commit:\s*([0-9a-f]{7,40})/.exec(fs.readFileSync(notice, "utf8")) : null;
    if (commit) out.bundledCommit = commit[1];
    const overlay = libraryOverlay(source.library);
    if (overlay && source.library)
      out.library = {
        file: source.library,
        templates: overlay.templates.size,
        user: [...overlay.templates.values()].filter((t) => t.source === "user").length,
      };
  }
  return out;
}
