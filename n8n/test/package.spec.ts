import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

/** The package as n8n and npm see it: metadata, a self-contained bundle, n8n's community-node lint. */

const PKG_DIR = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(PKG_DIR, "package.json"), "utf8")) as Record<string, unknown> & {
  n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
};

describe("n8n: the n8n-nodes-velocitycollector package", function () {
  this.timeout(600_000);

  it("is an MIT community-node package for self-hosted n8n with no runtime dependencies", () => {
    assert.equal(pkg.name, "n8n-nodes-velocitycollector");
    assert.equal(pkg.license, "MIT");
    assert.ok((pkg.keywords as string[]).includes("n8n-community-node-package"));
    assert.equal(pkg.n8n.n8nNodesApiVersion, 1);
    assert.equal(pkg.n8n.strict, false);
    assert.deepEqual(pkg.peerDependencies, { "n8n-workflow": "*" });
    assert.equal(pkg.dependencies, undefined);
    for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials])
      assert.ok(fs.existsSync(path.join(PKG_DIR, f)), `${f} is built`);
  });

  it("bundles ssh2 and the core: the built code requires only Node built-ins, n8n-workflow and optional native parts", () => {
    const allowed = new Set([
      ...builtinModules,
      ...builtinModules.map((m) => `node:${m}`),
      "node:sqlite",
      "n8n-workflow",
      "cpu-features",
      "./crypto/build/Release/sshcrypto.node",
    ]);
    // ajv keeps these as text for its standalone-code generator; the bundle never evaluates them.
    const ajvCodeText = /^ajv\/dist\/runtime\//;
    const required = new Set<string>();
    for (const file of ["velocitycollector.js", "sandbox-worker.js"]) {
      const text = fs.readFileSync(path.join(PKG_DIR, "dist", file), "utf8");
      for (const m of text.matchAll(/\brequire\("([^"]+)"\)/g)) required.add(m[1]);
    }
    const foreign = [...required].filter((r) => !allowed.has(r) && !ajvCodeText.test(r));
    assert.deepEqual(foreign, []);
    assert.ok(required.has("node:sqlite"), "the SQLite layer is node:sqlite, not a native addon");
  });

  it("passes @n8n/node-cli lint with the non-cloud config", () => {
    const bin = path.join(PKG_DIR, "node_modules/.bin/n8n-node");
    assert.ok(fs.existsSync(bin), "n8n/node_modules is installed (scripts/test-n8n.sh does it)");
    const r = spawnSync(bin, ["lint"], {
      cwd: PKG_DIR,
      encoding: "utf8",
      timeout: 540_000,
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
});
