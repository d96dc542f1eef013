import { redactionRules, type RedactionRule, type RuleOptions } from "../platforms";
import { redact as maskExact } from "../ssh/errors";

/**
 * Redaction of what devices print: secret values found by the platform's rules (enable secrets,
 * type-7 and `secret 5/8/9` hashes, SNMP communities, keys, PSKs, private-key blocks) and exact
 * occurrences of secrets the vault knows. Lines stay readable: `enable secret 5 <redacted>`.
 */

export const REDACTED = "<redacted>";

/**
 * Vault secrets shorter than this are not masked in device output: a password such as `admin`
 * is also an ordinary word there (`admin state is up`), and masking it would corrupt the data.
 * Error texts and logs still mask them (lib/core/ssh's redact).
 */
export const OUTPUT_SECRET_MIN_LENGTH = 8;

export interface RedactOptions extends RuleOptions {
  /** Platform name or alias whose rules apply (common rules apply to every platform). */
  platform?: string;
  /** Secrets masked wherever they appear exactly (whole words for short ones, as lib/core/ssh does). */
  vaultSecrets?: readonly string[];
  /** false: mask only the vault secrets, not the platform's rules (default true). */
  rules?: boolean;
  /** Vault secrets shorter than this are left alone (device output: OUTPUT_SECRET_MIN_LENGTH). */
  minSecretLength?: number;
}

interface Span {
  start: number;
  end: number;
  replacement: string;
}

/** Spans of the `secret` group of each line rule's matches; a match that crosses a line end is skipped. */
function lineSpans(text: string, rule: RedactionRule & { kind: "line" }, out: Span[]): void {
  const re = rule.pattern;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === "" || m[0].includes("\n")) {
      re.lastIndex = m.index + 1;
      continue;
    }
    const at = m.indices?.groups?.secret;
    if (at && at[1] > at[0]) out.push({ start: at[0], end: at[1], replacement: REDACTED });
  }
  re.lastIndex = 0;
}

/** The lines between each begin and end (or the end of the text: fail closed) become one marker line. */
function blockSpans(text: string, rule: RedactionRule & { kind: "block" }, out: Span[]): void {
  const begin = new RegExp(
    rule.begin.source,
    rule.begin.flags.includes("g") ? rule.begin.flags : rule.begin.flags + "g",
  );
  const end = new RegExp(rule.end.source, rule.end.flags.includes("g") ? rule.end.flags : rule.end.flags + "g");
  for (let b = begin.exec(text); b !== null; b = begin.exec(text)) {
    const from = b.index + b[0].length;
    if (b[0] === "") begin.lastIndex++;
    end.lastIndex = from;
    const e = end.exec(text);
    const to = e ? e.index : text.length;
    if (to > from) {
      const body = text.slice(from, to);
      const replacement = body.includes("\n")
        ? `${body.startsWith("\n") ? "\n" : ""}${REDACTED}${e ? "\n" : ""}`
        : REDACTED;
      out.push({ start: from, end: to, replacement });
    }
    if (!e) break;
    begin.lastIndex = Math.max(begin.lastIndex, e.index + e[0].length);
  }
}

/** Applies compiled rules to a text. */
export function applyRules(text: string, rules: readonly RedactionRule[]): string {
  if (text === "" || rules.length === 0) return text;
  const spans: Span[] = [];
  for (const rule of rules) {
    if (rule.kind === "line") lineSpans(text, rule, spans);
    else blockSpans(text, rule, spans);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos) continue; // inside a span already masked (a key line inside a block)
    out += text.slice(pos, s.start) + s.replacement;
    pos = s.end;
  }
  return out + text.slice(pos);
}

/** Masks exact occurrences of the secrets with the marker. */
export function maskSecrets(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets || secrets.length === 0 || text === "") return text;
  return maskExact(text, secrets, REDACTED);
}

/**
 * A function that redacts texts of one platform, with its rules compiled once: for a run's many
 * outputs. Unknown platforms get the common rules (and the user's "*" rules).
 */
export function makeRedactor(opts: RedactOptions = {}): (text: string) => string {
  const rules = opts.rules === false ? [] : redactionRules(opts.platform ?? "", opts);
  const min = Math.max(1, opts.minSecretLength ?? 1);
  const secrets = (opts.vaultSecrets ?? []).filter((s) => typeof s === "string" && s.length >= min);
  return (text: string) => maskSecrets(applyRules(text, rules), secrets);
}

/** Redacts one text: the platform's rules, then the vault's secrets. */
export function redact(text: string, opts: RedactOptions = {}): string {
  return makeRedactor(opts)(text);
}
