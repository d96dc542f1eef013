#!/usr/bin/env node
// npm start: builds if needed, then runs Node-RED on 127.0.0.1 (port 1880 or --port/PORT) with a
// userDir under .demo/ (git-ignored) and this pack installed into it (a symlink, so Import >
// Examples lists our flows). Ctrl-C / SIGTERM stops everything this script started, by pid.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const argValue = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const port = Number(argValue("--port") || process.env.PORT || 1880);
const demoDir = path.resolve(argValue("--dir") || process.env.VC_DEMO_DIR || path.join(root, ".demo"));
const userDir = path.join(demoDir, "userdir");

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const stamp = path.join(root, "dist", "cli", "vcollector.js");
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  const sources = Math.max(...["lib", "nodes", "cli"].map((d) => newestMtime(path.join(root, d))));
  if (built >= sources) return;
  console.log("start: building ...");
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit" });
  if (r.status !== 0 && !fs.existsSync(stamp)) process.exit(r.status || 1);
}

function prepareUserDir() {
  fs.mkdirSync(path.join(userDir, "node_modules"), { recursive: true });
  const link = path.join(userDir, "node_modules", "node-red-contrib-velocitycollector");
  try { fs.rmSync(link, { recursive: true, force: true }); } catch { /* absent */ }
  fs.symlinkSync(root, link, "dir");
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "vc-demo-userdir", private: true,
    dependencies: { "node-red-contrib-velocitycollector": "file:" + root } }, null, 2));
  const settings = {
    uiHost: "127.0.0.1", uiPort: port, flowFile: "flows.json", credentialSecret: false,
    diagnostics: { enabled: false }, telemetry: { enabled: false },
    editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
    logging: { console: { level: "info", metrics: false, audit: false } },
  };
  fs.writeFileSync(path.join(userDir, "settings.js"), "module.exports = " + JSON.stringify(settings, null, 2) + ";\n");
}

buildIfNeeded();
prepareUserDir();
const red = path.join(root, "node_modules", "node-red", "red.js");
const child = spawn(process.execPath, [red, "-u", userDir, "-p", String(port)], {
  stdio: "inherit",
  env: { ...process.env, VCOLLECTOR_HOME: process.env.VCOLLECTOR_HOME || path.join(demoDir, "home") },
});
console.log(`start: Node-RED pid ${child.pid} on http://127.0.0.1:${port}/ (userDir ${userDir})`);
let stopping = false;
function stop(sig) {
  if (stopping) return;
  stopping = true;
  console.log(`start: ${sig}, stopping Node-RED (pid ${child.pid})`);
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), 8000).unref();
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", (code, signal) => process.exit(stopping ? 0 : code ?? (signal ? 1 : 0)));
