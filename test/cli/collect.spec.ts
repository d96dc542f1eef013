import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../lib/core/collect";
import { Inventory } from "../../lib/core/inventory";
import { startLab, type Lab } from "../../lib/lab";
import { CLI, runCli } from "../support/cli";
import { startProcess } from "../support/process";
import { PROBE_COMMANDS, probeOutput, startRecordingServer, writeProbeResponses } from "../support/collect";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { collectArgs, useCliLab } from "../support/cli-lab";
import type { TestVault } from "../support/vault";

const PASSWORD = "Cli-Lab-Pass-2a7c";
const PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos"];

describe("vcollector collect", function () {
  this.timeout(90_000);
  const started = useCliLab("vc-cli-collect-", PASSWORD, (dir) => ({
    count: 6,
    platforms: PLATFORMS,
    password: PASSWORD,
    faults: ["auth_fail"],
    responsesDirs: [writeProbeResponses(dir, PLATFORMS)],
  }));
  let dir: string;
  let lab: Lab;
  let csv: string;
  let vault: TestVault;
  before(() => ({ dir, lab, csv, vault } = started));

  const healthy = () => lab.devices.filter((d) => !d.fault);
  const base = (home: string, out: string) =>
    collectArgs({ home, inventory: csv, vault: vault.file, out, commands: PROBE_COMMANDS, captureType: "probe" });

  it("collects the selected devices, prints a line per device and a summary, exits 0 when all succeeded", async () => {
    const home = path.join(dir, "home1");
    const out = path.join(dir, "out1");
    const r = await runCli([...base(home, out), "--platform", "cisco_ios", "--concurrency", "3"], { env: vault.env });
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const ios = healthy().filter((d) => d.platform === "cisco_ios");
    assert.ok(ios.length >= 1);
    for (const d of ios) {
      assert.match(r.stdout, new RegExp(`\\] ✓ ${d.name}  2/2 commands, [\\d.]+ s, credential lab`));
      const text = fs.readFileSync(path.join(out, "probe", `${d.name}.txt`), "utf8");
      assert.ok(text.includes(probeOutput(PROBE_COMMANDS[0], d.hostname)), text);
    }
    assert.ok(!r.stdout.includes("eos-"), "the platform filter left the other devices out");
    assert.match(r.stdout, new RegExp(`: success\\. ${ios.length} ok, 0 partial, 0 failed of ${ios.length} in`));
    assert.match(r.stdout, /History: run #1 in collector\.db/);
    const db = CollectorDb.open(path.join(home, "collector.db"));
    try {
      assert.deepStrictEqual([db.listRuns()[0].status, db.listRuns()[0].ok], ["success", ios.length]);
    } finally {
      db.close();
    }
    assert.deepStrictEqual(findSecretsInText(r.stdout + r.stderr, [PASSWORD, vault.password]), []);
    assert.deepStrictEqual(findSecretsInDir(home, [PASSWORD, vault.password]), []);
    assert.deepStrictEqual(findSecretsInDir(out, [PASSWORD, vault.password]), []);
  });

  it("exits 1 when a device failed, naming its error class, and counts it in the summary", async () => {
    const r = await runCli(
      [...base(path.join(dir, "home2"), path.join(dir, "out2")), "--retries", "0", "--connect-timeout", "5"],
      { env: vault.env },
    );
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    const bad = lab.devices.find((d) => d.fault === "auth_fail")!;
    assert.match(r.stdout, new RegExp(`✗ ${bad.name}  auth_failed: every credential was rejected \\(lab\\)`));
    assert.match(r.stdout, /: partial\. 5 ok, 0 partial, 1 failed of 6 in/);
    assert.match(r.stdout, /^ {2}auth_failed: 1$/m);
  });

  it("--json prints one result per line and the summary", async () => {
    const r = await runCli(
      [...base(path.join(dir, "home3"), path.join(dir, "out3")), "--name", "^ios-", "--limit", "1", "--json"],
      { env: vault.env },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.strictEqual(lines.length, 2);
    assert.strictEqual(lines[0].status, "ok");
    assert.match(lines[0].device.name, /^ios-/);
    assert.deepStrictEqual([lines[1].summary.total, lines[1].summary.ok], [1, 1]);
  });

  it("remembers the working credential in a dcim.db inventory", async () => {
    const home = path.join(dir, "home4");
    fs.mkdirSync(home, { recursive: true });
    const dcim = path.join(home, "dcim.db");
    const inv = Inventory.open(dcim, { create: true });
    inv.init();
    inv.importCsv(lab.inventoryCsv(), { createMissing: true });
    inv.close();
    const r = await runCli(
      [
        "--home",
        home,
        "collect",
        "--vault",
        vault.file,
        "--commands",
        PROBE_COMMANDS[0],
        "--capture-type",
        "probe",
        "--site",
        "lab",
        "--platform",
        "arista_eos",
      ],
      { env: vault.env },
    );
    const eos = lab.devices.filter((d) => d.platform === "arista_eos");
    assert.strictEqual(r.code, eos.some((d) => d.fault) ? 1 : 0, r.stdout + r.stderr);
    const after = Inventory.open(dcim);
    try {
      for (const d of eos) {
        const saved = after.getDevice(d.name)!;
        assert.deepStrictEqual(
          [saved.credentialName ?? null, saved.credentialStatus],
          d.fault ? [null, "failed"] : ["lab", "ok"],
        );
      }
    } finally {
      after.close();
    }
    assert.ok(fs.existsSync(path.join(home, "collections", "probe")), "captures go to the data home by default");
  });

  it("--dry-run lists the devices the real run would use, connects to nothing and needs no vault password", async () => {
    const server = await startRecordingServer();
    try {
      const dryCsv = path.join(dir, "dry.csv");
      fs.writeFileSync(
        dryCsv,
        `name,primary_ip4,platform,site,role,status,port\nrec-1,${server.host},cisco_ios,lab,router,active,${server.port}\nrec-2,${server.host},arista_eos,lab,switch,active,${server.port}\n`,
      );
      const r = await runCli([
        "--home",
        path.join(dir, "home5"),
        "collect",
        "--inventory",
        dryCsv,
        "--commands",
        "show version",
        "--capture-type",
        "version",
        "--out",
        path.join(dir, "out5"),
        "--dry-run",
        "--platform",
        "cisco_ios",
      ]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /Dry run: 1 device\(s\)/);
      assert.match(
        r.stdout,
        new RegExp(
          `rec-1  ${server.host}:${server.port}  cisco_ios  credential \\(vault default\\)  → .*out5.version.rec-1\\.txt`,
        ),
      );
      assert.ok(!r.stdout.includes("rec-2"));
      assert.strictEqual(server.connections, 0);
    } finally {
      await server.stop();
    }
  });

  it("stops cleanly on SIGINT: open sessions closed, devices reported cancelled, exit 1", async () => {
    const slow = await startLab({
      count: 4,
      platforms: ["cisco_ios"],
      password: PASSWORD,
      faults: ["slow", "slow", "slow", "slow"],
    });
    const slowCsv = path.join(dir, "slow.csv");
    fs.writeFileSync(slowCsv, slow.inventoryCsv());
    const proc = startProcess(
      process.execPath,
      [
        CLI,
        "--home",
        path.join(dir, "home7"),
        "collect",
        "--inventory",
        slowCsv,
        "--vault",
        vault.file,
        "--commands",
        "show version",
        "--capture-type",
        "v",
        "--concurrency",
        "2",
        "--jitter",
        "0",
      ],
      { env: vault.env },
    );
    try {
      // Logins to the lab take well under 2 s; the slow devices then hold their sessions open.
      await new Promise((r) => setTimeout(r, 2_000));
      const exited = new Promise<number | null>((resolve) => proc.child.once("exit", (code) => resolve(code)));
      const t0 = Date.now();
      proc.child.kill("SIGINT");
      const code = await exited;
      assert.ok(Date.now() - t0 < 3_000, `exited ${Date.now() - t0} ms after SIGINT`);
      assert.strictEqual(code, 1, proc.output());
      assert.match(proc.output(), /: cancelled\. 0 ok, 0 partial, 4 failed of 4/);
      assert.match(proc.output(), /4 device\(s\) not started|cancelled: 4/);
    } finally {
      await proc.stop();
      await slow.stop();
    }
  });

  it("gives exit 2 and one line for usage errors, exit 1 for a missing vault password", async () => {
    const home = path.join(dir, "home6");
    const cases: Array<[string[], RegExp]> = [
      [["collect", "--inventory", csv, "--capture-type", "x"], /--commands is required/],
      [["collect", "--inventory", csv, "--commands", "show x"], /--capture-type is required/],
      [
        ["collect", "--inventory", csv, "--commands", "a", "--capture-type", "x", "--concurrency", "0"],
        /--concurrency must be a whole number from 1 to 5000, got '0'/,
      ],
      [
        ["collect", "--inventory", csv, "--commands", "a", "--capture-type", "x", "--name", "(["],
        /--name: '\(\[' is not a valid regular expression/,
      ],
      [["collect", "--inventory", csv, "--commands", " ; ", "--capture-type", "x"], /--commands: no command to run/],
      [
        ["collect", "--inventory", csv, "--commands", "a", "--capture-type", "x", "--timeout", "soon"],
        /--timeout must be a number of seconds/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["--home", home, ...args]);
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    }
    const noPass = await runCli([...base(home, path.join(dir, "out6"))], { env: { VCOLLECTOR_VAULT_PASS: "" } });
    assert.strictEqual(noPass.code, 1);
    assert.match(noPass.stderr, /VCOLLECTOR_VAULT_PASS/);
    const badCsv = path.join(dir, "bad.csv");
    fs.writeFileSync(badCsv, "name,primary_ip4,platform\nr1,not-an-ip,cisco_ios\n");
    const bad = await runCli(
      ["--home", home, "collect", "--inventory", badCsv, "--commands", "a", "--capture-type", "x"],
      { env: vault.env },
    );
    assert.strictEqual(bad.code, 1);
    assert.match(bad.stderr, /bad\.csv:row 2, column primary_ip4/);
  });
});
