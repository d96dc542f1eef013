import type { Device } from "../types";

/**
 * A Device carries slugs (site, role, manufacturer) and the netmiko/ntc platform name. The
 * display names that go with them travel in `device.extra.dcim`, so that a filter written with
 * either the slug or the name ("main-dc" or "Main DC", "cisco_xe" or "Cisco IOS-XE") matches.
 */
export interface DcimLabels {
  siteName?: string;
  roleName?: string;
  roleColor?: string;
  platformName?: string;
  platformSlug?: string;
  manufacturerName?: string;
}

export const LABELS_KEY = "dcim";

export function labelsOf(device: Device): DcimLabels {
  const value = device.extra?.[LABELS_KEY];
  return value !== null && typeof value === "object" ? (value as DcimLabels) : {};
}

/** Sets the labels, dropping empty ones; leaves `extra` undefined when nothing remains. */
export function withLabels(device: Device, labels: DcimLabels): Device {
  const clean: DcimLabels = {};
  for (const [k, v] of Object.entries(labels) as Array<[keyof DcimLabels, string | undefined]>) if (v) clean[k] = v;
  const extra = { ...(device.extra ?? {}) };
  if (Object.keys(clean).length) extra[LABELS_KEY] = clean;
  else delete extra[LABELS_KEY];
  return { ...device, extra: Object.keys(extra).length ? extra : undefined };
}

export type FilterAttribute = "site" | "role" | "platform" | "manufacturer";

/** Every name under which a device is known for one attribute (slug, display name, ntc name). */
export function namesFor(device: Device, attribute: FilterAttribute): Array<string | undefined> {
  const l = labelsOf(device);
  switch (attribute) {
    case "site":
      return [device.site, l.siteName];
    case "role":
      return [device.role, l.roleName];
    case "platform":
      return [device.platform, l.platformSlug, l.platformName];
    case "manufacturer":
      return [device.manufacturer, l.manufacturerName];
  }
}
