import type { ClientChannel } from "ssh2";
import { isEchoLine } from "./output";
import { TerminalScreen, type AnsiMode } from "./terminal";

/** A tail pattern: matched against the unfinished last line of output. */
export interface TailPattern {
  name: string;
  re: RegExp;
}

/** An automatic answer: when the tail matches, the response is typed at once (pagers, "Press any key"). */
export interface Responder {
  name: string;
  re: RegExp;
  response: string;
  /** How many times it may answer within one wait (bounded, so a stuck device cannot loop us). */
  max: number;
}

export interface WaitSpec {
  /** The command just typed: the wait first looks for its echo, and prompts count only after it. */
  echo?: string;
  /** Match only after new data arrived in this wait (after a bare RETURN or a typed secret). */
  requireData?: boolean;
  tails: TailPattern[];
  responders?: Responder[];
  quietMs: number;
  /**
   * The prompt the device showed last. A tail equal to it (after the echo) is confirmed by the
   * shorter `knownPromptQuietMs`: a line identical to the prompt and left unfinished mid-output
   * is far less likely than one that merely fits the prompt pattern.
   */
  knownPrompt?: string;
  knownPromptQuietMs?: number;
  timeoutMs: number;
  /**
   * Streaming: complete lines after the echo are handed here as they arrive and dropped from the
   * screen, so a huge output is never held whole (WaitResult.lines and WaitFailure.partial then
   * hold only the lines not yet handed over). A returned promise pauses reading the channel until
   * it settles (the sink's backpressure).
   */
  onLines?: (lines: string[]) => void | Promise<void>;
}

export interface WaitResult {
  /** Which tail pattern ended the wait. */
  matched: string;
  /** The tail line (a prompt, a password question…), as rendered. */
  tail: string;
  /** Complete lines after the echo (with onLines: those not yet handed over). */
  lines: string[];
  echoFound: boolean;
  /** How many times each responder answered. */
  answered: Record<string, number>;
  bytes: number;
}

/** Why a wait ended without a match; the session turns this into a SessionError of the right class. */
export class WaitFailure extends Error {
  constructor(
    readonly kind: "timeout" | "closed" | "too_large",
    readonly partial: string,
    readonly bytes: number,
  ) {
    super(kind);
  }
}

/** Values of ActiveWait.echoIndex besides a line index. */
const NO_ECHO_EXPECTED = -1;
const ECHO_PENDING = -2;
/**
 * Streaming hands lines to onLines once this many bytes arrived since the last handover: memory
 * stays bounded for a huge output while a small one costs a single sink call.
 */
export const STREAM_BATCH_BYTES = 32 * 1024;

interface ActiveWait {
  spec: WaitSpec;
  screen: TerminalScreen;
  /** Index of the echo line, or NO_ECHO_EXPECTED / ECHO_PENDING. */
  echoIndex: number;
  /** The echo was seen (or none was expected) and the lines up to it dropped: the screen holds body lines only. */
  bodyOnly: boolean;
  /** `bytes` when lines were last handed to onLines (see STREAM_BATCH_BYTES). */
  handedAtBytes: number;
  scannedLines: number;
  answered: Record<string, number>;
  bytes: number;
  quietTimer?: NodeJS.Timeout;
  timeoutTimer: NodeJS.Timeout;
  resolve: (r: WaitResult) => void;
  reject: (e: WaitFailure) => void;
}

/**
 * An interactive shell channel read as a terminal. Each wait starts a fresh screen, types nothing
 * itself except responder answers, and ends when a tail pattern has matched the last line of the
 * output and no more data arrived for the quiet window — or fails on timeout, close or size cap.
 */
export class ShellChannel {
  private active?: ActiveWait;
  private closed = false;
  private idleScreen: TerminalScreen;
  private idleBytes = 0;
  /** Sink writes in progress (the channel is paused while there are any). */
  private pauses = 0;

