import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from "n8n-workflow";
import type { Device } from "../../../lib/core/types";
import {
  FILTER_KEYS,
  filterDevices,
  normaliseDevicesReport,
  parseSourceSettings,
  selectFromSource,
  type DeviceSourceConfig,
} from "../../../lib/core/inventory";
import { errorJson, nodeError } from "../shared/errors";
import { VERSION_1_MAIN_IN_OUT } from "../shared/properties";
import { resolveHome } from "../../../lib/core/home";

type Source = "sqlite" | "csv" | "netbox" | "inline" | "input";

/**
 * Devices from the SQLite inventory, a CSV file, NetBox, an inline JSON list or the input items,
 * filtered: lib/core/inventory's parseSourceSettings, selectFromSource and filterDevices do the
 * work. An input item's `filter` field overrides the node's filter field by field, as msg.filter
 * does in the Node-RED pack.
 */
export class VelocityCollectorDeviceSource implements INodeType {
  description: INodeTypeDescription = {
    displayName: "Velocity Collector Device Source",
    name: "velocityCollectorDeviceSource",
    icon: { light: "file:velocitycollector-device-source.svg", dark: "file:velocitycollector-device-source.dark.svg" },
    group: ["input"],
    subtitle: '={{$parameter["source"] + ($parameter["output"] === "all" ? " (one item)" : "")}}',
    description: "Network devices from an inventory database, a CSV file, NetBox or a list, filtered",
    defaults: { name: "Device Source" },
    usableAsTool: true,
    ...VERSION_1_MAIN_IN_OUT,
    credentials: [
      {
        name: "velocityCollectorNetBoxApi",
        required: true,
        displayOptions: { show: { source: ["netbox"] } },
      },
    ],
    properties: [
      {
        displayName: "Source",
        name: "source",
        type: "options",
        noDataExpression: true,
        options: [
          { name: "CSV File", value: "csv", description: "Rows of name,primary_ip4,platform,…" },
          { name: "Inline List", value: "inline", description: "A JSON list of devices typed here" },
          { name: "Input Items", value: "input", description: "Each input item is a device" },
          {
            name: "Inventory Database",
            value: "sqlite",
            description: "The SQLite inventory (dcim.db) of vcollector",
          },
          { name: "NetBox", value: "netbox", description: "Devices of a NetBox instance" },
        ],
        default: "sqlite",
      },
      {
        displayName: "Database File",
        name: "path",
        type: "string",
        default: "",
        placeholder: "/home/node/.vcollector/dcim.db",
        description: "Empty: dcim.db in the data home ($VCOLLECTOR_HOME or ~/.vcollector)",
        displayOptions: { show: { source: ["sqlite"] } },
      },
      {
        displayName: "CSV File",
        name: "csvPath",
        type: "string",
        default: "",
        required: true,
        placeholder: "/data/devices.csv",
        displayOptions: { show: { source: ["csv"] } },
      },
      {
        displayName: "Devices (JSON)",
        name: "inline",
        type: "json",
        default: '[\n  { "name": "r1", "host": "192.0.2.1", "platform": "cisco_ios" }\n]',
        displayOptions: { show: { source: ["inline"] } },
      },
      {
        displayName: "NetBox Platform Map (JSON)",
        name: "platformMap",
        type: "json",
        default: "{}",
        description: "NetBox platform slug → ntc platform name, where they differ",
        displayOptions: { show: { source: ["netbox"] } },
      },
      {
        displayName: "NetBox Timeout (Seconds)",
        name: "netboxTimeout",
        type: "number",
        default: 30,
        typeOptions: { minValue: 1 },
        displayOptions: { show: { source: ["netbox"] } },
      },
      {
        displayName: "Output",
        name: "output",
        type: "options",
        options: [
          { name: "One Item per Device", value: "each" },
          { name: "One Item with All Devices", value: "all", description: "JSON field devices" },
          {
            name: "One Item per Batch",
            value: "batch",
            description: "JSON field devices with up to Batch Size devices (to fan out, e.g. one execution per batch)",
          },
        ],
        default: "each",
      },
      {
        displayName: "Batch Size",
        name: "batchSize",
        type: "number",
        default: 50,
        typeOptions: { minValue: 1 },
        displayOptions: { show: { output: ["batch"] } },
      },
      {
        displayName: "Filters",
        name: "filters",
        type: "collection",
        placeholder: "Add Filter",
        default: {},
        options: [
          { displayName: "Credential Status", name: "credentialStatus", type: "string", default: "" },
          {
            displayName: "Limit",
            name: "limit",
            type: "number",
            default: 50,
            typeOptions: { minValue: 1 },
            description: "Max number of results to return",
          },
          { displayName: "Manufacturer", name: "manufacturer", type: "string", default: "" },
          {
            displayName: "Name (Regex)",
            name: "name",
            type: "string",
            default: "",
            description: "Regular expression the device name must match",
          },
          { displayName: "Platform", name: "platform", type: "string", default: "", placeholder: "cisco_ios" },
          { displayName: "Role", name: "role", type: "string", default: "" },
          { displayName: "Site", name: "site", type: "string", default: "" },
          { displayName: "Status", name: "status", type: "string", default: "", placeholder: "active" },
          { displayName: "Tag", name: "tag", type: "string", default: "" },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const source = this.getNodeParameter("source", 0) as Source;
    const out: INodeExecutionData[] = [];
    const inputs: INodeExecutionData[] = items.length > 0 ? items : [{ json: {}, pairedItem: { item: 0 } }];

    if (source === "input") {
      const filterOf = (i: number) =>
        parseSourceSettings({ source: "msg", filter: filterParameter(this, i) }, resolveHome()).filter;
      const devices: Array<{ device: Device; item: number }> = [];
      for (let i = 0; i < items.length; i++) {
        const { devices: found, errors } = normaliseDevicesReport(items[i].json, `item ${i}`);
        if (errors.length) {
          const err = nodeError(this.getNode(), errors[0], i);
          if (!this.continueOnFail()) throw err;
          out.push({ json: errorJson(err), pairedItem: { item: i } });
          continue;
        }
        for (const d of filterDevices(found, filterOf(i))) devices.push({ device: d, item: i });
      }
      return [shape(this, devices, out)];
    }

    for (let i = 0; i < inputs.length; i++) {
      try {
        const config = sourceConfig(this, source, i, await netboxCredential(this, source));
        const { devices } = await selectFromSource(config, { filter: (inputs[i].json as IDataObject).filter });
        shape(
          this,
          devices.map((device) => ({ device, item: i })),
          out,
        );
      } catch (err) {
        const error = nodeError(this.getNode(), err, i);
        if (!this.continueOnFail()) throw error;
        out.push({ json: errorJson(err), pairedItem: { item: i } });
      }
    }
    return [out];
  }
}

function filterParameter(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
  const raw = ctx.getNodeParameter("filters", i, {}) as Record<string, unknown>;
  const filter: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const v = raw[key];
    if (v !== undefined && v !== "") filter[key] = typeof v === "number" ? String(v) : v;
  }
  return filter;
}

async function netboxCredential(ctx: IExecuteFunctions, source: Source): Promise<{ url: string; token: string }> {
  if (source !== "netbox") return { url: "", token: "" };
  const c = await ctx.getCredentials<{ url?: string; token?: string }>("velocityCollectorNetBoxApi");
  return { url: c.url ?? "", token: c.token ?? "" };
}

function jsonText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? "");
}

