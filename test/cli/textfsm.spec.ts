import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { NTC_TEMPLATES, NTC_TESTS, tpl } from "../support/textfsm-fixtures";
import { loadParsedSample } from "../../lib/core/textfsm";

const CLOCK = "*10:00:00.000 UTC Mon Jan 1 2026\n";

function oneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.strictEqual(lines.length, 1, stderr);
  assert.match(lines[0], pattern);
}

describe("vcollector textfsm", function () {
  this.timeout(180000);
  const tmp = useTmpDir("vc-cli-textfsm-");
  const env = { NET_TEXTFSM: "" };

  it("parse --template <file> <input> prints the records as JSON", async () => {
    const dir = path.join(NTC_TESTS, "cisco_ios", "show_version");
    const r = await runCli(
      [
        "textfsm",
        "parse",
        "--template",
        path.join(NTC_TEMPLATES, "cisco_ios_show_version.textfsm"),
        path.join(dir, "cisco_ios_show_version.raw"),
      ],
      { env },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), loadParsedSample(path.join(dir, "cisco_ios_show_version.yml")));
  });

  it("parse --platform --command reads standard input and finds the template in the index", async () => {
    const r = await runCli(
      ["textfsm", "parse", "--platform", "cisco_ios", "--command", "sh clock", "--templates", NTC_TEMPLATES, "-"],
      { input: CLOCK, env },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), [
      { time: "10:00:00.000", timezone: "UTC", dayweek: "Mon", month: "Jan", day: "1", year: "2026" },
    ]);
  });

  it("the template directory comes from NET_TEXTFSM; --full prints templates, header, rows and stats", async () => {
    const r = await runCli(
      ["textfsm", "parse", "--platform", "cisco_ios", "--command", "show clock", "--full", "--clean"],
      { input: `r1#show clock\n${CLOCK}r1#`, env: { NET_TEXTFSM: NTC_TEMPLATES } },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepStrictEqual(out.templates, ["cisco_ios_show_clock.textfsm"]);
    assert.deepStrictEqual(out.header, ["TIME", "TIMEZONE", "DAYWEEK", "MONTH", "DAY", "YEAR"]);
    assert.deepStrictEqual(out.rows, [["10:00:00.000", "UTC", "Mon", "Jan", "1", "2026"]]);
    assert.deepStrictEqual(out.stats, { lines: 1, matchedLines: 1 });
  });

  it("usage mistakes exit 2 with one line", async () => {
    for (const args of [
      ["textfsm"],
      ["textfsm", "frob"],
      ["textfsm", "parse"],
      ["textfsm", "parse", "--template", "a.textfsm", "--platform", "p", "--command", "c"],
      ["textfsm", "parse", "--platform", "cisco_ios"],
      ["textfsm", "parse", "--template", "a.textfsm", "--budget", "soon"],
      ["textfsm", "conformance"],
    ]) {
      const r = await runCli(args, { env });
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      oneErrorLine(r.stderr, /^vcollector: /);
    }
  });

  it("a bad template fails with exit 1 and one located line", async () => {
    const file = path.join(tmp.path, "bad.textfsm");
    fs.writeFileSync(file, tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Recrod"));
    const r = await runCli(["textfsm", "parse", "--template", file, "-"], { input: "a=1\n", env });
    assert.strictEqual(r.code, 1);
    // "Recrod" reads as a state name, as TextFSM reads it.
    oneErrorLine(r.stderr, /^vcollector: bad\.textfsm:4: State 'Recrod' not found, referenced in state 'Start'$/);
  });

  it("an Error rule, a missing input and an unknown command fail with exit 1 and say where", async () => {
    const file = path.join(tmp.path, "strict.textfsm");
    fs.writeFileSync(file, tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Record", '  ^. -> Error "unexpected"'));
    let r = await runCli(["textfsm", "parse", "--template", file, "-"], { input: "a=1\nboom\n", env });
    assert.strictEqual(r.code, 1);
    oneErrorLine(
      r.stderr,
      /^vcollector: strict\.textfsm: Error action \(rule line 5\) raised "unexpected" on input line 2: "boom"/,
    );
    r = await runCli(["textfsm", "parse", "--template", file, path.join(tmp.path, "missing.txt")], { env });
    assert.strictEqual(r.code, 1);
    oneErrorLine(r.stderr, /missing\.txt: cannot read: ENOENT/);
    r = await runCli(
      [
        "textfsm",
        "parse",
        "--platform",
        "cisco_ios",
        "--command",
        "show no such thing",
        "--templates",
        NTC_TEMPLATES,
        "-",
      ],
      { input: "x\n", env },
    );
    assert.strictEqual(r.code, 1);
    oneErrorLine(r.stderr, /no template in .*index for platform 'cisco_ios' and command 'show no such thing'/);
  });

  it("conformance runs the whole ntc-templates suite: 1400 passed, 0 failed", async () => {
    const r = await runCli(["textfsm", "conformance", NTC_TESTS], { env, timeoutMs: 170000 });
    assert.strictEqual(r.code, 0, r.stdout.slice(-2000) + r.stderr);
    assert.strictEqual(r.stdout, "1400 passed, 0 failed\n");
  });

  it("conformance prints each failing case with its differences and exits 1", async () => {
    const templates = path.join(tmp.path, "templates");
    const cases = path.join(tmp.path, "tests", "acme_os", "show_thing");
    fs.mkdirSync(templates, { recursive: true });
    fs.mkdirSync(cases, { recursive: true });
    fs.writeFileSync(
      path.join(templates, "index"),
      "Template, Hostname, Platform, Command\nacme_os_show_thing.textfsm, .*, acme_os, show thing\n",
    );
    fs.writeFileSync(
      path.join(templates, "acme_os_show_thing.textfsm"),
      tpl("Value NAME (\\w+)", "", "Start", "  ^name ${NAME} -> Record"),
    );
    fs.writeFileSync(path.join(cases, "ok.raw"), "name a\n");
    fs.writeFileSync(path.join(cases, "ok.yml"), 'parsed_sample:\n  - name: "a"\n');
    fs.writeFileSync(path.join(cases, "wrong.raw"), "name b\n");
    fs.writeFileSync(path.join(cases, "wrong.yml"), 'parsed_sample:\n  - name: "c"\n');
    const r = await runCli(["textfsm", "conformance", path.join(tmp.path, "tests"), "--templates", templates], { env });
    assert.strictEqual(r.code, 1);
    assert.strictEqual(
      r.stdout,
      [
        `FAIL ${path.join("acme_os", "show_thing", "wrong.raw")} (acme_os / show thing -> acme_os_show_thing.textfsm)`,
        "  record 0 'name': expected 'c', got 'b'",
        "1 passed, 1 failed",
        "",
      ].join("\n"),
    );
  });

  it("conformance --filter runs a subset; a missing directory is an error", async () => {
    let r = await runCli(
      [
        "textfsm",
        "conformance",
        NTC_TESTS,
        "--templates",
        NTC_TEMPLATES,
        "--filter",
        path.join("cisco_ios", "show_clock"),
      ],
      { env },
    );
    assert.strictEqual(r.code, 0, r.stdout);
    assert.match(r.stdout, /^[1-9]\d* passed, 0 failed\n$/);
    r = await runCli(["textfsm", "conformance", path.join(tmp.path, "nope")], { env });
    assert.strictEqual(r.code, 1);
    oneErrorLine(r.stderr, /nope: not a directory/);
  });

  it("--help explains both subcommands", async () => {
    const r = await runCli(["textfsm", "--help"]);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /vcollector textfsm parse/);
    assert.match(r.stdout, /vcollector textfsm conformance <tests-dir>/);
  });
});
