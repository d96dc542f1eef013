import * as fs from "node:fs";
import * as path from "node:path";
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import {
  CaptureStore,
  CollectorDb,
  MAX_CONCURRENCY,
  parseCommands,
  progressText,
  runCollection,
  type RunProgress,
  type RunSummary,
} from "../../lib/core/collect";
import { VcError, errorMessage } from "../../lib/core/errors";
import { resolveHome, tightenHome, type HomePaths } from "../../lib/core/home";
import { Inventory, normaliseDevicesReport } from "../../lib/core/inventory";
import { platformOptionsForHome } from "../../lib/core/platforms";
import { KnownHostsStore } from "../../lib/core/ssh/known-hosts";
import type { DeviceResult } from "../../lib/core/types";
import { getVaultConfigNode } from "../vc-vault-config/api";
import { settingsFrom, type NodeRunSettings, type VcCollectDef } from "./options";
import { registerTestCredentialApi } from "./test-credential";
import { serialInput, type Send } from "../common/serial-input";

const STATUS_INTERVAL_MS = 250;

/**
 * vc-collect: a thin adapter over lib/core/collect's runCollection. One input message (a device
 * list in msg.payload) is one run; runs of one node are processed one after another. Output 1
 * gets one message per device as it finishes, output 2 the run's summary; closing the flow
 * aborts the run, which closes every SSH session.
 */
export = function register(RED: NodeAPI): void {
  function VcCollectNode(this: Node, def: VcCollectDef): void {
    RED.nodes.createNode(this, def);
    attach(RED, this, def);
  }

  RED.nodes.registerType("vc-collect", VcCollectNode);
  registerTestCredentialApi(RED);
};

function attach(RED: NodeAPI, node: Node, def: VcCollectDef): void {
  const home = resolveHome(def.home && def.home.trim() !== "" ? def.home.trim() : undefined);
  // The test-credential endpoint pins host keys in this deployed home, never in one a request names.
  (node as Node & { dataHome?: string }).dataHome = home.root;
  tightenHome(home, (m) => node.warn(m));
  const hostKeys = new KnownHostsStore(home.knownHosts);
  let settings: NodeRunSettings | undefined;
  let configError: Error | undefined;
  try {
    settings = settingsFrom(def, MAX_CONCURRENCY);
    node.status({});
  } catch (err) {
    configError = err as Error;
    node.status({ fill: "red", shape: "ring", text: "bad configuration" });
  }
  const closing = serialInput(node, handle, () => {
    try {
      hostKeys.flush();
    } catch (err) {
      node.error(`host keys not saved: ${errorMessage(err)}`);
    }
  });

  async function handle(msg: NodeMessageInFlow, send: Send): Promise<void> {
    if (configError || !settings) throw configError ?? new VcError("invalid_config", "no settings", "vc-collect");
    if (closing.signal.aborted) return;
    const vaultNode = getVaultConfigNode(RED, def.vault);
    if (!vaultNode)
      throw new VcError(
        "invalid_config",
        "no vault configured: choose a vc-vault-config node (and deploy it)",
        "vc-collect",
      );
    const vault = vaultNode.openUnlocked();
    const input = msg as NodeMessageInFlow & { commands?: unknown; captureType?: unknown };
    const commands =
      input.commands !== undefined
        ? parseCommands(input.commands, "msg.commands")
        : parseCommands(def.commands ?? "", "vc-collect commands");
    const captureType =
      typeof input.captureType === "string" && input.captureType.trim() !== "" ? input.captureType : def.captureType;
    const { devices, errors } = normaliseDevicesReport(msg.payload, "msg.payload");
    if (devices.length === 0 && errors.length)
      throw new VcError(
        "invalid_device",
        errors
          .slice(0, 5)
          .map((e) => e.message)
          .join("; "),
        "msg.payload",
      );
    if (errors.length) {
      const items = new Set(errors.map((e) => e.where.replace(/\].*$/, "]"))).size;
      node.warn(
        `${items} device(s) left out: ${errors
          .slice(0, 5)
          .map((e) => e.message)
          .join("; ")}${errors.length > 5 ? "; …" : ""}`,
      );
    }

    const resources = openResources(def, home);
    const status = new StatusThrottle(node);
    status.show({ done: 0, total: devices.length, ok: 0, partial: 0, failed: 0 });
    let finished = 0;
    let summary: RunSummary;
    try {
      summary = await runCollection({
        devices,
        commands,
        captureType,
        credentials: vault,
        credential: def.credential && def.credential.trim() !== "" ? def.credential.trim() : undefined,
        discovery: Boolean(def.discovery),
        concurrency: settings.concurrency,
        jitterMs: settings.jitterMs,
        commandDelayMs: settings.commandDelayMs,
        timeouts: settings.timeouts,
        retry: settings.retry,
        ...(settings.maxOutputBytes !== undefined ? { maxOutputBytes: settings.maxOutputBytes } : {}),
        hostKeys: { policy: settings.hostKeyPolicy, store: hostKeys },
        store: resources.store,
        history: resources.history,
        recorder: resources.recorder,
        redact: Boolean(def.redact),
        platforms: platformOptionsForHome(home.root),
        signal: closing.signal,
        onDeviceResult: (r) => {
          finished++;
          if (!closing.signal.aborted) send([deviceMessage(RED, msg, r, devices.length, finished - 1), null]);
        },
        onProgress: (p) => status.progress(p),
        log: (line) => node.trace(line),
      });
    } finally {
      resources.close();
      status.stop();
    }
    if (closing.signal.aborted) return;
    status.finish(summary);
    const out = msg as NodeMessageInFlow & { invalidDevices?: string[] };
    out.payload = summary;
    if (errors.length) out.invalidDevices = errors.map((e) => e.message);
    send([null, out]);
  }
}

