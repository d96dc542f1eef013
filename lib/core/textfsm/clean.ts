/**
 * Cleans a device output before parsing: terminal escape sequences, pager prompts and the
 * erasing that follows them, backspaces and carriage-return overwrites, the echoed command
 * line, and a trailing prompt line. Parsing raw session text otherwise feeds prompts and
 * `--More--` residue to the templates.
 */

export interface CleanOptions {
  /** The command that produced the output; a first line that echoes it is removed. */
  command?: string;
  /** The device prompt (e.g. "router#"); a last line equal to it is removed. */
  prompt?: string;
}

// Terminal control characters are exactly what these patterns look for.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
/** Pager prompts of the common platforms, with the spaces/backspaces/CRs that erase them. */
const PAGER =
  // eslint-disable-next-line no-control-regex
  /[ \t]*(?:-+ ?\(?more\b[^\r\n\x08]*?\)? ?-+|<-+ ?more ?-+>|press any key to continue(?: \(q to quit\))?|--more--)[ \t]*[\x08 \t\r]*/gi;
/** What a prompt line looks like when none is given: `router#`, `user@host>`, `<HUAWEI>`, `[admin@fw]$`. */
const PROMPT_LIKE = /^(?:<[\w.\-:/@]+>|\[[\w.\-@:/~ ]+\][#$%>]?|[\w.\-@:/~()]+[#>$%])\s*$/;

/** Stands where a pager prompt was, so that a line left empty by its removal can be dropped. */
const PAGER_MARK = "\u0000";

export function cleanOutput(text: string, opts: CleanOptions = {}): string {
  let s = text.replace(ANSI, "").replace(PAGER, PAGER_MARK);
  s = s.replace(/\r\n/g, "\n");
  let lines: string[] = [];
  for (const raw of s.split("\n")) {
    const line = applyControlChars(raw);
    if (!line.includes(PAGER_MARK)) lines.push(line);
    else if (line.split(PAGER_MARK).join("").trim() !== "") lines.push(line.split(PAGER_MARK).join(""));
  }
  lines = dropEcho(lines, opts.command);
  lines = dropTrailingPrompt(lines, opts.prompt);
  return lines.join("\n");
}

/** Applies backspaces and bare carriage returns the way a terminal would show the line. */
function applyControlChars(line: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\r\x08]/.test(line)) return line;
  const cells: string[] = [];
  let col = 0;
  let overwritten = false;
  for (const ch of line) {
    if (ch === "\r") {
      col = 0;
      overwritten = true;
    } else if (ch === "\x08") {
      if (col > 0) col--;
      overwritten = true;
    } else {
      cells[col++] = ch;
    }
  }
  const shown = cells.join("");
  return overwritten ? shown.trimEnd() : shown;
}

function dropEcho(lines: string[], command?: string): string[] {
  const cmd = command?.trim();
  if (!cmd) return lines;
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0) return lines;
  const line = lines[first].trimEnd();
  if (!line.endsWith(cmd)) return lines;
  const before = line.slice(0, line.length - cmd.length).trim();
  if (before !== "" && !PROMPT_LIKE.test(before)) return lines;
  return lines.slice(first + 1);
}

function dropTrailingPrompt(lines: string[], prompt?: string): string[] {
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === "") last--;
  if (last < 0) return lines;
  const line = lines[last].trim();
  const isPrompt = prompt && prompt.trim() !== "" ? line === prompt.trim() : PROMPT_LIKE.test(line);
  return isPrompt ? lines.slice(0, last) : lines;
}
