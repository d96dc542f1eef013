import { UsageError, VcError } from "../lib/core/errors";
import type { CliCommand } from "./command";

/**
 * The flags `vcollector collect` and `vcollector run` share (parseArgs option definitions), so
 * the two commands cannot drift apart in how they read them. Each command adds its own.
 */
export const COLLECTION_RUN_OPTIONS = {
  job: { type: "string" },
  vault: { type: "string" },
  credential: { type: "string" },
  "no-save": { type: "boolean" },
  "no-history": { type: "boolean" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

/** A command whose bad input (an invalid_input VcError: a bad filter, option or job field) exits 2 like a usage error. */
export function invalidInputIsUsage(run: CliCommand["run"]): CliCommand["run"] {
  return (args, ctx) =>
    run(args, ctx).catch((err: unknown) => {
      if (err instanceof VcError && !(err instanceof UsageError) && err.errorClass === "invalid_input")
        throw new UsageError(err.message);
      throw err;
    });
}
