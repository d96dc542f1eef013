import * as path from "node:path";
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from "n8n-workflow";
import { VcError } from "../../../lib/core/errors";
import {
  EXPORT_FORMATS,
  EXPORT_MODES,
  exportParsed,
  type ExportFormat,
  type ExportMode,
} from "../../../lib/core/export";
import { resolveHome } from "../../../lib/core/home";
import { errorJson, nodeError } from "../shared/errors";
import { VERSION_1_MAIN_IN_OUT } from "../shared/properties";
import type { ErrorClass } from "../../../lib/core/error-classes";

/**
 * Exports the parsed records of all input items (the TextFSM node's output) as JSON, NDJSON or
 * CSV (lib/core/export's exportParsed: CSV formula guard, atomic file writes), as binary data on
 * the output items or as files. Each output item is paired with the input items it holds.
 */
export class VelocityCollectorExport implements INodeType {
  description: INodeTypeDescription = {
    displayName: "Velocity Collector Export",
    name: "velocityCollectorExport",
    icon: { light: "file:velocitycollector-export.svg", dark: "file:velocitycollector-export.dark.svg" },
    group: ["output"],
    subtitle: '={{$parameter["format"].toUpperCase() + " → " + $parameter["destination"]}}',
    description: "Export parsed records as JSON, NDJSON or CSV, as binary data or files",
    defaults: { name: "Export" },
    usableAsTool: true,
    ...VERSION_1_MAIN_IN_OUT,
    properties: [
      {
        displayName: "Format",
        name: "format",
        type: "options",
        options: [
          { name: "JSON", value: "json" },
          { name: "NDJSON", value: "ndjson", description: "One JSON record per line" },
          { name: "CSV", value: "csv" },
        ],
        default: "json",
      },
      {
        displayName: "Group By",
        name: "mode",
        type: "options",
        options: [
          { name: "Nothing (One Output)", value: "combined" },
          { name: "Device", value: "device" },
          { name: "Command", value: "command" },
          { name: "Device and Command", value: "device-command" },
        ],
        default: "combined",
      },
      {
        displayName: "Destination",
        name: "destination",
        type: "options",
        options: [
          {
            name: "Binary Data",
            value: "binary",
            description: "One output item per export, with the file as binary data",
          },
          { name: "Files", value: "file", description: "Written to a folder on the n8n host" },
        ],
        default: "binary",
      },
      {
        displayName: "Put Output File in Field",
        name: "binaryPropertyName",
        type: "string",
        default: "data",
        required: true,
        displayOptions: { show: { destination: ["binary"] } },
      },
      {
        displayName: "Folder",
        name: "outputDir",
        type: "string",
        default: "",
        description: "Empty: exports/ in the data home ($VCOLLECTOR_HOME or ~/.vcollector)",
        displayOptions: { show: { destination: ["file"] } },
      },
      {
        displayName: "Options",
        name: "options",
        type: "collection",
        placeholder: "Add Option",
        default: {},
        options: [
          {
            displayName: "Context Columns",
            name: "contextColumns",
            type: "boolean",
            default: true,
            description: "Whether CSV rows start with device and command columns",
          },
          {
            displayName: "Formula Guard",
            name: "formulaGuard",
            type: "boolean",
            default: true,
            description: "Whether CSV cells a spreadsheet would run as a formula are neutralised",
          },
          { displayName: "Header Row", name: "header", type: "boolean", default: true },
          { displayName: "List Separator", name: "listSeparator", type: "string", default: ";" },
          {
            displayName: "Path Pattern",
            name: "pathPattern",
            type: "string",
            default: "",
            description: "File name pattern; empty: the default of the grouping (see docs/export-search.md)",
          },
          { displayName: "Pretty JSON", name: "pretty", type: "boolean", default: true },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const paired = items.map((_, item) => ({ item }));
    try {
      return [await exportItems(this, items, paired)];
    } catch (err) {
      const error = nodeError(this.getNode(), err);
      if (!this.continueOnFail()) throw error;
      return [[{ json: errorJson(err), pairedItem: paired }]];
    }
  }
}

async function exportItems(
  ctx: IExecuteFunctions,
  items: INodeExecutionData[],
  paired: Array<{ item: number }>,
): Promise<INodeExecutionData[]> {
  const format = ctx.getNodeParameter("format", 0) as ExportFormat;
  const mode = ctx.getNodeParameter("mode", 0) as ExportMode;
  if (!EXPORT_FORMATS.includes(format))
    throw exportError("invalid_config", `unknown format '${format}'`, "Export format");
  if (!EXPORT_MODES.includes(mode))
    throw exportError("invalid_config", `unknown grouping '${mode}'`, "Export group by");
  const destination = ctx.getNodeParameter("destination", 0) as "binary" | "file";
  const o = ctx.getNodeParameter("options", 0, {}) as Record<string, unknown>;
  const pretty = o.pretty !== false;
  const dirParam = destination === "file" ? String(ctx.getNodeParameter("outputDir", 0, "")).trim() : "";
  const result = await exportParsed(
    items.map((it) => it.json),
    {
      format,
      mode,
      destination: destination === "file" ? "file" : "payload",
      dir: dirParam ? path.resolve(dirParam) : path.join(resolveHome().root, "exports"),
      pathPattern: typeof o.pathPattern === "string" && o.pathPattern.trim() ? o.pathPattern : undefined,
      listSeparator: typeof o.listSeparator === "string" && o.listSeparator !== "" ? o.listSeparator : undefined,
      formulaGuard: o.formulaGuard !== false,
      header: o.header !== false,
      contextColumns: o.contextColumns !== false,
      pretty,
    },
  );
  const problems = result.problems.length ? (result.problems as unknown as IDataObject[]) : undefined;
  if (destination === "file") {
    if (result.files.length === 0 && result.failures.length > 0)
      throw exportError("export_failed", `no file written: ${result.failures[0].message}`, result.failures[0].path);
    const out: INodeExecutionData[] = result.files.map((f) => ({
      json: { ...f, ...(problems ? { problems } : {}) } as unknown as IDataObject,
      pairedItem: paired,
    }));
    for (const f of result.failures)
      out.push({ json: { path: f.path, error: f.message, errorClass: "export_failed" }, pairedItem: paired });
    return out;
  }
  const field = ctx.getNodeParameter("binaryPropertyName", 0, "data") as string;
  const out: INodeExecutionData[] = [];
  for (const r of result.outputs) {
    const text =
      typeof r.content === "string" ? r.content : JSON.stringify(r.content, null, pretty ? 2 : undefined) + "\n";
    const binary = await ctx.helpers.prepareBinaryData(Buffer.from(text, "utf8"), r.fileName, r.contentType);
    out.push({
      json: {
        fileName: r.fileName,
        contentType: r.contentType,
        device: r.device,
        command: r.command,
        captureType: r.captureType,
        recordCount: r.recordCount,
        resultCount: r.resultCount,
        ...(problems ? { problems } : {}),
      } as IDataObject,
      binary: { [field]: binary },
      pairedItem: paired,
    });
  }
  return out;
}

/** The core's error type for this node's own checks; execute() turns it into a NodeOperationError. */
function exportError(errorClass: ErrorClass, message: string, where: string): VcError {
  return new VcError(errorClass, message, where);
}
