import { UsageError } from "../lib/core/errors";
import type { DeviceFilter } from "../lib/core/inventory";

/** The device filter flags every command that selects devices takes (inventory list, collect, creds). */
export const DEVICE_FILTER_OPTIONS = {
  site: { type: "string" },
  role: { type: "string" },
  platform: { type: "string" },
  manufacturer: { type: "string" },
  vendor: { type: "string" },
  status: { type: "string" },
  name: { type: "string" },
  tag: { type: "string" },
  "credential-status": { type: "string" },
  limit: { type: "string" },
} as const;

type Values = Record<string, string | boolean | undefined>;

const str = (v: Values, key: string): string | undefined =>
  typeof v[key] === "string" ? (v[key] as string) : undefined;

/** The DeviceFilter the flags describe, validated by the inventory's one filter implementation. */
export function filterFromOptions(v: Values): DeviceFilter {
  const { normaliseFilter } = require("../lib/core/inventory") as typeof import("../lib/core/inventory");
  const raw = {
    site: str(v, "site"),
    role: str(v, "role"),
    platform: str(v, "platform"),
    manufacturer: str(v, "manufacturer") ?? str(v, "vendor"),
    status: str(v, "status"),
    name: str(v, "name"),
    tag: str(v, "tag"),
    credentialStatus: str(v, "credential-status"),
    limit: str(v, "limit"),
  };
  try {
    return normaliseFilter(raw, "--");
  } catch (err) {
    throw new UsageError(
      (err as Error).message.replace(
        /^--\.(\w+)/,
        (_m, k: string) => `--${k === "credentialStatus" ? "credential-status" : k}`,
      ),
    );
  }
}
