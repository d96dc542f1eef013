import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  BUILTIN_PROFILE_DIR,
  ProfileError,
  listProfiles,
  loadProfile,
  loadProfileFile,
} from "../../../lib/core/ssh/profile";
import { useTmpDir } from "../../support/tmp";

const REQUIRED = [
  "cisco_ios",
  "cisco_nxos",
  "cisco_xr",
  "arista_eos",
  "juniper_junos",
  "hp_procurve",
  "hp_comware",
  "aruba_aoscx",
  "paloalto_panos",
  "fortinet",
  "linux",
];

function anyPrompt(platform: string, line: string): boolean {
  return loadProfile(platform).prompts.some((re) => re.test(line));
}

describe("ssh/profiles: platform profiles as data", () => {
  const tmp = useTmpDir("vc-profiles-");

  it("ships one valid YAML file per required platform, each naming its ntc platform", () => {
    const names = listProfiles().map((p) => p.name);
    for (const name of REQUIRED) {
      assert.ok(names.includes(name), `missing profile ${name}`);
      assert.ok(fs.existsSync(path.join(BUILTIN_PROFILE_DIR, `${name}.yaml`)));
      const p = loadProfile(name);
      assert.match(p.ntcPlatform, /^[a-z0-9_]+$/);
      assert.ok(p.prompts.length >= 1);
    }
  });

  it("recognises each platform's real prompts", () => {
    const cases: [string, string[]][] = [
      ["cisco_ios", ["R1>", "R1#", "ios-rtr-1#", "R1(config)#", "R1(config-if)#"]],
      ["cisco_nxos", ["nxos-sw-1# ", "sw1(maint-mode)#", "sw1(config)# "]],
      ["cisco_xr", ["RP/0/RSP0/CPU0:R1#", "RP/0/RSP0/CPU0:xr-pe-1(config)#"]],
      ["arista_eos", ["sw1>", "eos-sw-1#", "sw1(config)#"]],
      ["juniper_junos", ["admin@r1> ", "admin@junos-rtr-1# "]],
      ["hp_procurve", ["sw1# ", "procurve-sw-1> "]],
      ["hp_comware", ["<HPE>", "[HPE]", "RBM_P<fw1>"]],
      ["aruba_aoscx", ["sw1# ", "cx-sw-1> ", "sw1(config)# "]],
      ["paloalto_panos", ["admin@fw1> ", "admin@fw1(active)> ", "admin@pa-fw-1# "]],
      ["fortinet", ["FGT1 # ", "FGT1 (console) # ", "fgt-fw-1 $ "]],
      ["linux", ["root@vm:~# ", "user@host:/tmp$ ", "(venv) user@host:~/src$ "]],
    ];
    for (const [platform, prompts] of cases)
      for (const prompt of prompts)
        assert.ok(anyPrompt(platform, prompt), `${platform} should match ${JSON.stringify(prompt)}`);
  });

  it("does not take banner lines with # or > for prompts", () => {
    const banners = [
      "################################################################",
      "#  UNAUTHORISED ACCESS TO THIS DEVICE IS PROHIBITED            #",
      "Changes need a ticket > see the change calendar >",
      "  ios-rtr-1: lab router, managed by NetOps #",
      "### maintenance window: Sundays 02:00-04:00 ###",
    ];
    for (const platform of ["cisco_ios", "cisco_nxos", "cisco_xr", "arista_eos", "hp_procurve", "aruba_aoscx"]) {
      for (const line of banners)
        assert.ok(!anyPrompt(platform, line), `${platform} must not match ${JSON.stringify(line)}`);
    }
  });

  it("selects profiles by alias (cisco_xe is cisco_ios)", () => {
    assert.equal(loadProfile("cisco_xe").name, "cisco_ios");
    assert.equal(loadProfile("  Cisco_IOS ").name, "cisco_ios");
  });

  it("names the known platforms when asked for an unknown one", () => {
    assert.throws(
      () => loadProfile("acme_os"),
      (err: unknown) => err instanceof ProfileError && /unknown platform "acme_os".*cisco_ios/.test(err.message),
    );
  });

  it("rejects a bad profile with the file and the field in the message", () => {
    const file = path.join(tmp.path, "bad_os.yaml");
    fs.writeFileSync(
      file,
      "name: bad_os\ndescription: x\nntcPlatform: bad_os\nsession:\n  prompts: { privileged: '^x#$' }\n  pager: { patterns: ['--More--'] }\n  lineEnding: 'CR'\nbogus: 1\n",
    );
    assert.throws(
      () => loadProfileFile(file),
      (err: unknown) =>
        err instanceof ProfileError &&
        err.message.includes(file) &&
        /session\.pager\.response: required/.test(err.message) &&
        /session\.lineEnding: must be one of/.test(err.message) &&
        /bogus: unknown field/.test(err.message),
    );
    fs.writeFileSync(
      file,
      "name: bad_os\ndescription: x\nntcPlatform: bad_os\nsession: { prompts: { privileged: '^x(#$' } }\n",
    );
    assert.throws(
      () => loadProfileFile(file),
      /bad_os\.yaml: session\.prompts\.privileged: invalid regular expression/,
    );
    fs.writeFileSync(file, "name: bad_os\ndescription: x\n");
    assert.throws(
      () => loadProfileFile(file),
      /bad_os\.yaml: \(top level\): needs either a session or inventoryOnly: true/,
    );
    fs.writeFileSync(file, "name: other\ndescription: x\nntcPlatform: x\nsession: { prompts: { privileged: 'x' } }\n");
    assert.throws(() => loadProfileFile(file), /name: "other" does not match the file name "bad_os"/);
    fs.writeFileSync(file, "name: [unclosed\n");
    assert.throws(() => loadProfileFile(file), /bad_os\.yaml:\d+: invalid YAML/);
  });

  it("lets a user directory add profiles and override built-ins", () => {
    const base = fs.readFileSync(path.join(BUILTIN_PROFILE_DIR, "cisco_ios.yaml"), "utf8");
    fs.writeFileSync(path.join(tmp.path, "cisco_ios.yaml"), base.replace("terminal width 511", "terminal width 200"));
    fs.writeFileSync(
      path.join(tmp.path, "acme_os.yaml"),
      "name: acme_os\ndescription: Acme\nsession: { prompts: { privileged: '^acme\\$ ?$' } }\n",
    );
    const opts = { extraDirs: [tmp.path] };
    assert.ok(loadProfile("cisco_ios", opts).onOpen.includes("terminal width 200"));
    assert.ok(loadProfile("cisco_ios").onOpen.includes("terminal width 511"));
    assert.equal(loadProfile("acme_os", opts).file, path.join(tmp.path, "acme_os.yaml"));
    assert.ok(listProfiles(opts).some((p) => p.name === "acme_os"));
  });
});
