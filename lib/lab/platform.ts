import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { VcError } from "../core/errors";
import { findPlatform } from "../core/platforms";

/**
 * A simulated platform's behaviour, loaded from lib/lab/platforms/<name>.yaml: prompts per
 * mode, enable flow, pager, terminal commands, error texts, banners. See docs/lab.md.
 */
export interface PlatformDef {
  name: string;
  /** Device names in count mode: `<namePrefix>-<n>`. */
  namePrefix: string;
  /** Inventory role column. */
  role: string;
  /** SSH identification string the server sends. */
  sshIdent: string;
  newline: string;
  /** Mode a session starts in when no enable secret applies. */
  loginMode: string;
  /** Prompt template per mode; "\n" inside becomes a line break (Junos `[edit]`). */
  prompts: Record<string, string>;
  enable?: EnableDef;
  pager: PagerDef;
  /** Printed before each command's output until turned off (IOS-XR). */
  timestamp?: string;
  blankLineBeforePrompt: boolean;
  beforePrompt: string;
  afterPrompt: string;
  loginPause?: { text: string };
  abbreviations: boolean;
  /** Modes in which the show/display responses can be run. */
  responseModes: string[];
  /** Response commands (prefixes) hidden below the privileged mode. */
  privilegedOnly: string[];
  /** Pipe keyword → function. */
  pipes: Record<string, PipeFunction>;
  banner: string;
  motd: string;
  errors: { invalid: ErrorText; invalidFirst?: ErrorText; ambiguous: ErrorText; incomplete: ErrorText };
  commands: TerminalCommand[];
}

export type PipeFunction = "include" | "exclude" | "begin" | "no-more";
export type PagerErase = "backspace" | "cr" | "ansi" | "left" | "none";

export interface EnableDef {
  from: string;
  to: string;
  passwordPrompt: string;
  attempts: number;
  failText: string;
}

export interface PagerDef {
  /** May use {{percent}}, {{from}}, {{to}}. */
  text: string;
  erase: PagerErase;
  pageLines: number;
  quitKeys: string;
}

export interface ErrorText {
  /** Print a `^` under the offending word (offset by the prompt) before the text. */
  caret: boolean;
  /** May use {{token}} and {{line}}. */
  text: string;
}

export type TerminalAction =
  | { kind: "none" }
  | { kind: "page_length" }
  | { kind: "paging_off" }
  | { kind: "paging_on" }
  | { kind: "enable" }
  | { kind: "disable" }
  | { kind: "logout" }
  | { kind: "timestamp_off" }
  | { kind: "timestamp_on" }
  | { kind: "mode"; mode: string };

export interface TerminalCommand {
  /** Words; `<number>` and `<word>` are parameters. */
  command: string;
  modes: string[];
  action: TerminalAction;
  /** May use {{arg}} (the first parameter). */
  output?: string;
  /** Asked before the action; `y` confirms. */
  confirm?: string;
}

const PLATFORM_DIR = path.join(__dirname, "platforms");
const ERASES: PagerErase[] = ["backspace", "cr", "ansi", "left", "none"];
const PIPES: PipeFunction[] = ["include", "exclude", "begin", "no-more"];

let cache: Map<string, PlatformDef> | undefined;

/** Names of the simulated platforms, sorted. */
export function labPlatforms(): string[] {
  return [...loadAll().keys()].sort();
}

export function getPlatform(name: string): PlatformDef | undefined {
  return loadAll().get(name);
}

