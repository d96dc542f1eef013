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
