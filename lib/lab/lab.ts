import { randomBytes } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { VcError } from "../core/errors";
import { AddressAllocator, isLoopback } from "./addresses";
import { DEFAULTS, type DeviceBehaviour } from "./behaviour";
import { newConfigState } from "./config-mode";
import { CatalogCache } from "./catalog";
import { DeviceServer, parseAuthorizedKeys } from "./device-server";
import { makeFacts } from "./facts";
import { fromPrivateKey, hostKeyFor } from "./hostkeys";
import { getPlatform, labPlatforms } from "./platform";
import { ResponseLibrary } from "./responses";
import { rngFrom } from "./rng";
import {
  LAB_FAULTS,
  type Lab,
  type LabCountOptions,
  type LabDeviceInfo,
  type LabDeviceSpec,
  type StartLabOptions,
} from "./types";

/** Devices started at once; bounds the burst of listen() calls and key derivations. */
const START_BATCH = 64;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Turns count options into one spec per device: platforms round-robin, faults on the last devices. */
export function specsFromCount(opts: LabCountOptions): LabDeviceSpec[] {
  if (!Number.isInteger(opts.count) || opts.count < 1)
    throw new VcError("usage", `device count must be a positive integer (got ${opts.count})`);
  const platforms = opts.platforms && opts.platforms.length ? opts.platforms : labPlatforms();
  const faults = opts.faults ?? [];
  if (faults.length > opts.count)
    throw new VcError("usage", `${faults.length} faults need at least as many devices (count is ${opts.count})`);
  const width = Math.max(2, String(opts.count).length);
  return Array.from({ length: opts.count }, (_, i): LabDeviceSpec => {
    const platform = platforms[i % platforms.length];
    const def = getPlatform(platform);
    const faultIndex = i - (opts.count - faults.length);
    return {
      name: def ? `${def.namePrefix}-${String(i + 1).padStart(width, "0")}` : undefined,
      platform,
      username: opts.username,
      password: opts.password,
      enableSecret: opts.enableSecret,
      latencyMs: opts.latencyMs,
      jitterMs: opts.jitterMs,
      fault: faultIndex >= 0 ? faults[faultIndex] : undefined,
    };
  });
}

interface Placement {
  allocator: AddressAllocator;
  port?: number;
  oneAddress: boolean;
  baseAddress?: string;
  nextPort?: number;
}

/** Starts simulated SSH devices on loopback. Rejects (after stopping what started) if any device cannot start. */
export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const seed = opts.seed ?? randomBytes(16).toString("hex");
  const countMode = !("devices" in opts);
  const specs = countMode ? specsFromCount(opts as LabCountOptions) : (opts as { devices: LabDeviceSpec[] }).devices;
  if (!Array.isArray(specs) || specs.length === 0) throw new VcError("usage", "the lab needs at least one device");
  const count = opts as LabCountOptions;
  const placement: Placement = {
    allocator: new AddressAllocator(countMode ? count.baseAddress : undefined),
    port: countMode ? count.port : undefined,
    oneAddress: countMode ? Boolean(count.oneAddress) : false,
    baseAddress: countMode ? (count.baseAddress ?? "127.0.0.1") : undefined,
  };
  const libraries = new Map<string, { library: ResponseLibrary; catalogs: CatalogCache }>();
  const libraryFor = (dirs: string[]) => {
    const key = dirs.join("\u0000");
    let entry = libraries.get(key);
    if (!entry) {
      const library = new ResponseLibrary(dirs);
      libraries.set(key, (entry = { library, catalogs: new CatalogCache(library) }));
    }
    return entry;
  };
  const sharedDirs = opts.responsesDirs ?? [];
  const names = new Set<string>();
  const servers = specs.map((spec, i) =>
    buildDevice(spec, i, { seed, placement, names, libraryFor: (dirs) => libraryFor(dirs ?? sharedDirs) }),
  );

  const started: DeviceServer[] = [];
  try {
    for (let i = 0; i < servers.length; i += START_BATCH) {
      const batch = servers.slice(i, i + START_BATCH);
      await Promise.all(
        batch.map(async (s) => {
          await s.start();
          started.push(s);
        }),
      );
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    devices: servers.map((s) => s.info),
    stop: () => (stopping ??= Promise.all(servers.map((s) => s.stop())).then(() => undefined)),
    inventoryCsv: () =>
      inventoryCsv(
        servers.map((s) => s.info),
        (platform) => getPlatform(platform)?.role ?? "",
      ),
  };
}

interface BuildContext {
  seed: string;
  placement: Placement;
  names: Set<string>;
  libraryFor: (dirs: string[] | undefined) => { library: ResponseLibrary; catalogs: CatalogCache };
}

