import type { CompiledPattern } from "./pattern";

/** Longer lines are returned as a window around the match (see SearchMatch.lineOffset). */
export const MAX_LINE_CHARS = 2000;
const WINDOW_LEAD = 200;

export interface LineMatch {
  lineNumber: number;
  line: string;
  match: [number, number];
  /** Characters cut from the start of a long line (match offsets are relative to `line`). */
  lineOffset?: number;
}

/** Called for each match; returns false to stop scanning. */
export type MatchSink = (m: LineMatch) => boolean;

/**
 * Scans a block of whole lines (each ending in "\n", except possibly the last) whose first line
 * is `firstLine`. Returns false when the sink asked to stop.
 */
export function scanBlock(text: string, firstLine: number, pattern: CompiledPattern, sink: MatchSink): boolean {
  let cursor = 0;
  let cursorLine = firstLine;
  const lineNumberAt = (lineStart: number): number => {
    for (let i = text.indexOf("\n", cursor); i !== -1 && i < lineStart; i = text.indexOf("\n", i + 1)) cursorLine++;
    cursor = lineStart;
    return cursorLine;
  };
  const visitLine = (lineStart: number, lineEnd: number): boolean => {
    let end = lineEnd;
    if (end > lineStart && text.charCodeAt(end - 1) === 13) end--;
    return matchLine(text.slice(lineStart, end), lineNumberAt(lineStart), pattern.line, sink);
  };

  const block = pattern.block;
  if (block === null) {
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf("\n", start);
      const end = nl === -1 ? text.length : nl;
      if (!visitLine(start, end)) return false;
      start = end + 1;
    }
    return true;
  }
  block.lastIndex = 0;
  for (let m = block.exec(text); m !== null; m = block.exec(text)) {
    const lineStart = text.lastIndexOf("\n", m.index - 1) + 1;
    // After the final line break there is no further line (an empty match like ^ could land there).
    if (lineStart >= text.length) break;
    const nl = text.indexOf("\n", m.index);
    const lineEnd = nl === -1 ? text.length : nl;
    if (!visitLine(lineStart, lineEnd)) return false;
    if (lineEnd >= text.length) break;
    block.lastIndex = lineEnd + 1;
  }
  return true;
}

function matchLine(line: string, lineNumber: number, re: RegExp, sink: MatchSink): boolean {
  re.lastIndex = 0;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
    if (!sink(lineMatch(line, lineNumber, start, end))) return false;
    if (re.lastIndex > line.length) break;
  }
  return true;
}

export function lineMatch(line: string, lineNumber: number, start: number, end: number): LineMatch {
  if (line.length <= MAX_LINE_CHARS) return { lineNumber, line, match: [start, end] };
  const from = Math.max(0, Math.min(start - WINDOW_LEAD, line.length - MAX_LINE_CHARS));
  const window = line.slice(from, from + MAX_LINE_CHARS);
  return { lineNumber, line: window, match: [start - from, Math.min(end - from, window.length)], lineOffset: from };
}
