import type { ParseStatus } from "../types";
import type { ExportSet, InputProblem } from "./types";

/**
 * Turns whatever reaches an export into ExportSets. Accepted shapes, alone or in an array:
 *  - a DeviceResult carrying `parsed: ParsedResult[]` (what vc-textfsm emits);
 *  - a ParsedResult, or a plain `{device, command, records}` (metadata optional, camelCase or
 *    snake_case: template(s), platform, capture_type, score, status, collected_at);
 *  - a JSON export document of ours (`{results: [...]}`), so an export can be re-exported.
 * Bad items are reported with their place and skipped; the other items still export.
 */
export function normaliseExportInput(input: unknown, where = "input"): { sets: ExportSet[]; problems: InputProblem[] } {
  const sets: ExportSet[] = [];
  const problems: InputProblem[] = [];
  const items = Array.isArray(input)
    ? input.map((item, i) => ({ item, where: `${where}[${i}]` }))
    : [{ item: input, where }];
  for (const { item, where: at } of items) normaliseItem(item, at, sets, problems);
  return { sets, problems };
}

interface SetDefaults {
  device?: string;
  platform?: string;
  captureType?: string;
  collectedAt?: string;
}

const PARSE_STATUSES: readonly ParseStatus[] = ["ok", "no_template", "parse_error", "zero_records"];

class ItemError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function normaliseItem(item: unknown, where: string, sets: ExportSet[], problems: InputProblem[]): void {
  if (!isObject(item)) {
    problems.push({ where, message: `expected a parsed result or a device result, got ${describe(item)}` });
    return;
  }
  if (Array.isArray(item.results) && !("records" in item)) {
    item.results.forEach((r, i) => collectSet(r, `${where}.results[${i}]`, {}, sets, problems));
    return;
  }
  if ("parsed" in item || (isObject(item.device) && "commands" in item)) {
    collectDeviceResult(item, where, sets, problems);
    return;
  }
  if ("records" in item) {
    collectSet(item, where, {}, sets, problems);
    return;
  }
  problems.push({
    where,
    message: "expected a parsed result ({device, command, records}) or a device result with `parsed`",
  });
}

function collectDeviceResult(
  item: Record<string, unknown>,
  where: string,
  sets: ExportSet[],
  problems: InputProblem[],
): void {
  if (!Array.isArray(item.parsed)) {
    const message =
      item.parsed === undefined
        ? "no parsed results (parse the outputs with vc-textfsm first)"
        : `expected an array, got ${describe(item.parsed)}`;
    problems.push({ where: item.parsed === undefined ? where : `${where}.parsed`, message });
    return;
  }
  let device: string | undefined;
  let platform: string | undefined;
  if (typeof item.device === "string") device = item.device;
  else if (isObject(item.device)) {
    if (typeof item.device.name === "string") device = item.device.name;
    if (typeof item.device.platform === "string") platform = item.device.platform;
  }
  const defaults: SetDefaults = {
    device,
    platform,
    captureType: typeof item.captureType === "string" ? item.captureType : undefined,
    collectedAt: typeof item.finishedAt === "string" ? item.finishedAt : undefined,
  };
  item.parsed.forEach((p, j) => collectSet(p, `${where}.parsed[${j}]`, defaults, sets, problems));
}

function collectSet(
  value: unknown,
  where: string,
  defaults: SetDefaults,
  sets: ExportSet[],
  problems: InputProblem[],
): void {
  try {
    sets.push(toSet(value, where, defaults));
  } catch (err) {
    if (!(err instanceof ItemError)) throw err;
    problems.push({ where: err.where, message: err.message });
  }
}

function toSet(value: unknown, where: string, defaults: SetDefaults): ExportSet {
  if (!isObject(value)) throw new ItemError(where, `expected an object, got ${describe(value)}`);
  const field = (camel: string, snake?: string): unknown =>
    value[camel] !== undefined ? value[camel] : snake ? value[snake] : undefined;
  const text = (name: string, v: unknown, fallback?: string): string | undefined => {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "string") throw new ItemError(`${where}.${name}`, `expected a string, got ${describe(v)}`);
    return v;
  };
  const required = (name: string, v: string | undefined): string => {
    if (v === undefined || v.trim() === "") throw new ItemError(`${where}.${name}`, "expected a non-empty string");
    return v;
  };

  const device = required("device", text("device", deviceName(value.device), defaults.device));
  const command = required("command", text("command", value.command));
  const records = toRecords(value.records, `${where}.records`);
  const score = field("score");
  if (score !== undefined && score !== null && (typeof score !== "number" || !Number.isFinite(score))) {
    throw new ItemError(`${where}.score`, `expected a number, got ${describe(score)}`);
  }
  const status = field("status");
  if (status !== undefined && status !== null && !PARSE_STATUSES.includes(status as ParseStatus)) {
    throw new ItemError(`${where}.status`, `expected one of ${PARSE_STATUSES.join(", ")}, got ${describe(status)}`);
  }
  return {
    device,
    command,
    platform: text("platform", value.platform, defaults.platform),
    captureType: text("captureType", field("captureType", "capture_type"), defaults.captureType),
    templates: toTemplates(value, where),
    score: typeof score === "number" ? score : undefined,
    status: (status ?? undefined) as ParseStatus | undefined,
    error: text("error", value.error),
    collectedAt: text("collectedAt", field("collectedAt", "collected_at"), defaults.collectedAt),
    records,
  };
}

/** A set's device may be a name, or a Device object (name inside). */
function deviceName(device: unknown): unknown {
  return isObject(device) ? device.name : device;
}

function toRecords(value: unknown, where: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new ItemError(where, `expected an array, got ${describe(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (!isObject(value[i])) throw new ItemError(`${where}[${i}]`, `expected an object, got ${describe(value[i])}`);
  }
  return value as Record<string, unknown>[];
}

function toTemplates(value: Record<string, unknown>, where: string): string[] {
  const list = value.templates;
  if (Array.isArray(list)) {
    list.forEach((t, i) => {
      if (typeof t !== "string")
        throw new ItemError(`${where}.templates[${i}]`, `expected a string, got ${describe(t)}`);
    });
    return list as string[];
  }
  if (list !== undefined && list !== null)
    throw new ItemError(`${where}.templates`, `expected an array, got ${describe(list)}`);
  const single = value.template;
  if (single === undefined || single === null || single === "") return [];
  if (typeof single !== "string")
    throw new ItemError(`${where}.template`, `expected a string, got ${describe(single)}`);
  return [single];
}
