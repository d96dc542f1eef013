// Loaded by mocha (--require) in the n8n leg, on Node 24:
// - `better-sqlite3` resolves to lib/core/sqlite/node-sqlite.ts, as in the esbuild bundle, so the
//   tests' own fixtures (vaults, inventories) go through the same SQLite layer the package ships;
// - `n8n-workflow`, `n8n-core` and `@n8n/*` resolve to the n8n runtime's copies (.n8n-runtime/n8n or
//   $VC_N8N_RUNTIME), so the bundle and the engine share one n8n-workflow (error classes).
"use strict";
const Module = require("node:module");
const path = require("node:path");

const root = path.resolve(__dirname, "../../..");
const runtime = process.env.VC_N8N_RUNTIME || path.join(root, "n8n/.n8n-runtime/n8n");
const adapter = path.join(root, "lib/core/sqlite/node-sqlite.ts");
const fromRuntime = new Set(["n8n-workflow", "n8n-core"]);

const original = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  if (request === "better-sqlite3") return adapter;
  const top = request.split("/")[0];
  if (fromRuntime.has(top) || top === "@n8n") return original.call(this, request, parent, isMain, { paths: [runtime] });
  return original.call(this, request, parent, isMain, options);
};
