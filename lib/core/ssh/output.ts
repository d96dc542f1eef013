import type { PlatformProfile } from "./profile";

function compact(text: string): string {
  return text.replace(/\s+/g, "");
}

/**
 * Whether a rendered line is the echo of a typed command. Whitespace is ignored (Junos adds
 * spaces); a line truncated by the device with "$" (long commands on narrow terminals) counts
 * when the visible part is a substantial piece of the command.
 */
export function isEchoLine(line: string, command: string): boolean {
  const c = compact(command);
  if (c === "") return false;
  const l = compact(line);
  if (l.includes(c)) return true;
  if (!l.includes("$")) return false;
  const pieces = l.split("$").filter((x) => x.length >= Math.min(c.length, 10));
  return pieces.some((piece) => c.includes(piece) || c.includes(piece.replace(/^.*?[#>$%\]]/, "")));
}

/** How many lines from the top of an output are searched for failure patterns. */
export const FAILURE_SEARCH_LINES = 10;

/**
 * The first line near the top of an output that matches one of the profile's failure patterns
 * (e.g. "% Invalid input detected at '^' marker."), or undefined. Only the first lines are
 * searched, so a log line deep inside a long output is not mistaken for a rejection.
 */
export function findFailure(output: string, profile: PlatformProfile): string | undefined {
  const lines = output.split("\n", FAILURE_SEARCH_LINES);
  for (const line of lines) {
    const text = line.trim();
    if (text === "") continue;
    if (profile.failurePatterns.some((re) => re.test(text))) return text;
  }
  return undefined;
}

/**
 * Turns the lines between the echo and the final prompt into the clean output: context lines
 * the CLI prints above its prompt (Junos `{master:0}`, `[edit]`), pager lines a device left
 * behind, and trailing blank lines are removed.
 */
export function cleanOutputLines(lines: readonly string[], profile: PlatformProfile): string {
  const out = lines.filter((line) => !(profile.pager && profile.pager.patterns.some((re) => re.test(line))));
  let end = out.length;
  for (;;) {
    while (end > 0 && out[end - 1].trim() === "") end--;
    if (end > 0 && profile.contextLines.some((re) => re.test(out[end - 1]))) {
      end--;
      continue;
    }
    break;
  }
  return out.slice(0, end).join("\n");
}

/**
 * cleanOutputLines for an output read in pieces: lines go to `sink` as they arrive, pager lines
 * dropped, and blank or context lines held back until a later line shows they are not the
 * output's trailing ones (a run longer than MAX_HELD_LINES is passed on: memory stays bounded).
 * The lines handed over, joined with "\n", are what cleanOutputLines returns for all of them.
 */
export class CleanLineStream {
  static readonly MAX_HELD_LINES = 10_000;
  /** The first lines handed over (enough for findFailure). */
  readonly head: string[] = [];
  private held: string[] = [];
  private emitted = 0;
  private emittedChars = 0;

  constructor(
    private readonly profile: PlatformProfile,
    private readonly sink: (lines: string[]) => void | Promise<void>,
  ) {}

  /** Characters of output handed over so far (with the "\n" between lines). */
  get length(): number {
    return this.emittedChars + Math.max(0, this.emitted - 1);
  }

  /** Lines held back as possibly trailing (a failed command's partial output includes them). */
  get heldLines(): readonly string[] {
    return this.held;
  }

  push(lines: readonly string[]): void | Promise<void> {
    const { pager, contextLines } = this.profile;
    const out: string[] = [];
    for (const line of lines) {
      if (pager && pager.patterns.some((re) => re.test(line))) continue;
      if (line.trim() === "" || contextLines.some((re) => re.test(line))) {
        this.held.push(line);
        if (this.held.length > CleanLineStream.MAX_HELD_LINES) this.release(out);
        continue;
      }
      if (this.held.length) this.release(out);
      out.push(line);
    }
    if (out.length === 0) return;
    this.emitted += out.length;
    for (const line of out) this.emittedChars += line.length;
    if (this.head.length < FAILURE_SEARCH_LINES)
      this.head.push(...out.slice(0, FAILURE_SEARCH_LINES - this.head.length));
    return this.sink(out);
  }

  /** The output's first lines as text, for findFailure. */
  headText(): string {
    return this.head.join("\n");
  }

  private release(out: string[]): void {
    for (const line of this.held) out.push(line);
    this.held = [];
  }
}
