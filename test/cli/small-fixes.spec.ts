import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLI, runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { makeVault } from "../support/vault";

/** Overwrites 200 bytes inside every page after the first two: SQLite then reports a malformed image. */
function damagePages(file: string): void {
  const fd = fs.openSync(file, "r+");
  try {
    const size = fs.fstatSync(fd).size;
    for (let off = 8192; off < size; off += 4096) fs.writeSync(fd, Buffer.alloc(200, 0xff), 0, 200, off + 100);
  } finally {
    fs.closeSync(fd);
  }
}

describe("small CLI fixes (issue 15, defect 8)", function () {
  this.timeout(60_000);
  const tmp = useTmpDir("vc-cli-small-");

  it("lab --json prints valid JSON only on standard output (status lines go to stderr)", async () => {
    const child = spawn(process.execPath, [CLI, "lab", "--devices", "2", "--json", "--base-address", "127.0.5.40"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const running = new Promise<void>((resolve) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("lab: running")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      await running;
      child.kill("SIGTERM");
      assert.strictEqual(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    const doc = JSON.parse(stdout) as { devices: Array<{ host: string }> };
    assert.deepStrictEqual(
      doc.devices.map((d) => d.host),
      ["127.0.5.40", "127.0.5.41"],
    );
    assert.match(stderr, /lab: running.*\nlab: stopping\nlab: stopped\n$/s);
  });

  it("--timeout -5 says what is wrong with the value", async () => {
    const r = await runCli([
      "--home",
      path.join(tmp.path, "h"),
      "collect",
      "--inventory",
      "x.csv",
      "--capture-type",
      "t",
      "--commands",
      "x",
      "--timeout",
      "-5",
    ]);
    assert.deepStrictEqual(
      [r.code, r.stderr],
      [2, "vcollector: --timeout must be a number of seconds (at least 0), got '-5'\n"],
    );
  });

  it("a malformed templates.db is named in the error", async () => {
    const home = path.join(tmp.path, "home-t");
    const dir = path.join(tmp.path, "tpl");
    fs.mkdirSync(dir, { recursive: true });
    const body = "Value A (\\S+)\n\nStart\n  ^${A} -> Record\n";
    let index = "Template, Hostname, Platform, Command\n\n";
    for (let i = 0; i < 300; i++) {
      fs.writeFileSync(path.join(dir, `cisco_ios_show_thing_${i}.textfsm`), body.repeat(20));
      index += `cisco_ios_show_thing_${i}.textfsm, .*, cisco_ios, sh[[ow]] thing ${i}\n`;
    }
    fs.writeFileSync(path.join(dir, "index"), index);
    const imported = await runCli(["--home", home, "templates", "import", dir]);
    assert.strictEqual(imported.code, 0, imported.stderr);
    damagePages(path.join(home, "templates.db"));
    const r = await runCli(["--home", home, "templates", "list"]);
    assert.strictEqual(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `^vcollector: ${path.join(home, "templates.db").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: database disk image is malformed: the database file is damaged`,
      ),
    );
  });

  it("a duplicate on vault import names the --replace option", async () => {
    const v = makeVault(tmp.path, [{ name: "lab", username: "admin", password: "Dup-Pass-1x" }]);
    const backup = path.join(tmp.path, "backup.vcb");
    const env = { ...v.env, VCOLLECTOR_BACKUP_PASS: "backup-Pass-2y" };
    const exported = await runCli(["vault", "export", backup, "--vault", v.file], { env });
    assert.strictEqual(exported.code, 0, exported.stderr);
    const r = await runCli(["vault", "import", backup, "--vault", v.file], { env });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /skipped 'lab': a credential with this name already exists \(use --replace to overwrite it\)/,
    );
  });
});
