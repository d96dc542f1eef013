import type { ExportGroup, ExportMode, ExportSet } from "./types";

/** Splits sets into outputs by mode, keeping the order in which devices and commands first appear. */
export function groupSets(sets: ExportSet[], mode: ExportMode): ExportGroup[] {
  if (mode === "combined") return [{ sets }];
  const groups = new Map<string, ExportGroup>();
  for (const set of sets) {
    const device = mode === "command" ? undefined : set.device;
    const command = mode === "device" ? undefined : set.command;
    const key = JSON.stringify([device ?? null, command ?? null]);
    let group = groups.get(key);
    if (!group) {
      group = { device, command, sets: [] };
      groups.set(key, group);
    }
    group.sets.push(set);
  }
  return [...groups.values()];
}

/** The capture type the group's sets share; "mixed" when they differ, "unknown" when none says. */
export function groupCaptureType(group: ExportGroup): string {
  const types = new Set(group.sets.map((s) => s.captureType).filter((t): t is string => t !== undefined && t !== ""));
  if (types.size === 0) return "unknown";
  return types.size === 1 ? [...types][0] : "mixed";
}
