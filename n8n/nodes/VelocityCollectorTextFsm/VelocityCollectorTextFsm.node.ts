import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from "n8n-workflow";
import type { TextFsmTemplate } from "../../../lib/core/textfsm";
import { homePaths } from "../../../lib/core/home";
import {
  compileInline,
  parsePayload,
  resolveTemplateSource,
  type ParseMode,
  type ParseSettings,
} from "../../../lib/core/parse";
import { errorJson, nodeError } from "../shared/errors";
import { dataHomeProperty, templatesFolderProperty, VERSION_1_MAIN_IN_OUT } from "../shared/properties";

/** The modes that read templates from files (not the inline one). */
const FROM_FILES = { displayOptions: { show: { mode: ["index", "template", "auto"] } } };

/**
 * Parses the command outputs of each item with the pack's one parse stage (lib/core/parse's parsePayload)
 * and adds `parsed` (one result per command: status, template, records, score in auto mode).
 * Accepts the Collect node's device results and plain { output, command, platform } items.
 */
export class VelocityCollectorTextFsm implements INodeType {
  description: INodeTypeDescription = {
    displayName: "Velocity Collector TextFSM",
    name: "velocityCollectorTextFsm",
    icon: { light: "file:velocitycollector-textfsm.svg", dark: "file:velocitycollector-textfsm.dark.svg" },
    group: ["transform"],
    subtitle: '={{"mode: " + $parameter["mode"]}}',
    description: "Parse network command output into records with TextFSM (ntc-templates)",
    defaults: { name: "TextFSM" },
    usableAsTool: true,
    ...VERSION_1_MAIN_IN_OUT,
    properties: [
      {
        displayName: "Mode",
        name: "mode",
        type: "options",
        noDataExpression: true,
        options: [
          {
            name: "Index",
            value: "index",
            description: "Choose the template by platform and command from the templates' index file",
          },
          { name: "Named Template", value: "template", description: "One template file for every output" },
          { name: "Inline Template", value: "inline", description: "A template typed here" },
          {
            name: "Auto-Detect",
            value: "auto",
            description: "Score the candidate templates on the output and use the best",
          },
        ],
        default: "index",
      },
      templatesFolderProperty(FROM_FILES),
      {
        displayName: "Template File",
        name: "template",
        type: "string",
        default: "",
        required: true,
        placeholder: "cisco_ios_show_version.textfsm",
        displayOptions: { show: { mode: ["template"] } },
      },
      {
        displayName: "Template",
        name: "inlineTemplate",
        type: "string",
        typeOptions: { rows: 8 },
        default: "Value VERSION (\\S+)\n\nStart\n  ^.*Version ${VERSION} -> Record\n",
        displayOptions: { show: { mode: ["inline"] } },
      },
      {
        displayName: "Platform Hint",
        name: "autoPlatform",
        type: "string",
        default: "",
        description: "Empty: the device's platform",
        displayOptions: { show: { mode: ["auto"] } },
      },
      {
        displayName: "Capture Type Hint",
        name: "autoCaptureType",
        type: "string",
        default: "",
        placeholder: "arp",
        displayOptions: { show: { mode: ["auto"] } },
      },
      {
        displayName: "Minimum Score",
        name: "minScore",
        type: "number",
        default: 0,
        typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
        description: "A detected template scoring lower is not used (0: it only has to fit)",
        displayOptions: { show: { mode: ["auto"] } },
      },
      dataHomeProperty(
        "Data home whose template library (templates.db) overrides the bundled templates by name. Empty: none.",
        FROM_FILES,
      ),
      {
        displayName: "Time Budget (Ms)",
        name: "budgetMs",
        type: "number",
        default: 0,
        typeOptions: { minValue: 0 },
        description: "Longest one output may take to parse (0: the engine's default)",
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const out: INodeExecutionData[] = [];
    const inlineCache = new Map<string, TextFsmTemplate>();
    for (let i = 0; i < items.length; i++) {
      try {
        const settings = parseSettings(this, i, inlineCache);
        const json = items[i].json;
        const hint = (k: string) => (typeof json[k] === "string" ? (json[k] as string) : undefined);
        const { payload } = parsePayload(
          json,
          { platform: hint("platform"), command: hint("command"), device: hint("device") },
          settings,
        );
        out.push({ json: payload as IDataObject, pairedItem: { item: i } });
      } catch (err) {
        const error = nodeError(this.getNode(), err, i);
        if (!this.continueOnFail()) throw error;
        out.push({ json: { ...items[i].json, ...errorJson(err) }, pairedItem: { item: i } });
      }
    }
    return [out];
  }
}

function parseSettings(ctx: IExecuteFunctions, i: number, inlineCache: Map<string, TextFsmTemplate>): ParseSettings {
  const mode = ctx.getNodeParameter("mode", i) as ParseMode;
  const budget = Number(ctx.getNodeParameter("budgetMs", i, 0));
  const home = mode === "inline" ? "" : String(ctx.getNodeParameter("home", i, "")).trim();
  const settings: ParseSettings = {
    mode,
    source:
      mode === "inline"
        ? undefined
        : resolveTemplateSource({
            explicit: ctx.getNodeParameter("templatesDir", i, "") as string,
            ...(home ? { libraryFile: homePaths(home).templatesDb } : {}),
          }),
    budgetMs: Number.isFinite(budget) && budget > 0 ? budget : undefined,
  };
  if (mode === "template") settings.template = String(ctx.getNodeParameter("template", i)).trim() || undefined;
  if (mode === "inline") {
    const text = String(ctx.getNodeParameter("inlineTemplate", i) ?? "");
    let compiled = inlineCache.get(text);
    if (!compiled) {
      compiled = compileInline(text, `${ctx.getNode().name} (inline)`);
      inlineCache.set(text, compiled);
    }
    settings.inline = compiled;
  }
  if (mode === "auto") {
    const minScore = Number(ctx.getNodeParameter("minScore", i, 0));
    settings.hints = {
      platform: String(ctx.getNodeParameter("autoPlatform", i, "")).trim() || undefined,
      captureType: String(ctx.getNodeParameter("autoCaptureType", i, "")).trim() || undefined,
    };
    settings.minScore = Number.isFinite(minScore) && minScore > 0 ? minScore : undefined;
  }
  return settings;
}
