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

  constructor(errorClass: SessionErrorClass, host: string, message: string, extra: { partialOutput?: string; command?: string } = {}) {
    super(errorClass, message, host);
    this.name = "SessionError";
    this.host = host;
    this.detail = message;
    if (extra.partialOutput !== undefined) this.partialOutput = extra.partialOutput;
    if (extra.command !== undefined) this.command = extra.command;
  }
}

/** Replaces every occurrence of the given secrets in a text with "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join("***");
  return out;
}
