import * as path from "node:path";
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { errorMessage } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";
import { parseAge } from "../../lib/core/captures/browse";
import { searchCaptures } from "../../lib/core/search";
import { asyncInput } from "../common/async-input";
import type { Send } from "../common/serial-input";

interface VcSearchDef extends NodeDef {
  /** Empty: msg.pattern, else msg.payload when it is a string. */
  pattern?: string;
  regex?: boolean;
  caseSensitive?: boolean;
  /** Comma-separated capture types; empty: all. */
  captureTypes?: string;
  /** Comma-separated device names (* and ? wildcards); empty: all. */
  devices?: string;
  /** Only captures younger than this (30m, 24h, 7d); empty: any age. */
  maxAge?: string;
  includeHistory?: boolean;
  maxResults?: string | number;
  /** Empty means <home>/collections. */
  collections?: string;
  /** Data home; empty means $VCOLLECTOR_HOME or ~/.vcollector. */
  home?: string;
}

/** A comma-separated string or a list; devices may be Device objects (their name is used). */
function list(value: unknown): string[] | undefined {
  const name = (v: unknown): string =>
    typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string"
      ? (v as { name: string }).name
      : String(v);
  const items = Array.isArray(value)
    ? value.map(name)
    : typeof value === "string"
      ? value.split(",")
      : typeof value === "object" && value !== null
        ? [name(value)]
        : [];
  const cleaned = items.map((s) => s.trim()).filter((s) => s !== "");
  return cleaned.length > 0 ? cleaned : undefined;
}

/**
 * Searches the captures for a pattern. Output 1: one message with every match (nothing when there
 * is none); output 2: a message when there is no match, so a flow can alert either way.
 */
export = function register(RED: NodeAPI): void {
  function VcSearchNode(this: Node, config: VcSearchDef): void {
    RED.nodes.createNode(this, config);
    const collections =
      config.collections && config.collections.trim() !== ""
        ? path.resolve(config.collections.trim())
        : resolveHome(config.home || undefined).collections;
    const running = new Set<AbortController>();
    let configError: string | undefined;
    let maxAgeMs: number | undefined;
    let maxResults: number | undefined;
    try {
      maxAgeMs = config.maxAge && config.maxAge.trim() !== "" ? parseAge(config.maxAge, "max age") : undefined;
      maxResults =
        config.maxResults !== undefined && String(config.maxResults).trim() !== ""
          ? Number(config.maxResults)
          : undefined;
      if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults <= 0))
        throw new Error(`max results: expected a positive whole number, got '${config.maxResults}'`);
    } catch (err) {
      configError = errorMessage(err);
      this.status({ fill: "red", shape: "ring", text: configError.slice(0, 60) });
    }

    const handle = async (msg: NodeMessageInFlow, send: Send): Promise<void> => {
      if (configError) throw new Error(configError);
      const pattern =
        config.pattern && config.pattern !== ""
          ? config.pattern
          : typeof msg.pattern === "string"
            ? msg.pattern
            : typeof msg.payload === "string"
              ? msg.payload
              : "";
      if (pattern === "")
        throw new Error("no pattern: set one in the node, or send msg.pattern (or a string msg.payload)");
      const controller = new AbortController();
      running.add(controller);
      this.status({ fill: "blue", shape: "dot", text: `searching ${pattern.slice(0, 40)}` });
      try {
        const result = await searchCaptures({
          collections,
          pattern,
          regex: config.regex === true,
          caseSensitive: config.caseSensitive === true,
          captureTypes: list(msg.captureType) ?? list(config.captureTypes),
          devices: list(msg.device) ?? list(config.devices),
          maxAgeMs,
          includeHistory: config.includeHistory === true,
          maxResults,
          signal: controller.signal,
        });
        const summary = {
          matchCount: result.matches.length,
          truncated: result.truncated,
          filesSearched: result.filesSearched,
          filesMatched: result.filesMatched,
          skipped: result.skipped,
          search: { pattern, regex: result.regex, caseSensitive: result.caseSensitive },
        };
        for (const s of result.skipped.slice(0, 3)) this.warn(`skipped ${s.path}: ${s.reason}`);
        if (result.matches.length === 0) {
          this.status({ fill: "grey", shape: "ring", text: `no match in ${result.filesSearched} files` });
          send([null, Object.assign(msg, summary, { payload: [] })]);
          return;
        }
        const more = result.truncated ? "+" : "";
        const matches =
          result.matches.length === 1 && !result.truncated ? "1 match" : `${result.matches.length}${more} matches`;
        this.status({
          fill: "green",
          shape: "dot",
          text: `${matches} in ${result.filesMatched} of ${result.filesSearched} files`,
        });
        send([Object.assign(msg, summary, { payload: result.matches }), null]);
      } finally {
        running.delete(controller);
      }
    };

    asyncInput(this, handle);
    this.on("close", () => {
      for (const c of running) c.abort();
      running.clear();
    });
  }
  RED.nodes.registerType("vc-search", VcSearchNode);
};
