import { VcError } from "../core/errors";

/** Loopback only: the lab never listens anywhere else. */
export function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  const n = parseIPv4(host);
  return n !== undefined && n >>> 24 === 127;
}

export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Hands out consecutive 127.x.y.z addresses from `base`, skipping .0 and .255 in the last octet. */
export class AddressAllocator {
  private next: number;

  constructor(base = "127.0.0.2") {
    const n = parseIPv4(base);
    if (n === undefined || n >>> 24 !== 127)
      throw new VcError("usage", `base address '${base}' is not an IPv4 loopback address (127.0.0.0/8)`);
    this.next = n;
  }

  take(): string {
    while ((this.next & 255) === 0 || (this.next & 255) === 255) this.next++;
    if (this.next >>> 24 !== 127) throw new VcError("usage", "ran out of 127.0.0.0/8 addresses");
    return formatIPv4(this.next++);
  }
}
