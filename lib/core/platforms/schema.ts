import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

/**
 * The shapes of the catalogue's data files, as they are written (YAML), and their ajv schemas.
 * lib/core/platforms/catalogue/<name>.yaml holds one platform; vendors.yaml the manufacturers;
 * a data home's platforms.yaml extra redaction and volatile-line rules.
 */

/** How a session talks to the platform's CLI (read by lib/core/ssh's session driver). */
export interface SessionSource {
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
  /** Commands sent after login and after the record's `paging` command, in order. */
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
  ansi?: "render" | "strip";
  /** Whether the CLI echoes typed commands (default true). */
  echo?: boolean;
  terminal?: { type?: string; cols?: number; rows?: number };
  algorithms?: { kex?: string[]; cipher?: string[]; serverHostKey?: string[]; hmac?: string[] };
  /** Used when the caller sets no timeout of its own (explicit setting → these → DEFAULT_TIMEOUTS). */
  timeouts?: { commandMs?: number; quietMs?: number };
}

/** One row the inventory seeds into dcim_platform (VelocityCollector's table). */
export interface InventorySource {
  /** Display name ("Cisco IOS-XE"). */
  name: string;
  /** VelocityCollector slug ("cisco_ios_xe"). */
  slug: string;
  /** netmiko device type, which is what a Device's `platform` holds (default: the record name). */
  deviceType?: string;
  /** NetBox platform slugs that mean this row. */
  netbox?: string[];
  /** What VelocityCollector's paging_disable_command column holds, when it differs from the record's `paging`. */
  pagingCommand?: string;
}

/** A secret in device output: the named group `secret` of `match` is replaced, the rest of the line kept. */
export interface LineRuleSource {
  id: string;
  match: string;
  ignoreCase?: boolean;
  source?: string;
}

/** A multi-line secret (a PEM private key): the lines after `begin` up to the line matching `end` are replaced. */
export interface BlockRuleSource {
  id: string;
  begin: string;
  end: string;
  ignoreCase?: boolean;
  source?: string;
}

export type RedactRuleSource = LineRuleSource | BlockRuleSource;

/** A line that changes without a real configuration change (clocks, counters, salted secrets). */
export interface VolatileRuleSource {
  id: string;
  match: string;
  ignoreCase?: boolean;
  /** drop: remove before storing a cleaned copy; ignore: keep but leave out of comparisons (default). */
  action?: "drop" | "ignore";
  source?: string;
}

export interface PlatformSource {
  name: string;
  description: string;
  /** Manufacturer slug (vendors.yaml). */
  vendor?: string;
  /** ntc-templates platform name used to pick TextFSM templates (default: the record name). */
  ntcPlatform?: string;
  /** Other names that select this platform (e.g. cisco_xe for cisco_ios). */
  aliases?: string[];
  inventory?: InventorySource[];
  /** The command that turns paging off, sent first after login (also the inventory's paging command). */
  paging?: string;
  session?: SessionSource;
  /** Set (true) on platforms without a session: they can be kept in the inventory but not collected. */
  inventoryOnly?: boolean;
  redact?: RedactRuleSource[];
  volatile?: VolatileRuleSource[];
}

export interface VendorSource {
  slug: string;
  name: string;
  aliases?: string[];
}

/** A data home's platforms.yaml: extra rules per platform name, or under "*" for every platform. */
export type UserRulesSource = Record<string, { redact?: RedactRuleSource[]; volatile?: VolatileRuleSource[] }>;

const NAME = { type: "string", pattern: "^[a-z0-9_]+$" } as const;
const regexString = { type: "string", minLength: 1 } as const;
const regexList = { type: "array", items: regexString } as const;
const textList = { type: "array", items: { type: "string", minLength: 1 } } as const;

const SESSION_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["prompts"],
  properties: {
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
    onOpen: textList,
    onClose: textList,
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
      properties: { kex: textList, cipher: textList, serverHostKey: textList, hmac: textList },
    },
    timeouts: {
      type: "object",
      additionalProperties: false,
      properties: { commandMs: { type: "integer", minimum: 1 }, quietMs: { type: "integer", minimum: 0 } },
    },
  },
} as const;

const RULE_ID = { type: "string", pattern: "^[a-z0-9][a-z0-9_.-]*$" } as const;