function openResources(
  def: VcCollectDef,
  home: HomePaths,
): { store?: CaptureStore; history?: CollectorDb; recorder?: Inventory; close(): void } {
  const collections =
    def.outputDir && def.outputDir.trim() !== "" ? path.resolve(def.outputDir.trim()) : home.collections;
  const store =
    def.save === false ? undefined : new CaptureStore({ collections, keepHistory: Boolean(def.keepHistory) });
  const history = def.history === false ? undefined : CollectorDb.open(home.collectorDb);
  let recorder: Inventory | undefined;
  try {
    if (def.rememberCredentials !== false && fs.existsSync(home.dcimDb)) recorder = Inventory.open(home.dcimDb);
  } catch (err) {
    history?.close();
    throw err;
  }
  return {
    store,
    history,
    recorder,
    close: () => {
      history?.close();
      recorder?.close();
    },
  };
}

/**
 * Output 1: one message per device, built like a core node's: the incoming message cloned (its own
 * properties, msg.req/msg.res for http-in flows), then payload/topic/runId set and msg.parts for a
 * join node (an incoming msg.parts is kept inside it, as the split node does).
 */
function deviceMessage(
  RED: NodeAPI,
  input: NodeMessageInFlow,
  r: DeviceResult,
  count: number,
  index: number,
): NodeMessage {
  // The device list is not copied into every device's message (a 1000-device payload, 1000 times).
  const out = RED.util.cloneMessage({ ...input, payload: undefined }) as NodeMessage & Record<string, unknown>;
  const outer = input.parts;
  out.topic = r.device.name;
  out.payload = r;
  out.runId = r.runId;
  // index is the completion order: a join node rebuilds the list in the order devices finished.
  out.parts = { id: r.runId, index, count, type: "array", len: 1, ...(outer ? { parts: outer } : {}) };
  return out;
}

/** Live status `34/200 ✓31 ✗3`, at most every 250 ms so a 1000-device run does not flood the editor. */
class StatusThrottle {
  private last = 0;
  private pending?: NodeJS.Timeout;
  private latest?: Pick<RunProgress, "done" | "total" | "ok" | "partial" | "failed">;

  constructor(private readonly node: Node) {}

  progress(p: RunProgress): void {
    this.latest = p;
    const wait = STATUS_INTERVAL_MS - (Date.now() - this.last);
    if (wait <= 0) this.flush();
    else this.pending ??= setTimeout(() => this.flush(), wait);
  }

  show(p: Pick<RunProgress, "done" | "total" | "ok" | "partial" | "failed">): void {
    this.latest = p;
    this.flush();
  }

  /** No more updates (the run ended or was aborted). */
  stop(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.latest = undefined;
  }

  finish(s: RunSummary): void {
    this.stop();
    const fill = s.status === "success" ? "green" : s.status === "partial" ? "yellow" : "red";
    this.node.status({
      fill,
      shape: "dot",
      text: progressText({ done: s.total, total: s.total, ok: s.ok, partial: s.partial, failed: s.failed }),
    });
  }

  private flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.last = Date.now();
    if (this.latest) this.node.status({ fill: "blue", shape: "dot", text: progressText(this.latest) });
  }
}
