import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { historyCapturePath, latestCapturePath } from "../captures/layout";
import { VcError, errorMessage } from "../errors";
import type { CommandResult } from "../types";

/** A capture written to disk. */
export interface SavedCapture {
  /** The latest capture: `<collections>/<capture_type>/<device>.txt`. */
  path: string;
  /** The timestamped copy, when history is on. */
  historyPath?: string;
  /** Size in bytes (UTF-8), not characters. */
  size: number;
  sha256: string;
}

export interface CaptureStoreOptions {
  /** The collections directory (the data home's `collections/`, or the CLI's `--out`). */
  collections: string;
  /** Also keep `<capture_type>/history/<device>/<stamp>.txt` for every capture. */
  keepHistory?: boolean;
}

/**
 * Capture files in VelocityCollector's layout. Every write is atomic (a temp file in the same
 * directory, then rename), so a reader never sees half a file and a crash never leaves the
 * previous capture truncated. Any failure throws a VcError of class "save_failed".
 */
export class CaptureStore {
  readonly collections: string;
  readonly keepHistory: boolean;

  constructor(opts: CaptureStoreOptions) {
    this.collections = path.resolve(opts.collections);
    this.keepHistory = opts.keepHistory ?? false;
  }

  /** Where a device's latest capture of a type goes (the same mapping readers use). */
  pathFor(captureType: string, deviceName: string): string {
    return latestCapturePath(this.collections, captureType, deviceName);
  }

  /** Directories this store created or found, so a run of 1000 captures does not mkdir 1000 times. */
  private readonly knownDirs = new Set<string>();

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    this.knownDirs.add(dir);
  }

  /** writeTemp, creating the directory first (again, if it was removed since this store made it). */
  private async writeTempIn(target: string, data: Buffer): Promise<string> {
    const dir = path.dirname(target);
    await this.ensureDir(dir);
    try {
      return await writeTemp(target, data);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      this.knownDirs.delete(dir);
      await this.ensureDir(dir);
      return writeTemp(target, data);
    }
  }

  async save(captureType: string, deviceName: string, content: string, at: Date = new Date()): Promise<SavedCapture> {
    const target = this.pathFor(captureType, deviceName);
    const data = Buffer.from(content, "utf8");
    const sha256 = createHash("sha256").update(data).digest("hex");
    try {
      const temp = await this.writeTempIn(target, data);
      return await this.publish(temp, target, captureType, deviceName, at, data.length, sha256);
    } catch (err) {
      throw saveFailed(target, deviceName, err);
    }
  }

  /**
   * A capture written as it arrives: `append` each part (a command's output as soon as it is
   * read), then `commit` (fsync, history link, rename over the latest capture: still atomic) or
   * `discard` (the temp file goes, the previous capture stays). Only the part being appended is
   * in memory, never the whole capture.
   */
  async open(captureType: string, deviceName: string): Promise<CaptureWriter> {
    const target = this.pathFor(captureType, deviceName);
    try {
      await this.ensureDir(path.dirname(target));
      let opened: { temp: string; handle: fs.promises.FileHandle };
      try {
        opened = await openTemp(target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        this.knownDirs.delete(path.dirname(target));
        await this.ensureDir(path.dirname(target));
        opened = await openTemp(target);
      }
      return new CaptureWriter(opened.handle, opened.temp, target, deviceName, (temp, size, sha256, at) =>
        this.publish(temp, target, captureType, deviceName, at, size, sha256),
      );
    } catch (err) {
      throw saveFailed(target, deviceName, err);
    }
  }

  private async publish(
    temp: string,
    target: string,
    captureType: string,
    deviceName: string,
    at: Date,
    size: number,
    sha256: string,
  ): Promise<SavedCapture> {
    let historyPath: string | undefined;
    try {
      if (this.keepHistory)
        historyPath = await linkHistory(temp, historyCapturePath(this.collections, captureType, deviceName, at));
      await fs.promises.rename(temp, target);
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
    return { path: target, historyPath, size, sha256 };
  }
}

/** See CaptureStore.open. */
export class CaptureWriter {
  private readonly hash = createHash("sha256");
  private size = 0;
  private done = false;

  constructor(
    private readonly handle: fs.promises.FileHandle,
    private readonly temp: string,
    readonly path: string,
    private readonly deviceName: string,
    private readonly publish: (temp: string, size: number, sha256: string, at: Date) => Promise<SavedCapture>,
  ) {}

  /** Bytes written so far. */
  get bytes(): number {
    return this.size;
  }

  async append(text: string): Promise<void> {
    if (this.done) throw new VcError("internal_error", "append after commit or discard", this.path);
    const data = Buffer.from(text, "utf8");
    try {
      await this.handle.write(data, 0, data.length, null);
    } catch (err) {
      await this.discard();
      throw saveFailed(this.path, this.deviceName, err);
    }
    this.hash.update(data);
    this.size += data.length;
  }

  async commit(at: Date = new Date()): Promise<SavedCapture> {
    if (this.done) throw new VcError("internal_error", "commit after commit or discard", this.path);
    this.done = true;
    try {
      await this.handle.sync();
      await this.handle.close();
    } catch (err) {
      await this.handle.close().catch(() => undefined);
      await fs.promises.rm(this.temp, { force: true });
      throw saveFailed(this.path, this.deviceName, err);
    }
    try {
      return await this.publish(this.temp, this.size, this.hash.digest("hex"), at);
    } catch (err) {
      throw saveFailed(this.path, this.deviceName, err);
    }
  }

  /** Drops the temp file; the previous capture (if any) stays. Safe to call more than once. */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close().catch(() => undefined);
    await fs.promises.rm(this.temp, { force: true });
  }
}

