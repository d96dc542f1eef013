import * as assert from "node:assert";
import { parse as parseCsv } from "csv-parse/sync";
import {
  cellText,
  guardFormula,
  jsonDocument,
  normaliseExportInput,
  renderExport,
  renderRecords,
  type ExportSet,
} from "../../../lib/core/export";
import { encodeCsvRows, encodeCsvRowsStrict } from "../../../lib/core/export/csv";
import { ARP_RECORDS, VERSION_RECORDS, parsedDeviceResult, parsedResult } from "../../support/capture-fixtures";

const AT = new Date("2026-05-01T12:00:00.000Z");

function sets(): ExportSet[] {
  return normaliseExportInput([
    parsedDeviceResult("r1", "cisco_ios", [
      parsedResult("r1", "show ip arp", ARP_RECORDS, { score: 0.9 }),
      parsedResult("r1", "show version", VERSION_RECORDS),
    ]),
    parsedDeviceResult("r2", "cisco_ios", [parsedResult("r2", "show ip arp", ARP_RECORDS.slice(0, 1))]),
  ]).sets;
}

function csvOf(s: ExportSet[], opts: Parameters<typeof renderExport>[1] = { format: "csv" }): string {
  return renderExport(s, { exportedAt: AT, ...opts, format: "csv" })[0].content as string;
}

describe("export: CSV cells", () => {
  it("joins list values with the separator (default ';', configurable)", () => {
    assert.strictEqual(cellText(["Gi0/1", "Gi0/2"], ";"), "Gi0/1;Gi0/2");
    assert.strictEqual(cellText(["Gi0/1", "Gi0/2"], " | "), "Gi0/1 | Gi0/2");
    assert.strictEqual(cellText([], ";"), "");
  });

  it("writes null and undefined as empty, numbers and booleans as text, objects as JSON, never a Python repr", () => {
    assert.deepStrictEqual(
      [null, undefined, 42, -1.5, true, { a: 1 }, new Date("2026-01-02T03:04:05.000Z"), [["x"], "y"]].map((v) =>
        cellText(v, ";"),
      ),
      ["", "", "42", "-1.5", "true", '{"a":1}', "2026-01-02T03:04:05.000Z", '["x"];y'],
    );
  });

  it("neutralises cells a spreadsheet would run as a formula, with a leading quote", () => {
    for (const evil of [
      '=HYPERLINK("http://x")',
      "+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(A1)",
      "\t=1",
      "\r=1",
      "\uFF1D1+1",
      "\uFF0B1",
      "\uFF0D1",
      "\uFF20x",
      "+",
      "--1",
      "- x",
      "-A1",
      "-5abc",
    ]) {
      assert.strictEqual(guardFormula(evil), `'${evil}`, JSON.stringify(evil));
    }
  });

  it("leaves plain numbers, a lone '-' (ARP age, empty VLAN) and ordinary text alone", () => {
    for (const fine of ["-", "-5", "-0", "+3.25", "-1e6", "-.5", "-12.75", "10.0.0.1", "Gi0/1", "", "a=b", " =x"])
      assert.strictEqual(guardFormula(fine), fine, JSON.stringify(fine));
  });
});

describe("export: CSV encoding (RFC 4180 via csv-stringify)", () => {
  const tricky = [
    "plain",
    "comma, inside",
    'a "quote"',
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\nend",
    "",
    " spaced ",
    "ünïcødé ✓",
    "tab\there",
    "'quoted already'",
  ];

  it("gives exactly what csv-stringify gives for every kind of cell (the no-quoting shortcut is exact)", () => {
    const rows = [
      tricky,
      ["a", "b", "c"],
      tricky.slice().reverse(),
      ["only", "plain", "cells"],
      ["x,y", "z"],
      [""],
      ["", ""],
      ["single"],
    ];
    assert.strictEqual(encodeCsvRows(rows), encodeCsvRowsStrict(rows));
    for (const cell of tricky)
      assert.strictEqual(encodeCsvRows([[cell, "z"]]), encodeCsvRowsStrict([[cell, "z"]]), JSON.stringify(cell));
  });

  it("quotes cells with commas, quotes and line breaks (doubling quotes) and ends records with CRLF", () => {
    assert.strictEqual(
      encodeCsvRows([["a,b", 'say "hi"', "x\ny", "p\rq", "ok"]]),
      '"a,b","say ""hi""","x\ny","p\rq",ok\r\n',
    );
  });

  it("reads back cell for cell with a CSV parser", () => {
    const back = parseCsv(encodeCsvRows([tricky, tricky]), { relax_column_count: false });
    assert.deepStrictEqual(back, [tricky, tricky]);
  });
});

