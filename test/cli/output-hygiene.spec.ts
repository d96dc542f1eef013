import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { terminalSafe } from "../../cli/terminal-safe";
import { splitOutputPath } from "../../cli/commands/export";
import { collectArgs } from "../support/cli-lab";
import { runCli } from "../support/cli";
import { hoursAgo, parsedDeviceResult, parsedResult, ARP_RECORDS, writeCapture } from "../support/capture-fixtures";
import { useLab } from "../support/lab";
import { makeVault } from "../support/vault";
import { useTmpDir } from "../support/tmp";

const ESC = "\x1b";
const PASSWORD = "Hygiene-Lab-Pass-8e1f";

/** No raw control character (other than line breaks and tabs) and no bidi override reached the terminal. */
function assertTerminalClean(text: string): void {
  // eslint-disable-next-line no-control-regex -- looking for control characters
  const bad = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.exec(text);
  assert.strictEqual(bad, null, `raw control character ${JSON.stringify(bad?.[0])} in ${JSON.stringify(text)}`);
}

describe("terminal output hygiene, capture paths and export path patterns", function () {
  this.timeout(90_000);
  const tmp = useTmpDir("vc-cli-hygiene-");
  const labHolder = useLab({ devices: [{ name: "r1", platform: "cisco_ios", password: PASSWORD }], seed: "hygiene" });

  it("terminalSafe shows control characters and bidi overrides as escapes, keeps tabs and text", () => {
    assert.strictEqual(terminalSafe(`a${ESC}[2Jb\tc\r\n\u202eé\x9b`), "a\\x1b[2Jb\tc\\x0d\\x0a\\u202eé\\x9b");
  });

  it("an inventory error quoting device names with escape sequences is printed as escapes", async () => {
    const csv = path.join(tmp.path, "evil-names.csv");
    fs.writeFileSync(csv, `name,primary_ip4,platform\n"r1${ESC}]0;pwned${ESC}\\",127.0.0.1,cisco_ios\n`);
    const r = await runCli([
      "--home",
      path.join(tmp.path, "home0"),
      "collect",
      "--inventory",
      csv,
      "--commands",
      "x",
      "--capture-type",
      "t",
      "--dry-run",
    ]);
    assert.notStrictEqual(r.code, 0);
    assertTerminalClean(r.stderr);
    assert.match(r.stderr, /'r1\\x1b\]0;pwned\\x1b\\' is not a valid device name/);
  });

  it("collect: the capture type and errors are printed without control characters; Captures: is the real folder", async () => {
    const d = labHolder.lab.devices[0];
    const csv = path.join(tmp.path, "evil.csv");
    fs.writeFileSync(
      csv,
      `name,primary_ip4,platform,port\nr1,${d.host},cisco_ios,${d.port}\ngone,127.0.0.1,cisco_ios,1\n`,
    );
    const vault = makeVault(tmp.path, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
    const out = path.join(tmp.path, "out");
    const r = await runCli(
      [
        ...collectArgs({
          home: path.join(tmp.path, "home"),
          inventory: csv,
          vault: vault.file,
          out,
          commands: ["show clock"],
          captureType: `../type ${ESC}[31mred`,
        }),
        "--retries",
        "0",
        "--connect-timeout",
        "3",
      ],
      { env: vault.env },
    );
    assertTerminalClean(r.stdout + r.stderr);
    assert.match(r.stdout, /✗ gone {2}connect_refused/);
    const line = r.stdout.split("\n").find((l) => l.startsWith("Captures: "));
    assert.ok(line, r.stdout + r.stderr);
    const folder = line.slice("Captures: ".length);
    assert.ok(fs.statSync(folder).isDirectory(), `${folder} is where the captures went`);
    assert.strictEqual(path.dirname(folder), out);
    assert.strictEqual(fs.readdirSync(folder).filter((f) => f.endsWith(".txt")).length, 1);
  });

  it("search: output lines with escape sequences are printed as escapes", async () => {
    const collections = path.join(tmp.path, "home2", "collections");
    writeCapture(collections, "config", "r1", `banner ${ESC}[2J${ESC}]0;owned\x07 motd\n`, hoursAgo(1));
    const r = await runCli(["--home", path.join(tmp.path, "home2"), "search", "banner"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assertTerminalClean(r.stdout);
    assert.strictEqual(r.stdout, "config/r1:1: banner \\x1b[2J\\x1b]0;owned\\x07 motd\n");
  });

  it("export --output: a pattern part with '..' is refused, even when it would fold away", async () => {
    assert.deepStrictEqual(splitOutputPath("exp/{date}/../{device}.csv"), {
      dir: path.resolve("exp"),
      pattern: "{date}/../{device}.csv",
    });
    const input = path.join(tmp.path, "parsed.json");
    fs.writeFileSync(
      input,
      JSON.stringify([parsedDeviceResult("r1", "cisco_ios", [parsedResult("r1", "show ip arp", ARP_RECORDS)])]),
    );
    for (const output of [`${tmp.path}/exp/{device}/../../escaped.csv`, `${tmp.path}/exp/{device}/../{device}.csv`]) {
      const r = await runCli(["export", "--format", "csv", "--mode", "device", "--input", input, "--output", output]);
      assert.notStrictEqual(r.code, 0, output);
      assert.match(r.stderr, /may not contain '\.\.'/);
    }
    assert.ok(!fs.existsSync(path.join(tmp.path, "escaped.csv")));
  });
});
