/** Capture files for the search benches (bench/search.ts, bench/regex-budget.ts). */

export const TYPES = ["config", "arp", "interfaces", "routes", "version"];
const FILE_BYTES = 50 * 1024;

/** Plausible device output lines; every file differs (device, counters, addresses). */
export function captureText(type: string, device: number, needleEvery = 400): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < FILE_BYTES; i++) {
    const a = (device * 7 + i) % 250;
    const b = (device + i * 13) % 250;
    let line: string;
    switch (type) {
      case "config":
        line =
          i % 4 === 0
            ? `interface GigabitEthernet${i % 4}/0/${i % 48}`
            : i % 4 === 1
              ? ` description link to sw-${device}-${i} uplink`
              : i % 4 === 2
                ? ` ip address 10.${a}.${b}.1 255.255.255.0`
                : " no shutdown";
        break;
      case "arp":
        line = `Internet  10.${a}.${b}.${i % 250}   ${i % 240}   aabb.cc${(device % 256).toString(16).padStart(2, "0")}.${(i % 65536).toString(16).padStart(4, "0")}  ARPA   Vlan${i % 400}`;
        break;
      case "interfaces":
        line = `GigabitEthernet1/0/${i % 48} is up, line protocol is up; ${i * 977} packets input, ${i * 65521} bytes, 0 no buffer`;
        break;
      case "routes":
        line = `O IA     10.${a}.${b}.0/24 [110/${i % 300}] via 172.16.${b}.${a}, 2d${i % 24}h, TenGigabitEthernet1/1/${i % 8}`;
        break;
      default:
        line = `Cisco IOS XE Software, Version 17.${i % 12}.${device % 5}, RELEASE SOFTWARE (fc${i % 9}) uptime ${device} weeks ${i} days`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  // A rare needle in one file of `needleEvery`, for the searches to find.
  if (device % needleEvery === 7)
    lines.splice(lines.length >> 1, 0, `! maintenance ticket CHG-${device}-NEEDLE owner=netops`);
  return lines.join("\n") + "\n";
}
