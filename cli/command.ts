import * as fs from "node:fs";
import type { Readable, Writable } from "node:stream";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { HomePaths } from "../lib/core/home";
import { UsageError, VcError, errorMessage } from "../lib/core/errors";

/** What every subcommand gets: streams, environment and the resolved data home. */
export interface CliContext {
  home: HomePaths;
  /** True when --home or VCOLLECTOR_HOME was given explicitly. */
  homeExplicit: boolean;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Set by long-running commands (lab, collect) so SIGINT/SIGTERM can stop them cleanly. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Full usage text printed by `vcollector <name> --help`. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 failure. Throw UsageError for exit code 2. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** util.parseArgs with strict checking, turning its errors into UsageError (exit code 2). */
export function parseCommandArgs<T extends Options>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
}

/** Writes a line; output to a stream whose reader has gone (EPIPE) is dropped quietly. */
/**
 * `--timeout -5`: parseArgs takes "-5" for an option and reports the option as "ambiguous". A
 * value option followed by a negative number gets it as its value, so the option's own check
 * says what is wrong ("must be … at least 0, got '-5'").
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function writeLine(stream: Writable, text = ""): void {
  if (stream.destroyed || stream.writableEnded) return;
  stream.write(text + "\n");
}

export function printJson(stream: Writable, value: unknown): void {
  if (stream.destroyed || stream.writableEnded) return;
  stream.write(JSON.stringify(value, null, 2) + "\n");
}

export class NotImplementedCommand implements CliCommand {
  constructor(
    readonly name: string,
    readonly summary: string,
    private readonly issue: string,
  ) {}
  get usage(): string {
    return `vcollector ${this.name}: not implemented yet (${this.issue}).`;
  }
  async run(_args: string[], ctx: CliContext): Promise<number> {
    writeLine(ctx.stderr, `vcollector ${this.name}: not implemented yet (${this.issue})`);
    return 1;
  }
}

/**
 * Reads a command's text input: a file, or standard input when the argument is missing or "-".
 * A file that cannot be read is an error naming it (exit code 1).
 */
export async function readTextInput(file: string | undefined, ctx: CliContext): Promise<string> {
  if (file === undefined || file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await fs.promises.readFile(file, "utf8");
  } catch (err) {
    throw new VcError("not_found", `cannot read: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`, file);
  }
}

/**
 * Pulls `--<name> <value>` / `--<name>=<value>` out of argv wherever it stands (before "--"),
 * for options that belong to an outer level (--home, the vault's --vault). The last one wins.
 */
export function extractOption(argv: string[], name: string, what: string): { value?: string; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === `--${name}`) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs ${what}`);
      value = argv[++i];
    } else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3);
    else rest.push(a);
  }
  return { value, rest };
}

/**
 * The handler of the subcommand args[0] names, and the arguments after it. A missing or unknown
 * subcommand is a usage error listing them.
 */
export function pickSubcommand<H>(command: string, handlers: Record<string, H>, args: string[]): [H, string[]] {
  const [sub, ...rest] = args;
  const names = Object.keys(handlers).join(", ");
  if (sub === undefined)
    throw new UsageError(`${command} needs a subcommand: ${names} (see vcollector ${command} --help)`);
  if (!Object.hasOwn(handlers, sub)) throw new UsageError(`unknown ${command} subcommand '${sub}' (${names})`);
  return [handlers[sub], rest];
}
