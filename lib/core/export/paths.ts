import * as path from "node:path";
import { VcError } from "../errors";
import { historyStamp, safeSegment } from "../captures/layout";
import type { ExportFormat, ExportMode } from "./types";

/**
 * File paths of exports: a pattern relative to the output directory with placeholders
 * {device} {command} {capture_type} {date} (UTC, YYYY-MM-DD) {timestamp} (20260501T101500123Z)
 * {format} and {ext}. Values are made safe as one path segment ("show ip arp" → "show_ip_arp"),
 * so only the pattern itself can create subdirectories, and it may not leave the directory.
 */
export const PATH_PLACEHOLDERS = ["device", "command", "capture_type", "date", "timestamp", "format", "ext"] as const;
export type PathPlaceholder = (typeof PATH_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{([^{}]*)\}/g;

export function defaultPathPattern(mode: ExportMode): string {
  switch (mode) {
    case "device":
      return "{device}.{ext}";
    case "command":
      return "{command}.{ext}";
    case "device-command":
      return "{device}/{command}.{ext}";
    default:
      return "export_{timestamp}.{ext}";
  }
}

const MODE_NAMES: Record<ExportMode, string> = {
  combined: "combined mode (one output)",
  device: "per-device mode",
  command: "per-command mode",
  "device-command": "per-device-and-command mode",
};

/** Throws a VcError naming the pattern when it cannot give one distinct, contained path per output. */
export function checkPathPattern(pattern: string, mode: ExportMode): void {
  const fail = (message: string): never => {
    throw new VcError("bad_path_pattern", message, `path pattern '${pattern}'`);
  };
  if (pattern.trim() === "") fail("is empty");
  if (path.isAbsolute(pattern)) fail("must be relative to the output directory");
  const used = new Set<string>();
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    if (!(PATH_PLACEHOLDERS as readonly string[]).includes(m[1]))
      fail(`unknown placeholder {${m[1]}} (known: ${PATH_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")})`);
    used.add(m[1]);
  }
  const literal = pattern.replace(PLACEHOLDER, "x");
  if (/[{}]/.test(literal)) fail("has an unbalanced { or }");
  if (literal.split(/[\\/]/).some((seg) => seg === "..")) fail("may not contain '..'");
  if (/[\\/]$/.test(pattern)) fail("must end with a file name");
  const varies = {
    device: mode === "device" || mode === "device-command",
    command: mode === "command" || mode === "device-command",
  };
  for (const name of ["device", "command"] as const) {
    if (varies[name] && !used.has(name))
      fail(`must contain {${name}} in ${MODE_NAMES[mode]}, or every output would go to the same file`);
    if (!varies[name] && used.has(name))
      fail(`uses {${name}}, which is not one value per output in ${MODE_NAMES[mode]}`);
  }
}

export interface PathValues {
  device?: string;
  command?: string;
  captureType: string;
  format: ExportFormat;
  exportedAt: Date;
}

/** The pattern with its placeholders filled in (a relative path). Check the pattern first. */
export function expandPathPattern(pattern: string, values: PathValues): string {
  const value = (name: string): string => {
    switch (name as PathPlaceholder) {
      case "device":
        return safeSegment(values.device ?? "all");
      case "command":
        return safeSegment(values.command ?? "all");
      case "capture_type":
        return safeSegment(values.captureType);
      case "date":
        return values.exportedAt.toISOString().slice(0, 10);
      case "timestamp":
        return historyStamp(values.exportedAt);
      default:
        return values.format;
    }
  };
  const expanded = pattern.replace(PLACEHOLDER, (_m, name: string) => value(name));
  // Defence in depth: values are single safe segments, so this only fires on an unchecked pattern.
  if (path.isAbsolute(expanded) || expanded.split(/[\\/]/).some((seg) => seg === ".."))
    throw new VcError("bad_path_pattern", "may not be absolute or contain '..'", `path pattern '${pattern}'`);
  return expanded;
}

/** `relative` resolved under `dir`, refusing anything that would land outside it. */
export function resolveInside(dir: string, relative: string): string {
  const root = path.resolve(dir);
  const full = path.resolve(root, relative);
  const rel = path.relative(root, full);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new VcError("bad_path_pattern", `resolves outside the output directory ${root}`, `path '${relative}'`);
  }
  return full;
}