describe("export: CSV documents", () => {
  it("has a header row: device, command, then every field in first-seen order", () => {
    const text = csvOf(sets());
    const rows = parseCsv(text) as string[][];
    assert.deepStrictEqual(rows[0], [
      "device",
      "command",
      "protocol",
      "address",
      "age",
      "mac",
      "type",
      "interface",
      "version",
      "hostname",
      "uptime",
      "hardware",
      "serial",
    ]);
    assert.strictEqual(rows.length, 1 + 2 + 1 + 1);
    assert.deepStrictEqual(rows[1].slice(0, 4), ["r1", "show ip arp", "Internet", "10.0.0.1"]);
    assert.ok(text.endsWith("\r\n") && text.split("\r\n").length === rows.length + 1);
  });

  it("joins list values and leaves missing fields empty", () => {
    const rows = parseCsv(csvOf(sets())) as string[][];
    const version = rows.find((r) => r[1] === "show version")!;
    assert.deepStrictEqual(version.slice(2), [
      "",
      "",
      "",
      "",
      "",
      "",
      "15.2(4)M7",
      "r1",
      "2 weeks, 3 days",
      "CISCO2911/K9",
      "FTX1234A0BC;FTX1234A0BD",
    ]);
    const piped = parseCsv(csvOf(sets(), { format: "csv", listSeparator: "|" })) as string[][];
    assert.strictEqual(piped.find((r) => r[1] === "show version")!.at(-1), "FTX1234A0BC|FTX1234A0BD");
  });

  it("guards formulas by default (a lone '-' age stays '-') and not when the guard is off", () => {
    const evil: ExportSet[] = [
      { device: "=r1", command: "show x", templates: [], records: [{ note: "=1+2", n: "-3", age: "-" }] },
    ];
    assert.deepStrictEqual((parseCsv(csvOf(evil)) as string[][])[1], ["'=r1", "show x", "'=1+2", "-3", "-"]);
    assert.deepStrictEqual((parseCsv(csvOf(evil, { format: "csv", formulaGuard: false })) as string[][])[1], [
      "=r1",
      "show x",
      "=1+2",
      "-3",
      "-",
    ]);
  });

  it("leaves out the header row or the context columns on request", () => {
    const s = sets().slice(0, 1);
    assert.deepStrictEqual((parseCsv(csvOf(s, { format: "csv", header: false })) as string[][])[0].slice(0, 3), [
      "r1",
      "show ip arp",
      "Internet",
    ]);
    assert.deepStrictEqual(
      (parseCsv(csvOf(s, { format: "csv", contextColumns: false })) as string[][])[0],
      "protocol address age mac type interface".split(" "),
    );
  });

  it("renames the context column when a record has a field of the same name", () => {
    const s: ExportSet[] = [
      { device: "r1", command: "c", templates: [], records: [{ device: "Gi0/1", command: "x" }] },
    ];
    assert.deepStrictEqual(parseCsv(csvOf(s)), [
      ["_device", "_command", "device", "command"],
      ["r1", "c", "Gi0/1", "x"],
    ]);
  });

  it("with no records: only the header row, or nothing at all without it", () => {
    assert.strictEqual(csvOf([]), "device,command\r\n");
    assert.strictEqual(csvOf([], { format: "csv", header: false }), "");
  });
});

