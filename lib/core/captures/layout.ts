import * as path from "node:path";

/**
 * Where captures live on disk (VelocityCollector's layout, kept so its users find their files):
 *   <collections>/<capture_type>/<device>.txt                      latest capture
 *   <collections>/<capture_type>/history/<device>/<stamp>.txt     optional timestamped history
 * Names are made safe for file systems; the mapping is stable so readers and writers agree.
 */

/** Makes a device name or capture type safe as one path segment (no separators, no dot-dot). */
export function safeSegment(value: string): string {
  const cleaned = value
    .trim()
    .replace(/[^A-Za-z0-9._@+-]+/g, "_")
    .replace(/^\.+/, "_");
  return cleaned === "" ? "_" : cleaned.slice(0, 200);
}

export function latestCapturePath(collections: string, captureType: string, device: string): string {
  return path.join(collections, safeSegment(captureType), `${safeSegment(device)}.txt`);
}

export function historyDir(collections: string, captureType: string, device: string): string {
  return path.join(collections, safeSegment(captureType), "history", safeSegment(device));
}

/** UTC timestamp usable in file names and sortable as text: 20261125T201500123Z. */
export function historyStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(".", "");
}

export function historyCapturePath(collections: string, captureType: string, device: string, at: Date): string {
  return path.join(historyDir(collections, captureType, device), `${historyStamp(at)}.txt`);
}
