import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { errorMessage } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";
import {
  PARSE_MODES,
  compileInline,
  countStatuses,
  parsePayload,
  resolveTemplateSource,
  type ParseMode,
  type ParseSettings,
  type TemplateSource,
} from "../../lib/core/parse";
import type { TextFsmTemplate } from "../../lib/core/textfsm";
import { asyncInput } from "../common/async-input";
import type { Send } from "../common/serial-input";

interface VcTextfsmDef extends NodeDef {
  /** "index" (default), "template", "inline" or "auto". */
  mode?: string;
  /** Template file name in the template directory (mode "template"). */
  template?: string;
  /** Template text (mode "inline"). */
  inlineTemplate?: string;
  /** Empty: $NET_TEXTFSM, then the vcTextfsmTemplatesDir setting, then the bundled ntc-templates. */
  templatesDir?: string;
  budgetMs?: string | number;
  /** Mode "auto": platform hint (blank: the device's platform). */
  autoPlatform?: string;
  /** Mode "auto": capture type hint, e.g. arp, mac, routes, version (blank: none). */
  autoCaptureType?: string;
  /** Mode "auto": minimum score 0..1 for a detected template to be used (blank: it must fit). */
  minScore?: string | number;
}

/**
 * vc-textfsm: parses the command outputs of a message with the parse stage (lib/core/parse)
 * and adds `parsed` (one ParsedResult per command) to msg.payload. The node only reads its
 * settings, calls the core and shows the counts.
 */
export = function register(RED: NodeAPI): void {
  function VcTextfsmNode(this: Node, config: VcTextfsmDef): void {
    RED.nodes.createNode(this, config);
    const mode: ParseMode = PARSE_MODES.includes(config.mode as ParseMode) ? (config.mode as ParseMode) : "index";
    const settingsDir = (RED.settings as unknown as Record<string, unknown>).vcTextfsmTemplatesDir;
    const budget = Number(config.budgetMs);
    const minScore = Number(config.minScore);
    let inline: TextFsmTemplate | undefined;
    let setupError: string | undefined;
    let source: TemplateSource | undefined;
    try {
      source = resolveTemplateSource({
        explicit: config.templatesDir,
        setting: typeof settingsDir === "string" ? settingsDir : undefined,
        // The user's template library (data home) overrides the bundled templates by name.
        libraryFile: resolveHome().templatesDb,
      });
    } catch (err) {
      if (mode !== "inline") setupError = errorMessage(err);
    }
    if (mode === "inline") {
      try {
        inline = compileInline(
          config.inlineTemplate ?? "",
          config.name ? `${config.name} (inline)` : "inline template",
        );
      } catch (err) {
        setupError = errorMessage(err);
      }
    }
    const settings: ParseSettings = {
      mode,
      source,
      template: config.template?.trim() || undefined,
      inline,
      inlineError: setupError,
      budgetMs: Number.isFinite(budget) && budget > 0 ? budget : undefined,
      hints: {
        platform: config.autoPlatform?.trim() || undefined,
        captureType: config.autoCaptureType?.trim() || undefined,
      },
      minScore: config.minScore !== "" && Number.isFinite(minScore) && minScore > 0 ? minScore : undefined,
    };
    if (setupError) {
      this.status({ fill: "red", shape: "ring", text: mode === "inline" ? "bad inline template" : "no templates" });
      this.error(setupError);
    } else {
      this.status({});
    }

    const handle = async (msg: NodeMessageInFlow, send: Send): Promise<void> => {
      const m = msg as NodeMessageInFlow & { platform?: unknown; command?: unknown; device?: unknown };
      const { payload, parsed } = parsePayload(
        msg.payload,
        {
          platform: typeof m.platform === "string" ? m.platform : undefined,
          command: typeof m.command === "string" ? m.command : undefined,
          device: typeof m.device === "string" ? m.device : undefined,
        },
        settings,
      );
      const c = countStatuses(parsed);
      const records = parsed.reduce((n, p) => n + p.recordCount, 0);
      const fill = c.errors > 0 ? "red" : c.zero + c.noTemplate > 0 ? "yellow" : "green";
      const extra = [
        c.zero && `${c.zero} empty`,
        c.noTemplate && `${c.noTemplate} no template`,
        c.errors && `${c.errors} errors`,
      ]
        .filter(Boolean)
        .join(", ");
      this.status({
        fill,
        shape: "dot",
        text: `${c.ok}/${parsed.length} ok, ${records} records${extra ? `; ${extra}` : ""}`,
      });
      msg.payload = payload;
      send(msg);
    };

    asyncInput(this, handle, () => ({ fill: "red", shape: "dot", text: "bad input" }));
  }

  RED.nodes.registerType("vc-textfsm", VcTextfsmNode, {
    settings: { vcTextfsmTemplatesDir: { value: "", exportable: false } },
  });
};