  constructor(
    private readonly channel: ClientChannel,
    private readonly ansi: AnsiMode,
    private readonly maxOutputBytes: number,
  ) {
    this.idleScreen = new TerminalScreen(ansi);
    channel.on("data", (d: Buffer) => this.onData(d));
    channel.stderr.on("data", (d: Buffer) => this.onData(d));
    channel.on("close", () => this.onClose());
    channel.on("error", () => this.onClose());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(text: string): void {
    if (!this.closed) this.channel.write(text);
  }

  /** Waits for one of the tail patterns (see WaitSpec). Only one wait runs at a time. */
  wait(spec: WaitSpec): Promise<WaitResult> {
    if (this.active) return Promise.reject(new Error("internal: concurrent waits on one shell"));
    const screen = new TerminalScreen(this.ansi);
    // Data that arrived between waits (a late prompt, an echo) belongs to this wait.
    const carried = this.idleScreen;
    this.idleScreen = new TerminalScreen(this.ansi);
    this.idleBytes = 0;
    for (const line of carried.lines) screen.feed(line + "\n");
    if (carried.currentLine !== "") screen.feed(carried.currentLine);
    if (this.closed) return Promise.reject(new WaitFailure("closed", screen.text(), 0));
    return new Promise<WaitResult>((resolve, reject) => {
      const w: ActiveWait = {
        spec,
        screen,
        echoIndex: spec.echo === undefined || spec.echo === "" ? NO_ECHO_EXPECTED : ECHO_PENDING,
        bodyOnly: false,
        handedAtBytes: 0,
        scannedLines: 0,
        answered: {},
        bytes: 0,
        timeoutTimer: setTimeout(() => this.finishFailure("timeout"), spec.timeoutMs),
        resolve,
        reject,
      };
      this.active = w;
      this.evaluate(w);
    });
  }

  /** Abandons the current wait (the session is being torn down). */
  abort(): void {
    if (this.active) this.finishFailure("closed");
  }

  close(): void {
    this.closed = true;
    try {
      this.channel.end();
    } catch {
      // already gone
    }
  }

  private onData(d: Buffer): void {
    const w = this.active;
    if (!w) {
      // Between commands (log messages to the terminal, a late prompt); bounded like an output.
      this.idleBytes += d.length;
      if (this.idleBytes > this.maxOutputBytes) {
        this.idleScreen = new TerminalScreen(this.ansi);
        this.idleBytes = d.length;
      }
      this.idleScreen.feed(d);
      return;
    }
    w.bytes += d.length;
    w.screen.feed(d);
    if (w.bytes > this.maxOutputBytes) {
      this.finishFailure("too_large");
      return;
    }
    this.evaluate(w);
  }

  private onClose(): void {
    this.closed = true;
    if (this.active) this.finishFailure("closed");
  }

  /** Lines after the echo, for results and partial output. */
  private bodyLines(w: ActiveWait): string[] {
    return w.screen.lines.slice(!w.bodyOnly && w.echoIndex >= 0 ? w.echoIndex + 1 : 0);
  }

  /** Hands the complete body lines to the wait's onLines sink, pausing the channel while the sink is busy. */
  private streamLines(w: ActiveWait): void {
    // A small output is handed over once, with the result (one sink call instead of one per packet).
    if (w.bytes - w.handedAtBytes < STREAM_BATCH_BYTES) return;
    const from = !w.bodyOnly && w.echoIndex >= 0 ? w.echoIndex + 1 : 0;
    if (w.screen.lines.length <= from) return;
    w.handedAtBytes = w.bytes;
    const lines = w.screen.takeLines(from);
    w.bodyOnly = true;
    const busy = w.spec.onLines!(lines);
    if (!busy) return;
    this.pauses++;
    this.channel.pause();
    const resume = (): void => {
      if (--this.pauses === 0 && !this.closed) this.channel.resume();
    };
    busy.then(resume, resume);
  }

  private evaluate(w: ActiveWait): void {
    if (w.quietTimer) {
      clearTimeout(w.quietTimer);
      w.quietTimer = undefined;
    }
    const { spec, screen } = w;
    if (w.echoIndex === ECHO_PENDING) {
      for (; w.scannedLines < screen.lines.length; w.scannedLines++) {
        if (isEchoLine(screen.lines[w.scannedLines], spec.echo!)) {
          w.echoIndex = w.scannedLines;
          break;
        }
      }
    }
    if (spec.onLines && w.echoIndex !== ECHO_PENDING) this.streamLines(w);
    const tail = screen.currentLine;
    if (tail === "") return;
    for (const r of spec.responders ?? []) {
      if (r.re.test(tail)) {
        const count = (w.answered[r.name] ?? 0) + 1;
        if (count > r.max) return;
        w.answered[r.name] = count;
        screen.clearCurrentLine();
        this.write(r.response);
        return;
      }
    }
    if (spec.requireData && w.bytes === 0) return;
    const hit = spec.tails.find((t) => t.re.test(tail));
    if (!hit) return;
    // Before the echo was seen, only accept a prompt when some complete line exists (the
    // fallback for devices that rewrite the echoed command); the quiet window still applies.
    if (w.echoIndex === ECHO_PENDING && screen.lines.length === 0) return;
    const known = w.echoIndex !== ECHO_PENDING && spec.knownPrompt !== undefined && tail.trimEnd() === spec.knownPrompt;
    const quietMs = known ? Math.min(spec.quietMs, spec.knownPromptQuietMs ?? spec.quietMs) : spec.quietMs;
    w.quietTimer = setTimeout(() => {
      if (this.active !== w) return;
      if (w.echoIndex === ECHO_PENDING) w.echoIndex = 0; // echo not recognised: take the first line as the echo
      this.finishSuccess(w, hit.name, tail);
    }, quietMs);
  }

  private finishSuccess(w: ActiveWait, matched: string, tail: string): void {
    clearTimeout(w.timeoutTimer);
    if (w.quietTimer) clearTimeout(w.quietTimer);
    this.active = undefined;
    w.resolve({
      matched,
      tail,
      lines: this.bodyLines(w),
      echoFound: w.echoIndex >= 0 || w.spec.echo === undefined,
      answered: w.answered,
      bytes: w.bytes,
    });
  }

  private finishFailure(kind: WaitFailure["kind"]): void {
    const w = this.active;
    if (!w) return;
    clearTimeout(w.timeoutTimer);
    if (w.quietTimer) clearTimeout(w.quietTimer);
    this.active = undefined;
    const lines = this.bodyLines(w);
    const tail = w.screen.currentLine;
    const partial = [...lines, ...(tail === "" ? [] : [tail])].join("\n");
    w.reject(new WaitFailure(kind, partial, w.bytes));
  }
}
