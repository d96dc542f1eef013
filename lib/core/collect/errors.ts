import { SESSION_ERROR_CLASSES } from "../error-classes";
import { VcError, errorMessage } from "../errors";
import type { SessionErrorClass } from "../types";
import { AbortedError, DEADLINE } from "./timing";

const SESSION_CLASSES: ReadonlySet<string> = new Set(SESSION_ERROR_CLASSES);

/** A failure as a device result reports it. */
export interface Classified {
  errorClass: SessionErrorClass;
  message: string;
  /** Output received before the failure (SessionError.partialOutput). */
  partialOutput?: string;
}

/**
 * Maps anything thrown while collecting one device to a stable error class. SessionError and
 * other VcErrors keep their class when it is a session class; an abort becomes device_timeout
 * (the device's own limit) or cancelled (the run was stopped); anything else is internal_error.
 */
export function classifyError(err: unknown): Classified {
  if (err instanceof AbortedError) {
    return err.reason === DEADLINE
      ? { errorClass: "device_timeout", message: "device time limit reached" }
      : { errorClass: "cancelled", message: "the run was cancelled" };
  }
  if (
    err instanceof VcError ||
    (err instanceof Error && typeof (err as { errorClass?: unknown }).errorClass === "string")
  ) {
    const cls = (err as VcError).errorClass;
    const partial = (err as { partialOutput?: unknown }).partialOutput;
    return {
      errorClass: SESSION_CLASSES.has(cls) ? (cls as SessionErrorClass) : "internal_error",
      message: err.message,
      partialOutput: typeof partial === "string" ? partial : undefined,
    };
  }
  return { errorClass: "internal_error", message: errorMessage(err) };
}
