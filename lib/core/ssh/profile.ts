import { VcError } from "../errors";
import {
  BUILTIN_CATALOGUE_DIR,
  PlatformCatalogueError,
  compileRecord,
  loadCatalogue,
  loadRecordFile,
  type PlatformRecord,
  type PlatformSource,
} from "../platforms";
import type { AnsiMode } from "./terminal";

/**
 * A platform profile: what the session driver needs to know about one kind of device CLI, with
 * its regexes compiled. The data lives in the platform catalogue (lib/core/platforms/catalogue/
 * <name>.yaml, the record's `session` and `paging`); this module compiles it for the driver.
 * Users add or replace platforms with records in extra directories.
 */
export type ProfileSource = PlatformSource;

/** A loaded profile with its regexes compiled. */
export interface PlatformProfile {
  readonly name: string;
  readonly description: string;
  readonly ntcPlatform: string;
  readonly aliases: readonly string[];
  /** File the profile was loaded from. */
  readonly file: string;
  readonly userPrompt?: RegExp;
  readonly privilegedPrompt: RegExp;
  /** Every prompt the CLI may show (user, privileged, other). */
  readonly prompts: readonly RegExp[];
  readonly enable?: { command: string; passwordPrompt: RegExp; usernamePrompt?: RegExp };
  readonly onOpen: readonly string[];
  readonly onClose: readonly string[];
  readonly pager?: { patterns: readonly RegExp[]; response: string };
  readonly failurePatterns: readonly RegExp[];
  readonly contextLines: readonly RegExp[];
  readonly loginPrompts: readonly { pattern: RegExp; response: string }[];
  readonly lineEnding: string;
  readonly ansi: AnsiMode;
  readonly echo: boolean;
  readonly terminal: { type: string; cols: number; rows: number };
  readonly algorithms?: NonNullable<ProfileSource["session"]>["algorithms"];
  readonly timeouts: { commandMs?: number; quietMs?: number };
  /** The catalogue record the profile comes from. */
  readonly record: PlatformRecord;
}

/** A bad or unknown platform (class profile_invalid); the catalogue's error under its old name. */
export const ProfileError = PlatformCatalogueError;
export type ProfileError = PlatformCatalogueError;

/** Where the built-in records are (the catalogue). */
export const BUILTIN_PROFILE_DIR = BUILTIN_CATALOGUE_DIR;

function compileRegex(source: string, field: string, file: string, flags = ""): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new ProfileError(
      `${field}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`,
      file,
    );
  }
}

/** A platform that can be kept in the inventory but has no session to collect with. */
function unsupported(record: PlatformRecord, platform: string, catalogueNames: () => string[]): VcError {
  return new VcError(
    "unsupported_platform",
    `platform "${platform}" (${record.name}) is inventory-only: no session profile to collect with; platforms that can be collected: ${catalogueNames().join(", ")} (${record.file})`,
  );
}

const compiled = new WeakMap<PlatformRecord, PlatformProfile>();

/** Compiles a record's session for the driver; an inventory-only record is an unsupported_platform error. */
export function profileOf(record: PlatformRecord, asked = record.name): PlatformProfile {
  const hit = compiled.get(record);
  if (hit) return hit;
  const src = record.session;
  if (!src)
    throw unsupported(record, asked, () =>
      loadCatalogue()
        .list()
        .filter((r) => r.session)
        .map((r) => r.name),
    );
  const file = record.file;
  const userPrompt = src.prompts.user ? compileRegex(src.prompts.user, "session.prompts.user", file) : undefined;
  const privilegedPrompt = compileRegex(src.prompts.privileged, "session.prompts.privileged", file);
  const other = (src.prompts.other ?? []).map((p, i) => compileRegex(p, `session.prompts.other[${i}]`, file));
  const profile: PlatformProfile = {
    name: record.name,
    description: record.description,
    ntcPlatform: record.ntcPlatform,
    aliases: record.aliases,
    file,
    userPrompt,
    privilegedPrompt,
    prompts: [...(userPrompt ? [userPrompt] : []), privilegedPrompt, ...other],
    enable: src.enable
      ? {
          command: src.enable.command,
          passwordPrompt: compileRegex(src.enable.passwordPrompt, "session.enable.passwordPrompt", file, "i"),
          usernamePrompt: src.enable.usernamePrompt
            ? compileRegex(src.enable.usernamePrompt, "session.enable.usernamePrompt", file, "i")
            : undefined,
        }
      : undefined,
    // Paging off first: the record's `paging` is also what the inventory seeds as its paging command.
    onOpen: [...(record.paging ? [record.paging] : []), ...(src.onOpen ?? [])],
    onClose: src.onClose ?? [],
    pager: src.pager
      ? {
          patterns: src.pager.patterns.map((p, i) => compileRegex(p, `session.pager.patterns[${i}]`, file, "i")),
          response: src.pager.response,
        }
      : undefined,
    failurePatterns: (src.failurePatterns ?? []).map((p, i) =>
      compileRegex(p, `session.failurePatterns[${i}]`, file, "i"),
    ),
    contextLines: (src.contextLines ?? []).map((p, i) => compileRegex(p, `session.contextLines[${i}]`, file)),
    loginPrompts: (src.loginPrompts ?? []).map((lp, i) => ({
      pattern: compileRegex(lp.pattern, `session.loginPrompts[${i}].pattern`, file, "i"),
      response: lp.response,
    })),
    lineEnding: src.lineEnding ?? "\n",
    ansi: src.ansi ?? "render",
    echo: src.echo ?? true,
    terminal: {
      type: src.terminal?.type ?? "vt100",
      cols: src.terminal?.cols ?? 511,
      rows: src.terminal?.rows ?? 1000,
    },
    algorithms: src.algorithms,
    timeouts: { ...src.timeouts },
    record,
  };
  compiled.set(record, profile);
  return profile;
}

/** Validates a parsed catalogue record and compiles its session; errors name the file and the field. */
export function compileProfile(doc: unknown, file: string): PlatformProfile {
  return profileOf(compileRecord(doc, file));
}

/** Reads and compiles one record file. */
export function loadProfileFile(file: string): PlatformProfile {
  return profileOf(loadRecordFile(file));
}

export interface ProfileLookupOptions {
  /** Extra directories of records; a record there replaces the built-in of the same name. Later directories win. */
  extraDirs?: readonly string[];
}

/** Every platform that has a session, user records replacing built-ins by name, sorted by name. */
export function listProfiles(opts: ProfileLookupOptions = {}): PlatformProfile[] {
  return loadCatalogue(opts)
    .list()
    .filter((r) => r.session)
    .map((r) => profileOf(r));
}

/**
 * The profile for a platform name, alias or netmiko device type (e.g. "cisco_ios", "cisco_xe").
 * Unknown: profile_invalid with the known names; inventory-only: unsupported_platform.
 */
export function loadProfile(name: string, opts: ProfileLookupOptions = {}): PlatformProfile {
  const record = loadCatalogue(opts).get(name);
  return profileOf(record, String(name).trim());
}
