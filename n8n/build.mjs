#!/usr/bin/env node
// Builds dist/ for n8n: one CommonJS bundle (nodes, credentials, lib/core, ssh2) with esbuild,
// a stub per node/credential file n8n loads, the codex files and icons beside the stubs, the
// platform catalogue, the bundled ntc-templates and the TextFSM sandbox worker that lib/core
// finds through __dirname.
// n8n-workflow is the host's (peer dependency). better-sqlite3 (a native addon, which a bundle
// cannot carry) is replaced by lib/core/sqlite/node-sqlite.ts, the same API on Node's built-in
// node:sqlite. ssh2's optional native parts (sshcrypto.node, cpu-features) stay out: ssh2 falls
// back to Node's crypto without them.
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const dist = path.join(here, "dist");
const require = createRequire(path.join(root, "package.json"));
const esbuild = require("esbuild");

const pkg = JSON.parse(fs.readFileSync(path.join(here, "package.json"), "utf8"));
const BUNDLE = "velocitycollector.js";

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
  external: ["n8n-workflow", "cpu-features", "tsx/cjs"],
  plugins: [
    {
      // Native addons (ssh2's crypto/build/Release/sshcrypto.node) stay a require that fails and is caught.
      name: "native-addons-external",
      setup(build) {
        build.onResolve({ filter: /build\/Release\/[^/]+\.node$/ }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
  alias: { "better-sqlite3": path.join(root, "lib/core/sqlite/node-sqlite.ts") },
  absWorkingDir: root,
};

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

await esbuild.build({ ...common, entryPoints: [path.join(here, "nodes/index.ts")], outfile: path.join(dist, BUNDLE) });
await esbuild.build({
  ...common,
  entryPoints: [path.join(root, "lib/core/textfsm/sandbox-worker.ts")],
  outfile: path.join(dist, "sandbox-worker.js"),
});
// The bounded-regex worker (lib/core/regex-budget: user regexes that cannot run in linear time).
await esbuild.build({
  ...common,
  entryPoints: [path.join(root, "lib/core/regex-budget/worker.ts")],
  outfile: path.join(dist, "worker.js"),
});

for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
  const out = path.join(here, file);
  const className = path.basename(file).split(".")[0];
  const srcDir = path.join(here, path.dirname(file).replace(/^dist\//, ""));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const bundle = path.relative(path.dirname(out), path.join(dist, BUNDLE));
  fs.writeFileSync(
    out,
    `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n` +
      `exports.${className} = require(${JSON.stringify("./" + bundle)}).${className};\n`,
  );
  for (const asset of fs.readdirSync(srcDir)) {
    if (asset.endsWith(".svg") || asset.endsWith(".png") || (asset.endsWith(".json") && asset.startsWith(className)))
      fs.copyFileSync(path.join(srcDir, asset), path.join(path.dirname(out), asset));
  }
}

// The platform catalogue (lib/core/platforms finds it through __dirname: the bundle's folder).
const platforms = path.join(root, "lib/core/platforms");
fs.cpSync(path.join(platforms, "catalogue"), path.join(dist, "catalogue"), { recursive: true });
for (const f of ["vendors.yaml", "common.yaml"]) fs.copyFileSync(path.join(platforms, f), path.join(dist, f));
// VelocityCollector's seed platforms and roles (lib/core/inventory/seeds.ts reads them beside the bundle too).
fs.copyFileSync(path.join(root, "lib/core/inventory/seeds.yaml"), path.join(dist, "seeds.yaml"));
// The bundled ntc-templates with their LICENSE and NOTICE (lib/core/parse/bundled.ts looks beside the bundle).
fs.cpSync(path.join(root, "data", "ntc-templates"), path.join(dist, "data", "ntc-templates"), { recursive: true });

const size = fs.statSync(path.join(dist, BUNDLE)).size;
console.log(
  `n8n/dist: ${BUNDLE} ${(size / 1024).toFixed(0)} KiB, ${pkg.n8n.nodes.length} nodes, ${pkg.n8n.credentials.length} credentials`,
);
