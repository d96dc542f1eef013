import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { historyCapturePath, latestCapturePath } from "../captures/layout";
import { VcError, errorMessage } from "../errors";
import { type AtomicFileWriter, openAtomicWriter } from "../fs/atomic-write";
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
 * Capture files in VelocityCollector's layout (files 0600, folders 0700). Every write goes
 * through the product's one atomic write (fs/atomic-write.ts, streamed: temp file in the same
 * folder, fsync, rename, fsync of the folder), so a reader never sees half a file and a crash
 * never leaves the previous capture truncated. Any failure throws a VcError of class "save_failed".
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

  /** Opens the streamed atomic write of `target`, creating its folder first (again, if it was removed since). */
  private async openWriter(target: string, beforeRename: (temp: string) => Promise<void>): Promise<AtomicFileWriter> {
    const dir = path.dirname(target);
    await this.ensureDir(dir);
    try {
      return await openAtomicWriter(target, { mode: 0o600, beforeRename });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      this.knownDirs.delete(dir);
      await this.ensureDir(dir);
      return openAtomicWriter(target, { mode: 0o600, beforeRename });
    }
  }

  async save(captureType: string, deviceName: string, content: string, at: Date = new Date()): Promise<SavedCapture> {
    const writer = await this.open(captureType, deviceName);
    await writer.append(content);
    return writer.commit(at);
  }

  /**
   * A capture written as it arrives: `append` each part (a command's output as soon as it is
   * read), then `commit` (fsync, history link, rename over the latest capture: still atomic) or
   * `discard` (the temp file goes, the previous capture stays). Only the part being appended is
   * in memory, never the whole capture.
   */
  async open(captureType: string, deviceName: string): Promise<CaptureWriter> {
    const target = this.pathFor(captureType, deviceName);
    // The history copy is linked to the temp file just before the rename; commit sets the time.
    const history = { at: new Date(), path: undefined as string | undefined };
    const beforeRename = async (temp: string): Promise<void> => {
      if (this.keepHistory)
        history.path = await linkHistory(
          temp,
          historyCapturePath(this.collections, captureType, deviceName, history.at),
        );
    };
    try {
      const file = await this.openWriter(target, beforeRename);
      return new CaptureWriter(file, target, deviceName, history);
    } catch (err) {
      throw saveFailed(target, deviceName, err);
    }
  }
}

/** See CaptureStore.open. */
export class CaptureWriter {
  private readonly hash = createHash("sha256");
  private done = false;

  constructor(
    private readonly file: AtomicFileWriter,
    readonly path: string,
    private readonly deviceName: string,
    private readonly history: { at: Date; path: string | undefined },
  ) {}

  /** Bytes written so far. */
  get bytes(): number {
    return this.file.bytes;
  }

  async append(text: string): Promise<void> {
    if (this.done) throw new VcError("internal_error", "append after commit or discard", this.path);
    const data = Buffer.from(text, "utf8");
    try {
      await this.file.write(data);
    } catch (err) {
      this.done = true;
      throw saveFailed(this.path, this.deviceName, err);
    }
    this.hash.update(data);
  }

  async commit(at: Date = new Date()): Promise<SavedCapture> {
    if (this.done) throw new VcError("internal_error", "commit after commit or discard", this.path);
    this.done = true;
    this.history.at = at;
    try {
      await this.file.commit();
    } catch (err) {
      throw saveFailed(this.path, this.deviceName, err);
    }
    return { path: this.path, historyPath: this.history.path, size: this.file.bytes, sha256: this.hash.digest("hex") };
  }

  /** Drops the temp file; the previous capture (if any) stays. Safe to call more than once. */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.file.abort();
  }
}

function saveFailed(target: string, deviceName: string, err: unknown): VcError {
  if (err instanceof VcError && err.errorClass === "save_failed") return err;
  return new VcError("save_failed", `could not save the capture to ${target}: ${errorMessage(err)}`, deviceName, {
    cause: err,
  });
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
