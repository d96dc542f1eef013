import { parse as parseCsv } from "csv-parse/sync";
import { VcError } from "../errors";
import type { CoverageDevice } from "./build";

/**
 * A device list for the coverage report, from a file: JSON (a list of names or of objects with
 * `name` and optional `site`, `platform`), CSV (a header row with a `name` column; `site` and
 * `platform` used when present), or plain text (one name per line, `#` comments).
 */
export function parseDeviceList(text: string, source: string): CoverageDevice[] {
  const trimmed = text.trim();
  if (source.toLowerCase().endsWith(".json") || trimmed.startsWith("[")) return fromJson(trimmed, source);
  if (source.toLowerCase().endsWith(".csv")) return fromCsv(text, source);
  const devices: CoverageDevice[] = [];
  text.split(/\r?\n/).forEach((line) => {
    const name = line.replace(/#.*$/, "").trim();
    if (name !== "") devices.push({ name });
  });
  return devices;
}

function optionalText(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new VcError("invalid_input", "expected a string", where);
  return value;
}

function fromJson(text: string, source: string): CoverageDevice[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new VcError("invalid_input", `invalid JSON: ${(err as Error).message}`, source);
  }
  if (!Array.isArray(data)) throw new VcError("invalid_input", "expected a JSON list of devices", source);
  return data.map((item, i) => {
    const where = `${source}: [${i}]`;
    if (typeof item === "string" && item.trim() !== "") return { name: item.trim() };
    if (
      typeof item !== "object" ||
      item === null ||
      typeof (item as { name?: unknown }).name !== "string" ||
      (item as { name: string }).name.trim() === ""
    ) {
      throw new VcError("invalid_input", "expected a device name or an object with a name", where);
    }
    const o = item as Record<string, unknown>;
    return {
      name: (o.name as string).trim(),
      site: optionalText(o.site, `${where}.site`),
      platform: optionalText(o.platform, `${where}.platform`),
    };
  });
}

function fromCsv(text: string, source: string): CoverageDevice[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (err) {
    throw new VcError("invalid_input", `invalid CSV: ${(err as Error).message}`, source);
  }
  if (rows.length > 0 && !("name" in rows[0]))
    throw new VcError("invalid_input", "the header row has no 'name' column", source);
  return rows.map((row, i) => {
    // Row numbers as a spreadsheet shows them: the header is row 1.
    if (!row.name) throw new VcError("invalid_input", "the name is empty", `${source}: row ${i + 2}`);
    return { name: row.name, site: row.site || undefined, platform: row.platform || undefined };
  });
}
