import * as assert from "node:assert/strict";
import { applyConfigState, configLine, newConfigState } from "../../lib/lab/config-mode";
import { useLab } from "../support/lab";
import { login } from "../support/lab-shell";

describe("lab configuration mode", function () {
  this.timeout(30_000);
  const ctx = useLab({
    devices: [
      { name: "R1", platform: "cisco_ios" },
      { name: "SW1", platform: "arista_eos" },
      { name: "NX1", platform: "cisco_nxos" },
      { name: "J1", platform: "juniper_junos" },
      { name: "R9", platform: "cisco_ios" },
    ],
  });
  const dev = (name: string) => ctx.lab.devices.find((d) => d.name === name)!;

  for (const [name, ifname, pager] of [
    ["R1", "GigabitEthernet0/0/1", "terminal length 0"],
    ["SW1", "Ethernet3", "terminal length 0"],
    ["NX1", "Ethernet1/3", "terminal length 0"],
  ] as const) {
    it(`${name}: an interface description set in configure terminal shows in later sessions' running-config`, async () => {
      const s = await login(dev(name));
      try {
        await s.run(pager);
        await s.run("configure terminal", /\(config\)# ?$/);
        await s.run(`interface ${ifname}`, /\(config-if\)# ?$/);
        await s.run("description CHG-4711 new uplink", /\(config-if\)# ?$/);
        await s.run("end");
      } finally {
        s.shell.close();
      }
      const again = await login(dev(name));
      try {
        await again.run(pager);
        const out = await again.run("show running-config");
        const block = out.slice(out.indexOf(`interface ${ifname}`));
        assert.match(block, /^interface \S+\r+\n\s+description CHG-4711 new uplink\r+\n/);
        assert.equal(out.split("CHG-4711").length, 2, "exactly one description line changed");
      } finally {
        again.shell.close();
      }
    });
  }

  it("IOS: hostname changes the prompt and the configuration; an unknown interface sub-command is rejected", async () => {
    const s = await login(dev("R9"));
    try {
      await s.run("configure terminal", /R9\(config\)#$/);
      await s.run("hostname R9-new", /R9-new\(config\)#$/);
      await s.run("interface Loopback7", /R9-new\(config-if\)#$/);
      assert.match(await s.run("frobnicate now", /R9-new\(config-if\)#$/), /% Invalid input detected/);
      await s.run("exit", /R9-new\(config\)#$/);
      await s.run("end", /R9-new#$/);
      await s.run("terminal length 0", /R9-new#$/);
      const out = await s.run("show running-config", /R9-new#$/);
      assert.match(out, /\r\nhostname R9-new\r\n/);
    } finally {
      s.shell.close();
    }
  });

  it("Junos: set … is applied by commit, and shows in show configuration", async () => {
    const s = await login(dev("J1"));
    try {
      await s.run("set cli screen-length 0");
      await s.run("configure", /# $/);
      await s.run('set interfaces ge-0/0/0 description "CHG-99 moved uplink"', /# $/);
      await s.run("exit");
      const before = await s.run("show configuration");
      assert.ok(!before.includes("CHG-99"), "not applied before commit");
      await s.run("configure", /# $/);
      await s.run('set interfaces ge-0/0/0 description "CHG-99 moved uplink"', /# $/);
      assert.match(await s.run("commit", /# $/), /commit complete/);
      await s.run("exit");
      const after = await s.run("show configuration");
      assert.match(after, /\r\n {4}ge-0\/0\/0 \{\r\n {8}description "CHG-99 moved uplink";\r\n/);
      assert.ok(!after.includes("uplink core-rtr-01"), "the old description is replaced");
    } finally {
      s.shell.close();
    }
  });

  it("applyConfigState adds, replaces and removes descriptions; an abbreviated name finds its interface", () => {
    const state = newConfigState();
    const h = { set: () => {} };
    configLine(state, { platform: "cisco_ios", interface: "gi0/0/1" }, "description new", h);
    configLine(state, { platform: "cisco_ios", interface: "Loopback0" }, "no description", h);
    configLine(state, { platform: "cisco_ios", interface: "Vlan9" }, "description fresh", h);
    const text = [
      "interface Loopback0",
      " description router id",
      " ip address 10.0.0.1 255.255.255.255",
      "!",
      "interface GigabitEthernet0/0/1",
      " ip address 10.1.0.1 255.255.255.0",
      "!",
      "end",
    ].join("\n");
    assert.equal(
      applyConfigState(text, state, "cisco_ios"),
      [
        "interface Loopback0",
        " ip address 10.0.0.1 255.255.255.255",
        "!",
        "interface GigabitEthernet0/0/1",
        " description new",
        " ip address 10.1.0.1 255.255.255.0",
        "!",
        "interface Vlan9",
        " description fresh",
        "!",
        "end",
      ].join("\n"),
    );
  });
});
