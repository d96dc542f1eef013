import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Inventory } from "../../lib/core/inventory";
import { KnownHostsStore } from "../../lib/core/ssh";
import { runCli } from "../support/cli";
import { findSecretsInDir, findSecretsInText } from "../support/secrets";
import { useLabWithVault } from "../support/lab";

const SECRETS = { one: "Creds-One-Pass-11", two: "Creds-Two-Pass-22" };

describe("vcollector creds", function () {
  this.timeout(90_000);
  const fx = useLabWithVault({
    tmpPrefix: "vc-cli-creds-",
    lab: () => ({
      devices: [
        { name: "sw-one", platform: "cisco_ios", username: "ops", password: SECRETS.one },
        { name: "sw-two", platform: "arista_eos", username: "ops", password: SECRETS.two },
        { name: "sw-none", platform: "cisco_ios", username: "ops", password: "Not-In-The-Vault-33" },
      ],
    }),
    credentials: [
      { name: "one", username: "ops", password: SECRETS.one, isDefault: true },
      { name: "two", username: "ops", password: SECRETS.two },
    ],
  });

  function homeWithInventory(name: string): string {
    const home = path.join(fx.dir, name);
    fs.mkdirSync(home, { recursive: true });
    const inv = Inventory.open(path.join(home, "dcim.db"), { create: true });
    try {
      inv.init();
      assert.deepStrictEqual(inv.importCsv(fx.lab.inventoryCsv(), { createMissing: true }).errors, []);
    } finally {
      inv.close();
    }
    return home;
  }

  const creds = (home: string, ...args: string[]) =>
    runCli(["--home", home, "creds", ...args, ...(args[0] === "status" ? [] : ["--vault", fx.testVault.file])], {
      env: fx.testVault.env,
    });

  it("discover skips unpinned hosts unless --pin-new-hosts, then saves what works and reports coverage", async () => {
    const home = homeWithInventory("home1");
    const skipped = await creds(home, "discover");
    assert.strictEqual(skipped.code, 0, skipped.stdout + skipped.stderr);
    assert.match(skipped.stdout, /skipped: host key not pinned/);
    assert.match(skipped.stdout, /0 matched, .* skipped: 3 unpinned/);

    const found = await creds(home, "discover", "--pin-new-hosts", "--timeout", "5");
    assert.strictEqual(found.code, 1, "sw-none has no working credential");
    assert.match(found.stdout, /sw-one {2}✓ one \(1 tried\)/);
    assert.match(found.stdout, /sw-two {2}✓ two \(2 tried\)/);
    assert.match(found.stdout, /sw-none {2}✗ no match: no credential worked \(one, two\)/);
    assert.match(found.stdout, /Coverage: 66\.7% of the selected devices have a working credential\./);
    const inv = Inventory.open(path.join(home, "dcim.db"));
    try {
      assert.deepStrictEqual(
        [inv.getDevice("sw-two")!.credentialName, inv.getDevice("sw-two")!.credentialStatus],
        ["two", "ok"],
      );
      assert.strictEqual(inv.getDevice("sw-none")!.credentialStatus, "failed");
    } finally {
      inv.close();
    }
    const known = new KnownHostsStore(path.join(home, "known_hosts"));
    for (const d of fx.lab.devices) assert.strictEqual(known.check(d.host, d.port, d.hostKeyFingerprint), "match");

    const status = await creds(home, "status", "--json");
    assert.strictEqual(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout);
    assert.deepStrictEqual(
      {
        total: report.total,
        ok: report.ok,
        failed: report.failed,
        untested: report.untested,
        pinned: report.hostKeysPinned,
        coverage: report.coveragePercent,
        by: report.byCredential,
      },
      { total: 3, ok: 2, failed: 1, untested: 0, pinned: 3, coverage: 66.7, by: { one: 1, two: 1 } },
    );
    const text = await creds(home, "status");
    assert.match(text.stdout, /working credential: 2 \(coverage 66\.7%\)/);

    const recent = await creds(home, "discover");
    assert.match(recent.stdout, /skipped: 3 recent/);
    const forced = await creds(home, "discover", "--force", "--skip-configured", "--credentials", "two");
    assert.match(forced.stdout, /skipped: 2 configured/);
    assert.match(forced.stdout, /sw-none {2}✗ no match: no credential worked \(two\)/);

    for (const r of [skipped, found, status, text, recent, forced])
      assert.deepStrictEqual(
        findSecretsInText(r.stdout + r.stderr, [...Object.values(SECRETS), fx.testVault.password]),
        [],
      );
    assert.deepStrictEqual(findSecretsInDir(home, [...Object.values(SECRETS), fx.testVault.password]), []);
  });

  it("discover --dry-run needs no vault password and connects to nothing", async () => {
    const home = homeWithInventory("home2");
    const r = await runCli([
      "--home",
      home,
      "creds",
      "discover",
      "--dry-run",
      "--pin-new-hosts",
      "--vault",
      fx.testVault.file,
      "--platform",
      "cisco_ios",
    ]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /sw-one {2}would try one, two after pinning its host key/);
    assert.ok(!r.stdout.includes("sw-two"));
    assert.match(r.stdout, /Dry run: 2 of 2 device\(s\) would be tested with one, two\./);
    assert.ok(!fs.existsSync(path.join(home, "known_hosts")), "nothing was contacted or pinned");
  });

  it("test <device> tries the given credentials, or the device's own and the default, exit 0 only if one works", async () => {
    const home = homeWithInventory("home3");
    const wrong = await creds(home, "test", "sw-two", "--pin-new-hosts");
    assert.strictEqual(wrong.code, 1);
    assert.match(wrong.stdout, /✗ one {2}auth_failed: /);
    assert.match(wrong.stdout, /sw-two: no match/);
    const right = await creds(home, "test", "sw-two", "--credential", "one", "--credential", "two", "--update");
    assert.strictEqual(right.code, 0, right.stdout + right.stderr);
    assert.match(right.stdout, /sw-two: credential 'two' works/);
    const inv = Inventory.open(path.join(home, "dcim.db"));
    try {
      assert.strictEqual(inv.getDevice("sw-two")!.credentialName, "two");
    } finally {
      inv.close();
    }
    const unknown = await creds(home, "test", "nope");
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /no device named 'nope'/);
  });

  it("test --update never leaves a device failed on a working mapping, nor mapped to a credential just rejected", async () => {
    const home = homeWithInventory("home5");
    const device = (name: string) => {
      const inv = Inventory.open(path.join(home, "dcim.db"));
      try {
        const d = inv.getDevice(name)!;
        return { credential: d.credentialName ?? null, status: d.credentialStatus };
      } finally {
        inv.close();
      }
    };
    const works = await creds(home, "test", "sw-two", "--credential", "two", "--update", "--pin-new-hosts");
    assert.strictEqual(works.code, 0, works.stdout + works.stderr);
    assert.deepStrictEqual(device("sw-two"), { credential: "two", status: "ok" });

    // Another credential fails: that says nothing about the mapped one, which still works.
    const bad = await creds(home, "test", "sw-two", "--credential", "one", "--update");
    assert.strictEqual(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /sw-two: no match/);
    assert.deepStrictEqual(device("sw-two"), { credential: "two", status: "ok" });

    // The mapped credential itself is rejected: failed, and the mapping goes.
    const inv = Inventory.open(path.join(home, "dcim.db"));
    try {
      inv.setCredentialResult("sw-none", { credentialName: "one", status: "ok" });
    } finally {
      inv.close();
    }
    const stale = await creds(home, "test", "sw-none", "--update", "--pin-new-hosts");
    assert.strictEqual(stale.code, 1, stale.stdout + stale.stderr);
    assert.match(stale.stdout, /✗ one {2}auth_failed/);
    assert.deepStrictEqual(device("sw-none"), { credential: null, status: "failed" });
  });

  it("gives usage errors exit 2 with one line", async () => {
    const home = homeWithInventory("home4");
    for (const [args, message] of [
      [[], /needs a subcommand/],
      [["frobnicate"], /unknown creds subcommand 'frobnicate'/],
      [["discover", "--concurrency", "x"], /--concurrency must be a whole number/],
    ] as Array<[string[], RegExp]>) {
      const r = await runCli(["--home", home, "creds", ...args], { env: fx.testVault.env });
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const unknownCred = await creds(home, "discover", "--credentials", "one,ghost", "--pin-new-hosts");
    assert.strictEqual(unknownCred.code, 1);
    assert.match(unknownCred.stderr, /not in the vault: ghost/);
  });
});
