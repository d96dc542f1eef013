import * as yaml from "js-yaml";
import { VcError } from "../errors";

/**
 * YAML with positions: the parsed value plus the line of every mapping key and value, so that
 * a schema error can say `jobs/arp.yaml:7: validation.min_score: …` instead of just the field.
 */
export interface LocatedYaml {
  value: unknown;
  /** 1-based line of the node at a JSON pointer ("/validation/min_score"), or of its nearest parent. */
  lineOf(pointer: string): number;
}

type Frame = { kind: "doc" | "map" | "seq"; path: string; key?: string; expectKey: boolean; index: number };

export function loadYamlLocated(text: string, file: string): LocatedYaml {
  let value: unknown;
  try {
    value = yaml.load(text, { filename: file });
  } catch (err) {
    const e = err as { mark?: { line: number }; reason?: string; message: string };
    throw new VcError(
      "invalid_job",
      `invalid YAML: ${e.reason ?? e.message}`,
      e.mark ? `${file}:${e.mark.line + 1}` : file,
    );
  }
  const offsets = new Map<string, number>();
  const stack: Frame[] = [];
  const record = (pointer: string, offset: number) => {
    if (offset >= 0 && !offsets.has(pointer)) offsets.set(pointer, offset);
  };
  for (const event of yaml.parseEvents(text, { filename: file })) {
    if (event.type === yaml.EVENT_ID.DOCUMENT) {
      stack.push({ kind: "doc", path: "", expectKey: false, index: 0 });
      continue;
    }
    if (event.type === yaml.EVENT_ID.POP) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent?.kind === "map") parent.expectKey = true;
      continue;
    }
    const frame = stack[stack.length - 1];
    if (!frame) continue;
    const offset =
      event.type === yaml.EVENT_ID.SCALAR
        ? event.valueStart
        : event.type === yaml.EVENT_ID.MAPPING || event.type === yaml.EVENT_ID.SEQUENCE
          ? event.start
          : -1;
    if (frame.kind === "map" && frame.expectKey) {
      frame.key = event.type === yaml.EVENT_ID.SCALAR ? yaml.getScalarValue(text, event) : "?";
      record(`${frame.path}/${escapePointer(frame.key)}`, offset);
      frame.expectKey = false;
      if (event.type === yaml.EVENT_ID.MAPPING || event.type === yaml.EVENT_ID.SEQUENCE)
        stack.push({
          kind: event.type === yaml.EVENT_ID.MAPPING ? "map" : "seq",
          path: "/?",
          expectKey: true,
          index: 0,
        });
      continue;
    }
    const pointer =
      frame.kind === "map"
        ? `${frame.path}/${escapePointer(frame.key ?? "")}`
        : frame.kind === "seq"
          ? `${frame.path}/${frame.index++}`
          : "";
    record(pointer, offset);
    if (event.type === yaml.EVENT_ID.MAPPING) stack.push({ kind: "map", path: pointer, expectKey: true, index: 0 });
    else if (event.type === yaml.EVENT_ID.SEQUENCE)
      stack.push({ kind: "seq", path: pointer, expectKey: false, index: 0 });
    else if (frame.kind === "map") frame.expectKey = true;
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return {
    value,
    lineOf(pointer: string): number {
      for (let p = pointer; ; p = p.slice(0, p.lastIndexOf("/"))) {
        const offset = offsets.get(p);
        if (offset !== undefined) return lineAt(offset);
        if (p === "") return 1;
      }
    },
  };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
