/** One match of a per-line search: [0-based line index in the text, start, end) within that line. */
export type LineHit = [line: number, start: number, end: number];

/** The first match in `line` at or after `from` (a global exec with lastIndex `from`): [start, end], or null. */
export type Finder = (line: string, from: number) => [number, number] | null;

/** A global RegExp as a Finder. */
export function regexFinder(re: RegExp): Finder {
  return (line, from) => {
    re.lastIndex = from;
    const m = re.exec(line);
    return m === null ? null : [m.index, m.index + m[0].length];
  };
}

/**
 * Every match of a global regex in each line of `text` ("\n" separated, a trailing "\r" dropped),
 * at most `limit`. `progress` is told the line index before each line is matched.
 */
export function lineHits(re: RegExp, text: string, limit: number, progress?: (line: number) => void): LineHit[] {
  return lineHitsBy(regexFinder(re), text, limit, progress);
}

/** lineHits with any matcher: after an empty match the next search starts one code unit later. */
export function lineHitsBy(find: Finder, text: string, limit: number, progress?: (line: number) => void): LineHit[] {
  const hits: LineHit[] = [];
  let start = 0;
  for (let index = 0; start < text.length || (start === 0 && index === 0); index++) {
    const nl = text.indexOf("\n", start);
    let end = nl === -1 ? text.length : nl;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const line = text.slice(start, end);
    progress?.(index);
    for (let m = find(line, 0); m !== null;) {
      hits.push([index, m[0], m[1]]);
      if (hits.length >= limit) return hits;
      const from = m[1] === m[0] ? m[1] + 1 : m[1];
      if (from > line.length) break;
      m = find(line, from);
    }
    if (nl === -1) break;
    start = next;
  }
  return hits;
}
