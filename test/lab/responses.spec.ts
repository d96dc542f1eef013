import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { labPlatforms } from "../../lib/lab";
import { makeFacts } from "../../lib/lab/facts";
import { loadPlatformFile } from "../../lib/lab/platform";
import { deviceLookup, renderText } from "../../lib/lab/render";
import { ResponseLibrary } from "../../lib/lab/responses";
import { rngFrom } from "../../lib/lab/rng";
import { REPO_ROOT } from "../support/cli";
import { useTmpDir } from "../support/tmp";

const NTC_TEMPLATES = path.resolve(REPO_ROOT, "..", "shared", "ntc-templates", "templates");
const PARSER = path.join(__dirname, "ntc_parse.py");

/** The commands the demo needs on its four platforms (show version, interfaces, ARP, MAC, config, inventory, LLDP). */
const IOS_STYLE = (interfaces: string) => [
  "show version",
  "show ip interface brief",
  "show ip arp",
  "show mac address-table",
  "show running-config",
  interfaces,
  "show inventory",
  "show lldp neighbors",
];
const DEMO_COMMANDS: Record<string, string[]> = {
  cisco_ios: IOS_STYLE("show interfaces"),
  arista_eos: IOS_STYLE("show interfaces"),
  cisco_nxos: IOS_STYLE("show interface"),
  juniper_junos: [
    "show version",
    "show interfaces",
    "show arp no-resolve",
    "show ethernet-switching table",
    "show configuration",
    "show chassis hardware",
    "show lldp neighbors",
  ],
};

interface Rendered {
  platform: string;
  command: string;
  text: string;
}

function renderAll(): Rendered[] {
  const library = new ResponseLibrary([]);
  const out: Rendered[] = [];
  for (const platform of labPlatforms()) {
    const rng = rngFrom("responses-test", platform);
    const facts = makeFacts(`${platform.replace(/_/g, "-")}-01`, "admin", "127.0.0.2", rng, new Date());
    for (const set of library.forPlatform(platform).values()) {
      for (const file of set.files)
        out.push({
          platform,
          command: set.command,
          text: renderText(fs.readFileSync(file, "utf8"), deviceLookup(facts, rng, { privilege: "15" })),
        });
    }
  }
  return out;
}

describe("lab built-in responses", function () {
  this.timeout(60_000);

  it("has the demo commands on the four demo platforms, and at least three commands on every platform", () => {
    const library = new ResponseLibrary([]);
    for (const [platform, commands] of Object.entries(DEMO_COMMANDS)) {
      const known = library.forPlatform(platform);
      for (const c of commands) assert.ok(known.has(c), `${platform}: '${c}' missing`);
    }
    for (const platform of labPlatforms())
      assert.ok(library.forPlatform(platform).size >= 3, `${platform} has too few responses`);
  });

  it("parse with the ntc-templates for their platform and command (Python TextFSM as the reference)", () => {
    const rendered = renderAll();
    const r = spawnSync("/usr/bin/python3", [PARSER, NTC_TEMPLATES], {
      input: JSON.stringify(rendered),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(r.stdout) as { template?: string | null; records?: unknown[]; error?: string }[];
    let parsed = 0;
    results.forEach((res, i) => {
      const { platform, command } = rendered[i];
      assert.equal(res.error, undefined, `${platform} '${command}': ${res.error}`);
      if (res.template) {
        parsed++;
        assert.ok(res.records!.length > 0, `${platform} '${command}' gave no records with ${res.template}`);
      }
    });
    assert.ok(parsed >= 40, `only ${parsed} outputs have a template`);
  });

  it("fill in the hostname and keep volatile lines volatile (for change detection)", () => {
    const library = new ResponseLibrary([]);
    const file = library.forPlatform("cisco_ios").get("show running-config")!.files[0];
    const rng = rngFrom("volatile");
    const facts = makeFacts("edge-7", "admin", "127.0.0.9", rng, new Date());
    const a = renderText(fs.readFileSync(file, "utf8"), deviceLookup(facts, rng));
    const b = renderText(fs.readFileSync(file, "utf8"), deviceLookup(facts, rng, {}, new Date(Date.now() + 61_000)));
    assert.match(a, /\nhostname edge-7\n/);
    assert.doesNotMatch(a, /\{\{/);
    const differing = a.split("\n").filter((line, i) => line !== b.split("\n")[i]);
    assert.ok(differing.some((l) => l.startsWith("! Last configuration change at")));
    assert.ok(
      differing.every((l) => /^(! Last configuration change|ntp clock-period)/.test(l)),
      `unexpected changes: ${differing.join(" | ")}`,
    );
  });
});

describe("lab platform files", () => {
  const tmp = useTmpDir("vc-lab-platform-");
  const write = (name: string, text: string) => {
    const file = path.join(tmp.path, `${name}.yaml`);
    fs.writeFileSync(file, text);
    return file;
  };
  const valid = fs.readFileSync(path.join(REPO_ROOT, "lib", "lab", "platforms", "cisco_ios.yaml"), "utf8");

  it("load every built-in platform", () => {
    assert.equal(labPlatforms().length, 10);
  });

  it("name the file and the field when a definition is wrong", () => {
    assert.throws(
      () => loadPlatformFile(write("cisco_ios", valid.replace("loginMode: privileged", "loginMode: nirvana"))),
      /cisco_ios\.yaml: field 'loginMode' unknown mode 'nirvana'/,
    );
    assert.throws(
      () => loadPlatformFile(write("cisco_ios", valid.replace("erase: backspace", "erase: sideways"))),
      /field 'pager\.erase' must be one of/,
    );
    assert.throws(
      () => loadPlatformFile(write("cisco_ios", valid.replace("action: page_length", "action: teleport"))),
      /field 'commands\[0\]\.action' unknown action 'teleport'/,
    );
    assert.throws(() => loadPlatformFile(write("other", valid)), /field 'name' must match the file name/);
    assert.throws(() => loadPlatformFile(write("cisco_ios", "name: [")), /cannot read platform definition/);
  });
});
