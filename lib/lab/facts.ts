import type { Rng } from "./rng";

/** Per-device values that built-in responses show: serial, MAC, boot time, management address. */
export interface DeviceFacts {
  hostname: string;
  username: string;
  mgmtIp: string;
  serial: string;
  mac: number[];
  bootTime: Date;
}

export function makeFacts(hostname: string, username: string, mgmtIp: string, rng: Rng, now: Date): DeviceFacts {
  const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  const digits = "0123456789";
  const pick = (set: string, n: number) =>
    Array.from({ length: n }, () => set[Math.floor(rng() * set.length)]).join("");
  const serial = `${pick(letters, 3)}${pick(digits, 4)}${pick(letters + digits, 4)}`;
  // Locally administered unicast MAC (0x02 in the first octet).
  const mac = [0x02, ...Array.from({ length: 5 }, () => Math.floor(rng() * 256))];
  const uptimeMinutes = 60 * 24 + Math.floor(rng() * 60 * 24 * 200);
  return { hostname, username, mgmtIp, serial, mac, bootTime: new Date(now.getTime() - uptimeMinutes * 60_000) };
}
