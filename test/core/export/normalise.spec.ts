import * as assert from "node:assert";
import { jsonDocument, normaliseExportInput } from "../../../lib/core/export";
import { ARP_RECORDS, VERSION_RECORDS, parsedDeviceResult, parsedResult } from "../../support/capture-fixtures";

describe("export: normaliseExportInput", () => {
  it("takes a device result from vc-textfsm: device name, platform, capture type, collection time", () => {
    const dr = parsedDeviceResult("r1", "cisco_ios", [parsedResult("r1", "show ip arp", ARP_RECORDS, { score: 0.93 })]);
    const { sets, problems } = normaliseExportInput(dr);
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(sets.length, 1);
    assert.deepStrictEqual(
      { ...sets[0], records: sets[0].records.length },
      {
        device: "r1",
        command: "show ip arp",
        platform: "cisco_ios",
        captureType: "arp",
        templates: ["cisco_ios_show_ip_arp.textfsm"],
        score: 0.93,
        status: "ok",
        error: undefined,
        collectedAt: "2026-05-01T10:00:02.000Z",
        records: 2,
      },
    );
  });

  it("prefers the parsed result's own collectedAt over the device result's finish time", () => {
    const dr = parsedDeviceResult("r1", "cisco_ios", [
      parsedResult("r1", "show ip arp", ARP_RECORDS, { collectedAt: "2026-05-01T09:59:00.000Z" }),
    ]);
    assert.strictEqual(normaliseExportInput(dr).sets[0].collectedAt, "2026-05-01T09:59:00.000Z");
  });

  it("takes an array of device results, each with several parsed results, in order", () => {
    const input = [
      parsedDeviceResult("r1", "cisco_ios", [
        parsedResult("r1", "show ip arp", ARP_RECORDS),
        parsedResult("r1", "show version", VERSION_RECORDS),
      ]),
      parsedDeviceResult("r2", "arista_eos", [parsedResult("r2", "show ip arp", ARP_RECORDS)]),
    ];
    const { sets, problems } = normaliseExportInput(input);
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(
      sets.map((s) => [s.device, s.command, s.platform]),
      [
        ["r1", "show ip arp", "cisco_ios"],
        ["r1", "show version", "cisco_ios"],
        ["r2", "show ip arp", "arista_eos"],
      ],
    );
  });

  it("takes a plain list of {device, command, records} without any metadata", () => {
    const { sets, problems } = normaliseExportInput([
      { device: "sw1", command: "show vlan", records: [{ vlan: "10" }] },
    ]);
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(sets, [
      {
        device: "sw1",
        command: "show vlan",
        platform: undefined,
        captureType: undefined,
        templates: [],
        score: undefined,
        status: undefined,
        error: undefined,
        collectedAt: undefined,
        records: [{ vlan: "10" }],
      },
    ]);
  });

  it("reads snake_case metadata (template, capture_type, collected_at)", () => {
    const { sets } = normaliseExportInput([
      {
        device: "sw1",
        command: "show vlan",
        template: "t.textfsm",
        capture_type: "vlans",
        collected_at: "2026-01-01T00:00:00Z",
        records: [],
      },
    ]);
    assert.deepStrictEqual(
      [sets[0].templates, sets[0].captureType, sets[0].collectedAt],
      [["t.textfsm"], "vlans", "2026-01-01T00:00:00Z"],
    );
  });

  it("re-reads its own JSON export document with the same metadata", () => {
    const original = normaliseExportInput([
      parsedDeviceResult("r1", "cisco_ios", [parsedResult("r1", "show ip arp", ARP_RECORDS, { score: 0.5 })]),
    ]).sets;
    const again = normaliseExportInput(JSON.parse(JSON.stringify(jsonDocument(original, new Date())))).sets;
    assert.deepStrictEqual(again, original);
  });

  it("keeps results whose parse failed, with their status and error and no records", () => {
    const { sets } = normaliseExportInput([
      parsedResult("r1", "show foo", [], {
        status: "no_template",
        templates: [],
        error: "no template for cisco_ios show foo",
      }),
    ]);
    assert.deepStrictEqual(
      [sets[0].status, sets[0].error, sets[0].records],
      ["no_template", "no template for cisco_ios show foo", []],
    );
  });

  describe("bad items are located and skipped; the others are kept", () => {
    const good = { device: "ok1", command: "show x", records: [{ a: 1 }] };
    const cases: Array<[string, unknown, string, RegExp]> = [
      [
        "records not a list",
        { device: "r", command: "c", records: "nope" },
        "input[1].records",
        /expected an array, got string "nope"/,
      ],
      [
        "a record not an object",
        { device: "r", command: "c", records: [{ a: 1 }, 7] },
        "input[1].records[1]",
        /expected an object, got number 7/,
      ],
      ["no device", { command: "c", records: [] }, "input[1].device", /expected a non-empty string/],
      ["blank device", { device: "  ", command: "c", records: [] }, "input[1].device", /expected a non-empty string/],
      [
        "device not text",
        { device: 12, command: "c", records: [] },
        "input[1].device",
        /expected a string, got number 12/,
      ],
      ["no command", { device: "r", records: [] }, "input[1].command", /expected a non-empty string/],
      [
        "score not a number",
        { device: "r", command: "c", score: "high", records: [] },
        "input[1].score",
        /expected a number/,
      ],
      [
        "unknown status",
        { device: "r", command: "c", status: "great", records: [] },
        "input[1].status",
        /expected one of ok, no_template, parse_error, zero_records/,
      ],
      [
        "templates not a list",
        { device: "r", command: "c", templates: "t", records: [] },
        "input[1].templates",
        /expected an array/,
      ],
      [
        "a template not text",
        { device: "r", command: "c", templates: ["t", 3], records: [] },
        "input[1].templates[1]",
        /expected a string/,
      ],
      ["not an object", 42, "input[1]", /expected a parsed result or a device result, got number 42/],
      ["null", null, "input[1]", /got null/],
      [
        "unrecognised object",
        { hello: "world" },
        "input[1]",
        /expected a parsed result \(\{device, command, records\}\)/,
      ],
      [
        "device result not parsed yet",
        { device: { name: "r9" }, commands: [], status: "ok" },
        "input[1]",
        /no parsed results \(parse the outputs with vc-textfsm first\)/,
      ],
      [
        "parsed not a list",
        { device: { name: "r9" }, parsed: {} },
        "input[1].parsed",
        /expected an array, got an object/,
      ],
    ];
    for (const [title, bad, where, message] of cases) {
      it(title, () => {
        const { sets, problems } = normaliseExportInput([good, bad, good]);
        assert.strictEqual(problems.length, 1, JSON.stringify(problems));
        assert.strictEqual(problems[0].where, where);
        assert.match(problems[0].message, message);
        assert.deepStrictEqual(
          sets.map((s) => s.device),
          ["ok1", "ok1"],
        );
      });
    }

    it("locates a bad parsed result inside a device result", () => {
      const dr = parsedDeviceResult("r1", "cisco_ios", [parsedResult("r1", "show ip arp", ARP_RECORDS)]);
      (dr.parsed as unknown[]).push({ device: "r1", command: "show version", records: null });
      const { sets, problems } = normaliseExportInput([dr]);
      assert.deepStrictEqual(problems, [
        { where: "input[0].parsed[1].records", message: "expected an array, got null" },
      ]);
      assert.strictEqual(sets.length, 1);
    });

    it("names a single (non-array) input plainly", () => {
      assert.deepStrictEqual(normaliseExportInput("text").problems, [
        { where: "input", message: 'expected a parsed result or a device result, got string "text"' },
      ]);
    });
  });
});
