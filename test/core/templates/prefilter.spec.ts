import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileTemplate, findConformanceCases, loadIndex, loadParsedSample } from "../../../lib/core/textfsm";
import { requiredLiterals } from "../../../lib/core/templates/regex-literals";
import { OutputProbe, buildPrefilter, mayProduceRecords } from "../../../lib/core/templates/prefilter";
import { OutputLines, profileTemplate, valueSpecificity, walkTemplate } from "../../../lib/core/templates/evidence";
import { outlineTemplate } from "../../../lib/core/templates/template-outline";
import { NTC_TEMPLATES, NTC_TESTS } from "../../support/templates-fixtures";

describe("auto-detect pre-filters", function () {
  describe("literals a regex requires", () => {
    const cases: Array<[string, string[][]]> = [
      ["^Protocol\\s+Address\\s+Age", [["Protocol"], ["Address"], ["Age"]]],
      ["^VRF|Adjacency", [["VRF", "Adjacency"]]],
      ["^Port(\\s+Name)?\\s+Status", [["Port"], ["Status"]]],
      ["^abc?de", [["ab"], ["de"]]],
      ["^-{3}\\s*x", [["---"]]],
      ["^-+ end", [[" end"]]],
      ["^\\s+(up|down|admin down)\\s+", [["up", "down", "admin down"]]],
      ["^(up|\\S+)\\s", []],
      ["^Version (?P<V>\\d+\\.\\d+)\\.", [["Version "]]],
      ["^x{2,}y", [["xx"]]],
      ["^[Ii]nterface\\s+is", [["nterface"], ["is"]]],
      ["^(?=Foo)Bar", [["Bar"]]],
      ["^(?x) no spaces here", []],
    ];
    for (const [pattern, expected] of cases) {
      it(`${pattern} → ${JSON.stringify(expected)}`, () => {
        assert.deepStrictEqual(requiredLiterals(pattern).clauses, expected);
      });
    }

    it("lower-cases literals of a case-insensitive regex and says so", () => {
      assert.deepStrictEqual(requiredLiterals("(?i)^Total Entries"), {
        clauses: [["total entries"]],
        ignoreCase: true,
      });
    });

    it("keeps single characters only when asked (line-level guards)", () => {
      assert.deepStrictEqual(requiredLiterals("^\\S+:\\s\\w+").clauses, []);
      assert.deepStrictEqual(requiredLiterals("^\\S+:\\s\\w+", 1).clauses, [[":"]]);
    });

    it("never claims more than the engine matches: on every corpus case, every rule that matches a line finds its literals there", function () {
      this.timeout(120000);
      const index = loadIndex(NTC_TEMPLATES);
      let checked = 0;
      for (const c of findConformanceCases(NTC_TESTS)) {
        const lines = fs.readFileSync(c.raw, "utf8").split(/\r?\n/);
        for (const file of index.lookup(c.platform, c.command)) {
          const template = compileTemplate(fs.readFileSync(path.join(NTC_TEMPLATES, file), "utf8"), file);
          for (const state of template.definition.states.values()) {
            for (const rule of state.rules) {
              const requirement = requiredLiterals(rule.regexText, 1);
              for (const line of lines) {
                if (!rule.regex.test(line)) continue;
                checked++;
                const text = requirement.ignoreCase ? line.toLowerCase() : line;
                for (const clause of requirement.clauses)
                  assert.ok(
                    clause.some((l) => text.includes(l)),
                    `${file}:${rule.line} requires ${JSON.stringify(clause)}, yet matches ${JSON.stringify(line)}`,
                  );
              }
            }
          }
        }
      }
      assert.ok(checked > 10000, `only ${checked} matches checked`);
    });
  });

  describe("template outline", () => {
    it("reads Values, states, transitions and line actions", () => {
      const outline = outlineTemplate(
        "Value A (\\d+)\nValue Required B (up|down)\n\nStart\n  ^Head -> Table\n  ^. -> Error\n\nTable\n  ^${A} is ${B}$$ -> Record\n  ^x -> Continue\n",
      )!;
      assert.deepStrictEqual([...outline.values.keys()], ["A", "B"]);
      const table = outline.states.get("Table")!;
      assert.deepStrictEqual(
        table.map((r) => [r.regex, r.captures, r.lineOp]),
        [
          ["^(\\d+) is (up|down)$", true, "Next"],
          ["^x", false, "Continue"],
        ],
      );
      assert.deepStrictEqual(
        outline.states.get("Start")!.map((r) => [r.newState, r.lineOp]),
        [
          ["Table", "Next"],
          [undefined, "Error"],
        ],
      );
    });

    it("gives up (so the template is never rejected) on text it does not understand", () => {
      assert.strictEqual(outlineTemplate("not a template"), undefined);
      assert.strictEqual(outlineTemplate("Value A (x)\n\nStart\n  ^${B} -> Record\n"), undefined);
      assert.deepStrictEqual(buildPrefilter("not a template"), { generic: true });
      assert.ok(mayProduceRecords(buildPrefilter("not a template"), new OutputProbe("anything")));
    });
  });

  describe("record pre-filter and strict start", () => {
    const template =
      "Value NAME (\\S+)\n\nStart\n  ^Header line\\s*$$ -> Body\n  ^\\s*$$\n  ^. -> Error\n\nBody\n  ^Name: ${NAME} -> Record\n";

    it("needs the literals of a capturing rule in a reachable state", () => {
      const filter = buildPrefilter(template);
      assert.ok(mayProduceRecords(filter, new OutputProbe("Header line\nName: a\n")));
      assert.ok(
        !mayProduceRecords(filter, new OutputProbe("Header line\nnothing to capture\n")),
        "no 'Name: ' anywhere",
      );
      assert.ok(
        !mayProduceRecords(filter, new OutputProbe("Name: a\nHeadr line\n")),
        "Body is unreachable without 'Header line'",
      );
    });

    it("needs the first non-blank line to be taken by a Start rule when Start ends in ^. -> Error", () => {
      const filter = buildPrefilter(template);
      assert.ok(mayProduceRecords(filter, new OutputProbe("\n   \nHeader line\nName: a\n")));
      assert.ok(!mayProduceRecords(filter, new OutputProbe("Banner\nHeader line\nName: a\n")));
    });

    it("never rejects the right template of a corpus case that has records, and neither does the walk", function () {
      this.timeout(120000);
      const index = loadIndex(NTC_TEMPLATES);
      const profiles = new Map<string, ReturnType<typeof profileTemplate>>();
      let checked = 0;
      for (const c of findConformanceCases(NTC_TESTS)) {
        const expected = loadParsedSample(c.yml) as unknown[];
        const files = index.lookup(c.platform, c.command);
        if (expected.length === 0 || files.length !== 1) continue;
        const text = fs.readFileSync(c.raw, "utf8").replace(/\r\n?/g, "\n");
        const templateText = fs.readFileSync(path.join(NTC_TEMPLATES, files[0]), "utf8");
        assert.ok(
          mayProduceRecords(buildPrefilter(templateText), new OutputProbe(text)),
          `pre-filter rejects ${files[0]} for ${c.id}`,
        );
        let profile = profiles.get(files[0]);
        if (!profile) profiles.set(files[0], (profile = profileTemplate(compileTemplate(templateText, files[0]))));
        const lines = text.split("\n");
        if (lines[lines.length - 1] === "") lines.pop();
        const walk = walkTemplate(profile, new OutputLines(lines), performance.now() + 60000);
        assert.ok(!walk.failed && walk.captures, `the walk rejects ${files[0]} for ${c.id}`);
        checked++;
      }
      assert.ok(checked > 1200, `only ${checked} cases checked`);
    });
  });

  describe("value specificity", () => {
    const cases: Array<[string, number]> = [
      ["\\d+\\.\\d+\\.\\d+\\.\\d+", 1],
      ["up|down", 1],
      ["\\S+", 0],
      [".+", 0],
      ["[\\w\\./-]+", 0],
      ["\\d+.\\d+", 2 / 3],
      ["[0-9a-f]{4}\\.[0-9a-f]{4}", 1],
      ["\\d+(,\\d+)*|trunk|routed", 1],
      ["\\w+\\s\\d+?|\\w+", 0],
      ["\\d+\\.+.+?|\\S+\\s+\\S+", 0],
      ["\\d+|a\\S", 0.5],
    ];
    for (const [regex, expected] of cases) {
      it(`(${regex}) → ${expected.toFixed(2)}`, () =>
        assert.ok(Math.abs(valueSpecificity(regex) - expected) < 1e-9, String(valueSpecificity(regex))));
    }
  });
});
