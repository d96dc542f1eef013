import * as fs from "node:fs";
import * as path from "node:path";
import { historyCapturePath, latestCapturePath } from "../../lib/core/captures/layout";
import type { DeviceResult, ParsedResult } from "../../lib/core/types";

/** Writes a latest capture the way the collector lays it out, with a chosen modification time. */
export function writeCapture(
  collections: string,
  captureType: string,
  device: string,
  text: string,
  mtime?: Date,
): string {
  const file = latestCapturePath(collections, captureType, device);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mtime) fs.utimesSync(file, mtime, mtime);
  return file;
}

/** Writes a timestamped history copy (its mtime is its stamp). */
export function writeHistoryCapture(
  collections: string,
  captureType: string,
  device: string,
  text: string,
  at: Date,
): string {
  const file = historyCapturePath(collections, captureType, device, at);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.utimesSync(file, at, at);
  return file;
}

export function hoursAgo(hours: number, now = new Date()): Date {
  return new Date(now.getTime() - hours * 3_600_000);
}

/** A parsed result as vc-textfsm emits it. */
export function parsedResult(
  device: string,
  command: string,
  records: Record<string, unknown>[],
  extra: Partial<ParsedResult> = {},
): ParsedResult {
  return {
    device,
    command,
    templates: [`cisco_ios_${command.replace(/ /g, "_")}.textfsm`],
    status: "ok",
    records,
    recordCount: records.length,
    ...extra,
  };
}

/** A vc-collect device result after vc-textfsm: the message payload vc-export receives. */
export function parsedDeviceResult(
  name: string,
  platform: string,
  parsed: ParsedResult[],
  captureType = "arp",
): DeviceResult & { parsed: ParsedResult[] } {
  return {
    device: { name, host: "127.0.0.1", port: 22, platform },
    captureType,
    status: "ok",
    commands: parsed.map((p) => ({ command: p.command, output: "(output)", status: "ok" as const, durationMs: 5 })),
    capturePaths: [],
    startedAt: "2026-05-01T10:00:00.000Z",
    finishedAt: "2026-05-01T10:00:02.000Z",
    durationMs: 2000,
    parsed,
  };
}

export const ARP_RECORDS: Record<string, unknown>[] = [
  {
    protocol: "Internet",
    address: "10.0.0.1",
    age: "-",
    mac: "aabb.cc00.0100",
    type: "ARPA",
    interface: "GigabitEthernet0/0",
  },
  {
    protocol: "Internet",
    address: "10.0.0.2",
    age: "12",
    mac: "aabb.cc00.0200",
    type: "ARPA",
    interface: "GigabitEthernet0/1",
  },
];

export const VERSION_RECORDS: Record<string, unknown>[] = [
  {
    version: "15.2(4)M7",
    hostname: "r1",
    uptime: "2 weeks, 3 days",
    hardware: ["CISCO2911/K9"],
    serial: ["FTX1234A0BC", "FTX1234A0BD"],
  },
];

/** A small IOS config of device r9: its uplink description, an uptime line (volatile) and an enable secret. */
export function r9Config(description: string, uptime: string, secret: string): string {
  return [
    "hostname r9",
    `r9 uptime is ${uptime}`,
    "interface Gi0/1",
    ` description ${description}`,
    `enable secret 0 ${secret}`,
    "",
  ].join("\n");
}

/**
 * Records two versions of r9's config in a version store and closes it: "uplink A" up 1 day, then
 * "uplink B" up `laterUptime`, both holding `secret` (a diff of them must mask it).
 */
export function recordTwoR9Versions(
  store: {
    record(v: { captureType: string; deviceName: string; platform: string; content: string }): unknown;
    close(): void;
  },
  secret: string,
  laterUptime: string,
): void {
  try {
    for (const content of [r9Config("uplink A", "1 day", secret), r9Config("uplink B", laterUptime, secret)])
      store.record({ captureType: "config", deviceName: "r9", platform: "cisco_ios", content });
  } finally {
    store.close();
  }
}
