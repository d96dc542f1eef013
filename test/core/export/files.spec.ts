import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { VcError } from "../../../lib/core/errors";
import {
  checkPathPattern,
  defaultPathPattern,
  expandPathPattern,
  exportParsed,
  normaliseExportInput,
  renderExport,
  writeExport,
  writeFileAtomic,
  type ExportMode,
  type ExportSet,
} from "../../../lib/core/export";
import { ARP_RECORDS, VERSION_RECORDS, parsedDeviceResult, parsedResult } from "../../support/capture-fixtures";
import { useTmpDir } from "../../support/tmp";

const AT = new Date("2026-05-01T12:34:56.789Z");

function fleet(): ExportSet[] {
  return normaliseExportInput([
    parsedDeviceResult(
      "r1",
      "cisco_ios",
      [parsedResult("r1", "show ip arp", ARP_RECORDS), parsedResult("r1", "show version", VERSION_RECORDS)],
      "arp",
    ),
    parsedDeviceResult(
      "r2",
      "cisco_ios",
      [parsedResult("r2", "show ip arp", ARP_RECORDS.slice(0, 1)), parsedResult("r2", "show version", VERSION_RECORDS)],
      "arp",
    ),
  ]).sets;
}

/** Every file under dir, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

function expectVcError(fn: () => unknown, errorClass: string, message: RegExp): void {
  assert.throws(
    fn,
    (err: unknown) => err instanceof VcError && err.errorClass === errorClass && message.test(err.message),
  );
}

describe("export: path patterns", () => {
  it("has a default pattern per mode", () => {
    assert.deepStrictEqual(
      (["combined", "device", "command", "device-command"] as ExportMode[]).map(defaultPathPattern),
      ["export_{timestamp}.{ext}", "{device}.{ext}", "{command}.{ext}", "{device}/{command}.{ext}"],
    );
  });

  it("fills placeholders with values made safe as one path segment", () => {
    const rel = expandPathPattern("{date}/{capture_type}/{device}_{command}_{timestamp}.{ext}", {
      device: "core/../1",
      command: "show ip arp | i 10.",
      captureType: "arp",
      format: "csv",
      exportedAt: AT,
    });
    assert.strictEqual(rel, "2026-05-01/arp/core_.._1_show_ip_arp_i_10._20260501T123456789Z.csv");
  });

  const bad: Array<[string, ExportMode, RegExp]> = [
    ["", "combined", /is empty/],
    ["/etc/{device}.csv", "device", /must be relative/],
    ["../{device}.csv", "device", /may not contain '\.\.'/],
    ["a/../../{device}.csv", "device", /may not contain '\.\.'/],
    ["{device}/", "device", /must end with a file name/],
    [
      "{host}.csv",
      "combined",
      /unknown placeholder \{host\} \(known: \{device\} \{command\} \{capture_type\} \{date\} \{timestamp\} \{format\} \{ext\}\)/,
    ],
    ["{device.csv", "device", /unbalanced/],
    ["{date}.csv", "device", /must contain \{device\} in per-device mode/],
    ["{device}.csv", "device-command", /must contain \{command\} in per-device-and-command mode/],
    ["{device}_{command}.csv", "device", /uses \{command\}, which is not one value per output in per-device mode/],
    ["{device}.csv", "combined", /uses \{device\}, which is not one value per output in combined mode/],
  ];
  for (const [pattern, mode, message] of bad) {
    it(`refuses '${pattern}' in ${mode} mode: ${message.source}`, () => {
      expectVcError(() => checkPathPattern(pattern, mode), "bad_path_pattern", message);
      assert.throws(
        () => checkPathPattern(pattern, mode),
        (err: Error) => err.message.startsWith(`path pattern '${pattern}': `),
      );
    });
  }

  it("accepts patterns with the placeholders each mode needs", () => {
    for (const [pattern, mode] of [
      ["{command}.csv", "command"],
      ["x/{date}/{device}-{command}.{ext}", "device-command"],
      ["all.json", "combined"],
      ["{capture_type}/{device}.csv", "device"],
    ] as const) {
      assert.doesNotThrow(() => checkPathPattern(pattern, mode));
    }
  });
});

describe("export: files", () => {
  const tmp = useTmpDir("vc-export-");

  it("per device: one file per device with only that device's rows", async () => {
    const { files, failures } = await writeExport(fleet(), {
      format: "csv",
      mode: "device",
      dir: tmp.path,
      exportedAt: AT,
    });
    assert.deepStrictEqual(failures, []);
    assert.deepStrictEqual(tree(tmp.path), ["r1.csv", "r2.csv"]);
    assert.deepStrictEqual(
      files.map((f) => [path.basename(f.path), f.device, f.command, f.recordCount, f.resultCount]),
      [
        ["r1.csv", "r1", undefined, 3, 2],
        ["r2.csv", "r2", undefined, 2, 2],
      ],
    );
    const r2 = parseCsv(fs.readFileSync(path.join(tmp.path, "r2.csv"))) as string[][];
    assert.deepStrictEqual(
      r2.slice(1).map((r) => [r[0], r[1]]),
      [
        ["r2", "show ip arp"],
        ["r2", "show version"],
      ],
    );
    assert.strictEqual(files[1].bytes, fs.statSync(path.join(tmp.path, "r2.csv")).size);
  });

  it("per command: one file per command with every device's rows", async () => {
    await writeExport(fleet(), { format: "json", mode: "command", dir: tmp.path, exportedAt: AT });
    assert.deepStrictEqual(tree(tmp.path), ["show_ip_arp.json", "show_version.json"]);
    const doc = JSON.parse(fs.readFileSync(path.join(tmp.path, "show_ip_arp.json"), "utf8"));
    assert.deepStrictEqual(
      doc.results.map((r: { device: string }) => r.device),
      ["r1", "r2"],
    );
    assert.strictEqual(doc.record_count, 3);
  });

  it("per device and command, with a custom pattern using every placeholder", async () => {
    await writeExport(fleet(), {
      format: "ndjson",
      mode: "device-command",
      dir: tmp.path,
      pathPattern: "{date}/{capture_type}/{device}/{command}.{ext}",
      exportedAt: AT,
    });
    assert.deepStrictEqual(tree(tmp.path), [
      "2026-05-01/arp/r1/show_ip_arp.ndjson",
      "2026-05-01/arp/r1/show_version.ndjson",
      "2026-05-01/arp/r2/show_ip_arp.ndjson",
      "2026-05-01/arp/r2/show_version.ndjson",
    ]);
    assert.strictEqual(
      fs.readFileSync(path.join(tmp.path, "2026-05-01/arp/r1/show_ip_arp.ndjson"), "utf8").trimEnd().split("\n").length,
      2,
    );
  });

  it("combined: one file, default name with the export time", async () => {
    const { files } = await writeExport(fleet(), { format: "csv", dir: tmp.path, exportedAt: AT });
    assert.deepStrictEqual(tree(tmp.path), ["export_20260501T123456789Z.csv"]);
    assert.strictEqual(files[0].recordCount, 5);
    assert.strictEqual((parseCsv(fs.readFileSync(files[0].path)) as string[][]).length, 6);
  });

  it("{capture_type} is the shared type, 'mixed' when they differ, 'unknown' when none is known", async () => {
    const s = fleet();
    s[2].captureType = "other";
    await writeExport(s, { format: "csv", mode: "device", dir: tmp.path, pathPattern: "{capture_type}-{device}.csv" });
    await writeExport([{ device: "x", command: "c", templates: [], records: [] }], {
      format: "csv",
      mode: "device",
      dir: tmp.path,
      pathPattern: "{capture_type}-{device}.csv",
    });
    assert.deepStrictEqual(tree(tmp.path), ["arp-r1.csv", "mixed-r2.csv", "unknown-x.csv"]);
  });

  it("refuses two outputs that would share a file, and writes nothing", async () => {
    const s: ExportSet[] = [
      { device: "r 1", command: "c", templates: [], records: [{ a: 1 }] },
      { device: "r_1", command: "c", templates: [], records: [{ a: 2 }] },
    ];
    await assert.rejects(
      writeExport(s, { format: "csv", mode: "device", dir: tmp.path }),
      /gives the same file r_1\.csv for 'r 1' and 'r_1'/,
    );
    assert.deepStrictEqual(tree(tmp.path), []);
  });

  it("refuses a bad pattern before writing anything", async () => {
    await assert.rejects(
      writeExport(fleet(), { format: "csv", mode: "device", dir: tmp.path, pathPattern: "all.csv" }),
      /must contain \{device\}/,
    );
    assert.deepStrictEqual(tree(tmp.path), []);
  });

  it("replaces an existing file atomically and leaves no temporary file", async () => {
    const file = path.join(tmp.path, "out.csv");
    fs.writeFileSync(file, "old content that is longer than the new one ".repeat(100));
    await writeExport(fleet().slice(0, 1), { format: "csv", dir: tmp.path, pathPattern: "out.csv" });
    assert.deepStrictEqual(tree(tmp.path), ["out.csv"]);
    assert.ok(fs.readFileSync(file, "utf8").startsWith("device,command,protocol"));
    assert.ok(!fs.readFileSync(file, "utf8").includes("old content"));
  });

  it("a file that cannot be written is reported; the other files are still written", async () => {
    fs.writeFileSync(path.join(tmp.path, "r1"), "a plain file where a directory is needed");
    const { files, failures } = await writeExport(fleet(), { format: "csv", mode: "device-command", dir: tmp.path });
    assert.deepStrictEqual(files.map((f) => path.relative(tmp.path, f.path)).sort(), [
      "r2/show_ip_arp.csv",
      "r2/show_version.csv",
    ]);
    assert.strictEqual(failures.length, 2);
    assert.match(
      failures[0].message,
      new RegExp(
        `^${path.join(tmp.path, "r1", "show_ip_arp.csv").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*(EEXIST|ENOTDIR)`,
      ),
    );
    assert.deepStrictEqual(tree(tmp.path), ["r1", "r2/show_ip_arp.csv", "r2/show_version.csv"]);
  });

  it("writeFileAtomic streams many chunks into one file", async () => {
    const file = path.join(tmp.path, "big.ndjson");
    const lines = function* () {
      for (let i = 0; i < 50_000; i++) yield `{"i":${i},"pad":"${"x".repeat(40)}"}\n`;
    };
    const bytes = await writeFileAtomic(file, lines());
    const text = fs.readFileSync(file, "utf8");
    assert.strictEqual(bytes, Buffer.byteLength(text));
    const all = text.trimEnd().split("\n");
    assert.strictEqual(all.length, 50_000);
    assert.deepStrictEqual(JSON.parse(all[49_999]).i, 49_999);
  });
});

describe("export: payload outputs and exportParsed", () => {
  const tmp = useTmpDir("vc-export-");

  it("renders one output per device with a file name for downstream nodes", () => {
    const outs = renderExport(fleet(), { format: "csv", mode: "device", exportedAt: AT });
    assert.deepStrictEqual(
      outs.map((o) => [o.device, o.fileName, o.recordCount, o.contentType]),
      [
        ["r1", "r1.csv", 3, "text/csv; charset=utf-8"],
        ["r2", "r2.csv", 2, "text/csv; charset=utf-8"],
      ],
    );
    assert.strictEqual(typeof outs[0].content, "string");
  });

  it("exports the good items and lists the bad ones", async () => {
    const input = [...fleet().map((s) => ({ ...s })), { device: "r3", command: "show x", records: "oops" }];
    const result = await exportParsed(input, { format: "json", destination: "payload" });
    assert.deepStrictEqual(result.problems, [
      { where: "input[4].records", message: 'expected an array, got string "oops"' },
    ]);
    assert.strictEqual(result.recordCount, 5);
    assert.strictEqual(result.outputs.length, 1);
  });

  it("throws a located error when nothing at all can be exported", async () => {
    await assert.rejects(
      exportParsed([{ device: "r1", records: [] }, 5], { format: "csv", destination: "payload" }),
      (err: unknown) => {
        assert.ok(err instanceof VcError);
        assert.strictEqual(err.errorClass, "invalid_input");
        assert.strictEqual(
          err.message,
          "input[0].command: nothing to export: expected a non-empty string (and 1 more)",
        );
        return true;
      },
    );
  });

  it("writes files for destination file", async () => {
    const result = await exportParsed(fleet(), { format: "csv", mode: "command", destination: "file", dir: tmp.path });
    assert.deepStrictEqual(
      result.files.map((f) => path.basename(f.path)),
      ["show_ip_arp.csv", "show_version.csv"],
    );
    assert.deepStrictEqual(tree(tmp.path), ["show_ip_arp.csv", "show_version.csv"]);
  });

  it("an empty list exports an empty combined document", async () => {
    const result = await exportParsed([], { format: "json", destination: "payload", exportedAt: AT });
    assert.deepStrictEqual(result.outputs[0].content, {
      exported_at: AT.toISOString(),
      record_count: 0,
      result_count: 0,
      results: [],
    });
  });
});
