import * as fs from "node:fs";
import * as path from "node:path";
import type { IExecuteFunctions } from "n8n-workflow";
import {
  CaptureStore,
  CollectorDb,
  MAX_CONCURRENCY,
  parseCommands,
  runCollection,
  type HostKeyPolicy,
} from "../../../lib/core/collect";
import { VcError } from "../../../lib/core/errors";
import { resolveHome } from "../../../lib/core/home";
import { Inventory } from "../../../lib/core/inventory";
import { KnownHostsStore } from "../../../lib/core/ssh/known-hosts";
import type { Device, DeviceResult } from "../../../lib/core/types";
import type { Vault } from "../../../lib/core/vault";

/** One run's settings, as the node's parameters give them for one input item. */
export interface RunSettings {
  commands: string[];
  captureType: string;
  credential?: string;
  discovery: boolean;
  concurrency: number;
  connectMs: number;
  commandMs: number;
  deviceMs: number;
  commandDelayMs: number;
  jitterMs: number;
  retries: number;
  hostKeyPolicy: HostKeyPolicy;
  home?: string;
  save: boolean;
  history: boolean;
}

export interface DeviceFromItem {
  device: Device;
  item: number;
  settings: RunSettings;
}

function number(value: unknown, field: string, dflt: number, min: number, max: number, integer = false): number {
  if (value === undefined || value === null || value === "") return dflt;
  const n = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw new VcError(
      "invalid_config",
      `must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got ${JSON.stringify(value)}`,
      `Collect option ${field}`,
    );
  return n;
}

/** Reads and checks the parameters for item i (seconds in the node, milliseconds in the core). */
export function runSettingsFrom(ctx: IExecuteFunctions, i: number): RunSettings {
  const o = ctx.getNodeParameter("options", i, {}) as Record<string, unknown>;
  const policy = (o.hostKeyPolicy as string) || "tofu";
  if (!["tofu", "strict", "accept-any"].includes(policy))
    throw new VcError(
      "invalid_config",
      `must be tofu, strict or accept-any, got '${policy}'`,
      "Collect host key policy",
    );
  const captureType = String(ctx.getNodeParameter("captureType", i, "n8n") ?? "").trim();
  if (captureType === "") throw new VcError("invalid_config", "a capture type is required", "Collect capture type");
  const credential = String(ctx.getNodeParameter("credential", i, "") ?? "").trim();
  const home = typeof o.home === "string" && o.home.trim() !== "" ? o.home.trim() : undefined;
  return {
    commands: parseCommands(ctx.getNodeParameter("commands", i) as unknown, "Collect commands"),
    captureType,
    credential: credential || undefined,
    discovery: Boolean(o.discovery),
    concurrency: number(o.concurrency, "concurrency", 20, 1, MAX_CONCURRENCY, true),
    connectMs: number(o.connectTimeout, "connect timeout", 10, 0.1, 3600) * 1000,
    commandMs: number(o.commandTimeout, "command timeout", 60, 0.1, 86_400) * 1000,
    deviceMs: number(o.deviceTimeout, "device timeout", 300, 0.1, 86_400) * 1000,
    commandDelayMs: number(o.delay, "delay between commands", 0, 0, 3600) * 1000,
    jitterMs: number(o.jitter, "start jitter", 0.25, 0, 3600) * 1000,
    retries: number(o.retries, "retries", 2, 0, 10, true),
    hostKeyPolicy: policy as HostKeyPolicy,
    home,
    save: o.save !== false,
    history: o.history !== false,
  };
}

/**
 * Collects every device; devices whose items share the same settings run together (one run,
 * one concurrency pool), groups one after another. Returns each device's result, by device.
 */
export async function collectGroups(
  devices: DeviceFromItem[],
  vault: Vault,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
): Promise<Map<Device, DeviceResult>> {
  const groups = new Map<string, DeviceFromItem[]>();
  for (const d of devices) {
    const key = JSON.stringify(d.settings);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const results = new Map<Device, DeviceResult>();
  for (const group of groups.values()) {
    const s = group[0].settings;
    const home = resolveHome(s.home);
    const store = s.save ? new CaptureStore({ collections: home.collections }) : undefined;
    const history = s.history ? CollectorDb.open(home.collectorDb) : undefined;
    let recorder: Inventory | undefined;
    try {
      if (fs.existsSync(home.dcimDb)) recorder = Inventory.open(home.dcimDb);
      fs.mkdirSync(path.dirname(home.knownHosts), { recursive: true, mode: 0o700 });
      await runCollection({
        devices: group.map((d) => d.device),
        commands: s.commands,
        captureType: s.captureType,
        credentials: vault,
        credential: s.credential,
        discovery: s.discovery,
        concurrency: s.concurrency,
        jitterMs: s.jitterMs,
        commandDelayMs: s.commandDelayMs,
        timeouts: {
          connectMs: s.connectMs,
          bannerMs: s.connectMs,
          authMs: s.connectMs,
          commandMs: s.commandMs,
          deviceMs: s.deviceMs,
        },
        retry: { retries: s.retries },
        hostKeys: { policy: s.hostKeyPolicy, store: new KnownHostsStore(home.knownHosts) },
        store,
        history,
        recorder,
        signal,
        onDeviceResult: (r) => results.set(r.device, r),
        log,
      });
    } finally {
      history?.close();
      recorder?.close();
    }
  }
  return results;
}
