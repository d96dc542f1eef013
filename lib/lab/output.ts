import * as path from "node:path";
import type { DeviceBehaviour } from "./behaviour";
import type { PipeFunction } from "./platform";
import { deviceLookup, renderText } from "./render";
import type { ResponseSet } from "./responses";
import { stableIndex } from "./rng";

/** A command's output as lines (no line endings); `total` is known unless the output is generated. */
export interface OutputLines {
  lines: Iterable<string>;
  total?: number;
}

export function textLines(text: string): string[] {
  const normalised = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
  return normalised === "" ? [] : normalised.split("\n");
}

/** The device's output for a response command: one of the set's files, the same one every time for this device. */
export function responseText(device: DeviceBehaviour, set: ResponseSet, extra: Record<string, string> = {}): string {
  const file = set.files[stableIndex(`${device.name}\u0000${set.command}`, set.files.length)];
  const text = device.library.read(file);
  if (path.extname(file) !== ".txt") return text;
  return renderText(text, deviceLookup(device.facts, device.rng, extra));
}

/** huge_output: interface-table-like lines up to `bytes` in all, generated lazily. */
export function* hugeLines(bytes: number, newlineBytes: number): Generator<string> {
  let sent = 0;
  for (let n = 0; sent < bytes; n++) {
    const line =
      `Ethernet${Math.floor(n / 48) + 1}/${(n % 48) + 1}`.padEnd(24) +
      `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`.padEnd(18) +
      "YES manual up                    up      " +
      String(n).padStart(10, "0");
    sent += line.length + newlineBytes;
    yield line;
  }
}

export interface PipeStage {
  fn: PipeFunction;
  pattern?: RegExp;
}

/** Applies `| include/exclude/begin` stages; `no-more` is handled by the pager. */
export function* applyPipes(lines: Iterable<string>, stages: PipeStage[]): Generator<string> {
  const filters = stages.filter((s) => s.fn !== "no-more");
  const begun = filters.map(() => false);
  for (const line of lines) {
    let keep = true;
    filters.forEach((stage, i) => {
      if (!keep || !stage.pattern) return;
      if (stage.fn === "include") keep = stage.pattern.test(line);
      else if (stage.fn === "exclude") keep = !stage.pattern.test(line);
      else if (stage.fn === "begin") {
        if (!begun[i]) begun[i] = stage.pattern.test(line);
        keep = begun[i];
      }
    });
    if (keep) yield line;
  }
}

/** A pipe's pattern: a regular expression as the device would take it, else the literal text. */
export function pipePattern(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch {
    return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  }
}
