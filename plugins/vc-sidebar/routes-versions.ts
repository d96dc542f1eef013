import * as path from "node:path";
import { safeSegment } from "../../lib/core/captures/layout";
import { openVersionStore, VERSIONS_DIR, type VersionStore } from "../../lib/core/changes";
import { VcError } from "../../lib/core/errors";
import { withExisting, type SidebarContext } from "./context";
import { int, queryInt, type Routes } from "./http";

/**
 * The Captures view's Versions/Diff panel over the change-detection version store
 * (lib/core/captures/versions via lib/core/changes): a capture's versions, and the diff between
 * two of them (default: the latest against the one before) over the significant text (the
 * platform's volatile lines dropped), always redacted as `vcollector diff` does by default: the
 * editor has no --show-secrets.
 */
const KEY = {
  type: { type: "string", minLength: 1, maxLength: 100 },
  device: { type: "string", minLength: 1, maxLength: 200 },
} as const;
const MAX_DIFF_CONTEXT = 50;

export function registerVersionRoutes(routes: Routes, ctx: SidebarContext): void {
  const withStore = <T>(fn: (store: VersionStore) => T): T | undefined => {
    const collections = ctx.home.collections;
    return withExisting(
      path.join(collections, VERSIONS_DIR),
      () => openVersionStore(collections, { homeRoot: ctx.home.root, importExisting: false }),
      fn,
    );
  };
  const checkKey = (q: { type: string; device: string }) => {
    if (safeSegment(q.type) !== q.type || safeSegment(q.device) !== q.device)
      throw new VcError("version_not_found", "no versions of this capture", `${q.type}/${q.device}`);
  };

  routes.add<{ type: string; device: string }>(
    "get",
    "/captures/versions",
    { type: "object", properties: KEY, required: ["type", "device"], additionalProperties: false },
    (q) => {
      checkKey(q);
      const rows = withStore((s) => s.timeline(q.type, q.device)) ?? [];
      return {
        body: {
          type: q.type,
          device: q.device,
          versions: rows
            .map((r) => ({
              version: r.version,
              capturedAt: r.capturedAt,
              lastSeenAt: r.lastSeenAt,
              sha256: r.sha256,
              size: r.size,
              added: r.added,
              removed: r.removed,
              seen: r.seen,
              runId: r.runId,
            }))
            .reverse(),
        },
      };
    },
  );

  routes.add<{ type: string; device: string; from?: string; to?: string; context?: string }>(
    "get",
    "/captures/diff",
    {
      type: "object",
      properties: { ...KEY, from: queryInt, to: queryInt, context: queryInt },
      required: ["type", "device"],
      additionalProperties: false,
    },
    (q) => {
      checkKey(q);
      const from = int(q.from);
      const to = int(q.to);
      const context = int(q.context);
      if (from !== undefined && to !== undefined && from >= to)
        throw new VcError("invalid_input", `must be older than to (${to})`, "from");
      if (context !== undefined && context > MAX_DIFF_CONTEXT)
        throw new VcError("invalid_input", `must be at most ${MAX_DIFF_CONTEXT}`, "context");
      const d = withStore((s) => s.diff(q.type, q.device, { from, to, context, redact: true }));
      if (!d) throw new VcError("version_not_found", "no capture versions yet", `${q.type}/${q.device}`);
      return {
        body: {
          type: d.captureType,
          device: d.deviceName,
          status: d.status,
          from: d.from,
          to: d.to,
          added: d.added,
          removed: d.removed,
          redacted: d.redacted,
          diff: d.diff,
        },
      };
    },
  );
}
