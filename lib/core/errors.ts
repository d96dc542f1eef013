import type { ErrorClass } from "./error-classes";

export type { ErrorClass } from "./error-classes";

/**
 * Base class for errors the product reports to users. `errorClass` is a stable machine-readable
 * category from the catalogue in error-classes.ts (e.g. "auth_failed", "parse_error", "usage");
 * `where` names the place (file:line, device, field) so that the message can always say where
 * the problem is.
 */
export class VcError extends Error {
  readonly errorClass: ErrorClass;
  readonly where?: string;

  constructor(errorClass: ErrorClass, message: string, where?: string, options?: { cause?: unknown }) {
    super(where ? `${where}: ${message}` : message, options);
    this.name = "VcError";
    this.errorClass = errorClass;
    this.where = where;
  }
}

/** A command-line usage mistake: the CLI exits with code 2. */
export class UsageError extends VcError {
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