function saveFailed(target: string, deviceName: string, err: unknown): VcError {
  if (err instanceof VcError && err.errorClass === "save_failed") return err;
  return new VcError("save_failed", `could not save the capture to ${target}: ${errorMessage(err)}`, deviceName, {
    cause: err,
  });
}

async function openTemp(target: string): Promise<{ temp: string; handle: fs.promises.FileHandle }> {
  const temp = tempPathFor(target);
  return { temp, handle: await fs.promises.open(temp, "wx", 0o600) };
}

function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
}

async function writeTemp(target: string, data: Buffer): Promise<string> {
  const temp = tempPathFor(target);
  const handle = await fs.promises.open(temp, "wx", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  return temp;
}

/**
 * The history copy shares the new file's inode (a hard link made before the rename), so keeping
 * history costs no extra write; later captures replace the latest name, not the linked inode.
 */
async function linkHistory(temp: string, historyPath: string): Promise<string> {
  await fs.promises.mkdir(path.dirname(historyPath), { recursive: true, mode: 0o700 });
  try {
    await fs.promises.link(temp, historyPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV" && (err as NodeJS.ErrnoException).code !== "EPERM") throw err;
    await fs.promises.copyFile(temp, historyPath);
  }
  return historyPath;
}

/**
 * The text stored for one device. One command: its output as the device printed it. Several
 * commands: a transcript, each output preceded by `<prompt><command>` as on the device's
 * terminal, so the file reads like VelocityCollector's captures and each part is findable.
 */
export function captureContent(commands: CommandResult[], prompt = ""): string {
  if (commands.length === 1) return withFinalNewline(commands[0].output);
  return commands.map((c) => capturePart(c, prompt, commands.length)).join("");
}

/** One command's part of the capture (see captureContent), for writing it as it arrives. */
export function capturePart(
  c: Pick<CommandResult, "command" | "output">,
  prompt: string,
  commandCount: number,
): string {
  return capturePieces(c, prompt, commandCount).join("");
}

/** capturePart as pieces, so a big output is written without first being copied into a bigger string. */
export function capturePieces(
  c: Pick<CommandResult, "command" | "output">,
  prompt: string,
  commandCount: number,
): string[] {
  const pieces = commandCount === 1 ? [c.output] : [`${prompt}${c.command}\n`, c.output];
  if (c.output !== "" && !c.output.endsWith("\n")) pieces.push("\n");
  return pieces;
}

function withFinalNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : text + "\n";
}
