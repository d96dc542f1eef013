import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import * as yaml from "js-yaml";
import { VcError } from "../errors";
import type { AnsiMode } from "./terminal";

/**
 * A platform profile: everything the session driver needs to know about one kind of device CLI,
 * kept as data (one YAML file per platform in ./profiles, the scrapli 2.x idea). Users can add or
 * override profiles with YAML files in an extra directory.
 */
export interface ProfileSource {
  name: string;
  description: string;
  /** ntc-templates platform name used to pick TextFSM templates. */
  ntcPlatform: string;
  /** Other names that select this profile (e.g. cisco_xe for cisco_ios). */
  aliases?: string[];
  prompts: {
    /** Regex of the unprivileged prompt (e.g. `R1>`), when the platform has one. */
    user?: string;
    /** Regex of the operational/privileged prompt. */
    privileged: string;
    /** Regexes of other prompts the CLI can show (configuration modes, shells). */
    other?: string[];
  };
  enable?: {
    command: string;
    /** Regex of the password prompt that follows the command. */
    passwordPrompt: string;
    /** Regex of a username prompt some platforms ask first (ProCurve). */
    usernamePrompt?: string;
  };
  /** Commands sent after login, in order (paging off, terminal width). */
  onOpen?: string[];
  /** Commands sent (without waiting) before the connection is closed. */
  onClose?: string[];
  pager?: {
    /** Regexes matched against the last, unfinished line of output. */
    patterns: string[];
    /** What answers the pager: usually a space for the next page. */
    response: string;
  };
  /** Regexes that mark a command as rejected when they match a line near the top of its output. */
  failurePatterns?: string[];
  /** Lines the CLI prints just above its prompt that are not command output (Junos `{master:0}`). */
  contextLines?: string[];
  /** Questions shown before the first prompt and what answers them ("Press any key to continue"). */
  loginPrompts?: { pattern: string; response: string }[];
  lineEnding?: string;
  ansi?: AnsiMode;
  /** Whether the CLI echoes typed commands (default true). */
  echo?: boolean;
  terminal?: { type?: string; cols?: number; rows?: number };
  algorithms?: { kex?: string[]; cipher?: string[]; serverHostKey?: string[]; hmac?: string[] };
  timeouts?: { commandMs?: number; quietMs?: number };
}

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
  readonly algorithms?: ProfileSource["algorithms"];
  readonly timeouts: { commandMs?: number; quietMs?: number };
  readonly source: ProfileSource;
}

export class ProfileError extends VcError {
  constructor(message: string, where?: string) {
    super("profile_invalid", message, where);
    this.name = "ProfileError";
  }
}

export const BUILTIN_PROFILE_DIR = path.join(__dirname, "profiles");

const regexString = { type: "string", minLength: 1 } as const;
const regexList = { type: "array", items: regexString } as const;
const algoList = { type: "array", items: { type: "string", minLength: 1 } } as const;

