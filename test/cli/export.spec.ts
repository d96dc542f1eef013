import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { runCli } from "../support/cli";
import { useTmpDir } from "../support/tmp";
import { ARP_RECORDS, VERSION_RECORDS, parsedDeviceResult, parsedResult } from "../support/capture-fixtures";

/** What vc-textfsm emits for two devices, as a file. */
function writeParsed(dir: string, extra: unknown[] = []): string {
  const file = path.join(dir, "parsed.json");
  const data = [
    parsedDeviceResult("r1", "cisco_ios", [
      parsedResult("r1", "show ip arp", ARP_RECORDS),
      parsedResult("r1", "show version", VERSION_RECORDS),
    ]),
    parsedDeviceResult("r2", "cisco_ios", [
      parsedResult("r2", "show ip arp", [{ ...ARP_RECORDS[0], interface: '=HYPERLINK("x")' }]),
    ]),
    ...extra,
  ];
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}

describe("vcollector export", function () {
  const tmp = useTmpDir("vc-cli-export-");

  it("json: records plus metadata to a file", async () => {
    const out = path.join(tmp.path, "out.json");
    const r = await runCli(["export", "--format", "json", "--input", writeParsed(tmp.path), "--output", out]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stdout.trim(), `wrote ${out} (4 records, ${fs.statSync(out).size} bytes)`);
    const doc = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.deepStrictEqual(
      [
        doc.record_count,
        doc.result_count,
        doc.results.map((x: { device: string; command: string }) => `${x.device} ${x.command}`),
      ],
      [4, 3, ["r1 show ip arp", "r1 show version", "r2 show ip arp"]],
    );
    assert.deepStrictEqual(doc.results[1].records, VERSION_RECORDS);
    assert.strictEqual(doc.results[0].template, "cisco_ios_show_ip_arp.textfsm");
  });

  it("ndjson to standard output, reading standard input", async () => {
    const input = fs.readFileSync(writeParsed(tmp.path), "utf8");
    const r = await runCli(["export", "--format", "ndjson", "--input", "-"], { input });
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      lines.map((l) => `${l._meta.device} ${l._meta.command}`),
      ["r1 show ip arp", "r1 show ip arp", "r1 show version", "r2 show ip arp"],
    );
  });

  it("csv: header, lists joined, formulas neutralised; options turn each off", async () => {
    const input = writeParsed(tmp.path);
    const r = await runCli(["export", "--format", "csv", "--input", input]);
    assert.strictEqual(r.code, 0, r.stderr);
    const rows = parseCsv(r.stdout) as string[][];
    assert.deepStrictEqual(rows[0].slice(0, 3), ["device", "command", "protocol"]);
    assert.strictEqual(rows[3][rows[0].indexOf("serial")], "FTX1234A0BC;FTX1234A0BD");
    assert.strictEqual(rows[4][rows[0].indexOf("interface")], '\'=HYPERLINK("x")');
    assert.ok(r.stdout.includes("\r\n"));

    const plain = await runCli([
      "export",
      "--format",
      "csv",
      "--input",
      input,
      "--no-formula-guard",
      "--no-header",
      "--no-context",
      "--list-separator",
      "|",
    ]);
    const prow = parseCsv(plain.stdout) as string[][];
    assert.strictEqual(prow.length, 4);
    assert.ok(prow[2].includes("FTX1234A0BC|FTX1234A0BD"));
    assert.ok(prow[3].includes('=HYPERLINK("x")'));
  });

  it("--mode device with a path pattern writes one file per device", async () => {
    const r = await runCli([
      "export",
      "--format",
      "csv",
      "--mode",
      "device",
      "--input",
      writeParsed(tmp.path),
      "--output",
      path.join(tmp.path, "out", "{date}", "{device}.{ext}"),
    ]);
    assert.strictEqual(r.code, 0, r.stderr);
    const day = new Date().toISOString().slice(0, 10);
    const dayDir = path.join(tmp.path, "out", day);
    assert.deepStrictEqual(fs.readdirSync(dayDir).sort(), ["r1.csv", "r2.csv"]);
    assert.strictEqual(r.stdout.trim().split("\n").length, 2);
  });

  it("--mode command and device-command", async () => {
    const input = writeParsed(tmp.path);
    const exportBy = (format: string, mode: string, output: string) =>
      runCli(["export", "--format", format, "--mode", mode, "--input", input, "--output", path.join(tmp.path, output)]);
    const byCommand = await exportBy("json", "command", path.join("c", "{command}.json"));
    assert.strictEqual(byCommand.code, 0, byCommand.stderr);
    assert.deepStrictEqual(fs.readdirSync(path.join(tmp.path, "c")).sort(), ["show_ip_arp.json", "show_version.json"]);
    const each = await exportBy("ndjson", "device-command", path.join("dc", "{device}-{command}.ndjson"));
    assert.strictEqual(each.code, 0, each.stderr);
    assert.deepStrictEqual(fs.readdirSync(path.join(tmp.path, "dc")).sort(), [
      "r1-show_ip_arp.ndjson",
      "r1-show_version.ndjson",
      "r2-show_ip_arp.ndjson",
    ]);
  });

  it("bad items are reported with their place; the rest is exported; exit 1", async () => {
    const out = path.join(tmp.path, "out.csv");
    const r = await runCli([
      "export",
      "--format",
      "csv",
      "--input",
      writeParsed(tmp.path, [{ device: "r3", command: "show x", records: {} }]),
      "--output",
      out,
    ]);
    assert.strictEqual(r.code, 1);
    assert.match(
      r.stderr,
      /^vcollector export: .*parsed\.json: input\[2\]\.records: expected an array, got an object \(skipped\)\n$/,
    );
    assert.strictEqual((parseCsv(fs.readFileSync(out)) as string[][]).length, 5);
  });

  it("usage errors exit 2 with one line: missing or bad options, pattern without {device}", async () => {
    const input = writeParsed(tmp.path);
    const cases: Array<[string[], RegExp]> = [
      [["export", "--input", input], /--format is required \(json, ndjson, csv\)/],
      [["export", "--format", "xml", "--input", input], /--format must be one of json, ndjson, csv, got 'xml'/],
      [["export", "--format", "csv"], /--input is required/],
      [
        ["export", "--format", "csv", "--input", input, "--mode", "site"],
        /--mode must be one of combined, device, command, device-command/,
      ],
      [
        ["export", "--format", "csv", "--input", input, "--mode", "device"],
        /--mode device writes several files: give --output with a path pattern/,
      ],
      [
        ["export", "--format", "csv", "--input", input, "--mode", "device", "--output", path.join(tmp.path, "all.csv")],
        /path pattern 'all\.csv': must contain \{device\} in per-device mode/,
      ],
      [["export", "--format", "csv", "--input", input, "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    }
  });

  it("unreadable or invalid input exits 1 naming the file", async () => {
    const missing = await runCli(["export", "--format", "csv", "--input", path.join(tmp.path, "nope.json")]);
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stderr, /nope\.json: cannot read: ENOENT/);
    const bad = path.join(tmp.path, "bad.json");
    fs.writeFileSync(bad, "[{oops");
    const invalid = await runCli(["export", "--format", "csv", "--input", bad]);
    assert.strictEqual(invalid.code, 1);
    assert.match(invalid.stderr, /bad\.json: invalid JSON: /);
    const none = path.join(tmp.path, "none.json");
    fs.writeFileSync(none, JSON.stringify([{ device: "r1", command: "x", records: 1 }]));
    const nothing = await runCli(["export", "--format", "json", "--input", none]);
    assert.strictEqual(nothing.code, 1);
    assert.match(nothing.stderr, /input\[0\]\.records: expected an array, got number 1 \(skipped\)/);
  });

  it("--help explains the command", async () => {
    const r = await runCli(["export", "--help"]);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /^Usage: vcollector export --format json\|ndjson\|csv --input <file>/);
  });
});
