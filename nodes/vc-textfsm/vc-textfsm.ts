import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { errorMessage } from "../../lib/core/errors";
import { type TextFsmTemplate, resolveTemplatesDir } from "../../lib/core/textfsm";
import { type ParseMode, compileInline, countStatuses, parsePayload } from "../../lib/core/textfsm/results";
// Registers mode "auto" (template library auto-detect) with the engine.
import { resolveHome } from "../../lib/core/home";
import { type AutoModeSettings } from "../../lib/core/templates/auto-parse";
import "../../lib/core/templates/auto-parse";

interface VcTextfsmDef extends NodeDef {
  /** "index" (default), "template", "inline"; "auto" once the template library provides it. */
  mode?: string;
  /** Template file name in the template directory (mode "template"). */
  template?: string;
  /** Template text (mode "inline"). */
  inlineTemplate?: string;
  /** Empty: $NET_TEXTFSM, then the vcTextfsmTemplatesDir setting. */
  templatesDir?: string;
  budgetMs?: string | number;
  /** Mode "auto": platform hint (blank: the device's platform). */
  autoPlatform?: string;
  /** Mode "auto": capture type hint, e.g. arp, mac, routes, version (blank: none). */
  autoCaptureType?: string;
  /** Mode "auto": minimum score 0..1 for a detected template to be used (blank: it must fit). */
  minScore?: string | number;
}

const MODES: readonly ParseMode[] = ["index", "template", "inline", "auto"];

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

/**
 * vc-textfsm: parses the command outputs of a message with TextFSM (lib/core/textfsm/results)
 * and adds `parsed` (one ParsedResult per command) to msg.payload. The node only reads its
 * settings, calls the core and shows the counts.
 */
export = function register(RED: NodeAPI): void {
  function VcTextfsmNode(this: Node, config: VcTextfsmDef): void {
    RED.nodes.createNode(this, config);
    const mode: ParseMode = MODES.includes(config.mode as ParseMode) ? (config.mode as ParseMode) : "index";
    // Mode "auto" is implemented by the template library, which registers it when loaded.
    if (mode === "auto") require("../../lib/core/templates/auto-parse");
    const settingsDir = (RED.settings as unknown as Record<string, unknown>).vcTextfsmTemplatesDir;
    const templatesDir =
      resolveTemplatesDir(config.templatesDir) ??
      resolveTemplatesDir(typeof settingsDir === "string" ? settingsDir : undefined);
    const budget = Number(config.budgetMs);
    const minScore = Number(config.minScore);
    let inline: TextFsmTemplate | undefined;
    let setupError: string | undefined;
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
    const settings: AutoModeSettings = {
      mode,
      templatesDir,
      template: config.template?.trim() || undefined,
      inline,
      inlineError: setupError,
      budgetMs: Number.isFinite(budget) && budget > 0 ? budget : undefined,
      autoHints: {
        platform: config.autoPlatform?.trim() || undefined,
        captureType: config.autoCaptureType?.trim() || undefined,
      },
      minScore: config.minScore !== "" && Number.isFinite(minScore) && minScore > 0 ? minScore : undefined,
      // The data home (its template library) is resolved here, never by the core.
      homeDir: resolveHome().root,
    };
    if (setupError) {
      this.status({ fill: "red", shape: "ring", text: "bad inline template" });
      this.error(setupError);
    } else if (mode !== "inline" && mode !== "auto" && !templatesDir) {
      this.status({ fill: "red", shape: "ring", text: "no template directory" });
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

    this.on("input", (msg, send, done) => {
      handle(msg, send).then(
        () => done(),
        (err: unknown) => {
          this.status({ fill: "red", shape: "dot", text: "bad input" });
          done(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  RED.nodes.registerType("vc-textfsm", VcTextfsmNode, {
    settings: { vcTextfsmTemplatesDir: { value: "", exportable: false } },
  });
};
