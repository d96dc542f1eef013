import { parse } from "csv-parse/sync";
import type { Device } from "../types";
import { LABELS_KEY, type DcimLabels } from "./labels";
import { PlatformCatalog, ntcName } from "./platforms";
import type { CsvRowError } from "./types";
import {
  checkCredentialName,
  checkDeviceName,
  checkIp,
  checkPort,
  checkStatus,
  checkTags,
  type Checked,
} from "./validate";

/**
 * The inventory CSV: `name,primary_ip4,platform,site,role,status` plus optional `port`, `tags`
 * (separated by ';') and `credential`. Header names are case-insensitive; `host` and `ip` are
 * accepted for primary_ip4. Other columns are kept in `device.extra`. Only name, primary_ip4 and
 * platform are required; status defaults to active, port to 22.
 */
export const CSV_COLUMNS = [
  "name",
  "primary_ip4",
  "platform",
  "site",
  "role",
  "status",
  "port",
  "tags",
  "credential",
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED: CsvColumn[] = ["name", "primary_ip4", "platform"];
const ALIASES: Record<string, CsvColumn> = {
  host: "primary_ip4",
  ip: "primary_ip4",
  primary_ip: "primary_ip4",
  management_ip: "primary_ip4",
  credential_name: "credential",
  ssh_port: "port",
};

export function csvError(source: string, row: number, column: string | undefined, problem: string): CsvRowError {
  const message = column ? `${source}:row ${row}, column ${column}: ${problem}` : `${source}:row ${row}: ${problem}`;
  return { source, row, column, problem, message };
}

/** One data row: its device when every field is valid, else its errors. */
export interface CsvRow {
  row: number;
  device?: Device;
  errors: CsvRowError[];
}

export interface CsvRows {
  rows: CsvRow[];
  /** Problems with the file as a whole (syntax, header); when present, rows is empty. */
  fileErrors: CsvRowError[];
}

interface Header {
  index: Map<CsvColumn, number>;
  extras: Array<{ name: string; index: number }>;
  width: number;
}

function readHeader(fields: string[], source: string, row: number): { header?: Header; errors: CsvRowError[] } {
  const index = new Map<CsvColumn, number>();
  const extras: Header["extras"] = [];
  const errors: CsvRowError[] = [];
  const seen = new Set<string>();
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (name === "") return errors.push(csvError(source, row, `#${i + 1}`, "empty column name in the header"));
    if (seen.has(name)) return errors.push(csvError(source, row, name, "column appears twice in the header"));
    seen.add(name);
    const column = (CSV_COLUMNS as readonly string[]).includes(name) ? (name as CsvColumn) : ALIASES[name];
    if (column && !index.has(column)) index.set(column, i);
    else if (column)
      errors.push(
        csvError(
          source,
          row,
          name,
          `column is the same as '${CSV_COLUMNS[CSV_COLUMNS.indexOf(column)]}', which is already in the header`,
        ),
      );
    else extras.push({ name: raw.trim(), index: i });
  });
  for (const column of REQUIRED)
    if (!index.has(column)) errors.push(csvError(source, row, column, "required column missing from the header"));
  return errors.length ? { errors } : { header: { index, extras, width: fields.length }, errors };
}

/** A data record and the file line it starts on. */
interface NumberedRecord {
  fields: string[];
  line: number;
}

/**
 * CSV records with their line numbers, blank lines and lines whose first field starts with '#'
 * left out. Lines are counted here (csv-parse's own `info` doubles the parse time): each record
 * takes one line plus the line breaks inside its quoted fields.
 */
function numberedRecords(text: string): NumberedRecord[] {
  const records = parse(text, { bom: true, relax_column_count: true }) as string[][];
  const out: NumberedRecord[] = [];
  let line = 1;
  for (const fields of records) {
    const start = line;
    line++;
    for (const f of fields) for (let i = f.indexOf("\n"); i >= 0; i = f.indexOf("\n", i + 1)) line++;
    if (fields.length === 1 && fields[0].trim() === "") continue;
    if (fields[0].trimStart().startsWith("#")) continue;
    out.push({ fields, line: start });
  }
  return out;
}

