import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { VcError, errorMessage } from "../errors";

const WRITE_BUFFER_CHARS = 1 << 20;

/**
 * Writes text chunks to `file` atomically: into a temporary file beside it, flushed to disk, then
 * renamed over the target, so a reader never sees half an export. Returns the bytes written.
 */
export async function writeFileAtomic(file: string, chunks: Iterable<string>): Promise<number> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  let handle: fs.promises.FileHandle | undefined;
  let bytes = 0;
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    handle = await fs.promises.open(tmp, "wx", 0o644);
    let buffer = "";
    for (const chunk of chunks) {
      buffer += chunk;
      if (buffer.length >= WRITE_BUFFER_CHARS) {
        bytes += await writeAll(handle, buffer);
        buffer = "";
      }
    }
    if (buffer !== "") bytes += await writeAll(handle, buffer);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(tmp, file);
    return bytes;
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw new VcError("export_write_failed", errorMessage(err), file, { cause: err });
  }
}

/** writeFile on a handle continues at the current position and loops until everything is written. */
async function writeAll(handle: fs.promises.FileHandle, text: string): Promise<number> {
  const data = Buffer.from(text, "utf8");
  await handle.writeFile(data);
  return data.length;
}
