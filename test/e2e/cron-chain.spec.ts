import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { CLI, runCli } from "../support/cli";
import { startProcess, type Started } from "../support/process";
import { findSecretsInDir } from "../support/secrets";
import { makeTmpDir } from "../support/tmp";
import { waitForOutput } from "../support/demo";
import { NTC_TESTS } from "../support/textfsm-fixtures";

/**
 * The README's command-line route, as a newcomer types it: `vcollector lab`, a vault made with
 * `vault init` + `vault add --password-stdin --default`, the lab's inventory imported, then the
 * cron chain collect → parse → export, with the bundled templates (no NET_TEXTFSM).
 */
describe("the cron chain against `vcollector lab`: collect && parse && export", function () {
  this.timeout(180_000);
  const MASTER = "Chain-Master-7d1e";
  let dir: string;
  let lab: Started | undefined;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], input?: string) => runCli(["--home", path.join(dir, "home"), ...args], { env, input });

  before(async () => {
    dir = makeTmpDir("vc-cron-chain-");
    env = { NET_TEXTFSM: "", VCOLLECTOR_HOME: "", VCOLLECTOR_VAULT_PASS: MASTER };
    lab = startProcess(process.execPath, [
      CLI,
      "lab",
      "--devices",
      "4",
      "--platforms",
      "cisco_ios,arista_eos",
      "--inventory-out",
      path.join(dir, "lab.csv"),
    ]);
    await waitForOutput(lab, /admin/, 60_000);
    for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, "lab.csv")); i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gives CSV rows with the parsed fields of every device, each command split out of the capture", async () => {
    let r = await cli(["inventory", "init"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    r = await cli(["inventory", "import-csv", path.join(dir, "lab.csv"), "--create-missing"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    r = await cli(["vault", "init"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    r = await cli(["vault", "add", "lab", "--username", "admin", "--password-stdin", "--default"], "admin\n");
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);

    r = await cli(["collect", "--capture-type", "version", "--commands", "show version;show clock", "--jitter", "0"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const v = path.join(dir, "v.json");
    r = await cli(["parse", "--capture-type", "version", "--output", v]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /wrote .*v\.json: 8 entries, 8 ok, 0 empty, 0 failed/);
    const entries = JSON.parse(fs.readFileSync(v, "utf8")) as Array<Record<string, unknown>>;
    assert.deepStrictEqual(entries.map((e) => [e.command, e.status, e.template]).sort(), [
      ["show clock", "ok", "arista_eos_show_clock.textfsm"],
      ["show clock", "ok", "arista_eos_show_clock.textfsm"],
      ["show clock", "ok", "cisco_ios_show_clock.textfsm"],
      ["show clock", "ok", "cisco_ios_show_clock.textfsm"],
      ["show version", "ok", "arista_eos_show_version.textfsm"],
      ["show version", "ok", "arista_eos_show_version.textfsm"],
      ["show version", "ok", "cisco_ios_show_version.textfsm"],
      ["show version", "ok", "cisco_ios_show_version.textfsm"],
    ]);
    for (const e of entries) assert.strictEqual(e.note, undefined, JSON.stringify(e));

    const csvFile = path.join(dir, "v.csv");
    r = await cli(["export", "--format", "csv", "--input", v, "--output", csvFile]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const rows = parseCsv(fs.readFileSync(csvFile, "utf8"), { columns: true }) as Array<Record<string, string>>;
    const versions = rows.filter((row) => row.command === "show version");
    assert.strictEqual(versions.length, 4);
    assert.strictEqual(new Set(versions.map((row) => row.device)).size, 4);
    for (const row of versions) {
      // cisco_ios: version and hostname; arista_eos: image and model.
      assert.ok((row.version || row.image) && (row.hostname || row.model), JSON.stringify(row));
    }
    const clocks = rows.filter((row) => row.command === "show clock");
    assert.strictEqual(clocks.length, 4);
    for (const row of clocks) assert.match(row.time, /^\d\d:\d\d:\d\d/, JSON.stringify(row));
    assert.deepStrictEqual(findSecretsInDir(dir, [MASTER]), []);

    // Device filters select from the inventory; --template names one template for every capture.
    r = await cli(["parse", "--capture-type", "version", "--platform", "cisco_ios"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const ios = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepStrictEqual([...new Set(ios.map((e) => e.platform))], ["cisco_ios"]);
    assert.strictEqual(ios.length, 4);
    r = await cli([
      "parse",
      "--capture-type",
      "version",
      "--platform",
      "cisco_ios",
      "--template",
      "cisco_ios_show_clock",
    ]);
    assert.strictEqual(r.code, 0, r.stderr);
    const named = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepStrictEqual(named.map((e) => [e.command, e.template, e.status]).sort(), [
      ["show clock", "cisco_ios_show_clock.textfsm", "ok"],
      ["show clock", "cisco_ios_show_clock.textfsm", "ok"],
      ["show version", "cisco_ios_show_clock.textfsm", "zero_records"],
      ["show version", "cisco_ios_show_clock.textfsm", "zero_records"],
    ]);
  });

  it("an unrecorded command is reported, and --auto parses such a capture anyway", async () => {
    const collections = path.join(dir, "home", "collections");
    fs.mkdirSync(path.join(collections, "handmade"), { recursive: true });
    const version = fs.readFileSync(
      path.join(NTC_TESTS, "cisco_ios", "show_version", "cisco_ios_show_version.raw"),
      "utf8",
    );
    fs.writeFileSync(path.join(collections, "handmade", "x.txt"), version);
    let r = await cli(["parse", "--capture-type", "handmade"]);
    assert.strictEqual(r.code, 1);
    assert.match(JSON.parse(r.stdout)[0].error, /not recorded.*--command, --template or --auto/);
    // A generous budget: this machine may be busy; the detection itself is bounded by it.
    r = await cli(["parse", "--capture-type", "handmade", "--auto", "--budget", "30000"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const [auto] = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.strictEqual(auto.status, "ok");
    assert.strictEqual(auto.template, "cisco_ios_show_version.textfsm");
    assert.match(String(auto.note), /not recorded/);
  });
});
