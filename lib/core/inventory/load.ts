import * as fs from "node:fs";
import * as path from "node:path";
import type { Device } from "../types";
import { VcError, errorMessage } from "../errors";
import { parseDevicesCsv } from "./csv";
import { Inventory } from "./inventory";
import { aggregateError, normaliseDevicesReport } from "./normalise";

export type SourceKind = "csv" | "json" | "sqlite";

export function sourceKind(source: string): SourceKind {
  const ext = path.extname(source).toLowerCase();
  return ext === ".csv" ? "csv" : ext === ".json" ? "json" : "sqlite";
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new VcError(
      "inventory_not_found",
      code === "ENOENT" ? "no such file" : `cannot read: ${errorMessage(err)}`,
      file,
      { cause: err },
    );
  }
}

/**
 * Every device of an inventory file, unfiltered (pass the result to filterDevices): a `.csv`
 * (the inventory CSV columns), a `.json` device list, or anything else as a SQLite dcim.db (ours
 * or VelocityCollector's, opened read-only and as it is). Bad CSV rows or list items are an error
 * naming each of them, unless skipBad leaves them out.
 */
export function loadDevices(source: string, opts: { skipBad?: boolean } = {}): Device[] {
  const kind = sourceKind(source);
  if (kind === "sqlite") {
    const inv = Inventory.open(source, { readonly: true });
    try {
      return inv.listDevices();
    } finally {
      inv.close();
    }
  }
  const text = readText(source);
  if (kind === "csv") {
    const { devices, errors } = parseDevicesCsv(text, { source });
    if (errors.length && !opts.skipBad)
      throw aggregateError(
        "invalid_csv",
        errors.map((e) => e.message),
      );
    return devices;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new VcError("invalid_json", `not valid JSON: ${errorMessage(err)}`, source);
  }
  const list =
    parsed &&
    typeof parsed === "object" &&
    !Array.isArray(parsed) &&
    Array.isArray((parsed as { devices?: unknown }).devices)
      ? (parsed as { devices: unknown }).devices
      : parsed;
  const { devices, errors } = normaliseDevicesReport(list, source);
  if (errors.length && !opts.skipBad)
    throw aggregateError(
      "invalid_device",
      errors.map((e) => e.message),
    );
  return devices;
}
