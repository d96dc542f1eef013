#!/usr/bin/env node
// npm run bench [-- name ...]: runs bench/<name>.ts (all of them by default) one after another,
// each in its own Node process (so peak RSS figures are per benchmark). Extra arguments after
// the names that start with "-" or contain "/" are passed through to every benchmark.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const benchDir = path.join(root, "bench");
const all = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();
const args = process.argv.slice(2);
const names = args.filter((a) => all.includes(a));
const passThrough = args.filter((a) => !all.includes(a));
let failed = 0;
for (const name of names.length ? names : all) {
  console.log(`\n=== bench/${name}`);
  const r = spawnSync(
    process.execPath,
    ["--require", "tsx/cjs", "--expose-gc", path.join(benchDir, name + ".ts"), ...passThrough],
    { stdio: "inherit", cwd: root },
  );
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${name} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
