import { VcError } from "../errors";

/**
 * A bad template: names the template and the 1-based line (comments and blank lines counted,
 * as TextFSM counts them) and says what is wrong. errorClass "template_error".
 */
export class TemplateError extends VcError {
  readonly template: string;
  readonly line?: number;

  constructor(template: string, message: string, line?: number, options?: { cause?: unknown }) {
    super("template_error", message, line === undefined ? template : `${template}:${line}`, options);
    this.name = "TemplateError";
    this.template = template;
    this.line = line;
  }
}

/**
 * A Python regular expression that is invalid (Python's `re` rejects it too) or that uses a
 * construct JavaScript cannot express. `position` is the offset in the Python regex text.
 */
export class RegexError extends Error {
  constructor(
    readonly kind: "invalid" | "unsupported",
    readonly detail: string,
    readonly pattern: string,
    readonly position: number,
  ) {
    super(
      kind === "invalid"
        ? `invalid regex: ${detail} at position ${position}`
        : `regex construct not supported: ${detail} at position ${position}`,
    );
    this.name = "RegexError";
  }
}

/** Quotes an input line for an error message, shortened so one message stays one line. */
export function quoteInputLine(line: string): string {
  const short = line.length > 120 ? line.slice(0, 117) + "..." : line;
  return JSON.stringify(short);
}

/**
 * A rule's `Error` action fired: the whole parse fails (no partial result, as in TextFSM).
 * errorClass "parse_error"; names the template, the rule's line, its message and the input line.
 */
export class TextFsmParseError extends VcError {
  constructor(
    readonly template: string,
    readonly ruleLine: number,
    readonly inputLine: number,
    readonly inputText: string,
    readonly ruleMessage?: string,
  ) {
    super(
      "parse_error",
      ruleMessage !== undefined
        ? `Error action (rule line ${ruleLine}) raised ${ruleMessage} on input line ${inputLine}: ${quoteInputLine(inputText)}`
        : `Error action (rule line ${ruleLine}) raised on input line ${inputLine}: ${quoteInputLine(inputText)}`,
      template,
    );
    this.name = "TextFsmParseError";
  }
}

/** A parse that ran past its time budget (catastrophic backtracking or a huge input). */
export class ParseTimeoutError extends VcError {
  constructor(
    readonly template: string,
    readonly budgetMs: number,
    readonly inputLine: number,
    readonly inputText: string,
  ) {
    super(
      "parse_timeout",
      `parse exceeded its ${budgetMs} ms budget at input line ${inputLine}: ${quoteInputLine(inputText)} (a rule regex backtracks too much on this line)`,
      template,
    );
    this.name = "ParseTimeoutError";
  }
}
