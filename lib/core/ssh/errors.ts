import { VcError } from "../errors";
import type { SessionErrorClass } from "../types";

/**
 * A failure of an SSH session, with a stable class the collection runner reports per device.
 * The message starts with the device (host:port) and never contains a password, passphrase,
 * private key or enable secret. `partialOutput` holds the (clean) output received before a
 * command timed out, the connection dropped or the output grew too large.
 */
export class SessionError extends VcError {
  declare readonly errorClass: SessionErrorClass;
  /** "host:port" of the device. */
  readonly host: string;
  readonly partialOutput?: string;
  /** The command running when the error happened, if any. */
  readonly command?: string;
  /** The message without the leading "host:port: ". */
  readonly detail: string;

  constructor(
    errorClass: SessionErrorClass,
    host: string,
    message: string,
    extra: { partialOutput?: string; command?: string } = {},
  ) {
    super(errorClass, message, host);
    this.name = "SessionError";
    this.host = host;
    this.detail = message;
    if (extra.partialOutput !== undefined) this.partialOutput = extra.partialOutput;
    if (extra.command !== undefined) this.command = extra.command;
  }
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_-]/.test(c);

/** Secrets at least this long are masked even when glued to other word characters. */
const STRONG_SECRET_LENGTH = 8;

/**
 * Replaces every occurrence of the given secrets in a text with "***" (or `marker`), except where the secret
 * is only part of a longer word: with the password "admin", "authenticated as admin" becomes
 * "authenticated as ***" (the username is the secret here, so it is not printed either) but
 * "administrator" and the prompt "admin-sw1#" stay as they are. A secret that begins or ends
 * with a non-word character, or is at least STRONG_SECRET_LENGTH long, is matched wherever it
 * appears (a real password is masked even inside a longer word).
 */
export function redact(text: string, secrets: readonly string[], marker = "***"): string {
  let out = text;
  for (const s of secrets) {
    if (s.length === 0 || !out.includes(s)) continue;
    // A secret long enough to be a real one is masked wherever it appears, even inside a word.
    const wholeWordsOnly = s.length < STRONG_SECRET_LENGTH;
    const checkBefore = wholeWordsOnly && isWordChar(s[0]);
    const checkAfter = wholeWordsOnly && isWordChar(s[s.length - 1]);
    let result = "";
    let from = 0;
    for (let i = out.indexOf(s); i >= 0; i = out.indexOf(s, i + 1)) {
      if (i < from) continue;
      if ((checkBefore && isWordChar(out[i - 1])) || (checkAfter && isWordChar(out[i + s.length]))) continue;
      result += out.slice(from, i) + marker;
      from = i + s.length;
    }
    out = result + out.slice(from);
  }
  return out;
}
