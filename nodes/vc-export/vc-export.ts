import * as path from "node:path";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { resolveHome } from "../../lib/core/home";
import {
  EXPORT_FORMATS,
  EXPORT_MODES,
  exportParsed,
  writeFileAtomic,
  type ExportFormat,
  type ExportMode,
  type ExportRunResult,
} from "../../lib/core/export";
import { resolveTemplateSource, smartExport } from "../../lib/core/parse";
import { asyncInput } from "../common/async-input";

interface VcExportDef extends NodeDef {
  format?: string;
  mode?: string;
  /** "file" or "payload". */
  destination?: string;
  /** Empty means <home>/exports. */
  outputDir?: string;
  /** Empty means the default pattern of the mode. */
  pathPattern?: string;
  listSeparator?: string;
  formulaGuard?: boolean;
  header?: boolean;
  contextColumns?: boolean;
  pretty?: boolean;
  /** Data home; empty means $VCOLLECTOR_HOME or ~/.vcollector. */
  home?: string;
  /** Smart Export: a text payload is raw output; auto-detect its template and export it. */
  smart?: boolean;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Exports parsed records (msg.payload as vc-textfsm emits it) as JSON, NDJSON or CSV, to files
 * or to msg.payload. All the work is lib/core/export's exportParsed; this maps it to messages.
 */
export = function register(RED: NodeAPI): void {
  function VcExportNode(this: Node, config: VcExportDef): void {
    RED.nodes.createNode(this, config);
    const format: ExportFormat = oneOf(config.format, EXPORT_FORMATS, "json");
    const mode: ExportMode = oneOf(config.mode, EXPORT_MODES, "combined");
    const destination = config.destination === "payload" ? "payload" : "file";
    const dir =
      config.outputDir && config.outputDir.trim() !== ""
        ? path.resolve(config.outputDir.trim())
        : path.join(resolveHome(config.home || undefined).root, "exports");
    this.status({});

    const report = (result: ExportRunResult): void => {
      const problems = result.problems.length + result.failures.length;
      const where = destination === "file" ? ` → ${plural(result.files.length, "file")}` : "";
      this.status({
        fill: problems > 0 ? "yellow" : "green",
        shape: "dot",
        text: `${plural(result.recordCount, "record")}${where}${problems > 0 ? `, ${problems} skipped` : ""}`,
      });
      for (const p of result.problems.slice(0, 5)) this.warn(`${p.where}: ${p.message} (skipped)`);
      if (result.problems.length > 5) this.warn(`${result.problems.length - 5} more input items skipped`);
      for (const f of result.failures) this.warn(f.message);
    };

    /** Smart Export of a raw output (msg.payload text; hints msg.platform, msg.command, msg.captureType). */
    const handleSmart = async (
      msg: NodeMessageInFlow & Record<string, unknown>,
      send: (m: NodeMessage) => void,
    ): Promise<void> => {
      const text = (k: string) =>
        typeof msg[k] === "string" && (msg[k] as string).trim() !== "" ? (msg[k] as string) : undefined;
      const result = smartExport(
        msg.payload as string,
        { platform: text("platform"), command: text("command"), captureType: text("captureType") },
        {
          format: format === "csv" ? "csv" : "json",
          source: text("filename") ?? text("device"),
          listSeparator: config.listSeparator || undefined,
          pretty: config.pretty !== false,
          // The bundled ntc-templates, overridden by the data home's template library (or NET_TEXTFSM).
          templates: resolveTemplateSource({ libraryFile: resolveHome(config.home || undefined).templatesDb }),
        },
      );
      const common = {
        recordCount: result.document.record_count,
        template: result.document.template,
        score: result.document.score,
      };
      this.status({
        fill: "green",
        shape: "dot",
        text: `${plural(result.document.record_count, "record")} (${result.document.template})`,
      });
      if (destination === "file") {
        const file = path.join(dir, result.fileName);
        await writeFileAtomic(file, [result.content]);
        send(Object.assign(msg, common, { files: [{ path: file, recordCount: result.document.record_count }] }));
        return;
      }
      send(
        Object.assign(msg, common, {
          payload: format === "csv" ? result.content : result.document,
          filename: result.fileName,
          contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json",
        }),
      );
    };

    const handle = async (
      msg: NodeMessageInFlow,
      send: (m: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void,
    ): Promise<void> => {
      this.status({ fill: "blue", shape: "dot", text: "exporting" });
      if (config.smart && typeof msg.payload === "string")
        return handleSmart(msg as NodeMessageInFlow & Record<string, unknown>, send);
      const result = await exportParsed(msg.payload, {
        format,
        mode,
        destination,
        dir,
        pathPattern: config.pathPattern,
        listSeparator: config.listSeparator || undefined,
        formulaGuard: config.formulaGuard !== false,
        header: config.header !== false,
        contextColumns: config.contextColumns !== false,
        pretty: config.pretty !== false,
      });
      if (destination === "file" && result.files.length === 0 && result.failures.length > 0) {
        throw new Error(`no file written: ${result.failures[0].message}`);
      }
      report(result);
      const common = {
        recordCount: result.recordCount,
        exportProblems: result.problems.length > 0 ? result.problems : undefined,
      };
      if (destination === "file") {
        send(
          Object.assign(msg, common, {
            files: result.files,
            exportFailures: result.failures.length > 0 ? result.failures : undefined,
          }),
        );
        return;
      }
      const partsId = RED.util.generateId();
      const messages = result.outputs.map((out, index) => {
        const m: NodeMessage = Object.assign({}, msg, common, {
          payload: out.content,
          filename: out.fileName,
          contentType: out.contentType,
          device: out.device,
          command: out.command,
          recordCount: out.recordCount,
        });
        // Several outputs (per device/command) form a sequence a join node can reassemble.
        if (result.outputs.length > 1)
          m.parts = { id: partsId, index, count: result.outputs.length, type: "array", len: 1 };
        return m;
      });
      send([messages]);
    };

    asyncInput(this, handle);
  }
  RED.nodes.registerType("vc-export", VcExportNode);
};
