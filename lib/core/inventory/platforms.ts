import { DEFAULT_MANUFACTURERS, DEFAULT_PLATFORMS } from "./seeds";
import type { PlatformInfo } from "./types";

/**
 * Known platforms, found by slug ("cisco_ios_xe"), display name ("Cisco IOS-XE") or netmiko/ntc
 * name ("cisco_xe"), case-insensitively. A device's `platform` is always the netmiko/ntc name
 * (that is what the SSH profiles and the ntc-templates index use), falling back to the slug.
 */
export class PlatformCatalog {
  private readonly byKey = new Map<string, PlatformInfo>();
  private readonly manufacturerNames = new Map<string, string>();

  constructor(platforms: PlatformInfo[] = DEFAULT_PLATFORMS, manufacturers = DEFAULT_MANUFACTURERS) {
    for (const m of manufacturers) this.manufacturerNames.set(m.slug, m.name);
    for (const p of platforms) this.add(p);
  }

  /** Adds a platform; earlier entries win when two claim the same key. */
  add(platform: PlatformInfo): void {
    for (const key of [platform.slug, platform.name, platform.netmikoDeviceType]) {
      if (!key) continue;
      const k = key.toLowerCase();
      if (!this.byKey.has(k)) this.byKey.set(k, platform);
    }
  }

  addManufacturer(slug: string, name: string): void {
    if (!this.manufacturerNames.has(slug)) this.manufacturerNames.set(slug, name);
  }

  find(nameOrSlug: string): PlatformInfo | undefined {
    return this.byKey.get(nameOrSlug.trim().toLowerCase());
  }

  manufacturerName(slug: string | undefined): string | undefined {
    return slug === undefined ? undefined : this.manufacturerNames.get(slug);
  }

  /** The platform names to suggest in an error message. */
  knownNames(): string[] {
    return [...new Set([...this.byKey.values()].map(ntcName))].sort();
  }
}

export function ntcName(p: PlatformInfo): string {
  return p.netmikoDeviceType || p.slug;
}
