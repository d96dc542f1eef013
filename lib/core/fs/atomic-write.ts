import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The one way the product replaces a file: write a temporary file with a unique name in the same
 * folder (so the rename stays on one file system), fsync it, rename it over the target, fsync
 * the folder (so the rename itself survives a crash). A reader sees the old file or the new one,
 * never half of one; on failure the temporary file is removed and the old file is untouched.
 * Errors are the file system's own (callers wrap them in their VcError class).
 */

export type AtomicData = string | Uint8Array | Iterable<string>;

export interface AtomicWriteOptions {
  /** Permissions of the new file (default 0o644; secrets and key stores use 0o600). */
  mode?: number;
  /** Create the folder (recursively) first; a number is the mode for folders it creates. */
  mkdir?: boolean | number;
  /**
   * Called after the temporary file is written and synced, just before the rename (tests inject
   * failures here; a throw aborts the write as any other failure would).
   */
  beforeRename?: (tempFile: string) => void;
}

/** Text is buffered to chunks of this many characters before each write. */
const WRITE_BUFFER_CHARS = 1 << 20;

export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

function wantsDir(mkdir: boolean | number | undefined): mkdir is true | number {
  return mkdir !== undefined && mkdir !== false;
}

function mkdirOptions(mkdir: true | number): fs.MakeDirectoryOptions & { recursive: true } {
  return mkdir === true ? { recursive: true } : { recursive: true, mode: mkdir };
}

function isENOENT(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === "ENOENT";
}

/**
 * Opens the temporary file; with `mkdir` the folder is made only when the open finds it missing
 * (a mkdir before every write of a run costs more than the write: most folders exist).
 */
function openTempSync(tmp: string, dir: string, opts: { mode?: number; mkdir?: boolean | number }): number {
  try {
    return fs.openSync(tmp, "wx", opts.mode ?? 0o644);
  } catch (err) {
    if (!wantsDir(opts.mkdir) || !isENOENT(err)) throw err;
  }
  fs.mkdirSync(dir, mkdirOptions(opts.mkdir));
  return fs.openSync(tmp, "wx", opts.mode ?? 0o644);
}

async function openTemp(
  tmp: string,
  dir: string,
  opts: { mode?: number; mkdir?: boolean | number },
): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(tmp, "wx", opts.mode ?? 0o644);
  } catch (err) {
    if (!wantsDir(opts.mkdir) || !isENOENT(err)) throw err;
  }
  await fs.promises.mkdir(dir, mkdirOptions(opts.mkdir));
  return fs.promises.open(tmp, "wx", opts.mode ?? 0o644);
}

/** fsync of the folder after the rename; file systems that cannot (EINVAL, EISDIR, EPERM) are skipped. */
function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

interface DirSyncQueue {
  syncing: boolean;
  waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

const dirSyncQueues = new Map<string, DirSyncQueue>();

/**
 * The folder's fsync after a rename, shared: callers that arrive while one is running wait for the
 * next, which starts after their renames, and share it. A run saving a thousand captures in one
 * folder pays a few dozen folder syncs instead of a thousand, with the same guarantee for each.
 */
function syncDir(dir: string): Promise<void> {
  let queue = dirSyncQueues.get(dir);
  if (!queue) dirSyncQueues.set(dir, (queue = { syncing: false, waiting: [] }));
  const q = queue;
  return new Promise<void>((resolve, reject) => {
    q.waiting.push({ resolve, reject });
    if (!q.syncing) void drainDirSyncs(dir, q);
  });
}

async function drainDirSyncs(dir: string, q: DirSyncQueue): Promise<void> {
  q.syncing = true;
  while (q.waiting.length > 0) {
    const group = q.waiting;
    q.waiting = [];
    try {
      await syncDirOnce(dir);
      for (const w of group) w.resolve();
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }
  q.syncing = false;
  dirSyncQueues.delete(dir);
}

async function syncDirOnce(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, "r");
    await handle.sync();
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    await handle?.close();
  }
}

function ignorableDirSyncError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "EINVAL" || code === "EISDIR" || code === "EPERM" || code === "ENOTSUP";
}

