import * as path from "node:path";
import type { Device } from "../types";
import { VcError, errorMessage } from "../errors";
import type { HomePaths } from "../home";
import { filterDevices, filterKeyOf, normaliseFilter } from "./filter";
import { loadDevices } from "./load";
import { NetBoxClient } from "./netbox";
import { normaliseDevices } from "./normalise";
import type { DeviceFilter, NetBoxFilter } from "./types";

/**
 * What the vc-device-source node does, without Node-RED: read devices from one source, apply
 * the configured filter overridden field by field by msg.filter, and shape the output messages.
 */
export const SOURCE_TYPES = ["sqlite", "csv", "netbox", "inline", "msg"] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export interface DeviceSourceConfig {
  source: SourceType;
  /** sqlite: the dcim.db (default: the data home's); csv: the file (required). */
  path?: string;
  /** inline: a JSON list of devices (text as typed in the editor, or already parsed). */
  inline?: unknown;
  netbox?: { url: string; token: string; timeoutMs?: number; platformMap?: Record<string, string> };
  filter: DeviceFilter;
}

/** Raw settings as they come from a node's configuration (strings from the editor). */
export interface RawSourceSettings {
  source?: string;
  path?: string;
  inline?: string;
  netboxUrl?: string;
  netboxToken?: string;
  netboxTimeout?: string | number;
  platformMap?: string;
  filter?: Record<string, unknown>;
}

function configError(field: string, message: string): VcError {
  return new VcError("invalid_config", message, field);
}

/** Checks node settings once (at deploy); every problem names its field. */
export function parseSourceSettings(raw: RawSourceSettings, home: Pick<HomePaths, "dcimDb">): DeviceSourceConfig {
  const source = (raw.source || "sqlite") as SourceType;
  if (!SOURCE_TYPES.includes(source))
    throw configError("source", `unknown source '${raw.source}' (${SOURCE_TYPES.join(", ")})`);
  const filter = normaliseFilter(raw.filter ?? {}, "filter");
  const file = raw.path?.trim();
  switch (source) {
    case "sqlite":
      return { source, path: path.resolve(file || home.dcimDb), filter };
    case "csv":
      if (!file) throw configError("path", "the CSV source needs the path of a CSV file");
      return { source, path: path.resolve(file), filter };
    case "inline": {
      const text = raw.inline?.trim();
      if (!text) throw configError("inline", "the inline source needs a JSON list of devices");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw configError("inline", `not valid JSON: ${errorMessage(err)}`);
      }
      normaliseDevices(parsed, "inline");
      return { source, inline: parsed, filter };
    }
    case "netbox": {
      if (!raw.netboxUrl?.trim()) throw configError("netboxUrl", "the NetBox source needs the NetBox URL");
      if (!raw.netboxToken?.trim()) throw configError("netboxToken", "the NetBox source needs an API token");
      const seconds =
        raw.netboxTimeout === undefined || raw.netboxTimeout === "" ? undefined : Number(raw.netboxTimeout);
      if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0))
        throw configError("netboxTimeout", `must be a number of seconds, got '${String(raw.netboxTimeout)}'`);
      const netbox = {
        url: raw.netboxUrl.trim(),
        token: raw.netboxToken.trim(),
        timeoutMs: seconds && Math.round(seconds * 1000),
        platformMap: parsePlatformMap(raw.platformMap),
      };
      new NetBoxClient(netbox); // validates the URL and token shape now rather than on the first message
      return { source, netbox, filter };
    }
    case "msg":
      return { source, filter };
  }
}

function parsePlatformMap(text: string | undefined): Record<string, string> | undefined {
  if (!text?.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw configError("platformMap", `not valid JSON: ${errorMessage(err)}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw configError("platformMap", "must be a JSON object of NetBox platform slug → ntc platform name");
  for (const [k, v] of Object.entries(parsed))
    if (typeof v !== "string") throw configError(`platformMap.${k}`, "must be a platform name (text)");
  return parsed as Record<string, string>;
}

/** msg.filter replaces the configured filter field by field (an empty string clears a field). */
export function effectiveFilter(configured: DeviceFilter, override: unknown): DeviceFilter {
  if (override === undefined || override === null) return configured;
  const o = normaliseFilter(override, "msg.filter");
  const cleared = override as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...configured, ...o };
  for (const [k, v] of Object.entries(cleared)) {
    const key = filterKeyOf(k);
    if (v === "" && key) delete merged[key];
  }
  return merged as DeviceFilter;
}

const SLUG = /^[a-z0-9_-]+$/;

/**
 * The part of a filter NetBox can apply itself (fewer pages to read): site, role, status and tag
 * when they are slug-shaped. filterDevices still applies the whole filter afterwards, so the
 * result is the same as with any other source.
 */
export function netboxServerFilter(filter: DeviceFilter): NetBoxFilter {
  const out: NetBoxFilter = {};
  for (const key of ["site", "role", "status", "tag"] as const) {
    const value = filter[key];
    if (value !== undefined && SLUG.test(value)) out[key] = value;
  }
  return out;
}

/** Every device of the source, unfiltered (msg.payload for the msg source). */
export async function readSource(config: DeviceSourceConfig, payload?: unknown): Promise<Device[]> {
  switch (config.source) {
    case "sqlite":
    case "csv":
      return loadDevices(config.path!);
    case "inline":
      return normaliseDevices(config.inline, "inline");
    case "msg":
      return normaliseDevices(payload, "msg.payload");
    case "netbox":
      return new NetBoxClient(config.netbox!).listDevices(netboxServerFilter(config.filter));
  }
}

/** Reads the source and applies the effective filter: the devices one message asks for. */
export async function selectFromSource(
  config: DeviceSourceConfig,
  msg: { payload?: unknown; filter?: unknown },
): Promise<{ devices: Device[]; filter: DeviceFilter }> {
  const filter = effectiveFilter(config.filter, msg.filter);
  const devices = await readSource({ ...config, filter }, msg.payload);
  return { devices: filterDevices(devices, filter), filter };
}

export interface MessageParts {
  id: string;
  type: "array";
  count: number;
  len: 1;
  index: number;
  property?: "payload";
  parts?: unknown;
}

/**
 * One message per device, each with msg.parts as Node-RED's split node makes them, so a join
 * node in automatic mode puts the device results back together. `base(i)` returns a fresh copy
 * of the incoming message for device i.
 */
export function messagePerDevice<M extends { parts?: unknown }>(
  devices: Device[],
  base: (index: number) => M,
  partsId: string,
): Array<M & { payload: Device; parts: MessageParts }> {
  return devices.map((device, index) => {
    const msg = base(index);
    const parts: MessageParts = {
      id: partsId,
      type: "array",
      count: devices.length,
      len: 1,
      index,
      property: "payload",
    };
    if (msg.parts !== undefined) parts.parts = msg.parts;
    return Object.assign(msg, { payload: device, parts });
  });
}
