import type { CredentialSummary } from "../../lib/core/types";
import type { SidebarContext } from "./context";
import { FILTER_PROPS, filterOf } from "./routes-devices";
import type { Routes } from "./http";
import type { RunManager } from "./runs";

/**
 * Credentials view: the vault's state and its credentials as summaries (names, users, kinds,
 * `hasEnableSecret`: never a value), default and fallback order, and discovery over a device
 * filter (a background run with live progress).
 */
const text = (max = 200) => ({ type: "string", maxLength: max }) as const;

export function registerCredentialRoutes(routes: Routes, ctx: SidebarContext, runs: RunManager): void {
  routes.add("get", "/credentials", { type: "object", additionalProperties: false }, () => {
    const vault = ctx.vaultState();
    const listed = ctx.withListableVault((v) => v.list()) ?? [];
    return { body: { vault, ...ordered(listed) } };
  });

  routes.add<{ name: string | null }>(
    "put",
    "/credentials/default",
    {
      type: "object",
      properties: { name: { type: ["string", "null"], maxLength: 200 } },
      required: ["name"],
      additionalProperties: false,
    },
    ({ name }) => {
      const vault = ctx.unlockedVault();
      if (name === null || name === "") vault.clearDefault();
      else vault.setDefault(name);
      return { body: ordered(vault.list()) };
    },
  );

  routes.add<{ names: string[] }>(
    "put",
    "/credentials/fallback",
    {
      type: "object",
      properties: { names: { type: "array", maxItems: 500, items: text() } },
      required: ["names"],
      additionalProperties: false,
    },
    ({ names }) => {
      const vault = ctx.unlockedVault();
      vault.setFallbackOrder(names);
      return { body: ordered(vault.list()) };
    },
  );

  routes.add<{
    filter?: Record<string, string>;
    names?: string[];
    skipConfigured?: boolean;
    force?: boolean;
    pinNewHosts?: boolean;
    dryRun?: boolean;
  }>(
    "post",
    "/discovery",
    {
      type: "object",
      properties: {
        filter: { type: "object", properties: FILTER_PROPS, additionalProperties: false },
        names: { type: "array", maxItems: 100, items: text() },
        skipConfigured: { type: "boolean" },
        force: { type: "boolean" },
        pinNewHosts: { type: "boolean" },
        dryRun: { type: "boolean" },
      },
      additionalProperties: false,
    },
    (b) => {
      const devices = ctx.withInventory(false, (inv) => inv.listDevices(filterOf(b.filter ?? {})));
      const id = runs.startDiscovery({
        devices,
        names: b.names && b.names.length ? b.names : undefined,
        skipConfigured: Boolean(b.skipConfigured),
        force: Boolean(b.force),
        pinNewHosts: Boolean(b.pinNewHosts),
        dryRun: Boolean(b.dryRun),
      });
      return { status: 202, body: { id, total: devices.length } };
    },
  );

  routes.add("get", "/runs", { type: "object", additionalProperties: false }, () => ({ body: { runs: runs.list() } }));

  routes.add<{ id: string }>(
    "get",
    "/runs/:id",
    { type: "object", properties: { id: text(64) }, required: ["id"], additionalProperties: false },
    ({ id }) => ({ body: { run: runs.get(id) } }),
  );

  routes.add<{ id: string }>(
    "post",
    "/runs/:id/cancel",
    { type: "object", properties: { id: text(64) }, required: ["id"], additionalProperties: false },
    ({ id }) => {
      runs.cancel(id);
      return { body: { cancelled: id } };
    },
  );
}

/** Summaries with the default and the fallback order; CredentialSummary holds no secret by design. */
function ordered(list: CredentialSummary[]) {
  const credentials = list.map((c) => ({
    name: c.name,
    username: c.username,
    kind: c.kind,
    hasEnableSecret: c.hasEnableSecret,
    isDefault: c.isDefault,
    fallbackPosition: c.fallbackPosition,
    updatedAt: c.updatedAt,
  }));
  return {
    credentials,
    default: list.find((c) => c.isDefault)?.name ?? null,
    fallback: list
      .filter((c) => c.fallbackPosition !== null)
      .sort((a, b) => a.fallbackPosition! - b.fallbackPosition!)
      .map((c) => c.name),
  };
}
