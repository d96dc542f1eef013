#!/usr/bin/env node
// Compiles the TypeScript sources to dist/ and copies every non-TypeScript asset that sits beside
// them (node .html editors, icons, locales, platform profiles, lab responses) to the same place in
// dist/, so that dist/ is a complete, loadable package tree.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const ASSET_ROOTS = ["lib", "nodes", "plugins", "cli"];
const ASSET_EXT = new Set([".html", ".svg", ".png", ".json", ".yaml", ".yml", ".txt", ".css", ".textfsm", ".raw"]);

function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      copyAssets(from);
      continue;
    }
    if (!ASSET_EXT.has(path.extname(entry.name))) continue;
    const to = path.join(dist, path.relative(root, from));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

const tsc = require.resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
for (const r of ASSET_ROOTS) if (fs.existsSync(path.join(root, r))) copyAssets(path.join(root, r));
const cli = path.join(dist, "cli", "vcollector.js");
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
process.exit(result.status ?? 1);
