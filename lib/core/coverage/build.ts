import { listCaptureTypes, listCaptures, type CaptureFile } from "../captures/browse";
import { safeSegment } from "../captures/layout";
import * as path from "node:path";
import { VcError } from "../errors";

/**
 * The coverage matrix: devices (the given list, e.g. the inventory, plus every device seen in
 * captures) x capture types; each cell is the latest capture (time, age, size) or missing.
 * Percentages are present cells over all cells, so they never exceed 100.
 */
export interface CoverageDevice {
  name: string;
  site?: string;
  platform?: string;
}

export interface CoverageOptions {
  collections: string;
  /** Devices expected to have captures (names or objects with a name). */
  devices?: Array<string | CoverageDevice>;
  /** The columns; default every capture type found. Types without any capture give empty columns. */
  captureTypes?: string[];
  now?: Date;
  /** A capture older than this is marked stale. Default 7 days. */
  staleAfterMs?: number;
  /** Which run wrote a capture file (collector.db's captures and job_history, see captureRunLookup). */
  runOf?: CaptureRunLookup;
}

/** The run that wrote a capture, and how that run ended ("interrupted": its process died mid-run). */
export interface CaptureRun {
  runId: string;
  status: string;
}

export type CaptureRunLookup = (capturePath: string) => CaptureRun | undefined;

/** The run of each capture file, from a collector.db (the newest captures row of each path wins). */
export function captureRunLookup(db: {
  listCaptures(): Array<{ runId: string | null; path: string; historyPath: string | null }>;
  getRun(runId: string): { status: string } | undefined;
}): CaptureRunLookup {
  const byPath = new Map<string, string>();
  for (const c of db.listCaptures()) {
    if (c.runId === null) continue;
    byPath.set(path.resolve(c.path), c.runId);
    if (c.historyPath) byPath.set(path.resolve(c.historyPath), c.runId);
  }
  const statuses = new Map<string, string | undefined>();
  return (capturePath) => {
    const runId = byPath.get(path.resolve(capturePath));
    if (runId === undefined) return undefined;
    if (!statuses.has(runId)) statuses.set(runId, db.getRun(runId)?.status);
    const status = statuses.get(runId);
    return status === undefined ? undefined : { runId, status };
  };
}

export type CoverageCell =
  | {
      present: true;
      capturedAt: string;
      ageSeconds: number;
      size: number;
      path: string;
      stale: boolean;
      /** The run that wrote it, when collector.db knows it. */
      run?: CaptureRun;
      /** Written by a run that was interrupted (its process ended mid-run): the capture may be older than expected. */
      interrupted: boolean;
    }
  | { present: false };

export interface CoverageRow {
  device: string;
  /** False for a device seen in captures but missing from the given device list (true without a list). */
  listed: boolean;
  site: string | null;
  platform: string | null;
  present: number;
  missing: number;
  cells: Record<string, CoverageCell>;
}

export interface CoverageTypeSummary {
  captureType: string;
  present: number;
  missing: number;
  coveragePct: number;
  totalBytes: number;
  latestAt: string | null;
  oldestAt: string | null;
}

export interface CoverageReport {
  generatedAt: string;
  collections: string;
  staleAfterSeconds: number;
  captureTypes: string[];
  rows: CoverageRow[];
  perType: CoverageTypeSummary[];
  summary: {
    devices: number;
    listedDevices: number;
    /** Devices with captures that are not in the given device list (0 without a list). */
    unlistedDevices: number;
    captureTypes: number;
    cells: number;
    present: number;
    missing: number;
    stale: number;
    /** Present cells whose capture was written by an interrupted run. */
    interrupted: number;
    coveragePct: number;
    totalBytes: number;
  };
}

export const DEFAULT_STALE_AFTER_MS = 7 * 86_400_000;

