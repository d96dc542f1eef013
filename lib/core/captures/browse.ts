import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";
import { safeSegment } from "./layout";

/**
 * Capture browsing from the files alone (layout.ts): the capture types are the folders of the
 * collections directory (names starting with "." or "~" excluded), the latest capture of a device
 * is `<type>/<device>.txt`, its history `<type>/history/<device>/<stamp>.txt`. Size and time come
 * from the file system (mtime is the capture time). Symbolic links are not followed.
 */
export interface CaptureFile {
  captureType: string;
  /** The file's device name (the file stem, i.e. the name as made safe for file names). */
  device: string;
  path: string;
  size: number;
  capturedAt: Date;
  /** True for a timestamped history copy, false for the latest capture. */
  history: boolean;
}

export interface CaptureFilter {
  /** Capture type names (exact). */
  captureTypes?: string[];
  /** Device names, case-insensitive; `*` and `?` are wildcards. */
  devices?: string[];
  /** Only captures at or after this time. */
  since?: Date;
  /** Only captures younger than this (relative to `now`). */
  maxAgeMs?: number;
  now?: Date;
  /** Include history copies (default: latest captures only). */
  includeHistory?: boolean;
}

export interface CaptureSummary {
  files: number;
  totalBytes: number;
  captureTypes: number;
  devices: number;
}

const HISTORY_DIR = "history";

function isCaptureTypeDir(entry: fs.Dirent): boolean {
  return entry.isDirectory() && !entry.name.startsWith(".") && !entry.name.startsWith("~");
}

function isCaptureFile(entry: fs.Dirent): boolean {
  return entry.isFile() && entry.name.endsWith(".txt") && !entry.name.startsWith(".");
}

/**
 * Listing and reading many small files is several times faster with synchronous calls than through
 * the thread pool; the pacer keeps that from blocking the event loop for more than a few ms.
 */
export class Pacer {
  private last = performance.now();
  constructor(private readonly sliceMs = 20) {}

  /** Lets other work run when this slice has used its time. */
  async pause(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

/** A folder removed while we list it, or one we may not read, has no captures for us. */
const UNLISTABLE = new Set(["ENOENT", "ENOTDIR", "EACCES", "EPERM"]);

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (UNLISTABLE.has((err as NodeJS.ErrnoException).code ?? "")) return [];
    throw err;
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function listCollections(collections: string): fs.Dirent[] {
  const stat = statOrUndefined(collections);
  if (!stat || !stat.isDirectory()) throw new VcError("not_found", "no such collections directory", collections);
  try {
    return fs.readdirSync(collections, { withFileTypes: true });
  } catch (err) {
    throw new VcError(
      "not_readable",
      `cannot list the collections directory (${(err as NodeJS.ErrnoException).code ?? err})`,
      collections,
    );
  }
}

/** The capture types present under `collections`, sorted. */
export async function listCaptureTypes(collections: string): Promise<string[]> {
  return listCollections(collections)
    .filter(isCaptureTypeDir)
    .map((e) => e.name)
    .sort();
}

/** A matcher for device filters: exact (case-insensitive) or with `*`/`?` wildcards. */
export function deviceMatcher(patterns: string[] | undefined): (device: string) => boolean {
  if (!patterns || patterns.length === 0) return () => true;
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const p of patterns) {
    if (/[*?]/.test(p)) {
      const source = p
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
      globs.push(new RegExp(`^${source}$`, "i"));
    } else {
      exact.add(p.toLowerCase());
      exact.add(safeSegment(p).toLowerCase());
    }
  }
  return (device) => exact.has(device.toLowerCase()) || globs.some((g) => g.test(device));
}

interface Candidate {
  captureType: string;
  device: string;
  path: string;
  history: boolean;
}

async function candidatesOfType(
  collections: string,
  captureType: string,
  wanted: (device: string) => boolean,
  includeHistory: boolean,
  pacer: Pacer,
): Promise<Candidate[]> {
  const typeDir = path.join(collections, captureType);
  const found: Candidate[] = [];
  for (const entry of readDir(typeDir)) {
    if (isCaptureFile(entry)) {
      const device = entry.name.slice(0, -".txt".length);
      if (wanted(device)) found.push({ captureType, device, path: path.join(typeDir, entry.name), history: false });
    } else if (includeHistory && entry.isDirectory() && entry.name === HISTORY_DIR) {
      for (const deviceDir of readDir(path.join(typeDir, HISTORY_DIR))) {
        if (!deviceDir.isDirectory() || !wanted(deviceDir.name)) continue;
        await pacer.pause();
        const dir = path.join(typeDir, HISTORY_DIR, deviceDir.name);
        for (const file of readDir(dir)) {
          if (isCaptureFile(file))
            found.push({ captureType, device: deviceDir.name, path: path.join(dir, file.name), history: true });
        }
      }
    }
  }
  return found;
}

/** Captures matching the filter, sorted by capture type, device, then time. */
export async function listCaptures(collections: string, filter: CaptureFilter = {}): Promise<CaptureFile[]> {
  let types = await listCaptureTypes(collections);
  if (filter.captureTypes && filter.captureTypes.length > 0) {
    const wantedTypes = new Set(filter.captureTypes.flatMap((t) => [t, safeSegment(t)]));
    types = types.filter((t) => wantedTypes.has(t));
  }
  const wanted = deviceMatcher(filter.devices);
  const pacer = new Pacer();
  const candidates: Candidate[] = [];
  for (const type of types)
    candidates.push(...(await candidatesOfType(collections, type, wanted, filter.includeHistory === true, pacer)));

  const now = (filter.now ?? new Date()).getTime();
  const since = Math.max(
    filter.since?.getTime() ?? -Infinity,
    filter.maxAgeMs !== undefined ? now - filter.maxAgeMs : -Infinity,
  );
  const files: CaptureFile[] = [];
  for (const c of candidates) {
    await pacer.pause();
    // A file removed since the directory was read is left out.
    const st = statOrUndefined(c.path);
    if (st && st.isFile() && st.mtimeMs >= since) files.push({ ...c, size: st.size, capturedAt: st.mtime });
  }
  return files.sort(
    (a, b) =>
      cmp(a.captureType, b.captureType) ||
      cmp(a.device, b.device) ||
      Number(a.history) - Number(b.history) ||
      a.capturedAt.getTime() - b.capturedAt.getTime(),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summariseCaptures(files: CaptureFile[]): CaptureSummary {
  return {
    files: files.length,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    captureTypes: new Set(files.map((f) => f.captureType)).size,
    devices: new Set(files.map((f) => f.device)).size,
  };
}

const AGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "30m", "24h", "7d", "2w" → milliseconds; a clear error for anything else. */
export function parseAge(text: string, where = "age"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  if (!m) throw new VcError("invalid_input", `expected a duration like 30m, 24h or 7d, got '${text}'`, where);
  return Number(m[1]) * AGE_UNITS[m[2].toLowerCase()];
}
