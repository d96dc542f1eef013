/** One match of a per-line search: [0-based line index in the text, start, end) within that line. */
export type LineHit = [line: number, start: number, end: number];

/**
 * Every match of a global regex in each line of `text` ("\n" separated, a trailing "\r" dropped),
 * at most `limit`. `progress` is told the line index before each line is matched.
 */
export function lineHits(re: RegExp, text: string, limit: number, progress?: (line: number) => void): LineHit[] {
  const hits: LineHit[] = [];
  let start = 0;
  for (let index = 0; start < text.length || (start === 0 && index === 0); index++) {
    const nl = text.indexOf("\n", start);
    let end = nl === -1 ? text.length : nl;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const line = text.slice(start, end);
    progress?.(index);
    re.lastIndex = 0;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      hits.push([index, m.index, m.index + m[0].length]);
      if (hits.length >= limit) return hits;
      if (m[0].length === 0) re.lastIndex++;
      if (re.lastIndex > line.length) break;
    }
    if (nl === -1) break;
    start = next;
  }
  return hits;
}
