import type { LineStreamRedactor } from "./stream-redaction";

/** Bytes queued for the capture file before the sink asks the session to stop reading for a while. */
const HIGH_WATER_BYTES = 1024 * 1024;

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
  private written: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly redactor: LineStreamRedactor,
    /** Appends to the capture; never rejects (the capture keeps its own error). */
    private readonly write: (text: string) => Promise<void>,
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
    await this.written;
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
    this.queued += text.length;
    const size = text.length;
    this.written = this.written
      .then(() => this.write(text))
      .then(() => {
        this.queued -= size;
      });
    if (this.queued > HIGH_WATER_BYTES) return this.written;
  }
}