const PROFILE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["name", "description", "ntcPlatform", "prompts"],
  properties: {
    name: { type: "string", pattern: "^[a-z0-9_]+$" },
    description: { type: "string" },
    ntcPlatform: { type: "string", pattern: "^[a-z0-9_]+$" },
    aliases: { type: "array", items: { type: "string", pattern: "^[a-z0-9_]+$" } },
    prompts: {
      type: "object",
      additionalProperties: false,
      required: ["privileged"],
      properties: { user: regexString, privileged: regexString, other: regexList },
    },
    enable: {
      type: "object",
      additionalProperties: false,
      required: ["command", "passwordPrompt"],
      properties: {
        command: { type: "string", minLength: 1 },
        passwordPrompt: regexString,
        usernamePrompt: regexString,
      },
    },
    onOpen: { type: "array", items: { type: "string", minLength: 1 } },
    onClose: { type: "array", items: { type: "string", minLength: 1 } },
    pager: {
      type: "object",
      additionalProperties: false,
      required: ["patterns", "response"],
      properties: { patterns: { ...regexList, minItems: 1 }, response: { type: "string", minLength: 1 } },
    },
    failurePatterns: regexList,
    contextLines: regexList,
    loginPrompts: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["pattern", "response"],
        properties: { pattern: regexString, response: { type: "string" } },
      },
    },
    lineEnding: { enum: ["\n", "\r", "\r\n"] },
    ansi: { enum: ["render", "strip"] },
    echo: { type: "boolean" },
    terminal: {
      type: "object",
      additionalProperties: false,
      properties: {
        type: { type: "string", minLength: 1 },
        cols: { type: "integer", minimum: 20, maximum: 65535 },
        rows: { type: "integer", minimum: 1, maximum: 65535 },
      },
    },
    algorithms: {
      type: "object",
      additionalProperties: false,
      properties: { kex: algoList, cipher: algoList, serverHostKey: algoList, hmac: algoList },
    },
    timeouts: {
      type: "object",
      additionalProperties: false,
      properties: { commandMs: { type: "integer", minimum: 1 }, quietMs: { type: "integer", minimum: 0 } },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateSource = ajv.compile<ProfileSource>(PROFILE_SCHEMA);

function describeAjvError(e: ErrorObject): string {
  const field = e.instancePath === "" ? "(top level)" : e.instancePath.slice(1).replace(/\//g, ".");
  if (e.keyword === "additionalProperties")
    return `${field === "(top level)" ? "" : field + "."}${String(e.params.additionalProperty)}: unknown field`;
  if (e.keyword === "required")
    return `${field === "(top level)" ? "" : field + "."}${String(e.params.missingProperty)}: required field missing`;
  if (e.keyword === "enum") return `${field}: must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return `${field}: ${e.message ?? "invalid"}`;
}

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

/** Validates a parsed profile document and compiles it; errors name the file and the field. */
export function compileProfile(doc: unknown, file: string): PlatformProfile {
  if (!validateSource(doc)) {
    const details = (validateSource.errors ?? []).map(describeAjvError).join("; ");
    throw new ProfileError(`invalid profile: ${details}`, file);
  }
  const src = doc;
  const expected = path.basename(file).replace(/\.ya?ml$/, "");
  if (src.name !== expected)
    throw new ProfileError(`name: "${src.name}" does not match the file name "${expected}"`, file);
  const userPrompt = src.prompts.user ? compileRegex(src.prompts.user, "prompts.user", file) : undefined;
  const privilegedPrompt = compileRegex(src.prompts.privileged, "prompts.privileged", file);
  const other = (src.prompts.other ?? []).map((p, i) => compileRegex(p, `prompts.other[${i}]`, file));
  return {
    name: src.name,
    description: src.description,
    ntcPlatform: src.ntcPlatform,
    aliases: src.aliases ?? [],
    file,
    userPrompt,
    privilegedPrompt,
    prompts: [...(userPrompt ? [userPrompt] : []), privilegedPrompt, ...other],
    enable: src.enable
      ? {
          command: src.enable.command,
          passwordPrompt: compileRegex(src.enable.passwordPrompt, "enable.passwordPrompt", file, "i"),
          usernamePrompt: src.enable.usernamePrompt
            ? compileRegex(src.enable.usernamePrompt, "enable.usernamePrompt", file, "i")
            : undefined,
        }
      : undefined,
    onOpen: src.onOpen ?? [],
    onClose: src.onClose ?? [],
    pager: src.pager
      ? {
          patterns: src.pager.patterns.map((p, i) => compileRegex(p, `pager.patterns[${i}]`, file, "i")),
          response: src.pager.response,
        }
      : undefined,
    failurePatterns: (src.failurePatterns ?? []).map((p, i) => compileRegex(p, `failurePatterns[${i}]`, file, "i")),
    contextLines: (src.contextLines ?? []).map((p, i) => compileRegex(p, `contextLines[${i}]`, file)),
    loginPrompts: (src.loginPrompts ?? []).map((lp, i) => ({
      pattern: compileRegex(lp.pattern, `loginPrompts[${i}].pattern`, file, "i"),
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
    source: src,
  };
}

/** Reads and compiles one profile file. */
export function loadProfileFile(file: string): PlatformProfile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ProfileError(`cannot read profile: ${(err as Error).message}`, file);
  }
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    const e = err as { mark?: { line: number }; reason?: string; message: string };
    const where = e.mark ? `${file}:${e.mark.line + 1}` : file;
    throw new ProfileError(`invalid YAML: ${e.reason ?? e.message}`, where);
  }
  return compileProfile(doc, file);
}

export interface ProfileLookupOptions {
  /** Extra directories of user profiles; a profile there overrides a built-in of the same name. Later directories win. */
  extraDirs?: readonly string[];
}

const cache = new Map<string, { mtimeMs: number; profile: PlatformProfile }>();

function loadCached(file: string): PlatformProfile {
  const mtimeMs = fs.statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.profile;
  const profile = loadProfileFile(file);
  cache.set(file, { mtimeMs, profile });
  return profile;
}

function profileFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every available profile, user profiles overriding built-ins by name, sorted by name. */
export function listProfiles(opts: ProfileLookupOptions = {}): PlatformProfile[] {
  const byName = new Map<string, PlatformProfile>();
  for (const dir of [BUILTIN_PROFILE_DIR, ...(opts.extraDirs ?? [])]) {
    for (const file of profileFiles(dir)) {
      const profile = loadCached(file);
      byName.set(profile.name, profile);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The profile for a platform name or alias (e.g. "cisco_ios", "cisco_xe"). */
export function loadProfile(name: string, opts: ProfileLookupOptions = {}): PlatformProfile {
  const wanted = name.trim().toLowerCase();
  for (const dir of [...(opts.extraDirs ?? [])].reverse()) {
    for (const ext of [".yaml", ".yml"]) {
      const file = path.join(dir, wanted + ext);
      if (/^[a-z0-9_]+$/.test(wanted) && fs.existsSync(file)) return loadCached(file);
    }
  }
  const builtin = path.join(BUILTIN_PROFILE_DIR, wanted + ".yaml");
  if (/^[a-z0-9_]+$/.test(wanted) && fs.existsSync(builtin)) return loadCached(builtin);
  const all = listProfiles(opts);
  const byAlias = all.find((p) => p.aliases.includes(wanted));
  if (byAlias) return byAlias;
  throw new ProfileError(`unknown platform "${name}"; known platforms: ${all.map((p) => p.name).join(", ")}`);
}
