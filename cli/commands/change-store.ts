import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError } from "../../lib/core/errors";
import { parseAge } from "../../lib/core/captures/browse";
import { openVersionStore, VERSIONS_DIR, type VersionStore } from "../../lib/core/changes";
import type { CliContext } from "../command";

/** Exit code of `diff` and `changes` when something changed (0: nothing changed, 1: failure, 2: usage). */
export const EXIT_CHANGED = 3;

/** Opens the version store of the collections directory (default <home>/collections) for reading. */
export function openStoreForCli(collections: string | undefined, ctx: CliContext): VersionStore {
  const dir = path.resolve(collections ?? ctx.home.collections);
  if (!fs.existsSync(path.join(dir, VERSIONS_DIR)))
    throw new VcError(
      "not_found",
      "no capture versions yet: run a collection that saves captures (vcollector collect) first",
      dir,
    );
  return openVersionStore(dir, { homeRoot: ctx.home.root, importExisting: false });
}

/** --since: an age (30m, 24h, 7d) or a date/time (2026-12-01, 2026-12-01T10:00:00Z). */
export function parseSince(text: string, now = new Date()): Date {
  if (/^\s*\d+(\.\d+)?\s*[smhdw]\s*$/i.test(text)) return new Date(now.getTime() - parseAge(text, "--since"));
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--since must be an age like 24h or 7d, or a date, got '${text}'`);
  return new Date(t);
}

/** --from/--to: a version number (1, 2, … or v2). */
export function parseVersion(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const m = /^v?(\d+)$/i.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`${option} must be a version number like 3 or v3, got '${text}'`);
  return Number(m[1]);
}
