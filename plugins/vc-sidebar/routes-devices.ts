import { VcError } from "../../lib/core/errors";
import {
  DEVICE_STATUSES,
  NetBoxClient,
  normaliseFilter,
  syncFromNetBox,
  type DeviceFilter,
  type DeviceInput,
} from "../../lib/core/inventory";
import { DEVICE_SORT_KEYS, pageDevices, type DeviceSortKey } from "../../lib/core/inventory/device-page";
import {
  addTaxonomy,
  listTaxonomy,
  removeTaxonomy,
  updateTaxonomy,
  type TaxonomyInput,
  type TaxonomyKind,
} from "../../lib/core/inventory/taxonomy";
import type { SidebarContext } from "./context";
import { bool, int, queryBool, queryInt, type Routes } from "./http";
import type { RunManager } from "./runs";

/** Devices view: list (paged, sorted, filtered), CRUD, sites/roles/platforms, CSV import, NetBox sync, collect now. */

const text = (max = 200) => ({ type: "string", maxLength: max }) as const;
/** The device filter as request properties (JSON Schema), shared by the devices and credentials views. */
export const FILTER_PROPS = {
  site: text(),
  role: text(),
  platform: text(),
  manufacturer: text(),
  status: text(),
  name: text(500),
  tag: text(),
  credentialStatus: { type: "string", enum: ["", "ok", "failed", "untested"] },
} as const;

const DEVICE_PROPS = {
  name: text(),
  host: text(),
  port: { type: "integer", minimum: 1, maximum: 65535 },
  platform: text(),
  site: text(),
  role: text(),
  status: { type: "string", enum: [...DEVICE_STATUSES] },
  tags: { type: "array", maxItems: 50, items: text(100) },
  credentialName: text(),
  description: text(1000),
  createMissing: { type: "boolean" },
} as const;

const TAXONOMY_PROPS = {
  kind: { type: "string", enum: ["site", "role", "platform"] },
  name: text(100),
  slug: text(100),
  color: text(7),
  manufacturer: text(100),
  netmikoDeviceType: text(64),
} as const;

export const MAX_CSV_CHARS = 2_000_000;

export function filterOf(q: Record<string, unknown>): DeviceFilter {
  const raw: Record<string, unknown> = {};
  for (const k of Object.keys(FILTER_PROPS)) if (typeof q[k] === "string" && q[k] !== "") raw[k] = q[k];
  return normaliseFilter(raw, "filter");
}

