import * as fs from "node:fs";
import * as path from "node:path";
import { VcError, errorMessage } from "../core/errors";

/** One node of a Node-RED flow export (only the fields the demo looks at are typed). */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  label?: string;
  wires?: string[][];
  [key: string]: unknown;
}

/** One example file of examples/flows: a single tab and its nodes. */
export interface ExampleFlow {
  file: string;
  /** The file name without .json: what Node-RED's Import > Examples menu shows. */
  title: string;
  tab: FlowNode;
  nodes: FlowNode[];
}

/**
 * Reads every examples/flows/*.json, sorted by name, and checks what the demo and the Flow
 * Library rely on: each file is a JSON array holding exactly one tab, every other node sits on
 * that tab (config nodes may be global), a comment node says what the example shows, and node
 * ids are unique across all files (the demo deploys them together). Errors name the file.
 */
export function readExampleFlows(dir: string): ExampleFlow[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const seen = new Map<string, string>();
  return files.map((file) => {
    const example = parseExample(path.join(dir, file));
    for (const n of example.nodes) {
      const other = seen.get(n.id);
      if (other) throw new VcError("example_invalid", `node id '${n.id}' is also used in ${other}`, file);
      seen.set(n.id, file);
    }
    return example;
  });
}

/** All examples as one flow file (one tab each), as the demo deploys them. */
export function demoFlows(examples: ExampleFlow[]): FlowNode[] {
  return examples.flatMap((e) => e.nodes);
}

function parseExample(file: string): ExampleFlow {
  const name = path.basename(file);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new VcError("example_invalid", `not valid JSON: ${errorMessage(err)}`, name);
  }
  if (!Array.isArray(data)) throw new VcError("example_invalid", "must be a JSON array of nodes", name);
  const nodes = data.map((n, i) => {
    const node = n as Partial<FlowNode> | null;
    if (
      !node ||
      typeof node !== "object" ||
      typeof node.id !== "string" ||
      node.id === "" ||
      typeof node.type !== "string"
    ) {
      throw new VcError("example_invalid", "every node needs a string id and type", `${name} [${i}]`);
    }
    return node as FlowNode;
  });
  const tabs = nodes.filter((n) => n.type === "tab");
  if (tabs.length !== 1) throw new VcError("example_invalid", `must hold exactly one tab, found ${tabs.length}`, name);
  const tab = tabs[0];
  const ids = new Set<string>();
  for (const n of nodes) {
    if (ids.has(n.id)) throw new VcError("example_invalid", `node id '${n.id}' appears twice`, name);
    ids.add(n.id);
  }
  for (const n of nodes) {
    if (n === tab) continue;
    if (n.z !== undefined && n.z !== tab.id)
      throw new VcError("example_invalid", `node ${n.id} (${n.type}) is not on the tab '${tab.id}'`, name);
    for (const target of (n.wires ?? []).flat()) {
      if (!ids.has(target))
        throw new VcError(
          "example_invalid",
          `node ${n.id} (${n.type}) is wired to '${target}', which is not in the file`,
          name,
        );
    }
  }
  if (!nodes.some((n) => n.type === "comment" && n.z === tab.id))
    throw new VcError("example_invalid", "needs a comment node saying what the example shows", name);
  return { file, title: name.replace(/\.json$/, ""), tab, nodes };
}
