import * as fs from "node:fs";
import * as path from "node:path";
import { resolveHome, tightenHome, HOME_ENV } from "../lib/core/home";
import { flushAllKnownHosts } from "../lib/core/ssh/known-hosts";
import { UsageError, errorMessage } from "../lib/core/errors";
import { COMMANDS } from "./commands";
import { extractOption, writeLine, type CliContext } from "./command";
import { terminalSafe } from "./terminal-safe";
import { namingDatabase } from "./database-errors";

export interface MainIo {
  env?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

function packageVersion(): string {
  // dist/cli/main.js and cli/main.ts both sit two levels below the package root.
  for (const candidate of [
    path.join(__dirname, "..", "package.json"),
    path.join(__dirname, "..", "..", "package.json"),
  ]) {
    if (fs.existsSync(candidate))
      return (JSON.parse(fs.readFileSync(candidate, "utf8")) as { version: string }).version;
  }
  return "unknown";
}

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = [
    "Usage: vcollector [--home <dir>] <command> [options]",
    "",
    "Collect operational data from network devices over SSH; parse it with TextFSM.",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Global options:",
    `  --home <dir>   data home (default $${HOME_ENV}, else ~/.vcollector)`,
    "  --help, -h     show help (also: vcollector <command> --help)",
    "  --version, -v  print the version",
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage error.",
  ];
  return lines.join("\n");
}

/** Pulls the global --home option out of argv wherever it stands. */
function extractHome(argv: string[]): { home?: string; rest: string[] } {
  const { value, rest } = extractOption(argv, "home", "a directory");
  return { home: value, rest };
}

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: string[], io: MainIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = (io.stdout ?? process.stdout) as NodeJS.WritableStream & import("node:stream").Writable;
  const stderr = (io.stderr ?? process.stderr) as NodeJS.WritableStream & import("node:stream").Writable;
  quietWhenClosed(stdout);
  quietWhenClosed(stderr);
  try {
    const { home, rest } = extractHome(argv);
    const [name, ...args] = rest;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      writeLine(stdout, mainUsage());
      return name === undefined ? 2 : 0;
    }
    if (name === "--version" || name === "-v") {
      writeLine(stdout, packageVersion());
      return 0;
    }
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command '${name}' (see vcollector --help)`);
    const command = entry.load();
    if (args.includes("--help") || args.includes("-h")) {
      writeLine(stdout, command.usage);
      return 0;
    }
    const homePaths = resolveHome(home, env);
    tightenHome(homePaths, (message) => writeLine(stderr, `vcollector: warning: ${message}`));
    const ctx: CliContext = {
      home: homePaths,
      homeExplicit: home !== undefined || Boolean(env[HOME_ENV]),
      env,
      stdin: (io.stdin ?? process.stdin) as CliContext["stdin"],
      stdout,
      stderr,
      signal: io.signal ?? new AbortController().signal,
    };
    try {
      return await command.run(args, ctx);
    } finally {
      // Host keys pinned in a still-open coalescing window are written before the process ends.
      flushAllKnownHosts();
    }
  } catch (caught) {
    // A damaged SQLite file that no command named: at least say which folder holds it.
    const err = namingDatabase(caught, `a database in ${resolveHome(extractHomeQuietly(argv), env).root}`);
    // Error texts quote inventory and device text: printed without its control characters.
    writeLine(stderr, terminalSafe(`vcollector: ${errorMessage(err).split("\n")[0]}`));
    return err instanceof UsageError ? 2 : 1;
  }
}

const guarded = new WeakSet<object>();

/**
 * A reader that goes away (`vcollector collect … | head -1`) makes the next write fail with
 * EPIPE, which Node reports as an 'error' event: unhandled, it kills the process mid-run (captures
 * half written, the history row left "running"). Output to a closed stream is dropped quietly
 * instead and the command runs to its end; writeLine skips destroyed streams.
 */
function quietWhenClosed(stream: import("node:stream").Writable): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on("error", (err: NodeJS.ErrnoException) => {
    // EPIPE/ECONNRESET: the reader left. Anything else: nothing sensible to report it on.
    void err;
    if (!stream.destroyed) stream.destroy();
  });
}

function extractHomeQuietly(argv: string[]): string | undefined {
  try {
    return extractHome(argv).home;
  } catch {
    return undefined;
  }
}
