import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { compareWithReference, findConformanceCases, loadIndex, loadParsedSample } from "../../../lib/core/textfsm";
import { TemplateDetector, type DetectResult } from "../../../lib/core/templates/detect";
import { detectorForLibrary } from "../../../lib/core/templates/detector-sources";
import { detectorForSource, resolveTemplateSource } from "../../../lib/core/parse";
import { TemplateLibrary } from "../../../lib/core/templates/library";
import { resolveHome } from "../../../lib/core/home";
import { useTmpDir } from "../../support/tmp";
import {
  NTC_TEMPLATES,
  NTC_TESTS,
  UNFIT_OUTPUTS,
  makeMiniNtcDir,
  ntcCase,
  ntcTemplateText,
} from "../../support/templates-fixtures";

function read(id: string): string {
  return fs.readFileSync(path.join(NTC_TESTS, id), "utf8").replace(/\r\n?/g, "\n");
}

function hit(result: DetectResult, own: string[], expected: unknown): boolean {
  const top = result.ranking[0]?.template;
  return (
    (top !== undefined && own.includes(top + ".textfsm")) ||
    compareWithReference(result.best ? result.best.records : [], expected, 1).length === 0
  );
}

describe("auto-detect over the ntc-templates corpus", function () {
  this.timeout(120000);
  let detector: TemplateDetector;

  before(() => {
    detector = TemplateDetector.fromDirectory(NTC_TEMPLATES);
    assert.deepStrictEqual(detector.prepare().failed, []);
  });

  const named: Array<[string, string, string]> = [
    ["cisco_ios", "show_version", "cisco_ios_show_version"],
    ["arista_eos", "show_vlan", "arista_eos_show_vlan"],
    ["juniper_junos", "show_version", "juniper_junos_show_version"],
    ["paloalto_panos", "show_system_info", "paloalto_panos_show_system_info"],
    ["hp_procurve", "show_vlans", "hp_procurve_show_vlans"],
    ["cisco_nxos", "show_version", "cisco_nxos_show_version"],
  ];
  for (const [platform, command, file] of named) {
    it(`finds ${platform}_${command} with and without the platform hint, with the expected records`, () => {
      const { raw, expected } = ntcCase(platform, command, file);
      for (const hints of [{}, { platform }]) {
        const result = detector.detect(raw, hints, { clean: false });
        assert.ok(result.fits, `${JSON.stringify(hints)}: ${result.reason}`);
        assert.strictEqual(result.best!.template, `${platform}_${command}`, JSON.stringify(hints));
        assert.deepStrictEqual(compareWithReference(result.best!.records, expected), [], JSON.stringify(hints));
        assert.ok(result.best!.score > 0 && result.best!.score <= 1);
        assert.strictEqual(result.ranking[0].template, result.best!.template);
        assert.ok(
          result.stats.parsed < result.stats.candidates / 10,
          `parsed ${result.stats.parsed} of ${result.stats.candidates}`,
        );
      }
    });
  }

  it("ranks the right template first on a sample of every 25th corpus case (≥ 90 % without hints, ≥ 95 % with the platform)", () => {
    const index = loadIndex(NTC_TEMPLATES);
    const sample = findConformanceCases(NTC_TESTS).filter((_, i) => i % 25 === 0);
    let plain = 0;
    let hinted = 0;
    const misses: string[] = [];
    for (const c of sample) {
      const raw = read(c.id);
      const expected = loadParsedSample(c.yml);
      const own = index.lookup(c.platform, c.command);
      const withoutHint = detector.detect(raw, {}, { clean: false, top: 1 });
      const withHint = detector.detect(raw, { platform: c.platform }, { clean: false, top: 1 });
      if (hit(withoutHint, own, expected)) plain++;
      else misses.push(`${c.id} → ${withoutHint.ranking[0]?.template}`);
      if (hit(withHint, own, expected)) hinted++;
    }
    assert.ok(plain >= 0.9 * sample.length, `${plain}/${sample.length} without hints; misses: ${misses.join(", ")}`);
    assert.ok(hinted >= 0.95 * sample.length, `${hinted}/${sample.length} with the platform hint`);
  });

  for (const [name, text] of Object.entries(UNFIT_OUTPUTS)) {
    it(`says no template fits ${name}, and every ranked template says why`, () => {
      const result = detector.detect(text, {});
      assert.strictEqual(result.fits, false);
      assert.strictEqual(result.best, null);
      assert.match(result.reason!, /^no template (fits|produced a record)/);
      for (const ranked of result.ranking) {
        assert.strictEqual(ranked.fits, false, ranked.template);
        assert.match(ranked.reason!, /explained by the template's words or specific values/);
        assert.ok(ranked.score < 0.1, `${ranked.template} scores ${ranked.score}`);
      }
    });
  }

  it("an output whose expected parse is empty does not get an accidental one", () => {
    const expectedEmpty = findConformanceCases(NTC_TESTS).filter(
      (c) => (loadParsedSample(c.yml) as unknown[]).length === 0,
    );
    assert.ok(expectedEmpty.length >= 5);
    let accidental = 0;
    for (const c of expectedEmpty)
      if (detector.detect(read(c.id), { platform: c.platform }, { clean: false }).fits) accidental++;
    assert.ok(
      accidental <= expectedEmpty.length / 4,
      `${accidental} of ${expectedEmpty.length} empty outputs got a fitting parse`,
    );
  });

  describe("hints", () => {
    it("the platform narrows to that platform's templates, through the index platform regex too", () => {
      const all = detector.detect("x", {}).stats.candidates;
      const ios = detector.detect("x", { platform: "cisco_ios" }).stats.candidates;
      assert.strictEqual(all, detector.size);
      assert.ok(ios > 50 && ios < all / 4, String(ios));
      const { raw, expected } = ntcCase("cisco_asa", "show_arp", "cisco_asa_show_arp");
      const ftd = detector.detect(raw, { platform: "cisco_ftd" }, { clean: false });
      assert.strictEqual(ftd.best!.template, "cisco_asa_show_arp", "the cisco_(asa|ftd) row applies to cisco_ftd");
      assert.deepStrictEqual(compareWithReference(ftd.best!.records, expected), []);
      assert.deepStrictEqual(ftd.hintsIgnored, []);
    });

    it("the command selects templates whose index command pattern matches it", () => {
      const { raw } = ntcCase("cisco_ios", "show_version", "cisco_ios_show_version");
      const result = detector.detect(raw, { platform: "cisco_ios", command: "sh ver" });
      assert.strictEqual(result.stats.candidates, 1);
      assert.strictEqual(result.best!.template, "cisco_ios_show_version");
      assert.strictEqual(result.best!.matchesCommand, true);
    });

    it("a capture type narrows to the templates of that kind", () => {
      const { raw } = ntcCase("cisco_ios", "show_arp", "cisco_ios_show_arp");
      const result = detector.detect(raw, { captureType: "arp" }, { top: 20 });
      assert.ok(result.stats.candidates > 5 && result.stats.candidates < 60, String(result.stats.candidates));
      assert.ok(result.ranking.every((r) => r.template.includes("arp")));
      assert.ok(["cisco_ios_show_arp", "cisco_ios_show_ip_arp"].includes(result.best!.template));
    });

    it("hints that match nothing are dropped and reported, not turned into an empty ranking", () => {
      const { raw } = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
      const result = detector.detect(raw, { platform: "no_such_os", captureType: "teleport" });
      assert.deepStrictEqual(result.hintsIgnored, [
        "platform 'no_such_os' matches no template",
        "capture type 'teleport' matches no template",
      ]);
      assert.strictEqual(result.best!.template, "arista_eos_show_vlan");
    });
  });

  it("cleans command echo and the trailing prompt by default", () => {
    const { raw, expected } = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
    const session = `spine1#show vlan\n${raw.trimEnd()}\nspine1#`;
    const result = detector.detect(session, { command: "show vlan" });
    assert.strictEqual(result.best!.template, "arista_eos_show_vlan");
    assert.deepStrictEqual(compareWithReference(result.best!.records, expected), []);
  });

  it("ranks a long output on its first lines and still returns the records of all of it", () => {
    const { raw, expected } = ntcCase("cisco_ios", "show_arp", "cisco_ios_show_arp");
    const result = detector.detect(raw, { platform: "cisco_ios" }, { maxLines: 3 });
    assert.strictEqual(result.stats.rankedOnLines, 3);
    assert.ok(result.stats.lines > 3);
    assert.strictEqual(result.best!.records.length, (expected as unknown[]).length);
    assert.strictEqual(result.best!.recordCount, (expected as unknown[]).length);
  });

  it("reports the templates it had no time for instead of pretending it tried them", () => {
    const { raw } = ntcCase("cisco_ios", "show_version", "cisco_ios_show_version");
    const result = detector.detect(raw, {}, { totalBudgetMs: 0 });
    assert.strictEqual(result.fits, false);
    assert.ok(result.stats.skipped > 0);
    assert.match(result.reason!, /not tried: time budget exhausted/);
  });
});

describe("auto-detect bounds pathological templates", function () {
  this.timeout(60000);

  const catastrophic = {
    name: "user_catastrophic",
    source: "user",
    platform: null,
    command: null,
    // A nested quantifier behind a lookahead: V8's linear engine cannot take it, so the engine
    // parses it in its sandbox with a deadline.
    text: "Value X ((\\w+\\s?)+)\n\nStart\n  ^(?=\\w)${X}$$ -> Record\n",
  };

  it("templates that backtrack catastrophically on an output neither hang the detection nor win it", () => {
    const ntc = (name: string) => ({ name, source: "ntc", platform: null, command: null, text: ntcTemplateText(name) });
    const detector = new TemplateDetector([
      ntc("cisco_ios_show_capability_feature_routing"),
      ntc("cisco_ios_show_aliases"),
      ntc("brocade_fastiron_show_running-config_vlan"),
      catastrophic,
    ]);
    // The brocade case took Python textfsm 292 s with the capability template (regex-census.md §4).
    const brocade = ntcCase(
      "brocade_fastiron",
      "show_running-config_vlan",
      "brocade_fastiron_show_running-config_vlan",
    );
    const result = detector.detect(brocade.raw, {}, { clean: false });
    assert.strictEqual(result.best!.template, "brocade_fastiron_show_running-config_vlan");
    assert.deepStrictEqual(compareWithReference(result.best!.records, brocade.expected), []);

    const bait =
      Array.from({ length: 40 }, (_, i) => `${"x".repeat(30)}-${"y".repeat(30)} word${i} end:`).join("\n") +
      "\n" +
      "a".repeat(32) +
      "!\n";
    const baited = detector.detect(bait, {}, { clean: false, budgetMs: 100 });
    assert.strictEqual(baited.fits, false);
    assert.ok(baited.stats.timedOut.includes("user_catastrophic"), JSON.stringify(baited.stats));
  });
});

describe("detector sources", function () {
  this.timeout(60000);
  const tmp = useTmpDir("vc-detect-src-");

  it("a library's user template overrides the ntc one in detection", () => {
    const library = TemplateLibrary.open(path.join(tmp.path, "templates.db"));
    try {
      library.importNtc(makeMiniNtcDir(path.join(tmp.path, "ntc"), ["arista_eos_show_vlan", "cisco_ios_show_version"]));
      const { raw } = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
      assert.strictEqual(TemplateDetector.fromLibrary(library).detect(raw).best!.source, "ntc");
      const custom =
        "Value VLAN (\\d+)\nValue NAME (\\S+)\n\nStart\n  ^VLAN\\s+Name -> Table\n\nTable\n  ^${VLAN}\\s+${NAME}\\s+active -> Record\n";
      library.addUserTemplate({ name: "arista_eos_show_vlan", text: custom });
      const result = TemplateDetector.fromLibrary(library).detect(raw);
      assert.strictEqual(result.best!.template, "arista_eos_show_vlan");
      assert.strictEqual(result.best!.source, "user");
      assert.deepStrictEqual(result.best!.header, ["VLAN", "NAME"]);
    } finally {
      library.close();
    }
  });

  it("a library's detector is reused until the library changes", () => {
    const file = path.join(tmp.path, "cached.db");
    const library = TemplateLibrary.open(file);
    library.importNtc(makeMiniNtcDir(path.join(tmp.path, "ntc"), ["arista_eos_show_vlan"]));
    library.close();
    const first = detectorForLibrary(file);
    assert.strictEqual(detectorForLibrary(file), first);
    const again = TemplateLibrary.open(file);
    again.addUserTemplate({ name: "acme_show_things", text: "Value X (\\d+)\n\nStart\n  ^thing ${X} -> Record\n" });
    again.close();
    const second = detectorForLibrary(file);
    assert.notStrictEqual(second, first);
    assert.strictEqual(second.size, 2);
    assert.strictEqual(second.detect("thing 42\nthing 43\n").best!.template, "acme_show_things");
  });

  it("templates come from NET_TEXTFSM, else the bundled ntc-templates with the data home's library on top", () => {
    const home = resolveHome(path.join(tmp.path, "home"));
    const bundledCount = fs.readdirSync(NTC_TEMPLATES).filter((f) => f.endsWith(".textfsm")).length;
    const bundled = resolveTemplateSource({ env: {}, libraryFile: home.templatesDb });
    assert.strictEqual(bundled.kind, "bundled");
    assert.strictEqual(detectorForSource(bundled).size, bundledCount);
    const mini = makeMiniNtcDir(path.join(tmp.path, "ntc"), ["arista_eos_show_vlan"]);
    assert.strictEqual(
      detectorForSource(resolveTemplateSource({ env: { NET_TEXTFSM: mini }, libraryFile: home.templatesDb })).size,
      1,
    );
    fs.mkdirSync(home.root, { recursive: true });
    const library = TemplateLibrary.open(home.templatesDb);
    library.addUserTemplate({ name: "acme_show_things", text: "Value X (\\d+)\n\nStart\n  ^thing ${X} -> Record\n" });
    library.close();
    const withLibrary = detectorForSource(resolveTemplateSource({ env: {}, libraryFile: home.templatesDb }));
    assert.strictEqual(withLibrary.size, bundledCount + 1);
    assert.strictEqual(withLibrary.detect("thing 42\nthing 43\n").best!.template, "acme_show_things");
  });

  it("a template that does not compile is counted as failed, never thrown", () => {
    const detector = new TemplateDetector([
      {
        name: "broken",
        source: "user",
        platform: null,
        command: null,
        text: "Value X (\\d+)\n\nStart\n  ^${Y} -> Record\n",
      },
      {
        name: "arista_eos_show_vlan",
        source: "ntc",
        platform: null,
        command: null,
        text: ntcTemplateText("arista_eos_show_vlan"),
      },
    ]);
    assert.deepStrictEqual(
      detector.prepare().failed.map((f) => f.template),
      ["broken"],
    );
    const { raw } = ntcCase("arista_eos", "show_vlan", "arista_eos_show_vlan");
    const result = detector.detect(raw, {}, { clean: false });
    assert.strictEqual(result.best!.template, "arista_eos_show_vlan");
    assert.strictEqual(result.stats.failed, 1);
  });
});
