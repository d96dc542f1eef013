import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { JobStore, jobCapturePath, parseBatch, parseJob, filterTerms } from "../../../lib/core/jobs";
import { useTmpDir } from "../../support/tmp";

const GOOD = `name: Cisco ARP
slug: cisco-arp
tags: [daily]
capture_type: arp
commands:
  - show ip arp | include Vlan1,Vlan2
  - show ip arp summary
devices:
  platform: cisco_ios
  status: active
  name: "^ios-"
execution:
  concurrency: 5
  command_timeout_s: 30
storage:
  folder: "arp/{site}"
  filename: "{device_name}-{date}.txt"
validation:
  filter: arp
  min_score: 0.2
`;

describe("jobs: job and batch files", () => {
  const tmp = useTmpDir("vc-jobs-");

  it("reads a job file: ordered commands (a comma stays inside its command), filter, execution, storage, validation", () => {
    const job = parseJob(GOOD, "jobs/cisco-arp.yaml");
    assert.deepStrictEqual(job.commands, ["show ip arp | include Vlan1,Vlan2", "show ip arp summary"]);
    assert.deepStrictEqual(job.filter, { platform: "cisco_ios", status: "active", name: "^ios-" });
    assert.deepStrictEqual(job.execution.concurrency, 5);
    assert.strictEqual(job.execution.commandTimeoutMs, 30_000);
    assert.deepStrictEqual(job.storage, {
      folder: "arp/{site}",
      filename: "{device_name}-{date}.txt",
      keepHistory: false,
    });
    assert.deepStrictEqual(job.validation, {
      template: "auto",
      filter: "arp",
      minScore: 0.2,
      storeFailures: false,
      forceSave: false,
    });
    assert.strictEqual(job.enabled, true);
    const semi = parseJob(
      GOOD.replace(/commands:\n.*\n.*\n/, 'commands: "show ip arp; show clock\\\\; x"\n'),
      "j.yaml",
    );
    assert.deepStrictEqual(semi.commands, ["show ip arp", "show clock; x"]);
  });

  const bad: Array<[string, string, RegExp]> = [
    [
      "a typo'd field",
      GOOD.replace("  concurrency: 5", "  concurency: 5"),
      /^jobs\/x\.yaml:13: execution\.concurency: unknown field/,
    ],
    [
      "a score out of range",
      GOOD.replace("min_score: 0.2", "min_score: 20"),
      /^jobs\/x\.yaml:20: validation\.min_score: must be <= 1/,
    ],
    ["a bad name regex", GOOD.replace('"^ios-"', '"^(ios"'), /^jobs\/x\.yaml:11: devices\.name: /],
    [
      "a storage pattern leaving the folder",
      GOOD.replace('"arp/{site}"', '"../../etc"'),
      /^jobs\/x\.yaml:16: storage\.folder: .*must stay inside/,
    ],
    ["an absolute storage folder", GOOD.replace('"arp/{site}"', '"/tmp/x"'), /storage\.folder: .*relative path/],
    ["an unknown placeholder", GOOD.replace("{date}", "{hostname}"), /unknown placeholder \{hostname\}/],
    [
      "no commands",
      GOOD.replace(/commands:\n.*\n.*\n/, "commands: []\n"),
      /^jobs\/x\.yaml:5: commands: must be a list/,
    ],
    ["a missing capture type", GOOD.replace("capture_type: arp\n", ""), /^jobs\/x\.yaml:1: capture_type: required/],
    ["broken YAML", GOOD.replace("tags: [daily]", "tags: [daily"), /^jobs\/x\.yaml:\d+: invalid YAML/],
    ["a bad slug", GOOD.replace("slug: cisco-arp", "slug: Cisco ARP"), /^jobs\/x\.yaml:2: slug: must match pattern/],
  ];
  for (const [what, text, message] of bad)
    it(`refuses ${what}, naming the file, line and field`, () => {
      assert.throws(
        () => parseJob(text, "jobs/x.yaml"),
        (err: Error & { errorClass?: string }) => {
          assert.strictEqual(err.errorClass, "invalid_job");
          assert.match(err.message, message);
          return true;
        },
      );
    });

  it("expands the storage pattern with safe segments and never leaves the collections folder", () => {
    const at = new Date("2026-03-04T05:06:07.890Z");
    const file = jobCapturePath(
      "/c",
      { folder: "arp/{site}", filename: "{device_name}-{timestamp}.txt" },
      "arp",
      { name: "../../r1", site: "dc 1/x" },
      at,
    );
    assert.strictEqual(file, "/c/arp/dc_1_x/__.._r1-20260304T050607Z.txt");
  });

  it("stores jobs as one YAML file each: save, list (bad files reported, not fatal), enable/disable, remove", () => {
    const store = new JobStore(tmp.path);
    const job = parseJob(GOOD, "x");
    store.saveJob(job.source);
    fs.writeFileSync(path.join(store.jobsDir, "broken.yaml"), "name: [\n");
    const listed = store.listJobs();
    assert.deepStrictEqual(
      listed.jobs.map((j) => j.slug),
      ["cisco-arp"],
    );
    assert.match(listed.errors[0].message, /broken\.yaml:\d+: invalid YAML/);
    assert.strictEqual(store.setEnabled("cisco-arp", false).enabled, false);
    assert.strictEqual(store.getJob("cisco-arp").enabled, false);
    store.removeJob("cisco-arp");
    assert.throws(() => store.getJob("cisco-arp"), /no job 'cisco-arp'/);
  });

  it("reads VelocityCollector's batch format, with stop_on_failure and delay_s defaults (false, 5 s)", () => {
    const b = parseBatch(
      "name: Daily Collection\njobs:\n  - arista-arp-300\n  - cisco-configs-329\n",
      "b.yaml",
      "daily-collection",
    );
    assert.deepStrictEqual(
      [b.name, b.jobs, b.stopOnFailure, b.delayMs],
      ["Daily Collection", ["arista-arp-300", "cisco-configs-329"], false, 5000],
    );
    assert.throws(
      () => parseBatch("name: x\njobs:\n  - Bad Slug\n", "b.yaml", "x"),
      /^Error: b\.yaml:3: jobs\.0: must be a job slug|b\.yaml:3: jobs\.0: must be a job slug/,
    );
    assert.throws(
      () => parseBatch("name: x\nstop_on_fail: true\n", "b.yaml", "x"),
      /b\.yaml:2: stop_on_fail: unknown field/,
    );
  });

  it("splits an ntc filter like VelocityCollector: on _ and -, terms of three or more characters", () => {
    assert.deepStrictEqual(filterTerms("cisco_ios_show_ip_arp"), ["cisco", "ios", "show", "arp"]);
    assert.deepStrictEqual(filterTerms("int-status"), ["int", "status"]);
  });
});