describe("export: JSON and NDJSON documents", () => {
  it("JSON carries records plus metadata for every result, missing metadata as null", () => {
    const doc = jsonDocument(sets(), AT);
    assert.strictEqual(doc.exported_at, "2026-05-01T12:00:00.000Z");
    assert.strictEqual(doc.record_count, 4);
    assert.strictEqual(doc.result_count, 3);
    assert.deepStrictEqual(Object.keys(doc.results[0]), [
      "device",
      "platform",
      "capture_type",
      "command",
      "template",
      "templates",
      "score",
      "status",
      "collected_at",
      "record_count",
      "fields",
      "records",
    ]);
    assert.deepStrictEqual(
      { ...doc.results[0], records: undefined },
      {
        device: "r1",
        platform: "cisco_ios",
        capture_type: "arp",
        command: "show ip arp",
        template: "cisco_ios_show_ip_arp.textfsm",
        templates: ["cisco_ios_show_ip_arp.textfsm"],
        score: 0.9,
        status: "ok",
        collected_at: "2026-05-01T10:00:02.000Z",
        record_count: 2,
        fields: ["protocol", "address", "age", "mac", "type", "interface"],
        records: undefined,
      },
    );
    assert.strictEqual(doc.results[1].score, null);
    assert.deepStrictEqual(doc.results[1].records, VERSION_RECORDS);
  });

  it("JSON goes to payload as the document object; as text it is indented unless pretty is off", () => {
    const [out] = renderExport(sets(), { format: "json", exportedAt: AT });
    assert.strictEqual(out.contentType, "application/json");
    assert.deepStrictEqual(out.content, jsonDocument(sets(), AT));
    const text = renderRecords(ARP_RECORDS, { format: "json", pretty: false });
    assert.strictEqual(text.trim().split("\n").length, 1);
    assert.ok(renderRecords(ARP_RECORDS, { format: "json" }).includes('\n  "record_count": 2,\n'));
  });

  it("NDJSON has one JSON object per record, with _meta naming device, command and template", () => {
    const [out] = renderExport(sets(), { format: "ndjson", exportedAt: AT });
    assert.strictEqual(out.contentType, "application/x-ndjson");
    const text = out.content as string;
    assert.ok(text.endsWith("\n"));
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.strictEqual(lines.length, 4);
    assert.deepStrictEqual(lines[0], {
      ...ARP_RECORDS[0],
      _meta: {
        device: "r1",
        platform: "cisco_ios",
        capture_type: "arp",
        command: "show ip arp",
        template: "cisco_ios_show_ip_arp.textfsm",
        score: 0.9,
        collected_at: "2026-05-01T10:00:02.000Z",
        exported_at: "2026-05-01T12:00:00.000Z",
      },
    });
    assert.deepStrictEqual(
      lines.map((l) => [l._meta.device, l._meta.command]),
      [
        ["r1", "show ip arp"],
        ["r1", "show ip arp"],
        ["r1", "show version"],
        ["r2", "show ip arp"],
      ],
    );
  });

  it("NDJSON lines equal the record spread with _meta, for empty records and a record with its own _meta", () => {
    const s: ExportSet[] = [
      { device: "r1", command: "c", templates: [], records: [{}, { a: "x", _meta: "mine" }, { b: [1, { c: null }] }] },
    ];
    const [out] = renderExport(s, { format: "ndjson", exportedAt: AT });
    const lines = (out.content as string).trimEnd().split("\n");
    const meta = JSON.parse(lines[0])._meta;
    assert.deepStrictEqual(
      lines,
      s[0].records.map((r) => JSON.stringify({ ...r, _meta: meta })),
    );
    assert.strictEqual(meta.device, "r1");
  });

  it("renderRecords takes any records plus metadata (the Smart Export shape)", () => {
    const meta = {
      source: "/c/arp/r1.txt",
      template: "cisco_ios_show_ip_arp.textfsm",
      score: 87.5,
      exported_at: "2026-05-01T12:00:00.000Z",
    };
    const doc = JSON.parse(renderRecords(ARP_RECORDS, { format: "json", metadata: meta, recordsKey: "data" }));
    assert.deepStrictEqual(Object.keys(doc), "source template score exported_at record_count fields data".split(" "));
    assert.deepStrictEqual([doc.record_count, doc.fields.length, doc.data], [2, 6, ARP_RECORDS]);
    const lines = renderRecords(ARP_RECORDS, { format: "ndjson", metadata: meta })
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(lines[1]._meta, meta);
    assert.deepStrictEqual(renderRecords([{ a: "1" }], { format: "ndjson" }), '{"a":"1"}\n');
    assert.strictEqual(
      renderRecords(ARP_RECORDS, { format: "csv" }).split("\r\n")[0],
      "protocol,address,age,mac,type,interface",
    );
  });
});
