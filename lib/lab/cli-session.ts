import { StringDecoder } from "node:string_decoder";
import type { ServerChannel } from "ssh2";
import type { CatalogEntry } from "./catalog";
import { tokenize } from "./command-tree";
import type { ConnectionControl, DeviceBehaviour } from "./behaviour";
import { applyConfigState, configLine, hasConfigMode, isConfigShow } from "./config-mode";
import {
  applyPipes,
  hugeLines,
  pipePattern,
  responseText,
  textLines,
  type OutputLines,
  type PipeStage,
} from "./output";
import type { ErrorText, PagerErase, PipeFunction, TerminalCommand } from "./platform";
import { deviceLookup, renderText, renderVars } from "./render";
import type { ResponseSet } from "./responses";

/** Thrown inside a session when its channel is gone; ends the session's loop quietly. */
class SessionClosed extends Error {}

/** Typed-ahead input kept while the device is busy; beyond this it is dropped, as a device would. */
const MAX_PENDING_INPUT = 64 * 1024;
const MAX_LINE = 4096;
// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const visibleLength = (text: string) => text.replace(ANSI, "").length;

function eraseSequence(kind: PagerErase, width: number): string {
  switch (kind) {
    case "backspace":
      return "\b".repeat(width) + " ".repeat(width) + "\b".repeat(width);
    case "cr":
      return "\r" + " ".repeat(width) + "\r";
    case "ansi":
      return "\r\x1b[K";
    case "left":
      return `\x1b[${width}D` + " ".repeat(width) + `\x1b[${width}D`;
    case "none":
      return "\r\n";
  }
}

/**
 * One interactive CLI on a shell channel (or one command on an exec channel): echo and line
 * editing, prompts per mode, command resolution, enable, paging, latency, chunked output and the
 * output-side faults. The loop is sequential (async/await); typed-ahead input waits in a buffer.
 */
