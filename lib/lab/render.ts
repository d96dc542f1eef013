import type { DeviceFacts } from "./facts";
import type { Rng } from "./rng";

/**
 * {{placeholder}} substitution for platform texts and built-in responses (.txt). Double braces
 * because Junos configurations and JSON outputs use single ones. Unknown names are left as is.
 */
export type Vars = Record<string, string | number | undefined>;

export function renderText(text: string, lookup: (name: string) => string | undefined): string {
  if (!text.includes("{{")) return text;
  return text.replace(/\{\{([a-z0-9_]+)\}\}/g, (whole, name: string) => lookup(name) ?? whole);
}

export function renderVars(text: string, vars: Vars): string {
  return renderText(text, (name) => (vars[name] === undefined ? undefined : String(vars[name])));
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");
const hms = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
const ms3 = (d: Date) => String(d.getUTCMilliseconds()).padStart(3, "0");

/** "13:45:12 UTC Tue Mar 3 2026" (IOS configuration stamps, boot time). */
export function iosTime(d: Date): string {
  return `${hms(d)} UTC ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** "Tue Mar  3 13:45:12 2026" (NX-OS, EOS, PAN-OS). */
export function ctime(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${hms(d)} ${d.getUTCFullYear()}`;
}

function splitDuration(ms: number): {
  weeks: number;
  days: number;
  totalDays: number;
  hours: number;
  minutes: number;
  seconds: number;
} {
  const s = Math.max(0, Math.floor(ms / 1000));
  const totalDays = Math.floor(s / 86400);
  return {
    weeks: Math.floor(totalDays / 7),
    days: totalDays % 7,
    totalDays,
    hours: Math.floor((s % 86400) / 3600),
    minutes: Math.floor((s % 3600) / 60),
    seconds: s % 60,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Placeholder values for one device at one moment. `clock_period` differs on every call (a volatile line). */
export function deviceLookup(
  facts: DeviceFacts,
  rng: Rng,
  extra: Vars = {},
  now = new Date(),
): (name: string) => string | undefined {
  const up = splitDuration(now.getTime() - facts.bootTime.getTime());
  const macHex = facts.mac.map((b) => b.toString(16).padStart(2, "0"));
  return (name) => {
    if (extra[name] !== undefined) return String(extra[name]);
    switch (name) {
      case "hostname":
        return facts.hostname;
      case "hostname_upper":
        return facts.hostname.toUpperCase();
      case "username":
        return facts.username;
      case "mgmt_ip":
        return facts.mgmtIp;
      case "serial":
        return facts.serial;
      case "mac_dotted":
        return `${macHex[0]}${macHex[1]}.${macHex[2]}${macHex[3]}.${macHex[4]}${macHex[5]}`;
      case "mac_colon":
        return macHex.join(":");
      case "mac_dash":
        return macHex.join("-");
      case "mac_base_dotted":
        return `${macHex[0]}${macHex[1]}.${macHex[2]}${macHex[3]}.${macHex[4]}00`;
      case "now_ios":
        return iosTime(now);
      case "now_ios_ms":
        return `${hms(now)}.${ms3(now)} UTC ${DAYS[now.getUTCDay()]} ${MONTHS[now.getUTCMonth()]} ${now.getUTCDate()} ${now.getUTCFullYear()}`;
      case "now_xr":
        return `${DAYS[now.getUTCDay()]} ${MONTHS[now.getUTCMonth()]} ${String(now.getUTCDate()).padStart(2, " ")} ${hms(now)}.${ms3(now)} UTC`;
      case "now_ctime":
        return ctime(now);
      case "now_nxos_clock":
        return `${hms(now)}.${ms3(now)} UTC ${DAYS[now.getUTCDay()]} ${MONTHS[now.getUTCMonth()]} ${two(now.getUTCDate())} ${now.getUTCFullYear()}`;
      case "now_comware_clock":
        return `${hms(now)} UTC ${DAYS[now.getUTCDay()]} ${two(now.getUTCMonth() + 1)}/${two(now.getUTCDate())}/${now.getUTCFullYear()}`;
      case "now_junos":
        return `${now.getUTCFullYear()}-${two(now.getUTCMonth() + 1)}-${two(now.getUTCDate())} ${hms(now)} UTC`;
      case "now_fortios":
        return `${now.getUTCFullYear()}-${two(now.getUTCMonth() + 1)}-${two(now.getUTCDate())} ${hms(now)}`;
      case "now_epoch":
        return String(Math.floor(now.getTime() / 1000));
      case "boot_ios":
        return iosTime(facts.bootTime);
      case "boot_ctime":
        return ctime(facts.bootTime);
      case "boot_junos": {
        const b = facts.bootTime;
        return `${b.getUTCFullYear()}-${two(b.getUTCMonth() + 1)}-${two(b.getUTCDate())} ${hms(b)} UTC`;
      }
      case "uptime_ios":
        return [
          up.weeks ? plural(up.weeks, "week") : "",
          up.days ? plural(up.days, "day") : "",
          plural(up.hours, "hour"),
          plural(up.minutes, "minute"),
        ]
          .filter(Boolean)
          .join(", ");
      case "uptime_eos":
        return `${[up.weeks ? plural(up.weeks, "week") : "", up.days ? plural(up.days, "day") : "", plural(up.hours, "hour")].filter(Boolean).join(", ")} and ${plural(up.minutes, "minute")}`;
      case "uptime_nxos":
        return `${up.totalDays} day(s), ${up.hours} hour(s), ${up.minutes} minute(s), ${up.seconds} second(s)`;
      case "uptime_days":
        return String(up.totalDays);
      case "uptime_hm":
        return `${two(up.hours)}:${two(up.minutes)}`;
      case "uptime_seconds":
        return String(Math.floor((now.getTime() - facts.bootTime.getTime()) / 1000));
      case "uptime_panos":
        return `${up.totalDays} days, ${two(up.hours)}:${two(up.minutes)}:${two(up.seconds)}`;
      case "clock_period":
        return String(17179000 + Math.floor(rng() * 2000));
      default:
        return undefined;
    }
  };
}
