import * as fs from "node:fs";
import * as path from "node:path";
import { VcError } from "../errors";
import { TemplateDetector } from "./detect";
import { TemplateLibrary } from "./library";

/**
 * Where detectors get their templates: a library file or a templates directory (which of them a
 * parse uses is the parse stage's choice: lib/core/parse/sources.ts). Detectors are cached per source and rebuilt only when it changes, so callers that
 * detect output after output (vc-textfsm in mode auto) compile each template once.
 */

const detectorCache = new Map<string, { stamp: string; detector?: TemplateDetector }>();

function fileStamp(file: string): string {
  const st = fs.statSync(file);
  return `${st.mtimeMs}:${st.size}`;
}

/** A detector over a library file, rebuilt only when the file changed; undefined when the
 *  library holds no template. */
function libraryDetector(file: string): TemplateDetector | undefined {
  const stamp = fileStamp(file);
  const hit = detectorCache.get(`library:${file}`);
  if (hit && hit.stamp === stamp) return hit.detector;
  const library = TemplateLibrary.open(file);
  try {
    const detector = library.count() > 0 ? TemplateDetector.fromLibrary(library) : undefined;
    detectorCache.set(`library:${file}`, { stamp, detector });
    return detector;
  } finally {
    library.close();
  }
}

/** A detector over a library file (cached until the file changes). */
export function detectorForLibrary(file: string): TemplateDetector {
  if (!fs.existsSync(file)) throw new VcError("not_found", "no such template library", file);
  const detector = libraryDetector(file);
  if (!detector)
    throw new VcError(
      "no_template",
      "the template library is empty: import ntc-templates with vcollector templates import <dir>",
      file,
    );
  return detector;
}

/** How often a cached directory detector checks the files again (a full stat of the folder). */
const DIRECTORY_RECHECK_MS = 1000;
const directoryChecks = new Map<string, number>();

function directoryStamp(dir: string): string {
  let newest = fs.statSync(dir).mtimeMs;
  let count = 0;
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith(".textfsm") && file !== "index") continue;
    newest = Math.max(newest, fs.statSync(path.join(dir, file)).mtimeMs);
    count++;
  }
  return `${newest}:${count}`;
}

/** A detector over a templates directory, rebuilt when a template or the index changes (checked
 *  at most once a second). */
export function detectorForDirectory(dir: string): TemplateDetector {
  const resolved = path.resolve(dir);
  if (!fs.existsSync(resolved)) throw new VcError("not_found", "no such templates directory", resolved);
  const key = `dir:${resolved}`;
  const hit = detectorCache.get(key);
  const now = Date.now();
  if (hit?.detector && now - (directoryChecks.get(key) ?? 0) < DIRECTORY_RECHECK_MS) return hit.detector;
  const stamp = directoryStamp(resolved);
  directoryChecks.set(key, now);
  if (hit?.detector && hit.stamp === stamp) return hit.detector;
  const detector = TemplateDetector.fromDirectory(resolved);
  detectorCache.set(key, { stamp, detector });
  return detector;
}