export function registerDeviceRoutes(routes: Routes, ctx: SidebarContext, runs: RunManager): void {
  routes.add<Record<string, string>>(
    "get",
    "/devices",
    {
      type: "object",
      properties: {
        ...FILTER_PROPS,
        sort: { type: "string", enum: [...DEVICE_SORT_KEYS] },
        desc: queryBool,
        offset: queryInt,
        limit: queryInt,
      },
      additionalProperties: false,
    },
    (q) => {
      if (!ctx.inventoryExists())
        return { body: { exists: false, total: 0, offset: 0, limit: 0, devices: [], coverage: emptyCoverage() } };
      const filter = filterOf(q);
      return ctx.withInventory(false, (inv) => ({
        body: {
          exists: true,
          ...pageDevices(inv.listDevices(filter), {
            sort: q.sort as DeviceSortKey | undefined,
            descending: bool(q.desc),
            offset: int(q.offset),
            limit: int(q.limit),
          }),
        },
      }));
    },
  );

  routes.add<{ name: string }>(
    "get",
    "/devices/:name",
    { type: "object", properties: { name: text() }, required: ["name"], additionalProperties: false },
    ({ name }) =>
      ctx.withInventory(false, (inv) => {
        const device = inv.getDevice(name);
        if (!device) throw new VcError("device_not_found", "no such device", name);
        return { body: { device } };
      }),
  );

  routes.add<DeviceInput & { createMissing?: boolean }>(
    "post",
    "/devices",
    { type: "object", properties: DEVICE_PROPS, required: ["name", "host", "platform"], additionalProperties: false },
    ({ createMissing, ...input }) =>
      ctx.withInventory(true, (inv) => ({
        status: 201,
        body: { device: inv.addDevice(cleanInput(input), { createMissing: Boolean(createMissing) }) },
      })),
  );

  routes.add<Partial<DeviceInput> & { key: string; createMissing?: boolean }>(
    "put",
    "/devices/:key",
    { type: "object", properties: { ...DEVICE_PROPS, key: text() }, required: ["key"], additionalProperties: false },
    ({ key, createMissing, ...patch }) =>
      ctx.withInventory(true, (inv) => ({
        body: { device: inv.updateDevice(key, cleanInput(patch), { createMissing: Boolean(createMissing) }) },
      })),
  );

  routes.add<{ key: string }>(
    "delete",
    "/devices/:key",
    { type: "object", properties: { key: text() }, required: ["key"], additionalProperties: false },
    ({ key }) =>
      ctx.withInventory(true, (inv) => {
        inv.removeDevice(key);
        return { body: { removed: key } };
      }),
  );

  routes.add<Record<string, never>>("get", "/taxonomy", { type: "object", additionalProperties: false }, () => {
    if (!ctx.inventoryExists())
      return { body: { sites: [], roles: [], platforms: [], manufacturers: [], statuses: DEVICE_STATUSES } };
    return ctx.withInventory(false, (inv) => ({
      body: {
        sites: listTaxonomy(inv, "site"),
        roles: listTaxonomy(inv, "role"),
        platforms: listTaxonomy(inv, "platform"),
        manufacturers: [
          ...new Set(
            inv
              .listDevices()
              .map((d) => d.manufacturer)
              .filter(Boolean),
          ),
        ].sort(),
        statuses: DEVICE_STATUSES,
      },
    }));
  });

  routes.add<TaxonomyInput & { kind: TaxonomyKind }>(
    "post",
    "/taxonomy/:kind",
    { type: "object", properties: TAXONOMY_PROPS, required: ["kind", "name"], additionalProperties: false },
    ({ kind, ...input }) =>
      ctx.withInventory(true, (inv) => ({ status: 201, body: { item: addTaxonomy(inv, kind, input) } })),
  );

  routes.add<Partial<TaxonomyInput> & { kind: TaxonomyKind; key: string }>(
    "put",
    "/taxonomy/:kind/:key",
    {
      type: "object",
      properties: { ...TAXONOMY_PROPS, key: text(100) },
      required: ["kind", "key"],
      additionalProperties: false,
    },
    ({ kind, key, ...patch }) =>
      ctx.withInventory(true, (inv) => ({ body: { item: updateTaxonomy(inv, kind, key, patch) } })),
  );

  routes.add<{ kind: TaxonomyKind; key: string }>(
    "delete",
    "/taxonomy/:kind/:key",
    {
      type: "object",
      properties: { kind: TAXONOMY_PROPS.kind, key: text(100) },
      required: ["kind", "key"],
      additionalProperties: false,
    },
    ({ kind, key }) =>
      ctx.withInventory(true, (inv) => {
        removeTaxonomy(inv, kind, key);
        return { body: { removed: key } };
      }),
  );

  routes.add<{ csv: string; skipBad?: boolean; createMissing?: boolean; fileName?: string }>(
    "post",
    "/devices/import-csv",
    {
      type: "object",
      properties: {
        csv: { type: "string", maxLength: MAX_CSV_CHARS },
        fileName: text(200),
        skipBad: { type: "boolean" },
        createMissing: { type: "boolean" },
      },
      required: ["csv"],
      additionalProperties: false,
    },
    (b) =>
      ctx.withInventory(true, (inv) => {
        const report = inv.importCsv(b.csv, {
          source: (b.fileName || "import.csv").replace(/[\\/]/g, "_"),
          skipBad: Boolean(b.skipBad),
          createMissing: Boolean(b.createMissing),
        });
        const failed = report.errors.length > 0 && !b.skipBad;
        return { status: failed ? 422 : 200, body: { ...report, ...(failed ? { errorClass: "invalid_input" } : {}) } };
      }),
  );

  routes.add<{ site?: string; role?: string; platform?: string; status?: string; tag?: string; dryRun?: boolean }>(
    "post",
    "/netbox/sync",
    {
      type: "object",
      properties: {
        site: text(),
        role: text(),
        platform: text(),
        status: text(),
        tag: text(),
        dryRun: { type: "boolean" },
      },
      additionalProperties: false,
    },
    async ({ dryRun, ...filter }) => {
      const url = ctx.settings.netboxUrl ?? process.env.NETBOX_URL;
      const token = process.env.NETBOX_TOKEN;
      if (!url)
        throw new VcError(
          "invalid_config",
          "no NetBox URL: set velocitycollector.netboxUrl in settings.js or $NETBOX_URL",
          "netbox.url",
        );
      if (!token)
        throw new VcError("invalid_config", "no NetBox token: set $NETBOX_TOKEN for Node-RED", "netbox.token");
      const client = new NetBoxClient({ url, token });
      const clean = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== ""));
      const devices = await client.listDevices(clean);
      if (dryRun) return { body: { dryRun: true, devices: devices.length, names: devices.map((d) => d.name) } };
      const report = ctx.withInventory(true, (inv) => syncFromNetBox(inv, devices));
      return { body: { devices: devices.length, ...report, skipped: client.skipped } };
    },
  );

  routes.add<{ devices: string[]; commands: string[]; captureType: string; credential?: string }>(
    "post",
    "/collect",
    {
      type: "object",
      properties: {
        devices: { type: "array", minItems: 1, maxItems: 5000, items: text() },
        commands: { type: "array", minItems: 1, maxItems: 50, items: text(1000) },
        captureType: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,64}$" },
        credential: text(),
      },
      required: ["devices", "commands", "captureType"],
      additionalProperties: false,
    },
    (b) => {
      const devices = ctx.withInventory(false, (inv) =>
        b.devices.map((name) => {
          const d = inv.getDevice(name);
          if (!d) throw new VcError("device_not_found", "no such device", name);
          return d;
        }),
      );
      const id = runs.startCollect({
        devices,
        commands: b.commands,
        captureType: b.captureType,
        credential: b.credential || undefined,
      });
      return { status: 202, body: { id, total: devices.length } };
    },
  );
}

function cleanInput<T extends Partial<DeviceInput>>(input: T): T {
  const out = { ...input };
  for (const k of ["site", "role", "credentialName", "description"] as const)
    if (out[k] === "") (out as Record<string, unknown>)[k] = undefined;
  return out;
}

function emptyCoverage() {
  return { total: 0, ok: 0, failed: 0, untested: 0, percent: 0 };
}
