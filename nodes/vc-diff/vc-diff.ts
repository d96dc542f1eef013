import * as path from "node:path";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { openVersionStore, type VersionDiff, type VersionStore } from "../../lib/core/changes";
import { VcError, errorMessage } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";

interface VcDiffDef extends NodeDef {
  /** Send a message for a device's first capture (status "new"). */
  reportNew?: boolean;
  /** Mask secrets in the diff (default on: diffs usually go onward, to e-mail or a webhook). */
  redact?: boolean;
  /** Context lines around each change. */
  context?: number | string;
  /** Collections directory; empty: the one the capture was saved in, else <home>/collections. */
  collections?: string;
  home?: string;
}

type Send = (m: NodeMessage) => void;

/** What vc-diff reads from msg.payload: vc-collect's per-device result, or {device, captureType}. */
interface DiffRequest {
  device: string;
  platform?: string;
  captureType: string;
  runId?: string;
  collections?: string;
}

/** The change message's payload. */
interface ChangePayload extends VersionDiff {
  platform?: string;
}

function requestFrom(msg: NodeMessageInFlow): DiffRequest | undefined {
  const p = msg.payload as Record<string, unknown> | undefined;
  if (typeof p !== "object" || p === null) throw new VcError("invalid_input", "must be an object", "msg.payload");
  const device = p.device as { name?: unknown; platform?: unknown } | string | undefined;
  const name = typeof device === "string" ? device : typeof device?.name === "string" ? device.name : undefined;
  if (!name)
    throw new VcError("invalid_input", "has no device (a vc-collect result or {device, captureType})", "msg.payload");
  const captureType = typeof p.captureType === "string" ? p.captureType : undefined;
  if (!captureType) throw new VcError("invalid_input", "has no captureType", "msg.payload");
  // A vc-collect result of a failed device has nothing new to compare.
  if (p.status === "failed") return undefined;
  const paths = Array.isArray(p.capturePaths) ? (p.capturePaths as unknown[]) : [];
  const saved = typeof paths[0] === "string" ? (paths[0] as string) : undefined;
  return {
    device: name,
    platform: typeof device === "object" && typeof device.platform === "string" ? device.platform : undefined,
    captureType,
    runId: typeof p.runId === "string" ? p.runId : undefined,
    // <collections>/<capture type>/<device>.txt
    collections: saved ? path.dirname(path.dirname(saved)) : undefined,
  };
}

/**
 * vc-diff: after vc-collect, one message per device whose capture changed in that run (a unified
 * diff of the significant lines, redacted by default), one for a device's first capture when
 * `reportNew`, nothing for unchanged or failed devices. The message is the incoming one, cloned.
 */
export = function register(RED: NodeAPI): void {
  function VcDiffNode(this: Node, config: VcDiffDef): void {
    RED.nodes.createNode(this, config);
    const homeRoot = config.home && config.home.trim() !== "" ? config.home.trim() : undefined;
    const fixed =
      config.collections && config.collections.trim() !== "" ? path.resolve(config.collections.trim()) : undefined;
    const context = config.context === undefined || config.context === "" ? 3 : Number(config.context);
    const stores = new Map<string, VersionStore>();
    const storeFor = (collections: string): VersionStore => {
      let s = stores.get(collections);
      if (!s) stores.set(collections, (s = openVersionStore(collections, { homeRoot, importExisting: false })));
      return s;
    };

    const handle = (msg: NodeMessageInFlow, send: Send): void => {
      if (!Number.isInteger(context) || context < 0)
        throw new VcError(
          "invalid_config",
          `must be a whole number of at least 0, got ${config.context}`,
          "vc-diff context",
        );
      const req = requestFrom(msg);
      if (!req) return;
      const collections = fixed ?? req.collections ?? resolveHome(homeRoot).collections;
      const store = storeFor(collections);
      let d: VersionDiff;
      if (req.runId) {
        const created = store.createdByRun(req.captureType, req.device, req.runId);
        if (!created) return; // unchanged in this run
        const previous = store
          .timeline(req.captureType, req.device)
          .filter((r) => r.version < created.version)
          .pop();
        d = store.diffRows(previous, created, { redact: config.redact !== false, context });
      } else {
        d = store.diff(req.captureType, req.device, { redact: config.redact !== false, context });
      }
      if (d.status === "unchanged" || (d.status === "new" && config.reportNew === false)) return;
      const out = RED.util.cloneMessage({ ...msg, payload: undefined }) as NodeMessage & Record<string, unknown>;
      out.payload = { ...d, platform: req.platform } satisfies ChangePayload;
      out.topic = req.device;
      send(out);
    };

    this.on("input", (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
      try {
        handle(msg, send);
        done();
      } catch (err) {
        done(err instanceof Error ? err : new Error(errorMessage(err)));
      }
    });
    this.on("close", (_removed: boolean, done: () => void) => {
      for (const s of stores.values()) s.close();
      stores.clear();
      done();
    });
  }
  RED.nodes.registerType("vc-diff", VcDiffNode);
};
