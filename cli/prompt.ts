import * as fs from "node:fs";
import type { Readable } from "node:stream";
import { VcError, UsageError } from "../lib/core/errors";
import type { CliContext } from "./command";

/**
 * Reading secrets for the CLI. A secret is never taken from argv (process lists, shell history):
 * it is typed at a hidden prompt when stdin is a terminal, read line by line from piped stdin,
 * or read from a file.
 *
 * Piped stdin is one secret per line, consumed in the order the command asks for them (e.g.
 * `vault add --password-stdin` without VCOLLECTOR_VAULT_PASS: line 1 master password, line 2
 * the credential's password).
 */

interface TtyInput extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** One line reader per stdin stream, so successive reads share its buffer. */
const readers = new WeakMap<Readable, LineReader>();

class LineReader {
  private buffer = "";
  private ended = false;
  private waiting: Array<() => void> = [];

  constructor(private readonly stream: Readable) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    stream.on("end", () => {
      this.ended = true;
      this.wake();
    });
    stream.on("error", () => {
      this.ended = true;
      this.wake();
    });
  }

  /** The next line without its line ending, or undefined when stdin has ended. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buffer.indexOf("\n");
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.pauseIfIdle();
        return line.endsWith("\r") ? line.slice(0, -1) : line;
      }
      if (this.ended) {
        if (this.buffer === "") return undefined;
        const line = this.buffer;
        this.buffer = "";
        return line;
      }
      this.stream.resume();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private pauseIfIdle(): void {
    if (this.waiting.length === 0 && !this.ended) this.stream.pause();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }
}

function lineReader(stream: Readable): LineReader {
  let r = readers.get(stream);
  if (!r) {
    r = new LineReader(stream);
    readers.set(stream, r);
  }
  return r;
}

/** Reads the next line of (non-terminal) stdin as a secret; `what` names it in errors. */
export async function readSecretFromStdin(ctx: Pick<CliContext, "stdin">, what = "secret"): Promise<string> {
  const line = await lineReader(ctx.stdin).next();
  if (line === undefined) throw new UsageError(`stdin ended before the ${what} was read (give one secret per line)`);
  if (line === "") throw new UsageError(`the ${what} read from stdin is empty`);
  return line;
}

export interface ReadSecretOptions {
  /** On a terminal, ask twice and require both to match (for new passwords). */
  confirm?: boolean;
  /** Accept an empty answer (returned as ""). */
  allowEmpty?: boolean;
}

/**
 * Asks for a secret: a hidden prompt (nothing echoed) on a terminal, else the next stdin line.
 * The prompt goes to stderr so stdout stays clean for the command's output.
 */
export async function readSecret(
  prompt: string,
  ctx: Pick<CliContext, "stdin" | "stderr">,
  opts: ReadSecretOptions = {},
): Promise<string> {
  const input = ctx.stdin as TtyInput;
  if (!input.isTTY || typeof input.setRawMode !== "function") {
    if (opts.allowEmpty) return (await lineReader(ctx.stdin).next()) ?? "";
    return readSecretFromStdin(ctx, prompt.replace(/[:\s]+$/, "").toLowerCase());
  }
  const first = await hiddenPrompt(prompt, input, ctx.stderr);
  if (first === "" && !opts.allowEmpty) throw new UsageError(`no ${prompt.replace(/[:\s]+$/, "").toLowerCase()} given`);
  if (opts.confirm) {
    const again = await hiddenPrompt("Again: ", input, ctx.stderr);
    if (again !== first) throw new UsageError("the two entries do not match");
  }
  return first;
}

/**
 * Reads a secret from a file: a password file's single trailing newline is dropped; `keepAsIs`
 * keeps the content untouched (private keys).
 */
export function readSecretFile(file: string, what: string, opts: { keepAsIs?: boolean } = {}): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new VcError(
      "usage",
      `cannot read the ${what} file (${code === "ENOENT" ? "no such file" : (code ?? "unreadable")})`,
      file,
    );
  }
  const value = opts.keepAsIs ? text : text.replace(/\r?\n$/, "");
  if (value.trim() === "") throw new VcError("usage", `the ${what} file is empty`, file);
  return value;
}

function hiddenPrompt(prompt: string, input: TtyInput, out: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    // Echo goes off BEFORE the prompt shows: an answer typed the moment the prompt appears must
    // not reach the terminal's cooked-mode echo.
    input.setRawMode!(true);
    out.write(prompt);
    input.setEncoding("utf8");
    input.resume();
    const finish = (err?: Error) => {
      input.removeListener("data", onData);
      input.setRawMode!(false);
      input.pause();
      out.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      // Arrow keys and the like arrive as escape sequences: they are not part of a secret.
      // eslint-disable-next-line no-control-regex
      for (const ch of chunk.replace(/\u001b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g, "")) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new VcError("cancelled", "cancelled"));
        if (ch === "\u0004") {
          if (value === "") return finish(new VcError("cancelled", "cancelled"));
          continue;
        }
        if (ch === "\u007f" || ch === "\b") {
          value = value.slice(0, -1);
          continue;
        }
        if (ch === "\u0015") {
          value = "";
          continue;
        }
        if (ch >= " ") value += ch;
      }
    };
    input.on("data", onData);
  });
}
