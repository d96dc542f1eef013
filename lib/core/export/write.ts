import { VcError, errorMessage } from "../errors";
import { writeFileAtomic as writeAtomic } from "../fs/atomic-write";

/**
 * Writes text chunks to `file` atomically (see fs/atomic-write.ts), so a reader never sees half
 * an export. Returns the bytes written; a failure is "export_write_failed" naming the file.
 */
export async function writeFileAtomic(file: string, chunks: Iterable<string>): Promise<number> {
  try {
    return await writeAtomic(file, chunks, { mkdir: true, mode: 0o644 });
  } catch (err) {
    throw new VcError("export_write_failed", errorMessage(err), file, { cause: err });
  }
}
