import { createHash } from "node:crypto";
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";

/** What decides whether two captures differ: lines to drop, and an optional redactor for what is shown. */
export interface ChangeRules {
  /** Lines matching any of these are dropped before comparing (clocks, uptimes, NTP drift…). */
  volatile: RegExp[];
  /** Masks secrets in text shown or sent onward (diffs). */
  redact?: (text: string) => string;
}

/**
 * The text that counts when comparing two captures: CR and trailing blanks removed, volatile lines
 * dropped, trailing empty lines removed. The stored capture is never changed by this.
 */
export function significantText(text: string, volatile: RegExp[]): string {
  const kept: string[] = [];
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trimEnd(); // the same characters as /\s+$/, without its quadratic backtracking on blank runs
    if (volatile.some((re) => re.test(line))) continue;
    kept.push(line);
  }
  while (kept.length && kept[kept.length - 1] === "") kept.pop();
  return kept.length ? kept.join("\n") + "\n" : "";
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A stable key for a rule set, so a stored significant hash is reused only under the same rules. */
export function rulesKey(volatile: RegExp[]): string {
  return sha256(volatile.map((re) => `${re.source}/${re.flags}`).join("\n")).slice(0, 16);
}

export interface TextDiff {
  /** Unified diff (`---`/`+++` headers, `@@` hunks); empty when the texts are equal. */
  diff: string;
  added: number;
  removed: number;
}

export interface DiffSide {
  label: string;
  /** Shown after the label in the header (a version and its time). */
  header?: string;
  text: string;
}

/** Unified diff of two (already significant, already redacted) texts, with counts of added and removed lines. */
export function unifiedDiff(from: DiffSide, to: DiffSide, context = 3): TextDiff {
  const patch = structuredPatch(from.label, to.label, from.text, to.text, from.header, to.header, { context });
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks)
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
    }
  return { diff: patch.hunks.length ? formatPatch(patch, FILE_HEADERS_ONLY) : "", added, removed };
}
