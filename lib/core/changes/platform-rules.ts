import { volatilePatterns } from "../platforms";
import { makeRedactor } from "../redact";

/**
 * Change detection's per-platform rules, from the platform catalogue (lib/core/platforms): the
 * volatile lines dropped before two captures are compared (common ones, the platform's, the data
 * home's platforms.yaml), plus the user's extra patterns from changes.yaml; and the platform's
 * secret redaction for diffs.
 */
export function volatileFor(platform: string | undefined, extra: string[] = []): RegExp[] {
  return [...volatilePatterns(platform ?? ""), ...extra.map((source) => new RegExp(source))];
}

/** The redactor for diffs (and storage when asked): the platform's secret rules. */
export function redactorFor(platform: string | undefined): (text: string) => string {
  return makeRedactor({ platform: platform ?? "" });
}