function loadAll(): Map<string, PlatformDef> {
  if (cache) return cache;
  const found = new Map<string, PlatformDef>();
  for (const file of fs
    .readdirSync(PLATFORM_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    const def = loadPlatformFile(path.join(PLATFORM_DIR, file));
    found.set(def.name, def);
  }
  cache = found;
  return found;
}

/** Reads and validates one platform file; errors name the file and the field. */
export function loadPlatformFile(file: string): PlatformDef {
  let raw: unknown;
  try {
    raw = yaml.load(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new VcError("lab_platform", `cannot read platform definition: ${(err as Error).message}`, file);
  }
  return validatePlatform(raw, file);
}

function validatePlatform(raw: unknown, file: string): PlatformDef {
  const r = new FieldReader(raw, file);
  const name = r.str("name");
  if (path.basename(file, ".yaml") !== name)
    r.fail("name", `must match the file name (${path.basename(file, ".yaml")})`);
  // The lab simulates platforms of the catalogue (lib/core/platforms): it names them, never redefines them.
  if (findPlatform(name)?.name !== name || findPlatform(name)?.session === undefined)
    r.fail("name", `'${name}' is not a platform of the catalogue with a session (lib/core/platforms/catalogue)`);
  const prompts = r.strMap("prompts");
  const knownMode = (field: string, mode: string) => {
    if (!(mode in prompts)) r.fail(field, `unknown mode '${mode}' (modes: ${Object.keys(prompts).join(", ")})`);
    return mode;
  };
  const enable = r.has("enable") ? readEnable(r.sub("enable"), knownMode) : undefined;
  const pagerReader = r.sub("pager");
  const erase = pagerReader.str("erase") as PagerErase;
  if (!ERASES.includes(erase)) pagerReader.fail("erase", `must be one of ${ERASES.join(", ")}`);
  const pager: PagerDef = {
    text: pagerReader.str("text"),
    erase,
    pageLines: pagerReader.int("pageLines", 2),
    quitKeys: pagerReader.str("quitKeys"),
  };
  const pipes: Record<string, PipeFunction> = {};
  for (const [word, fn] of Object.entries(r.strMap("pipes", true))) {
    if (!PIPES.includes(fn as PipeFunction)) r.fail(`pipes.${word}`, `must be one of ${PIPES.join(", ")}`);
    pipes[word] = fn as PipeFunction;
  }
  const errorsReader = r.sub("errors");
  const errorText = (key: string): ErrorText => {
    const e = errorsReader.sub(key);
    return { caret: e.bool("caret"), text: e.str("text") };
  };
  const commands = r.list("commands").map((c, i) => readCommand(c, i, knownMode));
  const def: PlatformDef = {
    name,
    namePrefix: r.str("namePrefix"),
    role: r.str("role"),
    sshIdent: r.str("sshIdent"),
    newline: r.str("newline"),
    loginMode: knownMode("loginMode", r.str("loginMode")),
    prompts,
    enable,
    pager,
    timestamp: r.optStr("timestamp"),
    blankLineBeforePrompt: r.optBool("blankLineBeforePrompt") ?? false,
    beforePrompt: r.optStr("beforePrompt") ?? "",
    afterPrompt: r.optStr("afterPrompt") ?? "",
    loginPause: r.has("loginPause") ? { text: r.sub("loginPause").str("text") } : undefined,
    abbreviations: r.bool("abbreviations"),
    responseModes: r.strList("responseModes").map((m, i) => knownMode(`responseModes[${i}]`, m)),
    privilegedOnly: r.strList("privilegedOnly"),
    pipes,
    banner: r.optStr("banner") ?? "",
    motd: r.optStr("motd") ?? "",
    errors: {
      invalid: errorText("invalid"),
      invalidFirst: errorsReader.has("invalidFirst") ? errorText("invalidFirst") : undefined,
      ambiguous: errorText("ambiguous"),
      incomplete: errorText("incomplete"),
    },
    commands,
  };
  return def;
}

function readEnable(r: FieldReader, knownMode: (field: string, mode: string) => string): EnableDef {
  return {
    from: knownMode("enable.from", r.str("from")),
    to: knownMode("enable.to", r.str("to")),
    passwordPrompt: r.str("passwordPrompt"),
    attempts: r.int("attempts", 1),
    failText: r.str("failText"),
  };
}

function readCommand(
  c: FieldReader,
  index: number,
  knownMode: (field: string, mode: string) => string,
): TerminalCommand {
  const where = `commands[${index}]`;
  const command = c.str("command").trim();
  if (command === "") c.fail("command", "must not be empty");
  const modes = c.strList("modes").map((m, j) => knownMode(`${where}.modes[${j}]`, m));
  const actionText = c.optStr("action") ?? "none";
  const [kind, arg] = actionText.split(/\s+/, 2);
  let action: TerminalAction;
  switch (kind) {
    case "mode":
      if (!arg) c.fail("action", "`mode` needs a mode name");
      action = { kind: "mode", mode: knownMode(`${where}.action`, arg) };
      break;
    case "none":
    case "page_length":
    case "paging_off":
    case "paging_on":
    case "enable":
    case "disable":
    case "logout":
    case "timestamp_off":
    case "timestamp_on":
      action = { kind } as TerminalAction;
      break;
    default:
      c.fail("action", `unknown action '${actionText}'`);
  }
  if (action.kind === "page_length" && !command.includes("<number>"))
    c.fail("command", "a page_length command needs a <number> parameter");
  return { command, modes, action, output: c.optStr("output"), confirm: c.optStr("confirm") };
}

/** Typed access to a YAML object; every failure names the file and the dotted field. */
class FieldReader {
  private readonly obj: Record<string, unknown>;
  constructor(
    value: unknown,
    private readonly file: string,
    private readonly prefix = "",
  ) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail("", "must be a mapping");
    this.obj = value as Record<string, unknown>;
  }
  fail(field: string, message: string): never {
    const full = this.prefix && field ? `${this.prefix}.${field}` : this.prefix || field;
    throw new VcError("lab_platform", `${full ? `field '${full}' ` : ""}${message}`, this.file);
  }
  has(field: string): boolean {
    return this.obj[field] !== undefined && this.obj[field] !== null;
  }
  str(field: string): string {
    const v = this.obj[field];
    if (typeof v !== "string") this.fail(field, "must be a string");
    return v;
  }
  optStr(field: string): string | undefined {
    return this.has(field) ? this.str(field) : undefined;
  }
  bool(field: string): boolean {
    const v = this.obj[field];
    if (typeof v !== "boolean") this.fail(field, "must be true or false");
    return v;
  }
  optBool(field: string): boolean | undefined {
    return this.has(field) ? this.bool(field) : undefined;
  }
  int(field: string, min: number): number {
    const v = this.obj[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) this.fail(field, `must be an integer >= ${min}`);
    return v;
  }
  strList(field: string): string[] {
    const v = this.obj[field];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) this.fail(field, "must be a list of strings");
    return v as string[];
  }
  strMap(field: string, allowEmpty = false): Record<string, string> {
    const v = this.obj[field];
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(field, "must be a mapping");
    const entries = Object.entries(v as Record<string, unknown>);
    if (!allowEmpty && entries.length === 0) this.fail(field, "must not be empty");
    for (const [k, x] of entries) if (typeof x !== "string") this.fail(`${field}.${k}`, "must be a string");
    return v as Record<string, string>;
  }
  sub(field: string): FieldReader {
    if (!this.has(field)) this.fail(field, "is required");
    return new FieldReader(this.obj[field], this.file, this.prefix ? `${this.prefix}.${field}` : field);
  }
  list(field: string): FieldReader[] {
    const v = this.obj[field];
    if (!Array.isArray(v)) this.fail(field, "must be a list");
    return v.map((x, i) => new FieldReader(x, this.file, `${this.prefix ? this.prefix + "." : ""}${field}[${i}]`));
  }
}