const REDACT_RULE_SCHEMA = {
  type: "object",
  oneOf: [
    {
      additionalProperties: false,
      required: ["id", "match"],
      properties: { id: RULE_ID, match: regexString, ignoreCase: { type: "boolean" }, source: { type: "string" } },
    },
    {
      additionalProperties: false,
      required: ["id", "begin", "end"],
      properties: {
        id: RULE_ID,
        begin: regexString,
        end: regexString,
        ignoreCase: { type: "boolean" },
        source: { type: "string" },
      },
    },
  ],
} as const;

const VOLATILE_RULE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["id", "match"],
  properties: {
    id: RULE_ID,
    match: regexString,
    ignoreCase: { type: "boolean" },
    action: { enum: ["drop", "ignore"] },
    source: { type: "string" },
  },
} as const;

const PLATFORM_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["name", "description"],
  properties: {
    name: NAME,
    description: { type: "string" },
    vendor: { type: "string", pattern: "^[a-z0-9-]+$" },
    ntcPlatform: NAME,
    aliases: { type: "array", items: NAME },
    inventory: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "slug"],
        properties: {
          name: { type: "string", minLength: 1 },
          slug: NAME,
          deviceType: NAME,
          netbox: { type: "array", items: { type: "string", pattern: "^[a-z0-9_-]+$" } },
          pagingCommand: { type: "string", minLength: 1 },
        },
      },
    },
    paging: { type: "string", minLength: 1 },
    session: SESSION_SCHEMA,
    inventoryOnly: { const: true },
    redact: { type: "array", items: REDACT_RULE_SCHEMA },
    volatile: { type: "array", items: VOLATILE_RULE_SCHEMA },
  },
  // A platform either has a session or says it has none: a missing session is never an accident.
  oneOf: [{ required: ["session"] }, { required: ["inventoryOnly"] }],
} as const;

const VENDORS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["vendors"],
  properties: {
    vendors: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["slug", "name"],
        properties: {
          slug: { type: "string", pattern: "^[a-z0-9-]+$" },
          name: { type: "string", minLength: 1 },
          aliases: { type: "array", items: { type: "string", minLength: 1 } },
        },
      },
    },
  },
} as const;

const USER_RULES_SCHEMA = {
  type: "object",
  propertyNames: { pattern: "^([a-z0-9_]+|\\*)$" },
  additionalProperties: {
    type: "object",
    additionalProperties: false,
    properties: {
      redact: { type: "array", items: REDACT_RULE_SCHEMA },
      volatile: { type: "array", items: VOLATILE_RULE_SCHEMA },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
export const validatePlatform: ValidateFunction<PlatformSource> = ajv.compile<PlatformSource>(PLATFORM_SCHEMA);
export const validateVendors: ValidateFunction<{ vendors: VendorSource[] }> = ajv.compile<{
  vendors: VendorSource[];
}>(VENDORS_SCHEMA);
export const validateUserRules: ValidateFunction<UserRulesSource> = ajv.compile<UserRulesSource>(USER_RULES_SCHEMA);

/** One ajv error as "field.path: problem". */
export function describeAjvError(e: ErrorObject): string {
  const field = e.instancePath === "" ? "" : e.instancePath.slice(1).replace(/\//g, ".");
  const at = (name: string) => (field === "" ? name : `${field}.${name}`);
  if (e.keyword === "additionalProperties") return `${at(String(e.params.additionalProperty))}: unknown field`;
  if (e.keyword === "required") return `${at(String(e.params.missingProperty))}: required field missing`;
  if (e.keyword === "enum")
    return `${field || "(top level)"}: must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return `${field || "(top level)"}: ${e.message ?? "invalid"}`;
}

/** The errors worth showing: the branches of a failed oneOf only add noise, so each oneOf gets one line. */
export function describeAjvErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const lines: string[] = [];
  for (const e of errors ?? []) {
    if (/\/oneOf\/\d+\//.test(e.schemaPath)) continue;
    if (e.keyword !== "oneOf") lines.push(describeAjvError(e));
    else if (e.instancePath === "") lines.push("(top level): needs either a session or inventoryOnly: true, not both");
    else
      lines.push(
        `${e.instancePath.slice(1).replace(/\//g, ".")}: a redact rule needs id and match (one line), or id, begin and end (a block)`,
      );
  }
  return [...new Set(lines)].join("; ");
}