export class CliSession {
  private mode: string;
  /** The interface being configured (`interface X` in configuration mode). */
  private configInterface?: string;
  private paging = true;
  private pageLines: number;
  private timestamps: boolean;
  private input = "";
  private pos = 0;
  private prevCR = false;
  private wakeInput?: () => void;
  private out = "";
  private dataBytes = 0;
  private readonly abort = new AbortController();
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly channel: ServerChannel,
    private readonly device: DeviceBehaviour,
    private readonly conn: ConnectionControl,
  ) {
    const p = device.platform;
    this.mode = device.enableSecret !== undefined && p.enable ? p.enable.from : p.loginMode;
    this.pageLines = device.pageLines;
    this.timestamps = p.timestamp !== undefined;
    channel.on("data", (d: Buffer) => this.feed(this.decoder.write(d)));
    channel.on("close", () => this.dispose());
    channel.on("error", () => this.dispose());
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  dispose(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
  }

  /** Runs the interactive CLI until logout or until the channel closes. Never rejects. */
  async runShell(): Promise<void> {
    try {
      await this.shellLoop();
    } catch (err) {
      if (!(err instanceof SessionClosed)) this.failSession(err);
    }
  }

  /** Runs one command as an exec request: output without prompt or paging, then exit status. */
  async runExec(command: string): Promise<void> {
    try {
      this.paging = false;
      const ok = await this.execute(command, true);
      this.flush();
      this.channel.exit(ok ? 0 : 1);
      this.channel.end();
    } catch (err) {
      if (!(err instanceof SessionClosed)) this.failSession(err);
    }
  }

  private failSession(err: unknown): void {
    try {
      this.channel.write(`\r\n% lab: internal error: ${(err as Error).message}\r\n`);
      this.channel.end();
    } catch {
      /* channel already gone */
    }
    this.dispose();
  }

  // The loop lives as long as the channel: each turn waits for a typed line.
  private async shellLoop(): Promise<void> {
    const p = this.device.platform;
    const nl = p.newline;
    if (this.device.motd) this.out += textLines(this.render(this.device.motd)).join(nl) + nl;
    if (p.loginPause) {
      this.out += p.loginPause.text;
      this.flush();
      await this.key();
      this.out += "\r\x1b[2K";
    }
    for (;;) {
      this.writePrompt();
      const line = await this.readLine(true);
      if (line === null) continue;
      await this.execute(line, false);
    }
  }

  // ---- input ----------------------------------------------------------------------------------

  private feed(text: string): void {
    if (this.closed || text === "") return;
    if (this.input.length - this.pos + text.length > MAX_PENDING_INPUT) return;
    this.input += text;
    const wake = this.wakeInput;
    this.wakeInput = undefined;
    wake?.();
  }

  /** The next key; "\r\n" counts as one Enter. */
  private async key(): Promise<string> {
    for (;;) {
      while (this.pos < this.input.length) {
        const ch = this.input[this.pos++];
        if (ch === "\n" && this.prevCR) {
          this.prevCR = false;
          continue;
        }
        this.prevCR = ch === "\r";
        return ch;
      }
      this.input = "";
      this.pos = 0;
      await this.wait((done) => {
        this.wakeInput = done;
        return () => {
          this.wakeInput = undefined;
        };
      });
    }
  }

  /** A line with echo (or without, for passwords) and basic editing; null after Ctrl-C. */
  private async readLine(echo: boolean): Promise<string | null> {
    let line = "";
    let escape = 0;
    for (;;) {
      const ch = await this.key();
      if (escape === 1) {
        escape = ch === "[" ? 2 : 0;
        continue;
      }
      if (escape === 2) {
        if (ch >= "@" && ch <= "~") escape = 0;
        continue;
      }
      if (ch === "\r" || ch === "\n") {
        this.out += this.device.platform.newline;
        return line;
      }
      if (ch === "\x1b") {
        escape = 1;
        continue;
      }
      if (ch === "\x7f" || ch === "\b") {
        if (line.length) {
          line = line.slice(0, -1);
          if (echo) this.out += "\b \b";
        }
        continue;
      }
      if (ch === "\x03") {
        if (echo) this.out += "^C";
        this.out += this.device.platform.newline;
        return null;
      }
      if (ch === "\x15") {
        if (echo) this.out += "\b \b".repeat(line.length);
        line = "";
        continue;
      }
      if (ch < " " || line.length >= MAX_LINE) continue;
      line += ch;
      if (echo) this.out += ch;
    }
  }

  // ---- waiting --------------------------------------------------------------------------------

  /** Waits until `setup`'s callback fires; rejects with SessionClosed when the channel goes away. */
  private wait(setup: (done: () => void) => () => void): Promise<void> {
    this.flush();
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.reject(new SessionClosed());
    return new Promise<void>((resolve, reject) => {
      let cleanup: () => void = () => {};
      const onAbort = () => {
        cleanup();
        reject(new SessionClosed());
      };
      cleanup = setup(() => {
        signal.removeEventListener("abort", onAbort);
        cleanup();
        resolve();
      });
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private sleep(ms: number): Promise<void> {
    return this.wait((done) => {
      const timer = setTimeout(done, ms);
      return () => clearTimeout(timer);
    });
  }

  private drain(): Promise<void> {
    return this.wait((done) => {
      this.channel.once("drain", done);
      return () => {
        this.channel.removeListener("drain", done);
      };
    });
  }

  private forever(): Promise<void> {
    return this.wait(() => () => {});
  }

  // ---- output ---------------------------------------------------------------------------------

  private flush(): void {
    if (this.out === "") return;
    const text = this.out;
    this.out = "";
    if (this.closed) throw new SessionClosed();
    this.channel.write(text);
  }

  /** Command output: chunked, with backpressure; counts toward drop_mid_output when `counted`. */
  private async writeData(text: string, counted: boolean): Promise<void> {
    this.flush();
    const buf = Buffer.from(text);
    const size = this.device.chunkBytes;
    for (let off = 0; off < buf.length; off += size) {
      if (this.closed) throw new SessionClosed();
      const chunk = buf.subarray(off, off + size);
      if (counted && this.device.fault === "drop_mid_output") {
        const left = this.device.faultAfterBytes - this.dataBytes;
        if (chunk.length >= left) {
          if (left > 0) this.channel.write(chunk.subarray(0, left));
          this.dataBytes += Math.max(0, left);
          await this.sleep(50);
          this.conn.drop();
          throw new SessionClosed();
        }
      }
      if (counted) this.dataBytes += chunk.length;
      if (!this.channel.write(chunk)) await this.drain();
      else if (off + size < buf.length) await new Promise<void>((r) => setImmediate(r));
    }
  }

  private async writeLines(output: OutputLines, paging: boolean, counted: boolean): Promise<void> {
    const nl = this.device.platform.newline;
    const pageBody = Math.max(1, this.pageLines - 1);
    const flushAt = this.device.chunkBytes * 8;
    let onPage = 0;
    let written = 0;
    let buffer = "";
    for (const line of output.lines) {
      if (paging && onPage >= pageBody) {
        if (buffer) await this.writeData(buffer, counted);
        buffer = "";
        const answer = await this.pager(written, pageBody, output.total);
        if (answer === "quit") return;
        onPage = answer === "page" ? 0 : pageBody - 1;
      }
      buffer += line + nl;
      onPage++;
      written++;
      if (buffer.length >= flushAt) {
        await this.writeData(buffer, counted);
        buffer = "";
      }
    }
    if (buffer) await this.writeData(buffer, counted);
  }

  private async pager(written: number, pageBody: number, total?: number): Promise<"page" | "line" | "quit"> {
    const pager = this.device.platform.pager;
    const text = renderVars(pager.text, {
      percent: total ? Math.min(99, Math.floor((written * 100) / total)) : 0,
      from: Math.max(1, written - pageBody + 1),
      to: written,
    });
    this.out += text;
    const k = await this.key();
    this.out += eraseSequence(pager.erase, visibleLength(text));
    if (k === " ") return "page";
    if (k === "\r" || k === "\n") return "line";
    return "quit";
  }

  private promptText(): string {
    const prompt = this.render(this.device.platform.prompts[this.mode]);
    return this.configInterface ? prompt.replace("(config)", "(config-if)") : prompt;
  }

  private writePrompt(): void {
    const p = this.device.platform;
    if (p.blankLineBeforePrompt) this.out += p.newline;
    this.out += p.beforePrompt + this.promptText().replace(/\n/g, p.newline) + p.afterPrompt;
    this.flush();
  }

  private writeText(text: string): void {
    const nl = this.device.platform.newline;
    for (const line of textLines(text)) this.out += line + nl;
  }

  private render(text: string, extra: Record<string, string> = {}): string {
    const d = this.device;
    return renderText(text, deviceLookup(d.facts, d.rng, { privilege: this.privilegeLevel(), ...extra }));
  }

  private privilegeLevel(): string {
    const e = this.device.platform.enable;
    return e && this.mode === e.from ? "1" : "15";
  }

  private writeError(err: ErrorText, column: number, token: string, line: string, exec: boolean): void {
    if (err.caret && !exec) {
      const promptLines = this.promptText().split("\n");
      const offset = visibleLength(promptLines[promptLines.length - 1]) + column;
      this.out += " ".repeat(offset) + "^" + this.device.platform.newline;
    }
    this.writeText(renderVars(err.text, { token, line: line.trim() }));
  }

  // ---- commands -------------------------------------------------------------------------------

  /** Runs one typed line; false when the device rejected it. */
  private async execute(line: string, exec: boolean): Promise<boolean> {
    const p = this.device.platform;
    if (this.mode === "config" && hasConfigMode(p.name)) {
      const handled = this.configure(line, exec);
      if (handled !== undefined) return handled;
    }
    const parts = splitPipes(line, Object.keys(p.pipes).length > 0);
    const tokens = tokenize(parts.command);
    if (tokens.length === 0) {
      if (parts.pipes.length === 0) return true;
      this.writeError(p.errors.invalid, parts.pipes[0].column, "|", line, exec);
      return false;
    }
    const res = this.device.catalog.tree(this.mode).resolve(tokens, p.abbreviations);
    if (res.kind === "invalid" || res.kind === "ambiguous") {
      const t = tokens[res.tokenIndex];
      const err =
        res.kind === "ambiguous"
          ? p.errors.ambiguous
          : res.tokenIndex === 0 && p.errors.invalidFirst
            ? p.errors.invalidFirst
            : p.errors.invalid;
      this.writeError(err, t.column, t.text, line, exec);
      return false;
    }
    if (res.kind === "incomplete") {
      const last = tokens[tokens.length - 1];
      this.writeError(p.errors.incomplete, last.column + last.text.length + 1, last.text, line, exec);
      return false;
    }
    const entry: CatalogEntry = res.entry;
    if (entry.type === "terminal") return this.runTerminal(entry.def, res.args);
    const stages = this.parsePipes(parts.pipes, line, exec);
    if (stages === null) return false;
    await this.runResponse(entry.set, stages);
    return true;
  }

  /** A configuration-mode line (config-mode.ts); undefined when the platform file's commands handle it. */
  private configure(line: string, exec: boolean): boolean | undefined {
    const p = this.device.platform;
    const facts = this.device.facts;
    const r = configLine(this.device.config, { platform: p.name, interface: this.configInterface }, line, {
      set: (name) => (facts.hostname = name),
    });
    switch (r.kind) {
      case "ok":
        if (r.output) this.writeText(r.output);
        return true;
      case "mode":
        this.mode = r.mode === "privileged" && !p.prompts.privileged ? "user" : r.mode;
        this.configInterface = r.mode === "config" ? r.interface : undefined;
        return true;
      case "invalid": {
        const first = tokenize(line)[0];
        this.writeError(p.errors.invalid, first?.column ?? 0, first?.text ?? "", line, exec);
        return false;
      }
      case "unhandled":
        return undefined;
    }
  }

  private parsePipes(pipes: PipePart[], line: string, exec: boolean): PipeStage[] | null {
    const p = this.device.platform;
    const stages: PipeStage[] = [];
    for (const part of pipes) {
      const tokens = tokenize(part.text);
      const word = tokens[0];
      const fn = word ? resolvePipeWord(p.pipes, word.text, p.abbreviations) : undefined;
      if (!word || !fn) {
        this.writeError(p.errors.invalid, part.column + (word?.column ?? 0), word?.text ?? "|", line, exec);
        return null;
      }
      const pattern = part.text.slice(word.column + word.text.length).trim();
      if (fn !== "no-more" && pattern === "") {
        this.writeError(p.errors.incomplete, part.column + part.text.length + 1, word.text, line, exec);
        return null;
      }
      stages.push({ fn, pattern: fn === "no-more" ? undefined : pipePattern(pattern) });
    }
    return stages;
  }

  private async runTerminal(def: TerminalCommand, args: string[]): Promise<boolean> {
    const p = this.device.platform;
    if (def.confirm) {
      this.out += def.confirm;
      const answer = await this.key();
      this.out += (answer >= " " ? answer : "") + p.newline;
      if (answer.toLowerCase() !== "y") return true;
    }
    const action = def.action;
    switch (action.kind) {
      case "page_length": {
        const n = Number(args[0]);
        this.paging = n > 0;
        if (n > 0) this.pageLines = n;
        break;
      }
      case "paging_off":
        this.paging = false;
        break;
      case "paging_on":
        this.paging = true;
        break;
      case "timestamp_off":
        this.timestamps = false;
        break;
      case "timestamp_on":
        this.timestamps = p.timestamp !== undefined;
        break;
      case "mode":
        this.mode = action.mode;
        this.configInterface = undefined;
        break;
      case "disable":
        if (p.enable) this.mode = p.enable.from;
        break;
      case "enable":
        return this.enable();
      case "logout":
        return this.logout();
      case "none":
        break;
    }
    if (def.output) this.writeText(this.render(def.output, { arg: args[0] ?? "" }));
    return true;
  }

  private async enable(): Promise<boolean> {
    const e = this.device.platform.enable;
    if (!e || this.mode === e.to) return true;
    const secret = this.device.enableSecret;
    if (secret === undefined) {
      this.mode = e.to;
      return true;
    }
    for (let attempt = 0; attempt < e.attempts; attempt++) {
      this.out += e.passwordPrompt;
      const typed = await this.readLine(false);
      if (typed === null) return false;
      if (typed === secret) {
        this.mode = e.to;
        return true;
      }
    }
    this.writeText(e.failText);
    return false;
  }

  private logout(): boolean {
    this.flush();
    this.channel.exit(0);
    this.channel.end();
    this.dispose();
    this.conn.close();
    throw new SessionClosed();
  }

  private async runResponse(set: ResponseSet, stages: PipeStage[]): Promise<void> {
    const d = this.device;
    const p = d.platform;
    if (this.timestamps && p.timestamp) this.writeText(this.render(p.timestamp));
    const delay =
      d.fault === "slow" ? d.slowMs : d.latencyMs + (d.jitterMs > 0 ? Math.floor(d.rng() * (d.jitterMs + 1)) : 0);
    if (delay > 0) await this.sleep(delay);
    let output: OutputLines;
    if (d.fault === "huge_output") {
      const lines = hugeLines(d.hugeOutputBytes, Buffer.byteLength(p.newline));
      output = { lines: stages.length ? applyPipes(lines, stages) : lines, total: Math.ceil(d.hugeOutputBytes / 100) };
    } else {
      let text = responseText(d, set, { privilege: this.privilegeLevel() });
      if (isConfigShow(set.command)) text = applyConfigState(text, d.config, p.name);
      let lines = textLines(text);
      if (stages.length) lines = [...applyPipes(lines, stages)];
      output = { lines, total: lines.length };
    }
    const paging = this.paging && !stages.some((s) => s.fn === "no-more");
    await this.writeLines(output, paging, true);
    if (d.fault === "no_prompt") await this.forever();
  }
}

interface PipePart {
  text: string;
  column: number;
}

function splitPipes(line: string, enabled: boolean): { command: string; pipes: PipePart[] } {
  if (!enabled) return { command: line, pipes: [] };
  const pieces = line.split("|");
  const pipes: PipePart[] = [];
  let column = pieces[0].length + 1;
  for (const text of pieces.slice(1)) {
    pipes.push({ text, column });
    column += text.length + 1;
  }
  return { command: pieces[0], pipes };
}

function resolvePipeWord(
  pipes: Record<string, PipeFunction>,
  typed: string,
  abbreviations: boolean,
): PipeFunction | undefined {
  const lower = typed.toLowerCase();
  if (pipes[lower]) return pipes[lower];
  if (!abbreviations) return undefined;
  const matches = Object.keys(pipes).filter((w) => w.startsWith(lower));
  return matches.length === 1 ? pipes[matches[0]] : undefined;
}
