import * as net from "node:net";
import { DEVICE_STATUSES } from "./types";

/**
 * Field checks shared by every way a device enters the inventory (CSV, CLI, inline lists,
 * msg.payload, NetBox). Each returns either the clean value or a problem sentence; the caller
 * adds the location (row and column, field path).
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(problem: string): Checked<T> => ({ ok: false, problem });

/**
 * An IPv4 or IPv6 address. A prefix length ("10.0.0.1/24", as NetBox exports primary_ip4) is
 * checked and stripped: the management address is the host part.
 */
export function checkIp(raw: string): Checked<{ address: string; family: 4 | 6 }> {
  const text = raw.trim();
  if (text === "") return bad("an IP address is required");
  const [address, prefix, ...more] = text.split("/");
  const family = net.isIP(address);
  if (family === 0 || more.length) return bad(`'${text}' is not an IPv4 or IPv6 address`);
  if (prefix !== undefined) {
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max)
      return bad(`'${text}' has an invalid prefix length (0-${max})`);
  }
  return ok({ address, family: family as 4 | 6 });
}

/** A management address given freely (inline lists, msg.payload): an IP or a DNS host name. */
export function checkHost(raw: string): Checked<string> {
  const text = raw.trim();
  const ip = checkIp(text);
  if (ip.ok) return ok(ip.value.address);
  if (
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
      text,
    ) &&
    !/^[\d.]+$/.test(text)
  )
    return ok(text);
  return bad(
    text === "" ? "a host (IP address or DNS name) is required" : `'${text}' is not an IP address or a host name`,
  );
}

export function checkPort(raw: unknown): Checked<number> {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return ok(22);
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) return bad(`'${String(raw)}' is not a TCP port (1-65535)`);
  return ok(n);
}

export function checkStatus(raw: unknown): Checked<string> {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return ok("active");
  if (typeof raw !== "string") return bad(`status must be text, got ${typeof raw}`);
  const s = raw.trim().toLowerCase();
  if (!(DEVICE_STATUSES as readonly string[]).includes(s))
    return bad(`'${raw}' is not a device status (${DEVICE_STATUSES.join(", ")})`);
  return ok(s);
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Device names become capture file names and must identify one device: no blanks or separators. */
export function checkDeviceName(raw: unknown): Checked<string> {
  if (typeof raw !== "string" || raw.trim() === "") return bad("a device name is required");
  const name = raw.trim();
  if (name.length > 255) return bad(`device name is longer than 255 characters`);
  if (/[\s/\\]/.test(name) || hasControlCharacters(name))
    return bad(`'${name}' is not a valid device name (no spaces, slashes or control characters)`);
  if (name === "." || name === "..") return bad(`'${name}' is not a valid device name`);
  return ok(name);
}

/** Tags from a list or from text separated by ';', '|' or ','. Duplicates and blanks dropped. */
export function checkTags(raw: unknown): Checked<string[]> {
  if (raw === undefined || raw === null || raw === "") return ok([]);
  const items = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[;|,]/) : null;
  if (!items) return bad(`tags must be a list or text separated by ';', got ${typeof raw}`);
  const tags: string[] = [];
  for (const item of items) {
    const name =
      typeof item === "string"
        ? item
        : item && typeof item === "object" && typeof (item as { slug?: unknown }).slug === "string"
          ? (item as { slug: string }).slug
          : undefined;
    if (name === undefined) return bad(`tag ${JSON.stringify(item)} is not text`);
    const t = name.trim();
    if (t && !tags.includes(t)) tags.push(t);
  }
  return ok(tags);
}

export function checkCredentialName(raw: unknown): Checked<string | undefined> {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return ok(undefined);
  if (typeof raw !== "string") return bad(`credential must be a credential name, got ${typeof raw}`);
  const name = raw.trim();
  if (name.length > 200 || hasControlCharacters(name)) return bad(`'${name}' is not a valid credential name`);
  return ok(name);
}

/** A URL-style slug from a display name ("Main DC" → "main-dc"), as NetBox makes them. */
export function slugify(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "x" : slug.slice(0, 100);
}
