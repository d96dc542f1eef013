import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { makeMiniNtcDir, ntcCase, ntcTemplateText, NTC_TEMPLATES } from "../support/templates-fixtures";
import { compareWithReference } from "../../lib/core/textfsm";

const USER_TEXT = "Value NAME (\\S+)\nValue AGE (\\d+)\n\nStart\n  ^name ${NAME} age ${AGE} -> Record\n";
const MINI = [
  "cisco_ios_show_arp",
  "cisco_ios_show_version",
  "cisco_nxos_show_version",
  "arista_eos_show_vlan",
  "cisco_ios_show_interfaces_status",
];

describe("vcollector templates", function () {
  this.timeout(60000);
  const tmp = useTmpDir("vc-cli-templates-");
  const home = () => path.join(tmp.path, "home");
  // NET_TEXTFSM is cleared so that only what a test sets up is visible.
  const cli = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}) =>
    runCli(["--home", home(), "templates", ...args], { input, env: { NET_TEXTFSM: "", ...env } });
  const importMini = async () => {
    const r = await cli(["import", makeMiniNtcDir(path.join(tmp.path, "ntc"), MINI)]);
    assert.strictEqual(r.code, 0, r.stderr);
    return r;
  };

  it("import reports what it did, and a second import finds everything unchanged", async () => {
    const first = await importMini();
    assert.match(first.stdout, /5 added, 0 updated, 0 unchanged \(5 index rows\)/);
    const again = await cli(["import", path.join(tmp.path, "ntc")]);
    assert.match(again.stdout, /0 added, 0 updated, 5 unchanged/);
    assert.ok(fs.existsSync(path.join(home(), "templates.db")));
  });

  it("list prints a table (or JSON) filtered by platform and source", async () => {
    await importMini();
    const table = await cli(["list", "--platform", "cisco_ios"]);
    assert.strictEqual(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split("\n");
    assert.match(lines[0], /^NAME\s+SOURCE\s+PLATFORM\s+COMMAND$/);
    assert.deepStrictEqual(
      lines.slice(1, -1).map((l) => l.split(/\s+/)[0]),
      ["cisco_ios_show_arp", "cisco_ios_show_interfaces_status", "cisco_ios_show_version"],
    );
    assert.strictEqual(lines[lines.length - 1], "3 templates");
    const json = JSON.parse((await cli(["list", "--json", "--source", "ntc"])).stdout) as Array<{
      name: string;
      platform: string;
    }>;
    assert.strictEqual(json.length, 5);
    assert.ok(json.every((t) => t.platform !== null));
    const none = await cli(["list", "--source", "user"]);
    assert.match(none.stdout, /0 templates/);
  });

  it("add (file or stdin), show, edit and rm a user template; the override replaces the ntc one and rm brings it back", async () => {
    await importMini();
    const file = path.join(tmp.path, "mine.textfsm");
    fs.writeFileSync(file, USER_TEXT);
    const added = await cli([
      "add",
      "acme_os_show_people",
      file,
      "--platform",
      "acme_os",
      "--command",
      "sh[[ow]] people",
    ]);
    assert.strictEqual(added.code, 0, added.stderr);
    assert.strictEqual((await cli(["show", "acme_os_show_people"])).stdout, USER_TEXT);
    const meta = JSON.parse((await cli(["show", "acme_os_show_people", "--json"])).stdout);
    assert.deepStrictEqual([meta.source, meta.platform, meta.command], ["user", "acme_os", "sh[[ow]] people"]);

    const override = await cli(["add", "cisco_ios_show_version", "-"], USER_TEXT);
    assert.strictEqual(override.code, 0, override.stderr);
    assert.strictEqual((await cli(["show", "cisco_ios_show_version"])).stdout, USER_TEXT);
    assert.strictEqual(
      (await cli(["show", "cisco_ios_show_version", "--source", "ntc"])).stdout,
      ntcTemplateText("cisco_ios_show_version"),
    );
    const all = await cli(["list", "--all", "--search", "cisco_ios_show_version"]);
    assert.match(all.stdout, /user\s/);
    assert.match(all.stdout, /ntc \(overridden\)/);

    const edited = await cli(["edit", "acme_os_show_people", "--command", "sh[[ow]] persons"]);
    assert.strictEqual(edited.code, 0, edited.stderr);
    assert.strictEqual(
      JSON.parse((await cli(["show", "acme_os_show_people", "--json"])).stdout).command,
      "sh[[ow]] persons",
    );

    const removed = await cli(["rm", "cisco_ios_show_version"]);
    assert.match(removed.stdout, /removed user template cisco_ios_show_version/);
    assert.strictEqual(
      (await cli(["show", "cisco_ios_show_version"])).stdout,
      ntcTemplateText("cisco_ios_show_version"),
    );
  });

  it("refuses a broken template with a located error and stores nothing", async () => {
    const r = await cli(["add", "broken", "-"], "Value NAME (\\S+)\n\nStart\n  ^x ${NOPE} -> Record\n");
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /broken\.textfsm:4: .*NOPE/);
    const show = await cli(["show", "broken"]);
    assert.strictEqual(show.code, 1);
    assert.match(show.stderr, /no template named 'broken'/);
  });

  it("export writes .textfsm files and an index", async () => {
    await importMini();
    const out = path.join(tmp.path, "out");
    const r = await cli(["export", out, "cisco_ios_show_arp", "arista_eos_show_vlan"]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /exported 2 templates .* \(with index\)/);
    assert.deepStrictEqual(fs.readdirSync(out).sort(), [
      "arista_eos_show_vlan.textfsm",
      "cisco_ios_show_arp.textfsm",
      "index",
    ]);
    assert.strictEqual(
      fs.readFileSync(path.join(out, "arista_eos_show_vlan.textfsm"), "utf8"),
      ntcTemplateText("arista_eos_show_vlan"),
    );
  });

  it("detect prints the ranking and the best parse as JSON", async () => {
    await importMini();
    const { raw, expected } = ntcCase("cisco_ios", "show_arp", "cisco_ios_show_arp");
    const inputFile = path.join(tmp.path, "arp.txt");
    fs.writeFileSync(inputFile, raw);
    const r = await cli(["detect", "--top", "2", "--templates", path.join(tmp.path, "ntc"), inputFile]);
    assert.strictEqual(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.strictEqual(result.fits, true);
    assert.strictEqual(result.best.template, "cisco_ios_show_arp");
    assert.deepStrictEqual(compareWithReference(result.best.records, expected), []);
    assert.ok(result.ranking.length >= 1 && result.ranking.length <= 2);
    assert.strictEqual(result.stats.templates, 5);

    const viaStdin = JSON.parse(
      (await cli(["detect", "--platform", "cisco_ios", "--command", "show arp"], raw)).stdout,
    );
    assert.strictEqual(viaStdin.best.template, "cisco_ios_show_arp");
    assert.strictEqual(viaStdin.stats.candidates, 1);
    assert.ok(viaStdin.stats.templates >= 979, "the bundled templates, with the library's on top");
  });

  it("detect says when no template fits", async () => {
    await importMini();
    const r = await cli(
      ["detect", "--templates", path.join(tmp.path, "ntc"), "-"],
      "Dear team,\nthe quarterly report is attached.\nRegards,\nAlice\n",
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.strictEqual(result.fits, false);
    assert.strictEqual(result.best, null);
    assert.match(result.reason, /no template/);
  });

  it("detect uses a templates directory, NET_TEXTFSM, or (with neither, nothing imported) the bundled templates", async () => {
    const { raw } = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
    const viaDir = await cli(["detect", "--templates", NTC_TEMPLATES, "--platform", "arista_eos", "-"], raw);
    assert.strictEqual(viaDir.code, 0, viaDir.stderr);
    assert.strictEqual(JSON.parse(viaDir.stdout).best.template, "arista_eos_show_vlan");
    const bundled = await cli(["detect", "--platform", "arista_eos", "--command", "show vlan", "-"], raw);
    assert.strictEqual(bundled.code, 0, bundled.stderr);
    assert.strictEqual(JSON.parse(bundled.stdout).best.template, "arista_eos_show_vlan");
    const viaEnv = await cli(["detect", "--platform", "arista_eos", "-"], raw, { NET_TEXTFSM: NTC_TEMPLATES });
    assert.strictEqual(viaEnv.code, 0, viaEnv.stderr);
    assert.strictEqual(JSON.parse(viaEnv.stdout).best.template, "arista_eos_show_vlan");
  });

  it("usage errors exit 2 with one line", async () => {
    for (const args of [
      [],
      ["frob"],
      ["list", "--source", "vendor"],
      ["detect", "--top", "0"],
      ["show"],
      ["add", "x"],
      ["edit", "x"],
    ]) {
      const r = await cli(args);
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1, args.join(" "));
    }
    const help = await runCli(["templates", "--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /import \[<dir>\]/);
    assert.match(help.stdout, /where \[--templates <dir>\]/);
    assert.match(help.stdout, /detect \[--platform <p>\]/);
  });

  it("where says which templates are used and why; import without a directory imports the bundled ones", async () => {
    const bundled = await cli(["where"]);
    assert.strictEqual(bundled.code, 0, bundled.stderr);
    assert.match(
      bundled.stdout,
      /^templates: .*data[\\/]ntc-templates[\\/]templates \(bundled ntc-templates, commit d0bc5a480fe9, 979 templates\)\n/,
    );
    assert.match(bundled.stdout, /holds no templates/);
    const viaEnv = await cli(["where", "--json"], undefined, { NET_TEXTFSM: NTC_TEMPLATES });
    assert.deepStrictEqual((({ kind, dir, reason }) => ({ kind, dir, reason }))(JSON.parse(viaEnv.stdout)), {
      kind: "NET_TEXTFSM",
      dir: NTC_TEMPLATES,
      reason: "NET_TEXTFSM is set",
    });
    const imported = await cli(["import"]);
    assert.strictEqual(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /data[\\/]ntc-templates[\\/]templates: 979 added/);
    await cli(["add", "acme_show_things", "-"], "Value X (\\d+)\n\nStart\n  ^thing ${X} -> Record\n");
    const overridden = await cli(["where"]);
    assert.match(
      overridden.stdout,
      /library: .*templates\.db: 980 templates \(1 your own\) override the bundled ones by name/,
    );
  });

  it("a missing import directory is a failure naming it", async () => {
    const r = await cli(["import", path.join(tmp.path, "nowhere")]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /nowhere: no such directory/);
  });
});
