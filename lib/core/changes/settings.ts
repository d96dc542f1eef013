import * as fs from "node:fs";
import * as yaml from "js-yaml";
import { VcError, errorMessage } from "../errors";

/**
 * Change-detection settings from the data home's `changes.yaml` (all optional):
 *   keepVersions: 100        # versions kept per device and capture type (0 = all)
 *   keepDays: 365            # versions younger than this are kept (0 = all); the latest always is
 *   redactStorage: false     # mask secrets before a version is stored
 *   volatile:                # extra line patterns (regular expressions) ignored when comparing
 *     all: ['^! Generated ']
 *     cisco_ios: ['^! Serial ']
 */
export interface ChangeSettings {
  keepVersions: number;
  keepDays: number;
  redactStorage: boolean;
  /** Extra volatile patterns by platform; `all` applies to every platform. */
  volatile: Record<string, string[]>;
}

export const DEFAULT_CHANGE_SETTINGS: ChangeSettings = {
  keepVersions: 0,
  keepDays: 0,
  redactStorage: false,
  volatile: {},
};

/** The user's extra volatile patterns for a platform (the `all` list, then the platform's). */
export function extraVolatile(settings: ChangeSettings, platform: string | undefined): string[] {
  return [...(settings.volatile.all ?? []), ...(platform ? (settings.volatile[platform] ?? []) : [])];
}

/** Reads and checks changes.yaml; a missing file gives the defaults, a bad one an error naming file and field. */
export function loadChangeSettings(file: string): ChangeSettings {
  if (!fs.existsSync(file)) return { ...DEFAULT_CHANGE_SETTINGS };
  let raw: unknown;
  try {
    raw = yaml.load(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new VcError("invalid_config", `not valid YAML: ${errorMessage(err)}`, file);
  }
  return checkChangeSettings(raw ?? {}, file);
}

export function checkChangeSettings(raw: unknown, where: string): ChangeSettings {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new VcError("invalid_config", "must be a mapping of settings", where);
  const r = raw as Record<string, unknown>;
  const known = new Set(["keepVersions", "keepDays", "redactStorage", "volatile"]);
  for (const key of Object.keys(r))
    if (!known.has(key)) throw new VcError("invalid_config", `unknown setting '${key}'`, `${where}: ${key}`);
  const whole = (key: string): number => {
    const v = r[key];
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      throw new VcError(
        "invalid_config",
        `must be a whole number of at least 0, got ${JSON.stringify(v)}`,
        `${where}: ${key}`,
      );
    return v;
  };
  if (r.redactStorage !== undefined && typeof r.redactStorage !== "boolean")
    throw new VcError("invalid_config", "must be true or false", `${where}: redactStorage`);
  const volatile: Record<string, string[]> = {};
  if (r.volatile !== undefined) {
    if (typeof r.volatile !== "object" || r.volatile === null || Array.isArray(r.volatile))
      throw new VcError("invalid_config", "must map a platform (or 'all') to a list of patterns", `${where}: volatile`);
    for (const [platform, list] of Object.entries(r.volatile as Record<string, unknown>)) {
      if (!Array.isArray(list))
        throw new VcError("invalid_config", "must be a list of patterns", `${where}: volatile.${platform}`);
      volatile[platform] = list.map((p, i) => {
        const field = `${where}: volatile.${platform}[${i}]`;
        if (typeof p !== "string") throw new VcError("invalid_config", "must be a string", field);
        try {
          new RegExp(p);
        } catch (err) {
          throw new VcError("invalid_config", `not a valid regular expression: ${errorMessage(err)}`, field);
        }
        return p;
      });
    }
  }
  return {
    keepVersions: whole("keepVersions"),
    keepDays: whole("keepDays"),
    redactStorage: r.redactStorage === true,
    volatile,
  };
}