function* textPieces(data: AtomicData): Iterable<string | Uint8Array> {
  if (typeof data === "string" || data instanceof Uint8Array) {
    yield data;
    return;
  }
  let buffer = "";
  for (const chunk of data) {
    buffer += chunk;
    if (buffer.length >= WRITE_BUFFER_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer !== "") yield buffer;
}

/** Synchronous form. Returns the bytes written. */
export function writeFileAtomicSync(file: string, data: AtomicData, opts: AtomicWriteOptions = {}): number {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  let bytes = 0;
  try {
    fd = openTempSync(tmp, dir, opts);
    for (const piece of textPieces(data)) {
      const buf = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
      for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
      bytes += buf.length;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    opts.beforeRename?.(tmp);
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirSync(dir);
  return bytes;
}

/** Asynchronous form (does not block the event loop while writing large files). Returns the bytes written. */
export async function writeFileAtomic(file: string, data: AtomicData, opts: AtomicWriteOptions = {}): Promise<number> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const tmp = tempPathFor(target);
  let handle: fs.promises.FileHandle | undefined;
  let bytes = 0;
  try {
    handle = await openTemp(tmp, dir, opts);
    for (const piece of textPieces(data)) {
      const buf = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
      // FileHandle.writeFile continues at the current position and loops until all is written.
      await handle.writeFile(buf);
      bytes += buf.length;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    opts.beforeRename?.(tmp);
    await fs.promises.rename(tmp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return bytes;
}

export interface AtomicStreamOptions {
  /** Permissions of the new file (default 0o644; secrets and captures use 0o600). */
  mode?: number;
  /** Create the folder (recursively) first; a number is the mode for folders it creates. */
  mkdir?: boolean | number;
  /**
   * Called after the temporary file is synced and closed, just before the rename (a capture's
   * history link is made here; tests inject failures). A throw aborts the write.
   */
  beforeRename?: (tempFile: string) => void | Promise<void>;
}

/**
 * A file replaced atomically but written piece by piece (see openAtomicWriter): only the piece
 * being written is in memory. Each `write` resolves once the piece is handed to the file system,
 * so a caller that awaits it writes no faster than the disk takes it.
 */
export interface AtomicFileWriter {
  readonly target: string;
  readonly tempFile: string;
  /** Bytes written so far. */
  readonly bytes: number;
  write(data: string | Uint8Array): Promise<void>;
  /** fsync, close, beforeRename, rename over the target, fsync the folder. On failure the temp file is gone and the target untouched. */
  commit(): Promise<void>;
  /** Closes and removes the temp file; the target stays as it was. Safe to call more than once, and after a failed commit. */
  abort(): Promise<void>;
}

/** Opens the temporary file for a streamed atomic replace of `file` (same rules as writeFileAtomic). */
export async function openAtomicWriter(file: string, opts: AtomicStreamOptions = {}): Promise<AtomicFileWriter> {
  const target = path.resolve(file);
  const tempFile = tempPathFor(target);
  const handle = await openTemp(tempFile, path.dirname(target), opts);
  return new StreamedAtomicWrite(target, tempFile, handle, opts.beforeRename);
}

class StreamedAtomicWrite implements AtomicFileWriter {
  private written = 0;
  private state: "open" | "committing" | "done" = "open";
  private handle: fs.promises.FileHandle | undefined;

  constructor(
    readonly target: string,
    readonly tempFile: string,
    handle: fs.promises.FileHandle,
    private readonly beforeRename?: (tempFile: string) => void | Promise<void>,
  ) {
    this.handle = handle;
  }

  get bytes(): number {
    return this.written;
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.state !== "open") throw new Error(`write to ${this.target} after commit or abort`);
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    try {
      // FileHandle.writeFile continues at the current position and loops until all is written.
      await this.handle!.writeFile(buf);
    } catch (err) {
      await this.abort();
      throw err;
    }
    this.written += buf.length;
  }

  async commit(): Promise<void> {
    if (this.state !== "open") throw new Error(`commit of ${this.target} after commit or abort`);
    this.state = "committing";
    try {
      await this.handle!.sync();
      await this.handle!.close();
      this.handle = undefined;
      await this.beforeRename?.(this.tempFile);
      await fs.promises.rename(this.tempFile, this.target);
    } catch (err) {
      this.state = "open";
      await this.abort();
      throw err;
    }
    this.state = "done";
    await syncDir(path.dirname(this.target));
  }

  async abort(): Promise<void> {
    if (this.state === "done") return;
    this.state = "done";
    if (this.handle) await this.handle.close().catch(() => undefined);
    this.handle = undefined;
    await fs.promises.rm(this.tempFile, { force: true });
  }
}
