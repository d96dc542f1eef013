import * as fs from "node:fs";
import * as path from "node:path";
import WebSocket from "ws";
import type { FlowNode } from "../../lib/demo/flows";
import { REPO_ROOT } from "./cli";
import { freePort } from "./net";
import { startProcess, type Started } from "./process";

/**
 * The demo (`npm start`, scripts/start.js) as a test fixture: started on free ports in a
 * temporary folder, stopped by its pid. `NodeRedComms` listens to the editor's websocket the way
 * the debug sidebar and node status do, so a test sees what a user would see.
 */
export const EXAMPLES_DIR = path.join(REPO_ROOT, "examples", "flows");
export const START_SCRIPT = path.join(REPO_ROOT, "scripts", "start.js");

export interface RunningDemo {
  started: Started;
  port: number;
  url: string;
  dir: string;
  home: string;
  userDir: string;
  stop(): Promise<void>;
}

/** Starts scripts/start.js and resolves once it prints that the demo is ready. */
export async function startDemoProcess(
  dir: string,
  opts: { args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunningDemo> {
  const port = await freePort();
  // The lab's ports are left to the OS (--lab-port 0): a fixed one could clash with other labs on 127.0.0.x.
  const started = startProcess(
    process.execPath,
    [START_SCRIPT, "--port", String(port), "--dir", dir, "--no-build", ...(opts.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: opts.env,
    },
  );
  const demo: RunningDemo = {
    started,
    port,
    url: `http://127.0.0.1:${port}/`,
    dir,
    home: path.join(dir, "home"),
    userDir: path.join(dir, "userdir"),
    stop: () => started.stop(),
  };
  try {
    await waitForOutput(started, /demo ready: open/, opts.timeoutMs ?? 90_000);
  } catch (err) {
    await started.stop();
    throw err;
  }
  return demo;
}

/** Resolves when the process output matches, rejects when it exits first or time runs out. */
export async function waitForOutput(p: Started, pattern: RegExp, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test(p.output())) {
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(
        `the process exited (${p.child.exitCode ?? p.child.signalCode}) before printing ${pattern}:\n${p.output()}`,
      );
    if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves with the exit code (or signal) once the process has exited, or rejects after `ms`. */
export function waitForExit(p: Started, ms: number): Promise<number | string> {
  if (p.child.exitCode !== null || p.child.signalCode !== null)
    return Promise.resolve(p.child.exitCode ?? p.child.signalCode!);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${p.output()}`)), ms);
    p.child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    });
  });
}

/** A node of a flow export: the demo's own type. */
export type FlowNodeJson = FlowNode;

export function readExample(title: string): FlowNodeJson[] {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${title}.json`), "utf8")) as FlowNodeJson[];
}

export function exampleTitles(): string[] {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

/** The node of an example with this type and name; throws naming both when it is missing. */
export function nodeNamed(nodes: FlowNodeJson[], type: string, name: string): FlowNodeJson {
  const n = nodes.find((x) => x.type === type && x.name === name);
  if (!n) throw new Error(`no ${type} named '${name}' in the example`);
  return n;
}

/** Presses an inject node's button, as the editor does. */
export async function pressInject(baseUrl: string, id: string): Promise<void> {
  const res = await fetch(new URL(`inject/${id}`, baseUrl), { method: "POST" });
  if (res.status !== 200) throw new Error(`inject ${id}: HTTP ${res.status} ${await res.text()}`);
}

export interface DebugMessage {
  id: string;
  name?: string;
  msg: unknown;
  format?: string;
  property?: string;
}

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

/**
 * The editor's websocket (/comms): debug messages (as the debug sidebar gets them, values
 * encoded as JSON text) and the latest status of every node.
 */
export class NodeRedComms {
  readonly debug: DebugMessage[] = [];
  readonly status = new Map<string, NodeStatus>();
  readonly errors: string[] = [];
  private constructor(private readonly ws: WebSocket) {}

  static async connect(baseUrl: string): Promise<NodeRedComms> {
    const ws = new WebSocket(new URL("comms", baseUrl).href.replace(/^http/, "ws"));
    const comms = new NodeRedComms(ws);
    ws.on("message", (data) => comms.receive(String(data)));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.send(JSON.stringify({ subscribe: "debug" }));
    ws.send(JSON.stringify({ subscribe: "status/#" }));
    return comms;
  }

  private receive(text: string): void {
    let items: Array<{ topic: string; data: unknown }>;
    try {
      const parsed = JSON.parse(text) as unknown;
      items = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ topic: string; data: unknown }>;
    } catch {
      return;
    }
    for (const { topic, data } of items) {
      if (topic === "debug") {
        const d = data as DebugMessage & { level?: number };
        if (d.level !== undefined && d.level <= 20) this.errors.push(`${d.name ?? d.id}: ${errorText(d.msg)}`);
        else this.debug.push(d);
      } else if (topic.startsWith("status/")) {
        this.status.set(topic.slice("status/".length), data as NodeStatus);
      }
    }
  }

  /** Debug messages of the debug node with this id, their values parsed from JSON. */
  values(debugNodeId: string): unknown[] {
    return this.debug.filter((d) => d.id === debugNodeId).map((d) => decodeDebugValue(d));
  }

  /** Waits until `check` returns a value (not undefined), polling the messages received so far. */
  async waitFor<T>(what: string, check: () => T | undefined, ms = 60_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > until) {
        throw new Error(
          `${what}: not seen within ${ms} ms; errors: ${JSON.stringify(this.errors)}; statuses: ${JSON.stringify(Object.fromEntries(this.status))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** node.error() reaches the sidebar as an encoded Error: `{"__enc__":true,"type":"error","data":{message}}`. */
function errorText(msg: unknown): string {
  if (typeof msg !== "string") return String(msg);
  try {
    const enc = JSON.parse(msg) as { __enc__?: boolean; data?: { message?: string } };
    if (enc && enc.__enc__ && typeof enc.data?.message === "string") return enc.data.message;
  } catch {
    // plain text
  }
  return msg;
}

/** The debug node sends objects as JSON text with a format such as "Object" or "array[20]". */
export function decodeDebugValue(d: DebugMessage): unknown {
  if (typeof d.msg !== "string") return d.msg;
  if (d.format === "Object" || (d.format && /^array\[\d+\]$/.test(d.format))) return JSON.parse(d.msg);
  if (d.format && d.format.startsWith("number")) return Number(d.msg);
  return d.msg;
}
