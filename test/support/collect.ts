import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { Server, utils } from "ssh2";
import type { Lab, LabDeviceInfo } from "../../lib/lab";
import { parseDevicesCsv } from "../../lib/core/inventory";
import { fingerprintOf, KnownHostsStore } from "../../lib/core/ssh";
import type { Device } from "../../lib/core/types";
import { generateSshKeyPair } from "./ssh-keys";

/**
 * Test helpers for collection and discovery: probe commands whose outputs the test knows
 * (served by the lab from a responses directory written here), the lab's devices as inventory
 * Devices, and small ssh2 / TCP servers that record what a client did to them.
 */

/** Commands the lab answers from writeProbeResponses(); outputs name the device. */
export const PROBE_COMMANDS = ["show vcprobe alpha", "show vcprobe beta"];

/**
 * The output a probe command gives on a device (as the session driver returns it, trimmed):
 * 40 lines, long enough (about 1 KB) for the lab's drop_mid_output fault to cut it.
 */
export function probeOutput(command: string, hostname: string): string {
  const word = command.split(" ").pop();
  const lines = [`probe ${word} from ${hostname}`];
  for (let i = 2; i <= 40; i++) lines.push(`line ${String(i).padStart(2, "0")} of ${word}: ${"x".repeat(i % 7)}`);
  return lines.join("\n");
}

/** Writes probe responses for the platforms, in the ntc tests layout the lab reads; returns the directory. */
export function writeProbeResponses(dir: string, platforms: string[]): string {
  const root = path.join(dir, "probe-responses");
  for (const platform of platforms) {
    for (const command of PROBE_COMMANDS) {
      const commandDir = path.join(root, platform, command.replace(/ /g, "_"));
      fs.mkdirSync(commandDir, { recursive: true });
      fs.writeFileSync(path.join(commandDir, "probe.txt"), probeOutput(command, "{{hostname}}") + "\n");
    }
  }
  return root;
}

/** The lab's devices as the inventory CSV reader sees them (the way `collect --inventory` gets them). */
export function labDevices(lab: Lab): Device[] {
  const { devices, errors } = parseDevicesCsv(lab.inventoryCsv(), { source: "lab.csv" });
  if (errors.length) throw new Error(errors.map((e) => e.message).join("\n"));
  return devices;
}

export function labInfo(lab: Lab, name: string): LabDeviceInfo {
  const d = lab.devices.find((x) => x.name === name);
  if (!d) throw new Error(`no lab device ${name}`);
  return d;
}

/** A known_hosts file with the given lab devices' keys pinned (fetched with a raw handshake). */
export async function pinLabHosts(
  file: string,
  devices: Array<{ host: string; port: number }>,
): Promise<KnownHostsStore> {
  const { fetchHostKey } = await import("../../lib/core/collect");
  const store = new KnownHostsStore(file);
  for (const d of devices) store.pin(d.host, d.port, await fetchHostKey(d.host, d.port, 5000));
  return store;
}

/**
 * An SSH server that rejects every login and records each attempt: how many connections came
 * and which passwords were offered (password and keyboard-interactive). Proves which secrets a
 * client sent, and to whom.
 */
export interface RecordingServer {
  host: string;
  port: number;
  fingerprint: string;
  connections: number;
  passwords: string[];
  stop(): Promise<void>;
}

export async function startRecordingServer(host = "127.0.0.1"): Promise<RecordingServer> {
  const key = generateSshKeyPair("ed25519");
  const parsed = utils.parseKey(key.public);
  const blob = (Array.isArray(parsed) ? parsed[0] : parsed) as { getPublicSSH(): Buffer };
  const clients = new Set<{ end(): void }>();
  const record: RecordingServer = {
    host,
    port: 0,
    fingerprint: fingerprintOf(blob.getPublicSSH()),
    connections: 0,
    passwords: [],
    stop: async () => undefined,
  };
  const server = new Server({ hostKeys: [key.private] }, (client) => {
    record.connections++;
    clients.add(client);
    client.on("close", () => clients.delete(client));
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      if (ctx.method === "password") record.passwords.push(ctx.password);
      if (ctx.method === "keyboard-interactive") {
        return ctx.prompt([{ prompt: "Password: ", echo: false }], (answers) => {
          record.passwords.push(...(answers ?? []));
          ctx.reject(["password", "keyboard-interactive"]);
        });
      }
      ctx.reject(["password", "keyboard-interactive"]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  record.port = (server.address() as net.AddressInfo).port;
  record.stop = () =>
    new Promise<void>((resolve) => {
      for (const c of clients) c.end();
      server.close(() => resolve());
    });
  return record;
}

/** A TCP server that accepts and at once drops every connection (a device that resets before its SSH banner). */
export async function startDroppingServer(
  host = "127.0.0.1",
): Promise<{ host: string; port: number; connections: number; stop(): Promise<void> }> {
  const state = { host, port: 0, connections: 0, stop: async () => undefined as void };
  const server = net.createServer((socket) => {
    state.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  state.port = (server.address() as net.AddressInfo).port;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
