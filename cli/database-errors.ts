import { VcError } from "../lib/core/errors";

/**
 * SQLite reports a damaged file as "database disk image is malformed" (or "file is not a
 * database") without saying which file; a query can hit it long after the open. This names the
 * file and what to do. Other errors pass through unchanged.
 */
export function namingDatabase(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof VcError || typeof code !== "string") return err;
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return new VcError(
      "database_damaged",
      `${(err as Error).message}: the database file is damaged; restore it from a backup, or move it away and let vcollector create a new one`,
      file,
      { cause: err },
    );
  }
  return err;
}
