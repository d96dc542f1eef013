import type { NodeAPI } from "node-red";
import { SidebarContext } from "./context";
import { Routes } from "./http";
import { registerCredentialRoutes } from "./routes-credentials";
import { registerDataRoutes } from "./routes-data";
import { registerDeviceRoutes } from "./routes-devices";
import { registerJobRoutes } from "./routes-jobs";
import { registerVersionRoutes } from "./routes-versions";
import { RunManager } from "./runs";

/**
 * The runtime half of the VelocityCollector sidebar plugin: admin endpoints under /vc/… (a thin
 * adapter over lib/core) and live run progress over RED.comms. The editor half is
 * vc-sidebar.html with resources/vc-sidebar/*. See docs/sidebar.md.
 */
const registeredOn = new WeakSet<object>();

export = function register(RED: NodeAPI): void {
  RED.plugins.registerPlugin("vc-sidebar", {
    type: "vc-sidebar",
    onadd() {
      // The same admin app must not get the routes twice (the plugin registered again).
      if (registeredOn.has(RED.httpAdmin)) return;
      registeredOn.add(RED.httpAdmin);
      const ctx = new SidebarContext(RED);
      const runs = new RunManager(RED, ctx);
      const routes = new Routes(RED);
      registerDeviceRoutes(routes, ctx, runs);
      registerCredentialRoutes(routes, ctx, runs);
      registerJobRoutes(routes, ctx, runs);
      registerVersionRoutes(routes, ctx);
      registerDataRoutes(routes, ctx, runs, () => {
        const dir = (RED.settings as unknown as Record<string, unknown>).vcTextfsmTemplatesDir;
        return typeof dir === "string" && dir !== "" ? dir : undefined;
      });
      routes.add("get", "/status", { type: "object", additionalProperties: false }, () => ({
        body: {
          home: ctx.home.root,
          inventory: ctx.inventoryExists(),
          vault: ctx.vaultState(),
          views: ["devices", "credentials", "jobs", "history", "captures"],
        },
      }));
    },
  });
};