function buildDevice(spec: LabDeviceSpec, index: number, ctx: BuildContext): DeviceServer {
  const where = `lab device ${index + 1}${spec.name ? ` (${spec.name})` : ""}`;
  const platform = getPlatform(spec.platform);
  if (!platform)
    throw new VcError("usage", `unknown platform '${spec.platform}' (known: ${labPlatforms().join(", ")})`, where);
  const name = spec.name ?? `${platform.namePrefix}-${String(index + 1).padStart(2, "0")}`;
  if (!HOSTNAME.test(name))
    throw new VcError("usage", `name '${name}' is not a valid hostname (letters, digits, '.', '_', '-')`, where);
  if (ctx.names.has(name)) throw new VcError("usage", `name '${name}' is used by another device`, where);
  ctx.names.add(name);
  if (spec.fault !== undefined && !LAB_FAULTS.includes(spec.fault))
    throw new VcError("usage", `unknown fault '${spec.fault}' (known: ${LAB_FAULTS.join(", ")})`, where);
  for (const field of [
    "latencyMs",
    "jitterMs",
    "chunkBytes",
    "faultAfterBytes",
    "slowMs",
    "hugeOutputBytes",
    "pageLines",
    "port",
  ] as const) {
    const v = spec[field];
    if (v !== undefined && (!Number.isInteger(v) || v < 0))
      throw new VcError("usage", `${field} must be a non-negative integer (got ${v})`, where);
  }
  if (spec.chunkBytes === 0) throw new VcError("usage", "chunkBytes must be at least 1", where);

  const { host, port } = place(spec, ctx.placement, where);
  const username = spec.username ?? DEFAULTS.username;
  const password = spec.password ?? DEFAULTS.password;
  const hostKey =
    spec.hostKey !== undefined
      ? fromPrivateKey(spec.hostKey, where)
      : hostKeyFor(spec.algorithms?.serverHostKey, ctx.seed, name);
  const rng = rngFrom(ctx.seed, name);
  const { library, catalogs } = ctx.libraryFor(spec.responsesDirs);
  const behaviour: DeviceBehaviour = {
    name,
    platform,
    catalog: catalogs.get(platform),
    library,
    facts: makeFacts(name, username, host, rng, new Date()),
    rng,
    enableSecret: platform.enable ? spec.enableSecret : undefined,
    motd: spec.motd ?? platform.motd,
    latencyMs: spec.latencyMs ?? 0,
    jitterMs: spec.jitterMs ?? 0,
    chunkBytes: spec.chunkBytes ?? DEFAULTS.chunkBytes,
    pageLines: spec.pageLines ?? platform.pager.pageLines,
    fault: spec.fault,
    faultAfterBytes: spec.faultAfterBytes ?? DEFAULTS.faultAfterBytes,
    slowMs: spec.slowMs ?? DEFAULTS.slowMs,
    hugeOutputBytes: spec.hugeOutputBytes ?? DEFAULTS.hugeOutputBytes,
    config: newConfigState(),
  };
  const info: LabDeviceInfo = {
    name,
    platform: platform.name,
    host,
    port,
    username,
    password,
    ...(behaviour.enableSecret !== undefined ? { enableSecret: behaviour.enableSecret } : {}),
    ...(spec.fault ? { fault: spec.fault } : {}),
    hostKeyFingerprint: hostKey.fingerprint,
    hostname: name,
  };
  return new DeviceServer({
    info,
    behaviour,
    auth: {
      username,
      password,
      passwordMethod: !(spec.keyboardInteractive && spec.password === undefined),
      keyboardInteractive: Boolean(spec.keyboardInteractive),
      authorizedKeys: parseAuthorizedKeys(spec.authorizedKeys ?? [], where),
    },
    hostKey: hostKey.privateKey,
    banner: renderBanner(spec.banner ?? platform.banner, name),
    algorithms: spec.algorithms,
    allowForwarding: Boolean(spec.allowForwarding),
  });
}

function renderBanner(text: string, hostname: string): string {
  return text.replace(/\{\{hostname\}\}/g, hostname);
}

function place(spec: LabDeviceSpec, p: Placement, where: string): { host: string; port: number } {
  if (spec.host !== undefined) {
    if (!isLoopback(spec.host))
      throw new VcError(
        "usage",
        `host '${spec.host}' is not a loopback address (the lab listens on 127.0.0.0/8 or ::1 only)`,
        where,
      );
    return { host: spec.host, port: spec.port ?? 0 };
  }
  if (p.oneAddress) {
    const host = p.baseAddress ?? "127.0.0.1";
    if (!isLoopback(host)) throw new VcError("usage", `base address '${host}' is not a loopback address`, where);
    if (spec.port !== undefined) return { host, port: spec.port };
    if (p.port === undefined || p.port === 0) return { host, port: 0 };
    p.nextPort ??= p.port;
    return { host, port: p.nextPort++ };
  }
  return { host: p.allocator.take(), port: spec.port ?? p.port ?? 0 };
}

export function inventoryCsv(devices: LabDeviceInfo[], roleOf: (platform: string) => string): string {
  const rows = devices.map((d) => [d.name, d.host, d.platform, "lab", roleOf(d.platform), "active", String(d.port)]);
  return stringify([["name", "primary_ip4", "platform", "site", "role", "status", "port"], ...rows]);
}