/** File stems are device names made safe; matching ignores case. */
function deviceKey(name: string): string {
  return safeSegment(name).toLowerCase();
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function toDevices(list: Array<string | CoverageDevice>): CoverageDevice[] {
  return list.map((d, i) => {
    const device = typeof d === "string" ? { name: d } : d;
    if (typeof device !== "object" || device === null || typeof device.name !== "string" || device.name.trim() === "") {
      throw new VcError("invalid_input", "expected a device name", `devices[${i}]`);
    }
    return device;
  });
}

export async function buildCoverage(opts: CoverageOptions): Promise<CoverageReport> {
  const now = opts.now ?? new Date();
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  // Devices seen in any capture type get a row, also when the columns are restricted.
  const files = await listCaptures(opts.collections);
  // Every capture type folder is a column, even one holding only history copies.
  const captureTypes =
    opts.captureTypes && opts.captureTypes.length > 0
      ? [...new Set(opts.captureTypes.map(safeSegment))]
      : await listCaptureTypes(opts.collections);

  const rows = new Map<string, CoverageRow>();
  const addRow = (name: string, listed: boolean, device?: CoverageDevice): CoverageRow => {
    const row: CoverageRow = {
      device: name,
      listed,
      site: device?.site ?? null,
      platform: device?.platform ?? null,
      present: 0,
      missing: 0,
      cells: {},
    };
    rows.set(deviceKey(name), row);
    return row;
  };
  const hasList = opts.devices !== undefined && opts.devices.length > 0;
  for (const device of toDevices(opts.devices ?? []))
    if (!rows.has(deviceKey(device.name))) addRow(device.name, true, device);

  const latest = new Map<string, CaptureFile>();
  for (const file of files) {
    const key = `${deviceKey(file.device)}\u0000${file.captureType}`;
    const seen = latest.get(key);
    if (!seen || seen.capturedAt < file.capturedAt) latest.set(key, file);
    if (!rows.has(deviceKey(file.device))) addRow(file.device, !hasList);
  }

  const sorted = [...rows.entries()].sort(([, a], [, b]) => a.device.localeCompare(b.device, "en", { numeric: true }));
  for (const [key, row] of sorted) {
    for (const type of captureTypes) {
      const file = latest.get(`${key}\u0000${type}`);
      if (!file) {
        row.cells[type] = { present: false };
        row.missing++;
        continue;
      }
      const ageMs = Math.max(0, now.getTime() - file.capturedAt.getTime());
      const run = opts.runOf?.(file.path);
      row.cells[type] = {
        present: true,
        capturedAt: file.capturedAt.toISOString(),
        ageSeconds: Math.round(ageMs / 1000),
        size: file.size,
        path: file.path,
        stale: ageMs > staleAfterMs,
        ...(run ? { run } : {}),
        interrupted: run?.status === "interrupted",
      };
      row.present++;
    }
  }
  const rowList = sorted.map(([, row]) => row);

  const perType = captureTypes.map((captureType): CoverageTypeSummary => {
    const cells = rowList
      .map((r) => r.cells[captureType])
      .filter((c): c is Extract<CoverageCell, { present: true }> => c.present);
    const times = cells.map((c) => c.capturedAt).sort();
    return {
      captureType,
      present: cells.length,
      missing: rowList.length - cells.length,
      coveragePct: percent(cells.length, rowList.length),
      totalBytes: cells.reduce((n, c) => n + c.size, 0),
      latestAt: times.length > 0 ? times[times.length - 1] : null,
      oldestAt: times.length > 0 ? times[0] : null,
    };
  });

  const present = rowList.reduce((n, r) => n + r.present, 0);
  const cellCount = rowList.length * captureTypes.length;
  const listedDevices = rowList.filter((r) => r.listed).length;
  return {
    generatedAt: now.toISOString(),
    collections: opts.collections,
    staleAfterSeconds: Math.round(staleAfterMs / 1000),
    captureTypes,
    rows: rowList,
    perType,
    summary: {
      devices: rowList.length,
      listedDevices,
      unlistedDevices: rowList.length - listedDevices,
      captureTypes: captureTypes.length,
      cells: cellCount,
      present,
      missing: cellCount - present,
      stale: rowList.reduce((n, r) => n + Object.values(r.cells).filter((c) => c.present && c.stale).length, 0),
      interrupted: rowList.reduce(
        (n, r) => n + Object.values(r.cells).filter((c) => c.present && c.interrupted).length,
        0,
      ),
      coveragePct: percent(present, cellCount),
      totalBytes: perType.reduce((n, t) => n + t.totalBytes, 0),
    },
  };
}
