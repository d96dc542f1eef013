import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectorDb } from "../../lib/core/collect";
import { startLab, type Lab } from "../../lib/lab";
import { CLI } from "../support/cli";
import { hoursAgo, writeCapture } from "../support/capture-fixtures";
import { PROBE_COMMANDS, writeProbeResponses } from "../support/collect";
import { collectArgs } from "../support/cli-lab";
import { makeTmpDir } from "../support/tmp";
import { makeVault } from "../support/vault";

const PASSWORD = "Epipe-Lab-Pass-3c9d";

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  firstLine: string;
  stderr: string;
}

/**
 * Runs the built CLI like `vcollector … | head -1`: reads stdout up to the first line break, then
 * closes the pipe; later writes by the CLI hit EPIPE.
 */
function runClosingStdout(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let firstLine = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl !== -1 && !child.stdout.destroyed) {
        firstLine = out.slice(0, nl);
        child.stdout.destroy();
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`vcollector ${args.join(" ")} did not finish\n${stderr}`));
    }, 60_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, firstLine, stderr });
    });
  });
}

describe("closed stdout (EPIPE): output ends quietly, the command runs to its end", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: Lab;

  before(async () => {
    dir = makeTmpDir("vc-cli-epipe-");
    lab = await startLab({
      count: 9,
      platforms: ["cisco_ios", "arista_eos"],
      password: PASSWORD,
      responsesDirs: [writeProbeResponses(dir, ["cisco_ios", "arista_eos"])],
    });
  });
  after(async () => {
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("collect … | head -1: every capture written, the history run closed, no crash", async () => {
    const csv = path.join(dir, "lab.csv");
    fs.writeFileSync(csv, lab.inventoryCsv());
    const vault = makeVault(dir, [{ name: "lab", username: "admin", password: PASSWORD, isDefault: true }]);
    const home = path.join(dir, "home");
    const out = path.join(dir, "out");
    const r = await runClosingStdout(
      [
        ...collectArgs({
          home,
          inventory: csv,
          vault: vault.file,
          out,
          commands: PROBE_COMMANDS,
          captureType: "probe",
        }),
        "--concurrency",
        "2",
      ],
      vault.env,
    );
    assert.notStrictEqual(r.firstLine, "");
    assert.deepStrictEqual([r.code, r.signal, r.stderr], [0, null, ""]);
    assert.strictEqual(fs.readdirSync(path.join(out, "probe")).filter((f) => f.endsWith(".txt")).length, 9);
    const db = CollectorDb.open(path.join(home, "collector.db"));
    try {
      const [run] = db.listRuns();
      assert.deepStrictEqual([run.status, run.ok], ["success", 9]);
    } finally {
      db.close();
    }
  });

  it("search and inventory with a closed stdout exit without a stack trace", async () => {
    const home = path.join(dir, "home-search");
    for (let i = 0; i < 200; i++)
      writeCapture(path.join(home, "collections"), "config", `r${i}`, "x\n".repeat(40), hoursAgo(1));
    const search = await runClosingStdout(["--home", home, "search", "x"]);
    assert.deepStrictEqual([search.code, search.signal, search.stderr], [0, null, ""]);
    const csv = path.join(dir, "many.csv");
    fs.writeFileSync(
      csv,
      "name,host,platform\n" + Array.from({ length: 3000 }, (_, i) => `d${i},127.0.0.1,cisco_ios`).join("\n"),
    );
    await runClosingStdout(["--home", home, "inventory", "init"]);
    const inv = await runClosingStdout(["--home", home, "inventory", "import-csv", csv]);
    assert.deepStrictEqual([inv.signal, inv.stderr], [null, ""]);
    const list = await runClosingStdout(["--home", home, "inventory", "list"]);
    assert.deepStrictEqual([list.code, list.signal, list.stderr], [0, null, ""]);
  });
});
