import * as fs from "node:fs";
import * as path from "node:path";
import {
  loadCached,
  loadCatalogue,
  PlatformCatalogueError,
  readYaml,
  type CatalogueOptions,
  type MtimeCache,
} from "./catalogue";
import {
  describeAjvErrors,
  validateUserRules,
  type RedactRuleSource,
  type UserRulesSource,
  type VolatileRuleSource,
} from "./schema";

/**
 * Secret (redact) and volatile-line rules of a platform: the built-in rules every platform
 * shares (./common.yaml), the platform's own (its catalogue record), then the user's (a data
 * home's platforms.yaml, or rules passed in), each compiled once and named by where it came from.
 */

export const COMMON_RULES_FILE = path.join(__dirname, "common.yaml");
/** In a data home: records that add or replace platforms. */
export const USER_PLATFORMS_DIR = "platforms";
/** In a data home: extra redact / volatile rules per platform. */
export const USER_RULES_FILE = "platforms.yaml";

export interface RuleOptions extends CatalogueOptions {
  /** platforms.yaml files with extra rules (`<platform>:` or `"*":` → `redact:` / `volatile:`). */
  rulesFiles?: readonly string[];
  /** Extra rules for this call, applied after the files'. */
  extraRedact?: readonly RedactRuleSource[];
  extraVolatile?: readonly VolatileRuleSource[];
}

/** A secret on one line: the `secret` group of `pattern` is replaced. `pattern` has the g, m and d flags. */
export interface LineRedaction {
  kind: "line";
  id: string;
  pattern: RegExp;
  /** "<file>#<id>" or "option#<id>". */
  origin: string;
}

/** A secret over several lines: every line after one matching `begin`, up to the one matching `end`. */
export interface BlockRedaction {
  kind: "block";
  id: string;
  begin: RegExp;
  end: RegExp;
  origin: string;
}

export type RedactionRule = LineRedaction | BlockRedaction;

export interface VolatileRule {
  id: string;
  pattern: RegExp;
  action: "drop" | "ignore";
  origin: string;
}

/** The catalogue options for a data home: its platforms/ folder and platforms.yaml, when they exist. */
export function platformOptionsForHome(homeDir: string): RuleOptions {
  const dir = path.join(homeDir, USER_PLATFORMS_DIR);
  const file = path.join(homeDir, USER_RULES_FILE);
  return {
    ...(fs.existsSync(dir) ? { extraDirs: [dir] } : {}),
    ...(fs.existsSync(file) ? { rulesFiles: [file] } : {}),
  };
}

const rulesFileCache: MtimeCache<UserRulesSource> = new Map();

function loadRulesFile(file: string): UserRulesSource {
  return loadCached(rulesFileCache, file, (f) => {
    const doc = readYaml(f) ?? {};
    if (!validateUserRules(doc)) throw new PlatformCatalogueError(describeAjvErrors(validateUserRules.errors), f);
    return doc;
  });
}

function compile(source: string, flags: string, field: string, origin: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new PlatformCatalogueError(
      `${field}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`,
      origin,
    );
  }
}

function compileRedact(rule: RedactRuleSource, index: number, origin: string): RedactionRule {
  const i = rule.ignoreCase ? "i" : "";
  const at = `${origin}#${rule.id}`;
  if ("match" in rule) {
    if (!/\(\?<secret>/.test(rule.match))
      throw new PlatformCatalogueError(
        `redact[${index}].match: needs a group named secret, (?<secret>…), around the value to hide`,
        at,
      );
    return {
      kind: "line",
      id: rule.id,
      pattern: compile(rule.match, "gmd" + i, `redact[${index}].match`, at),
      origin: at,
    };
  }
  return {
    kind: "block",
    id: rule.id,
    begin: compile(rule.begin, "m" + i, `redact[${index}].begin`, at),
    end: compile(rule.end, i, `redact[${index}].end`, at),
    origin: at,
  };
}

function compileVolatile(rule: VolatileRuleSource, index: number, origin: string): VolatileRule {
  const at = `${origin}#${rule.id}`;
  return {
    id: rule.id,
    pattern: compile(rule.match, rule.ignoreCase ? "i" : "", `volatile[${index}].match`, at),
    action: rule.action ?? "ignore",
    origin: at,
  };
}

interface RuleSources {
  redact: Array<{ rule: RedactRuleSource; index: number; origin: string }>;
  volatile: Array<{ rule: VolatileRuleSource; index: number; origin: string }>;
}

/** Every rule source for a platform, in order: common, the platform's record, user files, options. */
function sourcesFor(platform: string, opts: RuleOptions): RuleSources {
  const out: RuleSources = { redact: [], volatile: [] };
  const add = (
    origin: string,
    redact: readonly RedactRuleSource[] | undefined,
    volatile: readonly VolatileRuleSource[] | undefined,
  ) => {
    (redact ?? []).forEach((rule, index) => out.redact.push({ rule, index, origin }));
    (volatile ?? []).forEach((rule, index) => out.volatile.push({ rule, index, origin }));
  };
  const record = loadCatalogue(opts).find(platform);
  const keys = ["*", ...(record ? [record.name] : []), String(platform).trim().toLowerCase()];
  const fromFile = (file: string) => {
    const doc = loadRulesFile(file);
    for (const key of new Set(keys)) add(`${file}: ${key}`, doc[key]?.redact, doc[key]?.volatile);
  };
  fromFile(COMMON_RULES_FILE);
  if (record) add(record.file, record.redact, record.volatile);
  for (const file of opts.rulesFiles ?? []) fromFile(file);
  add("option", opts.extraRedact, opts.extraVolatile);
  return out;
}

const builtinCache = new Map<string, { redact: RedactionRule[]; volatile: VolatileRule[] }>();

function compiledFor(platform: string, opts: RuleOptions): { redact: RedactionRule[]; volatile: VolatileRule[] } {
  const plain = !opts.extraDirs?.length && !opts.rulesFiles?.length && !opts.extraRedact && !opts.extraVolatile;
  const key = String(platform).trim().toLowerCase();
  const hit = plain ? builtinCache.get(key) : undefined;
  if (hit) return hit;
  const src = sourcesFor(platform, opts);
  const compiled = {
    redact: src.redact.map((s) => compileRedact(s.rule, s.index, s.origin)),
    volatile: src.volatile.map((s) => compileVolatile(s.rule, s.index, s.origin)),
  };
  if (plain) builtinCache.set(key, compiled);
  return compiled;
}

/**
 * The secret rules for a platform (name, alias or device type): common rules, the platform's,
 * then the user's. An unknown platform gets the common and user "*" rules. Compiled regexes
 * are shared: use them with lastIndex reset, as lib/core/redact does.
 */
export function redactionRules(platform: string, opts: RuleOptions = {}): RedactionRule[] {
  return compiledFor(platform, opts).redact;
}

/** The volatile-line rules for a platform, with their action and origin. */
export function volatileRules(platform: string, opts: RuleOptions = {}): VolatileRule[] {
  return compiledFor(platform, opts).volatile;
}

/**
 * Patterns of lines that change without a real configuration change (clocks, NTP drift, change
 * stamps, uptime, salted secrets), for a platform: test each line of a config against them before
 * comparing. Fresh RegExp objects without the g flag, safe to keep.
 */
export function volatilePatterns(platform: string, opts: RuleOptions = {}): RegExp[] {
  return volatileRules(platform, opts).map((r) => new RegExp(r.pattern.source, r.pattern.flags));
}
