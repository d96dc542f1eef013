import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/cli";
import { freePort } from "../support/net";
import { startProcess, type Started } from "../support/process";
import { makeTmpDir } from "../support/tmp";

const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  "node-red": { nodes: Record<string, string> };
};
const NODE_TYPES = Object.keys(PACKAGE["node-red"].nodes).sort();
/** Native dependencies: compiled by their install scripts (minutes on a busy 2-core machine). */
const NATIVE = ["better-sqlite3", "cpu-features"];

function npm(args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", timeout: 300_000 });
  assert.strictEqual(r.status, 0, `npm ${args.join(" ")} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * The README's install route, end to end: `npm pack` in the clone, `npm install <tarball>` in a
 * fresh Node-RED user folder, Node-RED started on it, every node type loaded. The install
 * skips the native builds and reuses the clone's compiled binaries of the very same versions
 * (compiling better-sqlite3 takes minutes here); a user's `npm install` compiles them itself.
 */
describe("install from a packed tarball into a fresh Node-RED user folder", function () {
  this.timeout(400_000);
  let dir: string;
  let red: Started | undefined;

  before(() => {
    dir = makeTmpDir("vc-install-");
  });
  after(async () => {
    await red?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("packs a small tarball with the bundled templates; Node-RED lists every node type", async () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, "dist", "nodes")), "npm run build first");
    // dist/ is built already: --ignore-scripts skips `prepare` (the build) during the pack.
    const packed = JSON.parse(
      npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], REPO_ROOT).stdout,
    ) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
    const tarball = path.join(dir, packed[0].filename);
    const files = packed[0].files.map((f) => f.path);
    console.log(
      `      tarball ${packed[0].filename}: ${(packed[0].size / 1e6).toFixed(2)} MB packed, ${(packed[0].unpackedSize / 1e6).toFixed(2)} MB unpacked, ${files.length} files`,
    );
    assert.ok(packed[0].size < 2_000_000, `the tarball stays small: ${packed[0].size} bytes`);
    for (const f of [
      "data/ntc-templates/templates/index",
      "data/ntc-templates/templates/cisco_ios_show_version.textfsm",
      "data/ntc-templates/LICENSE",
      "data/ntc-templates/NOTICE",
      "dist/lib/core/parse/index.js",
      ...Object.values(PACKAGE["node-red"].nodes),
    ])
      assert.ok(files.includes(f), `${f} is in the tarball`);
    assert.ok(!files.some((f) => /^(test|bench|lib|nodes|cli)\//.test(f)), "no sources or tests in the tarball");

    const userDir = path.join(dir, "node-red");
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }));
    npm(["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball], userDir);
    const installed = path.join(userDir, "node_modules", PACKAGE.name);
    assert.strictEqual(
      JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version,
      PACKAGE.version,
    );
    for (const name of NATIVE) {
      const mine = path.join(REPO_ROOT, "node_modules", name);
      const theirs = path.join(userDir, "node_modules", name);
      if (!fs.existsSync(theirs)) continue;
      const version = (p: string) => JSON.parse(fs.readFileSync(path.join(p, "package.json"), "utf8")).version;
      assert.strictEqual(version(theirs), version(mine), `${name}: the same version as the clone's`);
      fs.cpSync(path.join(mine, "build"), path.join(theirs, "build"), { recursive: true });
    }

    const port = await freePort();
    fs.writeFileSync(
      path.join(userDir, "settings.js"),
      `module.exports = ${JSON.stringify({
        uiHost: "127.0.0.1",
        uiPort: port,
        flowFile: "flows.json",
        diagnostics: { enabled: false },
        telemetry: { enabled: false },
        editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
      })};\n`,
    );
    red = startProcess(process.execPath, [
      path.join(REPO_ROOT, "node_modules", "node-red", "red.js"),
      "--userDir",
      userDir,
      "--port",
      String(port),
    ]);
    let sets: Array<{ module: string; types: string[]; enabled: boolean; err?: string }> = [];
    for (let i = 0; i < 240; i++) {
      if (red.child.exitCode !== null) break;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { Accept: "application/json" } });
        if (res.ok) {
          sets = (await res.json()) as typeof sets;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const ours = sets.filter((s) => s.module === PACKAGE.name);
    assert.deepStrictEqual(ours.flatMap((s) => s.types).sort(), NODE_TYPES, red.output());
    for (const s of ours) assert.ok(s.enabled && !s.err, JSON.stringify(s));
    assert.ok(!/Failed to register|Error loading/i.test(red.output()), red.output());
  });
});
