#!/usr/bin/env node
// npm start: the demo. Builds if needed, starts the built-in lab (20 simulated devices on 4
// platforms, on 127.0.0.x), prepares a demo vault and inventory in <dir>/home, deploys the example
// flows and runs Node-RED on 127.0.0.1 (port 1880 or --port/PORT) with a userDir under <dir>
// (default .demo/, git-ignored) and this pack linked into it (so Import > Examples lists our flows).
// Ctrl-C / SIGTERM stops everything this script started: Node-RED by its pid, then the lab.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const USAGE = `usage: npm start -- [options]
  --port <n>        Node-RED port on 127.0.0.1 (default 1880, or $PORT)
  --dir <dir>       demo folder: userdir/ and home/ (default .demo, or $VC_DEMO_DIR)
  --lab-port <n>    every lab device listens on this port at its own 127.0.0.x address (default: chosen by the OS)
  --reset-flows     deploy the example flows again, replacing flows you deployed in the demo
  --no-flows        start with an empty workspace (import the examples yourself)
  --no-build        do not rebuild dist/ even if the sources are newer
environment: VC_DEMO_VAULT_PASS (master password of the demo vault), NET_TEXTFSM (a templates folder to use instead of
  the ntc-templates bundled with the package)`;

function parseArgs(argv) {
  const opts = {
    port: Number(process.env.PORT || 1880),
    dir: process.env.VC_DEMO_DIR || path.join(root, ".demo"),
    labPort: Number(process.env.VC_DEMO_LAB_PORT || 0),
    resetFlows: false,
    flows: true,
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--port") opts.port = Number(value());
    else if (a === "--dir") opts.dir = value();
    else if (a === "--lab-port") opts.labPort = Number(value());
    else if (a === "--reset-flows") opts.resetFlows = true;
    else if (a === "--no-flows") opts.flows = false;
    else if (a === "--no-build") opts.build = false;
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  for (const [name, n, min] of [
    ["--port", opts.port, 1],
    ["--lab-port", opts.labPort, 0],
  ]) {
    if (!Number.isInteger(n) || n < min || n > 65535) fail(`${name} must be a port number, got ${n}`);
  }
  opts.dir = path.resolve(opts.dir);
  return opts;
}

function fail(message, code = 2) {
  console.error(`start: ${message}`);
  if (code === 2) console.error(USAGE);
  process.exit(code);
}

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded(allowed) {
  const stamp = path.join(root, "dist", "cli", "vcollector.js");
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built > 0 && !allowed) return;
  const sources = Math.max(...["lib", "nodes", "cli"].map((d) => newestMtime(path.join(root, d))));
  if (built >= sources) return;
  console.log("start: building dist/ ...");
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit" });
  if (r.status !== 0 && !fs.existsSync(stamp)) fail("the build failed", r.status || 1);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function waitForEditor(url, child, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until && child.exitCode === null && child.signalCode === null) {
    try {
      if ((await globalThis.fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const userDir = path.join(opts.dir, "userdir");
  const homeDir = path.join(opts.dir, "home");
  const masterPassword = process.env.VC_DEMO_VAULT_PASS || "velocity-demo-vault";

  // Stop requests that arrive while the lab is starting are honoured once it has started.
  let stopRequested = null;
  let stop = (sig) => {
    stopRequested = sig;
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  buildIfNeeded(opts.build);
  if (stopRequested) process.exit(0);
  if (!(await portIsFree(opts.port)))
    fail(`port ${opts.port} on 127.0.0.1 is in use: stop what uses it or pick another with --port`, 1);
  let red;
  try {
    red = require.resolve("node-red/red.js", { paths: [root] });
  } catch {
    fail("Node-RED is not installed here: run npm install first", 1);
  }

  const { resolveHome } = require(path.join(root, "dist", "lib", "core", "home.js"));
  const { startDemo } = require(path.join(root, "dist", "lib", "demo", "setup.js"));
  const { readExampleFlows, demoFlows } = require(path.join(root, "dist", "lib", "demo", "flows.js"));
  const { prepareUserDir } = require(path.join(root, "dist", "lib", "demo", "userdir.js"));
  const { resolveTemplateSource } = require(path.join(root, "dist", "lib", "core", "parse", "index.js"));
  const templates = resolveTemplateSource({ libraryFile: path.join(homeDir, "templates.db") });

  const examples = readExampleFlows(path.join(root, "examples", "flows"));
  const demo = await startDemo({ home: resolveHome(homeDir), masterPassword, port: opts.labPort });
  if (stopRequested) {
    await demo.stop();
    console.log(`start: ${stopRequested}, stopped`);
    process.exit(0);
  }
  const platforms = [...new Set(demo.lab.devices.map((d) => d.platform))];
  console.log(
    `start: lab of ${demo.lab.devices.length} devices (${platforms.join(", ")}), login admin/admin, enable secret lab-enable`,
  );
  for (const d of demo.lab.devices)
    console.log(`  ${d.name.padEnd(13)} ${d.platform.padEnd(14)} ssh -p ${d.port} admin@${d.host}`);
  console.log(
    `start: data home ${homeDir} (VCOLLECTOR_HOME): inventory of ${demo.inventoryDevices} devices, captures, exports, history`,
  );
  console.log(
    `start: demo vault ${demo.home.vaultDb}, credential "${demo.credentialName}" (default), master password: ${masterPassword}`,
  );
  console.log(`start: TextFSM templates: ${templates.dir} (${templates.reason})`);

  let prepared;
  try {
    prepared = prepareUserDir({
      userDir,
      packageRoot: root,
      port: opts.port,
      flows: opts.flows ? demoFlows(examples) : [],
      resetFlows: opts.resetFlows || !opts.flows,
    });
  } catch (err) {
    await demo.stop();
    throw err;
  }
  if (prepared.flows === "kept")
    console.log("start: keeping the flows you deployed in the demo (--reset-flows deploys the examples again)");
  else console.log(`start: deployed ${opts.flows ? examples.map((e) => `"${e.title}"`).join(", ") : "no flows"}`);

  const child = spawn(process.execPath, [red, "--userDir", userDir, "--port", String(opts.port)], {
    stdio: "inherit",
    env: {
      ...process.env,
      VCOLLECTOR_HOME: homeDir,
      VCOLLECTOR_VAULT_PASS: masterPassword,
    },
  });
  console.log(
    `start: Node-RED pid ${child.pid}, userDir ${userDir} (node credentials encrypted in flows_cred.json with the key in ${prepared.credentialSecretFile})`,
  );

  let stopping = false;
  stop = (sig) => {
    if (stopping) return;
    stopping = true;
    console.log(`start: ${sig}, stopping Node-RED (pid ${child.pid}) and the lab`);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10000).unref();
  };
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`start: Node-RED exited (${signal || `code ${code}`}); stopping the lab`);
    demo.stop().finally(() => {
      console.log("start: stopped");
      process.exit(stopping ? 0 : code || 1);
    });
  });
  if (stopRequested) stop(stopRequested);

  const url = `http://127.0.0.1:${opts.port}/`;
  if (await waitForEditor(url, child, 120000)) {
    console.log(`\nstart: demo ready: open ${url}  (press Ctrl-C to stop)\n`);
  }
}

main().catch((err) => {
  console.error(`start: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