function sourceConfig(
  ctx: IExecuteFunctions,
  source: Source,
  i: number,
  netbox: { url: string; token: string },
): DeviceSourceConfig {
  const filter = filterParameter(ctx, i);
  switch (source) {
    case "sqlite":
      return parseSourceSettings(
        { source, path: ctx.getNodeParameter("path", i, "") as string, filter },
        resolveHome(),
      );
    case "csv":
      return parseSourceSettings({ source, path: ctx.getNodeParameter("csvPath", i) as string, filter }, resolveHome());
    case "inline":
      return parseSourceSettings(
        { source, inline: jsonText(ctx.getNodeParameter("inline", i)), filter },
        resolveHome(),
      );
    default: {
      const map = jsonText(ctx.getNodeParameter("platformMap", i, "{}"));
      return parseSourceSettings(
        {
          source: "netbox",
          netboxUrl: netbox.url,
          netboxToken: netbox.token,
          netboxTimeout: ctx.getNodeParameter("netboxTimeout", i, 30) as number,
          platformMap: map.trim() === "{}" ? undefined : map,
          filter,
        },
        resolveHome(),
      );
    }
  }
}

/** Appends the devices as one item each, or in items holding a `devices` list (all, or batches). */
function shape(
  ctx: IExecuteFunctions,
  devices: Array<{ device: Device; item: number }>,
  out: INodeExecutionData[],
): INodeExecutionData[] {
  const output = ctx.getNodeParameter("output", 0, "each") as string;
  if (output === "each") {
    for (const { device, item } of devices) out.push({ json: device as unknown as IDataObject, pairedItem: { item } });
    return out;
  }
  const size = output === "batch" ? Math.max(1, Number(ctx.getNodeParameter("batchSize", 0, 50)) || 50) : Infinity;
  const batches: Array<Array<{ device: Device; item: number }>> = devices.length === 0 ? [[]] : [];
  for (let i = 0; i < devices.length; i += size === Infinity ? devices.length : size)
    batches.push(devices.slice(i, size === Infinity ? devices.length : i + size));
  batches.forEach((batch, index) => {
    const items = [...new Set(batch.map((d) => d.item))];
    out.push({
      json: {
        devices: batch.map((d) => d.device) as unknown as IDataObject[],
        count: batch.length,
        ...(output === "batch" ? { batch: index, batches: batches.length } : {}),
      },
      pairedItem: (items.length ? items : [0]).map((item) => ({ item })),
    });
  });
  return out;
}
