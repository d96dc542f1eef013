/**
 * The auto-detect score of one template's parse of one output, 0..1: how much of the output the
 * template accounts for with something more specific than "any text here".
 *
 * Components (shares of the output's non-whitespace characters, or of its non-blank lines):
 *   literal      characters matched by the literal text of the rules that matched the lines
 *                (header words, labels such as "Hardware is", separators, the parentheses of
 *                `\(${IP}\)`): the template recognises the output's own wording. Measured by
 *                walking the template's state machine over the lines (evidence.ts).
 *   wordLiteral  the same, counting only literals of two characters or more (words, not a lone
 *                ':' or '-', which turn up in any text).
 *   typed        characters captured by specific Values, weighted by how specific each Value's
 *                regex is (`\d+`, addresses, keyword lists count; `\S+` and `.+` do not).
 *   captured     characters captured by any Value, and granularity: captured values per
 *                whitespace-separated word they hold (1 when each value is one word, low when a
 *                value swallows whole lines).
 *   lines        lines matched by a rule that is not a catch-all (`^.*`, `^\s*$`).
 *   population   filled cells of the records; fields: fields filled at least once;
 *   consistency  fields filled in every record or in none.
 *
 *   score = min(1, literal + 0.1 · typed + 0.02 · captured · granularity)
 *
 * Literal text dominates because it is what tells templates apart: a template that matches
 * every line with `^${A}\s+${B}` captures everything and recognises nothing, and on the ntc
 * corpus such catch-most templates out-scored the right one whenever captured text weighed
 * more (bench/autodetect.ts). Typed captures break ties between templates that recognise the
 * same wording (and decide for headerless tables); captured text breaks the remaining ties.
 * Lines, population, fields and consistency are reported, not scored (VelocityCollector's
 * formula B scores records, fields, population and consistency; on this corpus every one of
 * them made the ranking worse).
 *
 * Fit: the parse fits when wordLiteral + typed ≥ FIT_EXPLAINED, i.e. at least 1 % of the output
 * is explained by the template's words or by specific captures. Templates that match anything
 * (free-text Values only) explain nothing that way, and a stray ':' or '-' does not count, so
 * prose, JSON, logs and other outputs no template was written for come out as "no template
 * fits" instead of as an accidental parse.
 */

export interface ScoreComponents {
  literal: number;
  wordLiteral: number;
  typed: number;
  captured: number;
  granularity: number;
  lines: number;
  population: number;
  fields: number;
  consistency: number;
}

export interface ParseScore {
  score: number;
  fits: boolean;
  components: ScoreComponents;
  recordCount: number;
  fieldCount: number;
  /** Why the parse does not fit (absent when it fits). */
  reason?: string;
}

export const WEIGHTS = { literal: 1, typed: 0.1, capturedGranularity: 0.02 } as const;
/** The most a parse can score, knowing its literal share and the highest specificity of the
 *  template's Values (typed ≤ that specificity × captured, and captured and granularity ≤ 1). */
export function scoreBound(literalShare: number, maxValueSpecificity: number): number {
  return Math.min(
    1,
    WEIGHTS.literal * literalShare + WEIGHTS.typed * maxValueSpecificity + WEIGHTS.capturedGranularity,
  );
}
export const FIT_EXPLAINED = 0.01;

/** What the score needs to know about a template's parse of an output. */
export interface ParseEvidence {
  header: string[];
  records: Record<string, unknown>[];
  /** Lines matched by a rule that is not a catch-all. */
  matchedLines: number;
  /** Non-whitespace characters matched by the literal text of the rules that matched. */
  literalChars: number;
  /** The same, counting only literals of two characters or more. */
  wordLiteralChars: number;
  /** Per field (lower-case): how specific the Value's regex is, 0..1. */
  valueSpecificity: ReadonlyMap<string, number>;
}

/** Non-blank lines and non-whitespace characters of an output, computed once per output. */
export interface OutputMeasure {
  nonBlankLines: number;
  contentChars: number;
}

export function measureOutput(lines: readonly string[]): OutputMeasure {
  let nonBlankLines = 0;
  let contentChars = 0;
  for (const line of lines) {
    const chars = line.replace(/\s+/g, "").length;
    if (chars > 0) nonBlankLines++;
    contentChars += chars;
  }
  return { nonBlankLines, contentChars };
}

function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, into);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, into);
  return into;
}

function isFilled(value: unknown): boolean {
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined;
}

const round = (x: number) => Math.round(x * 10000) / 10000;
const share = (part: number, whole: number) => (whole <= 0 ? 0 : Math.min(1, part / whole));

export function scoreParse(evidence: ParseEvidence, output: OutputMeasure): ParseScore {
  const recordCount = evidence.records.length;
  const keys = evidence.header.map((h) => h.toLowerCase());
  const fieldCount = keys.length;
  if (recordCount === 0 || fieldCount === 0) {
    const none: ScoreComponents = {
      literal: 0,
      wordLiteral: 0,
      typed: 0,
      captured: 0,
      granularity: 0,
      lines: 0,
      population: 0,
      fields: 0,
      consistency: 0,
    };
    return {
      score: 0,
      fits: false,
      components: none,
      recordCount,
      fieldCount,
      reason: "the template produced no record",
    };
  }
  const fillCounts = keys.map(() => 0);
  let captured = 0;
  let typed = 0;
  let values = 0;
  let words = 0;
  for (const record of evidence.records) {
    keys.forEach((key, i) => {
      const value = record[key];
      if (isFilled(value)) fillCounts[i]++;
      const specificity = evidence.valueSpecificity.get(key) ?? 0;
      for (const text of strings(value)) {
        const trimmed = text.trim();
        if (trimmed === "") continue;
        const chars = trimmed.replace(/\s+/g, "").length;
        values++;
        words += trimmed.split(/\s+/).length;
        captured += chars;
        typed += chars * specificity;
      }
    });
  }
  const filledCells = fillCounts.reduce((a, b) => a + b, 0);
  const c: ScoreComponents = {
    literal: share(evidence.literalChars, output.contentChars),
    wordLiteral: share(evidence.wordLiteralChars, output.contentChars),
    typed: share(typed, output.contentChars),
    captured: share(captured, output.contentChars),
    granularity: words === 0 ? 0 : values / words,
    lines: share(evidence.matchedLines, output.nonBlankLines),
    population: filledCells / (recordCount * fieldCount),
    fields: fillCounts.filter((n) => n > 0).length / fieldCount,
    consistency: recordCount === 1 ? 1 : fillCounts.filter((n) => n === 0 || n === recordCount).length / fieldCount,
  };
  const score = Math.min(
    1,
    WEIGHTS.literal * c.literal + WEIGHTS.typed * c.typed + WEIGHTS.capturedGranularity * c.captured * c.granularity,
  );
  const explained = c.wordLiteral + c.typed;
  const fits = explained >= FIT_EXPLAINED;
  const components = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, round(v)])) as unknown as ScoreComponents;
  return {
    score: round(score),
    fits,
    components,
    recordCount,
    fieldCount,
    ...(fits
      ? {}
      : {
          reason: `only ${(explained * 100).toFixed(2)} % of the output is explained by the template's words or specific values (${FIT_EXPLAINED * 100} % needed): it matches the lines without recognising them`,
        }),
  };
}