/** Parses and validates every row; duplicates within the file are errors on the later row. */
export function parseCsvRows(text: string, opts: { source?: string; platforms?: PlatformCatalog } = {}): CsvRows {
  const source = opts.source ?? "<csv>";
  const catalog = opts.platforms ?? new PlatformCatalog();
  let records: NumberedRecord[];
  try {
    records = numberedRecords(text);
  } catch (err) {
    const e = err as Error & { lines?: number };
    return {
      rows: [],
      fileErrors: [
        csvError(source, e.lines ?? 1, undefined, `not valid CSV: ${e.message.replace(/ at line \d+$/, "")}`),
      ],
    };
  }
  if (records.length === 0)
    return { rows: [], fileErrors: [csvError(source, 1, undefined, "the file is empty (a header row is required)")] };
  const { header, errors } = readHeader(records[0].fields, source, records[0].line);
  if (!header) return { rows: [], fileErrors: errors };
  const firstRowOf = new Map<string, number>();
  const rows: CsvRow[] = [];
  for (let i = 1; i < records.length; i++) {
    const result = parseRow(records[i].fields, records[i].line, header, source, catalog);
    if (result.device) {
      const first = firstRowOf.get(result.device.name);
      if (first !== undefined) {
        result.errors.push(
          csvError(source, result.row, "name", `duplicate device name '${result.device.name}' (first on row ${first})`),
        );
        result.device = undefined;
      } else firstRowOf.set(result.device.name, result.row);
    }
    rows.push(result);
  }
  return { rows, fileErrors: [] };
}

/** A field of the row, trimmed; undefined when the header has no such column. */
function field(fields: string[], header: Header, column: CsvColumn): string | undefined {
  const i = header.index.get(column);
  return i === undefined ? undefined : fields[i].trim();
}

/** The checked value, or undefined after recording the problem against the row and column. */
function taken<T>(
  checked: Checked<T>,
  errors: CsvRowError[],
  source: string,
  row: number,
  column: CsvColumn,
): T | undefined {
  if (checked.ok) return checked.value;
  errors.push(csvError(source, row, column, checked.problem));
  return undefined;
}

function parseRow(fields: string[], row: number, header: Header, source: string, catalog: PlatformCatalog): CsvRow {
  const errors: CsvRowError[] = [];
  if (fields.length !== header.width) {
    return {
      row,
      errors: [csvError(source, row, undefined, `has ${fields.length} fields, the header has ${header.width}`)],
    };
  }
  const name = taken(checkDeviceName(field(fields, header, "name")), errors, source, row, "name");
  const ip = taken(checkIp(field(fields, header, "primary_ip4") ?? ""), errors, source, row, "primary_ip4");
  const platformText = field(fields, header, "platform") ?? "";
  const platform = platformText === "" ? undefined : catalog.find(platformText);
  if (platformText === "") errors.push(csvError(source, row, "platform", "a platform is required"));
  else if (!platform)
    errors.push(
      csvError(
        source,
        row,
        "platform",
        `unknown platform '${platformText}' (known: ${catalog.knownNames().join(", ")})`,
      ),
    );
  const status = taken(checkStatus(field(fields, header, "status")), errors, source, row, "status");
  const port = taken(checkPort(field(fields, header, "port")), errors, source, row, "port");
  const tags = taken(checkTags(field(fields, header, "tags")), errors, source, row, "tags");
  const credentialName = taken(
    checkCredentialName(field(fields, header, "credential")),
    errors,
    source,
    row,
    "credential",
  );
  if (errors.length || !name || !ip || !platform || status === undefined || port === undefined || !tags)
    return { row, errors };

  const labels: DcimLabels = { platformName: platform.name, platformSlug: platform.slug };
  const manufacturerName = catalog.manufacturerName(platform.manufacturer);
  if (manufacturerName) labels.manufacturerName = manufacturerName;
  const extra: Record<string, unknown> = { [LABELS_KEY]: labels };
  for (const { name: column, index } of header.extras) {
    const value = fields[index].trim();
    if (value !== "") extra[column] = value;
  }
  const device: Device = {
    name,
    host: ip.address,
    port,
    platform: ntcName(platform),
    site: field(fields, header, "site") || undefined,
    role: field(fields, header, "role") || undefined,
    manufacturer: platform.manufacturer,
    status,
    tags,
    credentialName,
    credentialStatus: "untested",
    extra,
  };
  return { row, errors, device };
}

/**
 * Devices from CSV text without any database (the collect CLI's `--inventory file.csv`, the
 * vc-device-source node's CSV source). Platforms are checked against the seeded list (or the
 * given catalog). Rows with errors are left out and reported; the caller decides whether any
 * error is fatal.
 */
export function parseDevicesCsv(
  text: string,
  opts: { source?: string; platforms?: PlatformCatalog } = {},
): { devices: Device[]; errors: CsvRowError[] } {
  const { rows, fileErrors } = parseCsvRows(text, opts);
  const devices: Device[] = [];
  const errors = [...fileErrors];
  for (const r of rows) {
    if (r.device) devices.push(r.device);
    errors.push(...r.errors);
  }
  return { devices, errors };
}
