import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { NTC_TESTS } from "../support/textfsm-fixtures";

/** Runs `vcollector` from an installed copy of the package: no NET_TEXTFSM, no ../shared beside it. */
function runInstalled(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "dist", "cli", "vcollector.js"), ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function runtimeSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return runtimeSources(p);
    return /\.(ts|js|html|json)$/.test(e.name) ? [p] : [];
  });
}

describe("out of the box: the bundled ntc-templates", function () {
  this.timeout(120000);
  const tmp = useTmpDir("vc-out-of-box-");

  it("an installed copy parses `show version` with NET_TEXTFSM unset and no ../shared anywhere near it", async () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, "dist", "cli", "vcollector.js")), "npm run build first");
    // The package as npm would install it (dist, data, package.json), with its dependencies.
    const root = path.join(tmp.path, "node_modules", "node-red-contrib-velocitycollector");
    fs.mkdirSync(root, { recursive: true });
    for (const part of ["dist", "data", "package.json"])
      fs.cpSync(path.join(REPO_ROOT, part), path.join(root, part), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, "node_modules")), path.join(root, "node_modules"), "dir");
    assert.ok(!fs.existsSync(path.join(root, "..", "..", "..", "shared")), "no ../shared near the copy");
    const input = path.join(tmp.path, "version.txt");
    fs.copyFileSync(path.join(NTC_TESTS, "cisco_ios", "show_version", "cisco_ios_show_version.raw"), input);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: path.join(tmp.path, "home") };

    const r = await runInstalled(
      root,
      ["textfsm", "parse", "--platform", "cisco_ios", "--command", "show version", input],
      env,
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.strictEqual(records.length, 1);
    assert.strictEqual(records[0].hostname, "router1");
    assert.strictEqual(records[0].version, "12.2(54)SG1");

    const where = await runInstalled(root, ["templates", "where"], env);
    assert.strictEqual(where.code, 0, where.stderr);
    assert.match(where.stdout, new RegExp(`^templates: ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.match(where.stdout, /\(bundled ntc-templates, commit d0bc5a480fe9, 9\d\d templates\)/);
    assert.match(where.stdout, /why: no templates directory given and NET_TEXTFSM is not set/);
  });

  it("no runtime code names ../shared (only tests and benches may read it)", () => {
    const offenders: string[] = [];
    for (const dir of ["lib", "nodes", "cli"])
      for (const file of runtimeSources(path.join(REPO_ROOT, dir)))
        if (/\.\.[\\/]+shared|["'`]shared["'`]/.test(fs.readFileSync(file, "utf8")))
          offenders.push(path.relative(REPO_ROOT, file));
    assert.deepStrictEqual(offenders, []);
  });

  it("ships the templates with ntc-templates' LICENSE and a NOTICE naming the upstream commit", () => {
    const data = path.join(REPO_ROOT, "data", "ntc-templates");
    assert.match(fs.readFileSync(path.join(data, "LICENSE"), "utf8"), /Apache License, Version 2\.0/);
    const source = fs.readFileSync(path.join(REPO_ROOT, "..", "shared", "ntc-templates", "SOURCE"), "utf8");
    const commit = /commit ([0-9a-f]{40})/.exec(source)![1];
    assert.match(fs.readFileSync(path.join(data, "NOTICE"), "utf8"), new RegExp(`Commit:\\s+${commit}`));
    const files = (dir: string) => fs.readdirSync(dir).sort();
    assert.deepStrictEqual(
      files(path.join(data, "templates")),
      files(path.join(REPO_ROOT, "..", "shared", "ntc-templates", "templates")),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { files: string[] };
    assert.ok(pkg.files.includes("data"), `package.json files: ${pkg.files.join(", ")}`);
  });
});
