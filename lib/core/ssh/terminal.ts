import { StringDecoder } from "node:string_decoder";

/**
 * How escape sequences are treated: "render" interprets the cursor movements network CLIs use to
 * repaint a line (erase line, cursor left/right/column, backspace) so that pager prompts and
 * re-drawn echoes leave no residue; "strip" only removes the sequences.
 */
export type AnsiMode = "render" | "strip";

const ESC = "\x1b";
/** Characters that need the slow path: C0 controls (but tab), DEL, ESC, and C1 CSI. */
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\x00-\x08\x0a-\x1f\x7f\x9b]/g;

/**
 * A one-line-deep terminal emulator for SSH shell output. Bytes go in as they arrive (chunk
 * boundaries anywhere, even inside UTF-8 characters or escape sequences); completed lines come
 * out in `lines`, the line being written (usually a prompt or a pager) in `currentLine`.
 * Lines that were repainted (carriage return, backspace, erase) lose trailing blanks; other lines
 * keep the device's bytes exactly.
 */
export class TerminalScreen {
  /** Completed lines not yet taken (see takeLines). */
  lines: string[] = [];
  private cur = "";
  private col = 0;
  private repainted = false;
  /** Set after a pager line was cleared: blanks the device writes to erase it are not content. */
  private erasingPager = false;
  private carry = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly mode: AnsiMode = "render") {}

  /** The partial line at the end of the output, as it would be shown on a terminal. */
  get currentLine(): string {
    return this.repainted ? this.cur.trimEnd() : this.cur;
  }

  feed(chunk: Buffer | string): void {
    const text = this.carry + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
    this.carry = "";
    let pos = 0;
    SPECIAL.lastIndex = 0;
    while (pos < text.length) {
      SPECIAL.lastIndex = pos;
      const m = SPECIAL.exec(text);
      if (!m) {
        this.write(text.slice(pos));
        return;
      }
      if (m.index > pos) this.write(text.slice(pos, m.index));
      const consumed = this.control(text, m.index);
      if (consumed < 0) {
        // An escape sequence cut by the chunk boundary: keep it for the next chunk.
        this.carry = text.slice(m.index);
        return;
      }
      pos = m.index + consumed;
    }
  }

  /**
   * Forgets the partial line (used after answering a pager, so the pager text never reaches the
   * output). Until the next line ends, runs of blanks written past the line's content (how
   * devices erase the pager) are skipped, so the next output line keeps its own trailing blanks.
   */
  clearCurrentLine(): void {
    this.cur = "";
    this.col = 0;
    this.repainted = false;
    this.erasingPager = true;
  }

  /** Removes every completed line and returns those from index `from` on (a streaming reader's share). */
  takeLines(from = 0): string[] {
    const all = this.lines;
    this.lines = [];
    return from === 0 ? all : all.slice(from);
  }

  /** All text seen so far, lines joined with "\n" (including the partial line). */
  text(): string {
    return this.lines.length === 0 ? this.currentLine : this.lines.join("\n") + "\n" + this.currentLine;
  }

  private write(s: string): void {
    if (this.erasingPager && this.col >= this.cur.length && /^ +$/.test(s)) {
      this.col += s.length;
      return;
    }
    if (this.col === this.cur.length) {
      this.cur += s;
    } else if (this.col > this.cur.length) {
      this.cur += " ".repeat(this.col - this.cur.length) + s;
    } else {
      this.repaint();
      this.cur = this.cur.slice(0, this.col) + s + this.cur.slice(this.col + s.length);
    }
    this.col += s.length;
  }

  private newline(): void {
    this.lines.push(this.currentLine);
    this.cur = "";
    this.col = 0;
    this.repainted = false;
    this.erasingPager = false;
  }

  /** Marks the line as redrawn (its trailing blanks are residue), except while a pager is being erased. */
  private repaint(): void {
    if (!this.erasingPager) this.repainted = true;
  }

  /** Handles the control character at text[i]; returns how many characters it used, or -1 if incomplete. */
  private control(text: string, i: number): number {
    const c = text[i];
    switch (c) {
      case "\n":
        this.newline();
        return 1;
      case "\r":
        this.col = 0;
        return 1;
      case "\b":
        if (this.col > 0) this.col--;
        this.repaint();
        return 1;
      case ESC:
        return this.escape(text, i);
      case "\x9b":
        return this.csi(text, i, 1);
      default:
        return 1; // NUL, BEL, DEL and other controls are dropped
    }
  }

  private escape(text: string, i: number): number {
    if (i + 1 >= text.length) return -1;
    const next = text[i + 1];
    if (next === "[") return this.csi(text, i, 2);
    if (next === "]" || next === "P" || next === "_" || next === "^") {
      // OSC/DCS/APC/PM strings end with BEL or ESC \ (e.g. window titles set by bash).
      for (let j = i + 2; j < text.length; j++) {
        if (text[j] === "\x07") return j - i + 1;
        if (text[j] === ESC) {
          if (j + 1 >= text.length) return -1;
          if (text[j + 1] === "\\") return j - i + 2;
        }
      }
      return text.length - i > 4096 ? text.length - i : -1;
    }
    if (next === "(" || next === ")" || next === "*" || next === "+" || next === "#" || next === "%") {
      return i + 2 < text.length ? 3 : -1; // character set selection and similar three-byte forms
    }
    if (next === "E" && this.mode === "render") {
      this.newline();
    }
    return 2; // ESC E/M/7/8/=/>/c and friends
  }

  private csi(text: string, i: number, introLength: number): number {
    let j = i + introLength;
    while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x3f) j++;
    if (j >= text.length) return text.length - i > 256 ? text.length - i : -1;
    const finalChar = text[j];
    const params = text.slice(i + introLength, j);
    if (this.mode === "render") this.applyCsi(finalChar, params);
    return j - i + 1;
  }

  private applyCsi(finalChar: string, params: string): void {
    if (params.startsWith("?") || params.startsWith(">")) return; // private modes (bracketed paste, cursor visibility)
    const nums = params.split(";").map((p) => (p === "" ? NaN : Number.parseInt(p, 10)));
    const n = Number.isNaN(nums[0]) ? 1 : Math.max(1, nums[0]);
    switch (finalChar) {
      case "K": {
        const mode = Number.isNaN(nums[0]) ? 0 : nums[0];
        if (mode === 0) this.cur = this.cur.slice(0, this.col);
        else if (mode === 1)
          this.cur = " ".repeat(Math.min(this.col + 1, this.cur.length)) + this.cur.slice(this.col + 1);
        else this.cur = "";
        this.repaint();
        return;
      }
      case "J": {
        const mode = Number.isNaN(nums[0]) ? 0 : nums[0];
        if (mode === 0) this.cur = this.cur.slice(0, this.col);
        else this.cur = "";
        this.repaint();
        return;
      }
      case "D":
        this.col = Math.max(0, this.col - n);
        this.repaint();
        return;
      case "C":
        this.col += n;
        return;
      case "G":
        this.col = n - 1;
        this.repaint();
        return;
      case "H":
      case "f": {
        const column = nums.length > 1 && !Number.isNaN(nums[1]) ? Math.max(1, nums[1]) : 1;
        this.col = column - 1;
        this.repaint();
        return;
      }
      case "P": {
        // delete characters at the cursor
        this.cur = this.cur.slice(0, this.col) + this.cur.slice(this.col + n);
        this.repaint();
        return;
      }
      default:
        return; // colours (m), scroll regions (r), device queries (n) and the rest change no text
    }
  }
}

/** Renders a complete string as a terminal would show it, returning its lines joined by "\n". */
export function renderTerminalText(text: string, mode: AnsiMode = "render"): string {
  const screen = new TerminalScreen(mode);
  screen.feed(text);
  return screen.text();
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /[\x1b\x9b](?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+#%].|[@-Z\\-_78=>c])/g;

/** Removes ANSI escape sequences without interpreting them. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, "");
}
