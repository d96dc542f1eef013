import type { LineStreamRedactor } from "./stream-redaction";

/** Characters queued for the capture file before the sink asks the session to stop reading for a while. */
const HIGH_WATER_CHARS = 1024 * 1024;
/** Pieces that queued up while a write was in progress go out together, up to this many characters. */
const BATCH_CHARS = 256 * 1024;

/** What stays in memory of one streamed output. */
export interface StreamedOutput {
  /** The first `maxChars` characters (redacted), a copy. */
  output: string;
  outputTruncated?: boolean;
  /** The whole output's size in UTF-8 bytes, when `output` is cut. */
  outputBytes?: number;
}

/**
 * One command's output on its way from the session (RunOptions.onLines) to the capture file:
 * each piece is redacted, written, and kept only while the in-memory excerpt has room.
 */
export class CommandOutputSink {
  private readonly excerpt: string[] = [];
  private excerptChars = 0;
  private truncated = false;
  private bytes = 0;
  private pending: string[] = [];
  private queued = 0;
  private writing?: Promise<void>;

  constructor(
    private readonly redactor: LineStreamRedactor,
    /** Appends to the capture, at once or by a promise; never throws or rejects (the capture keeps its own error). */
    private readonly write: (text: string) => void | Promise<void>,
    private readonly maxChars: number,
    /** Called once at the end, after the last write, with whether any text was written. */
    private readonly close: (wroteText: boolean) => Promise<void> = async () => undefined,
  ) {}

  /** For RunOptions.onLines: a promise when the capture file is behind (the session then pauses reading). */
  readonly onLines = (lines: string[]): void | Promise<void> => this.take(this.redactor.push(lines));

  /** What was received so far (for a command that failed midway). */
  get textSoFar(): string {
    return this.excerpt.join("");
  }

  /** Flushes the redactor and waits for the capture writes. */
  async finish(): Promise<StreamedOutput> {
    await this.take(this.redactor.end());
    while (this.writing) await this.writing;
    await this.close(this.bytes > 0);
    const output = this.excerpt.join("");
    return this.truncated ? { output, outputTruncated: true, outputBytes: this.bytes } : { output };
  }

  private take(text: string): void | Promise<void> {
    if (text === "") return;
    this.bytes += Buffer.byteLength(text, "utf8");
    const room = this.maxChars - this.excerptChars;
    if (text.length <= room) {
      this.excerpt.push(text);
      this.excerptChars += text.length;
    } else {
      // A copy, not a slice: a V8 sliced string would keep the whole piece alive.
      if (room > 0) this.excerpt.push(Buffer.from(text.slice(0, room), "utf8").toString("utf8"));
      this.excerptChars = this.maxChars;
      this.truncated = true;
    }
    this.pending.push(text);
    this.queued += text.length;
    if (this.writing === undefined) this.drain();
    if (this.queued > HIGH_WATER_CHARS) return this.writing;
  }

  /**
   * Writes the queued pieces in order, joining those that waited (fewer, larger writes). A write
   * that completes at once (the capture still buffering in memory) costs no promise; one that
   * returns a promise makes `writing` the rest of the drain.
   */
  private drain(): void {
    while (this.pending.length > 0) {
      let take = 0;
      let chars = 0;
      while (take < this.pending.length && (take === 0 || chars + this.pending[take].length <= BATCH_CHARS))
        chars += this.pending[take++].length;
      const batch = this.pending.splice(0, take);
      const busy = this.write(batch.length === 1 ? batch[0] : batch.join(""));
      if (busy) {
        this.writing = busy.then(() => {
          this.queued -= chars;
          this.writing = undefined;
          this.drain();
        });
        return;
      }
      this.queued -= chars;
    }
  }
}
