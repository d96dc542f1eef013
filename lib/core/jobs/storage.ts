import * as path from "node:path";
import { safeSegment } from "../captures/layout";
import { CaptureStore, type CaptureStoreOptions } from "../collect/store";
import { VcError } from "../errors";
import type { Device } from "../types";

/**
 * A job's storage: a folder under the collections directory and a file name pattern with
 * {device_name}, {device_id}, {site}, {capture_type}, {date} and {timestamp}. Every placeholder
 * value is made safe as one path segment, and the pattern itself may not leave the folder
 * (no absolute path, no "..", no unknown placeholder), so no device name can write elsewhere.
 */

export const PLACEHOLDERS = ["device_name", "device_id", "site", "capture_type", "date", "timestamp"] as const;

function checkPart(text: string, field: string): void {
  if (text.trim() === "") throw new VcError("invalid_job", "must not be empty", field);
  if (path.isAbsolute(text) || /^[A-Za-z]:/.test(text) || text.includes("\\"))
    throw new VcError("invalid_job", `must be a relative path without '\\' (got '${text}')`, field);
  for (const segment of text.split("/"))
    if (segment === ".." || segment === "." || segment === "")
      throw new VcError(
        "invalid_job",
        `must stay inside the collections folder: no '..', '.' or empty part (got '${text}')`,
        field,
      );
  for (const m of text.matchAll(/\{([^}]*)\}/g))
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]))
      throw new VcError(
        "invalid_job",
        `unknown placeholder {${m[1]}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`,
        field,
      );
  if (/[{}]/.test(text.replace(/\{[a-z_]+\}/g, "")))
    throw new VcError("invalid_job", `unbalanced '{' or '}' in '${text}'`, field);
}

/** Throws a VcError naming storage.folder or storage.filename when a pattern could leave the folder. */
export function checkStoragePattern(folder: string, filename: string): void {
  checkPart(folder, "storage.folder");
  checkPart(filename, "storage.filename");
  if (filename.includes("/"))
    throw new VcError("invalid_job", "a file name, not a path (put folders in storage.folder)", "storage.filename");
}

function expand(pattern: string, values: Record<string, string>): string {
  return pattern
    .split("/")
    .map((segment) =>
      safeSegment(segment.replace(/\{([a-z_]+)\}/g, (_m, key: string) => safeSegment(values[key] ?? ""))),
    )
    .join(path.sep);
}

/** The capture file of one device under a job's storage settings. */
export function jobCapturePath(
  collections: string,
  storage: { folder: string; filename: string },
  captureType: string,
  device: Pick<Device, "name" | "id" | "site">,
  at: Date,
): string {
  const iso = at.toISOString();
  const values = {
    device_name: device.name,
    device_id: String(device.id ?? 0),
    site: device.site ?? "",
    capture_type: captureType,
    date: iso.slice(0, 10),
    timestamp: iso.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z"),
  };
  const root = path.resolve(collections);
  const file = path.resolve(root, expand(storage.folder, values), expand(storage.filename, values));
  if (!file.startsWith(root + path.sep))
    throw new VcError("save_failed", `the storage pattern leads outside ${root}`, device.name);
  return file;
}

/**
 * The capture store of a job run: the same atomic writes as every capture, at the job's
 * folder and file name. Devices are registered before the run so {site} and {device_id} are known.
 */
export class JobCaptureStore extends CaptureStore {
  private readonly devices = new Map<string, Device>();

  constructor(
    opts: CaptureStoreOptions,
    private readonly storage: { folder: string; filename: string },
    private readonly clock: () => Date = () => new Date(),
  ) {
    super(opts);
  }

  register(devices: Device[]): this {
    for (const d of devices) this.devices.set(d.name, d);
    return this;
  }

  override pathFor(captureType: string, deviceName: string): string {
    const device = this.devices.get(deviceName) ?? { name: deviceName };
    return jobCapturePath(this.collections, this.storage, captureType, device, this.clock());
  }
}
