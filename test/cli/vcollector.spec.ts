import * as assert from "node:assert";
import { runCli } from "../support/cli";
import { COMMANDS } from "../../cli/commands";

describe("vcollector CLI skeleton", function () {
  it("--help lists every subcommand and exits 0", async () => {
    const r = await runCli(["--help"]);
    assert.strictEqual(r.code, 0, r.stderr);
    for (const name of Object.keys(COMMANDS)) assert.match(r.stdout, new RegExp(`^  ${name}\\s`, "m"));
  });

  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.stdout.trim(), require("../../package.json").version);
  });

  it("an unknown command is a usage error: exit 2, one line on stderr", async () => {
    const r = await runCli(["frobnicate"]);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stdout, "");
    assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  it("no command prints the usage and exits 2", async () => {
    const r = await runCli([]);
    assert.strictEqual(r.code, 2);
    assert.match(r.stdout, /^Usage: vcollector/);
  });

  it("--home without a directory is a usage error", async () => {
    const r = await runCli(["--home"]);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /--home needs a directory/);
  });
});
