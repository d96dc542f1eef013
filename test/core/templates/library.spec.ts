import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { TemplateLibrary, normaliseTemplateName, templateMatchesPlatform } from "../../../lib/core/templates/library";
import { readIndexRows } from "../../../lib/core/textfsm";

import { VcError } from "../../../lib/core/errors";
import { useTmpDir } from "../../support/tmp";
import { NTC_TEMPLATES, makeMiniNtcDir, ntcTemplateText } from "../../support/templates-fixtures";

/** Index rows with their Platform and Command cells as written (the one index reader). */
const readNtcIndex = (text: string) =>
  readIndexRows(text).rows.map((r) => ({ ...r, platform: r.cells.Platform ?? "", command: r.cells.Command ?? "" }));

const USER_TEXT = "Value NAME (\\S+)\n\nStart\n  ^name ${NAME} -> Record\n";

function indexRowFor(file: string) {
  return readNtcIndex(fs.readFileSync(path.join(NTC_TEMPLATES, "index"), "utf8")).find((r) =>
    r.templates.includes(file),
  )!;
}

describe("template library (SQLite)", function () {
  const tmp = useTmpDir("vc-templates-lib-");
  let library: TemplateLibrary;
  const dbFile = () => path.join(tmp.path, "home", "templates.db");

  beforeEach(() => {
    library = TemplateLibrary.open(dbFile());
  });
  afterEach(() => library.close());

  describe("ntc import", () => {
    it("imports every template of the corpus with platform and command pattern from its index row", () => {
      const files = fs.readdirSync(NTC_TEMPLATES).filter((f) => f.endsWith(".textfsm"));
      const report = library.importNtc(path.dirname(NTC_TEMPLATES));
      assert.strictEqual(report.dir, NTC_TEMPLATES, "finds templates/ below an ntc-templates checkout");
      assert.strictEqual(report.added, files.length);
      assert.strictEqual(library.count("ntc"), files.length);
      assert.deepStrictEqual(report.skipped, []);
      for (const file of ["cisco_ios_show_ip_arp.textfsm", "cisco_asa_show_arp.textfsm"]) {
        const row = indexRowFor(file);
        const stored = library.require(file);
        assert.strictEqual(stored.source, "ntc");
        assert.strictEqual(stored.platform, row.platform);
        assert.strictEqual(stored.command, row.command);
        assert.strictEqual(stored.text, ntcTemplateText(file));
      }
      const indexed = new Set(
        readNtcIndex(fs.readFileSync(path.join(NTC_TEMPLATES, "index"), "utf8")).flatMap((r) => r.templates),
      );
      const notIndexed = files.filter((f) => !indexed.has(f));
      assert.deepStrictEqual(report.notInIndex.sort(), notIndexed.map((f) => f.replace(/\.textfsm$/, "")).sort());
      for (const name of report.notInIndex) assert.strictEqual(library.require(name).platform, null);
    });

    it("re-import leaves unchanged templates alone, updates changed ones and --prune removes vanished ones", () => {
      const dir = makeMiniNtcDir(path.join(tmp.path, "ntc"), [
        "cisco_ios_show_ip_arp",
        "cisco_ios_show_version",
        "arista_eos_show_vlan",
      ]);
      assert.strictEqual(library.importNtc(dir).added, 3);
      const before = library.require("cisco_ios_show_version");
      const again = library.importNtc(dir);
      assert.deepStrictEqual([again.added, again.updated, again.unchanged], [0, 0, 3]);
      fs.appendFileSync(path.join(dir, "cisco_ios_show_version.textfsm"), "\n# local change\n");
      fs.rmSync(path.join(dir, "arista_eos_show_vlan.textfsm"));
      const changed = library.importNtc(dir);
      assert.deepStrictEqual([changed.added, changed.updated, changed.unchanged, changed.removed], [0, 1, 1, 0]);
      assert.ok(library.get("arista_eos_show_vlan"), "without --prune a vanished template stays");
      assert.match(library.require("cisco_ios_show_version").text, /# local change/);
      assert.notStrictEqual(library.require("cisco_ios_show_version").sha256, before.sha256);
      assert.strictEqual(library.importNtc(dir, { prune: true }).removed, 1);
      assert.strictEqual(library.get("arista_eos_show_vlan"), undefined);
    });

    it("keeps going past a file it cannot import and reports it", () => {
      const dir = makeMiniNtcDir(path.join(tmp.path, "ntc"), ["cisco_ios_show_ip_arp"]);
      fs.writeFileSync(path.join(dir, "bad name!.textfsm"), USER_TEXT);
      const report = library.importNtc(dir);
      assert.strictEqual(report.added, 1);
      assert.strictEqual(report.skipped.length, 1);
      assert.match(report.skipped[0].reason, /not a valid template name/);
    });

    it("names the directory when there is nothing to import", () => {
      fs.mkdirSync(path.join(tmp.path, "empty"));
      assert.throws(
        () => library.importNtc(path.join(tmp.path, "empty")),
        (e: VcError) => e.errorClass === "invalid_input" && e.message.includes(path.join(tmp.path, "empty")),
      );
      assert.throws(
        () => library.importNtc(path.join(tmp.path, "missing")),
        (e: VcError) => e.errorClass === "not_found" && e.message.includes("missing"),
      );
    });
  });

  describe("user templates", () => {
    beforeEach(() => {
      library.importNtc(
        makeMiniNtcDir(path.join(tmp.path, "ntc"), [
          "cisco_ios_show_ip_arp",
          "cisco_asa_show_arp",
          "cisco_ios_show_version",
        ]),
      );
    });

    it("adds a user template and refuses a second one with the same name", () => {
      const added = library.addUserTemplate({
        name: "acme_os_show_names.textfsm",
        text: USER_TEXT,
        platform: "acme_os",
        command: "sh[[ow]] names",
      });
      assert.deepStrictEqual(
        [added.name, added.source, added.platform, added.command, added.shadowed],
        ["acme_os_show_names", "user", "acme_os", "sh[[ow]] names", false],
      );
      assert.throws(
        () => library.addUserTemplate({ name: "acme_os_show_names", text: USER_TEXT }),
        (e: VcError) => e.errorClass === "conflict",
      );
      assert.strictEqual(library.count("user"), 1);
    });

    it("a user template with an ntc name overrides it everywhere; removing it brings the ntc one back", () => {
      library.addUserTemplate({ name: "cisco_ios_show_ip_arp", text: USER_TEXT });
      const served = library.require("cisco_ios_show_ip_arp");
      assert.strictEqual(served.source, "user");
      assert.strictEqual(served.text, USER_TEXT);
      assert.strictEqual(
        served.command,
        indexRowFor("cisco_ios_show_ip_arp.textfsm").command,
        "inherits the ntc command pattern",
      );
      const listed = library.list().filter((t) => t.name === "cisco_ios_show_ip_arp");
      assert.deepStrictEqual(
        listed.map((t) => t.source),
        ["user"],
      );
      const all = library.list({ includeShadowed: true }).filter((t) => t.name === "cisco_ios_show_ip_arp");
      assert.deepStrictEqual(
        all.map((t) => [t.source, t.shadowed]),
        [
          ["user", false],
          ["ntc", true],
        ],
      );
      assert.strictEqual(library.effectiveTemplates().find((t) => t.name === "cisco_ios_show_ip_arp")!.text, USER_TEXT);

      library.importNtc(path.join(tmp.path, "ntc"));
      assert.strictEqual(
        library.require("cisco_ios_show_ip_arp").source,
        "user",
        "re-importing ntc keeps user templates",
      );

      assert.strictEqual(library.remove("cisco_ios_show_ip_arp").source, "user");
      assert.strictEqual(library.require("cisco_ios_show_ip_arp").source, "ntc");
      assert.strictEqual(library.require("cisco_ios_show_ip_arp").text, ntcTemplateText("cisco_ios_show_ip_arp"));
    });

    it("editing an ntc template creates the override; editing again changes only what is given", () => {
      const edited = library.updateUserTemplate("cisco_ios_show_version", { text: USER_TEXT });
      assert.strictEqual(edited.source, "user");
      assert.strictEqual(edited.platform, "cisco_ios");
      const renamed = library.updateUserTemplate("cisco_ios_show_version", { command: "sh[[ow]] ver[[sion]] brief" });
      assert.strictEqual(renamed.text, USER_TEXT);
      assert.strictEqual(renamed.command, "sh[[ow]] ver[[sion]] brief");
      assert.ok(renamed.updatedAt >= edited.updatedAt);
      assert.throws(
        () => library.updateUserTemplate("nope_nothing", { text: USER_TEXT }),
        (e: VcError) => e.errorClass === "not_found",
      );
    });

    it("rejects bad names, empty text and index cells that would break an index row", () => {
      for (const bad of ["../evil", "a/b", "", "x".repeat(121), "white space"]) {
        assert.throws(
          () => library.addUserTemplate({ name: bad, text: USER_TEXT }),
          (e: VcError) => e.errorClass === "invalid_input",
          bad,
        );
      }
      assert.throws(() => library.addUserTemplate({ name: "empty", text: "  \n" }), /template text is empty/);
      assert.throws(
        () => library.addUserTemplate({ name: "comma", text: USER_TEXT, command: "show a, b" }),
        (e: VcError) => /template comma: command/.test(e.message),
      );
      assert.strictEqual(library.count("user"), 0);
    });

    it("runs the validator before storing and stores nothing when it throws", () => {
      library.close();
      library = TemplateLibrary.open(dbFile(), {
        validate: (text, name) => {
          if (text.includes("BROKEN")) throw new VcError("template_error", "bad on purpose", `${name}:1`);
        },
      });
      assert.throws(() => library.addUserTemplate({ name: "broken", text: "BROKEN" }), /broken:1: bad on purpose/);
      assert.strictEqual(library.get("broken"), undefined);
    });

    it("removes a chosen source and says when there is nothing to remove", () => {
      library.addUserTemplate({ name: "cisco_ios_show_version", text: USER_TEXT });
      assert.strictEqual(library.remove("cisco_ios_show_version", "ntc").source, "ntc");
      assert.strictEqual(library.require("cisco_ios_show_version").source, "user");
      assert.throws(
        () => library.remove("cisco_ios_show_version", "ntc"),
        (e: VcError) => e.errorClass === "not_found",
      );
    });

    it("filters by platform through the index platform regex and by name", () => {
      assert.deepStrictEqual(
        library.list({ platform: "cisco_ftd" }).map((t) => t.name),
        ["cisco_asa_show_arp"],
      );
      assert.deepStrictEqual(
        library.list({ platform: "cisco_ios" }).map((t) => t.name),
        ["cisco_ios_show_ip_arp", "cisco_ios_show_version"],
      );
      assert.deepStrictEqual(
        library.list({ search: "VERSION" }).map((t) => t.name),
        ["cisco_ios_show_version"],
      );
      assert.ok(templateMatchesPlatform({ name: "x", platform: "(hp|aruba)_procurve" }, "aruba_procurve"));
      assert.ok(
        !templateMatchesPlatform({ name: "x", platform: "cisco_(" }, "cisco_ios"),
        "a broken platform regex matches nothing",
      );
    });

    it("changes its revision on every write", () => {
      const r0 = library.revision();
      library.addUserTemplate({ name: "acme", text: USER_TEXT });
      const r1 = library.revision();
      library.remove("acme");
      assert.ok(r0 < r1 && r1 < library.revision());
    });
  });

  describe("export", () => {
    it("writes the served templates and an index that a fresh library imports back identically", () => {
      library.importNtc(
        makeMiniNtcDir(path.join(tmp.path, "ntc"), [
          "cisco_ios_show_ip_arp",
          "cisco_asa_show_arp",
          "huawei_vrp_display_vlan",
          "huawei_vrp_display_vlan_brief",
        ]),
      );
      library.addUserTemplate({ name: "cisco_ios_show_ip_arp", text: USER_TEXT });
      library.addUserTemplate({
        name: "acme_os_show_names",
        text: USER_TEXT,
        platform: "acme_os",
        command: "sh[[ow]] names",
      });
      library.addUserTemplate({ name: "scratch", text: USER_TEXT });
      const out = path.join(tmp.path, "export");
      const report = library.exportTemplates(out);
      assert.strictEqual(report.files.length, 6);
      assert.strictEqual(
        fs.readFileSync(path.join(out, "cisco_ios_show_ip_arp.textfsm"), "utf8"),
        USER_TEXT,
        "the override is exported",
      );
      assert.strictEqual(
        fs.readFileSync(path.join(out, "cisco_asa_show_arp.textfsm"), "utf8"),
        ntcTemplateText("cisco_asa_show_arp"),
      );
      const rows = readNtcIndex(fs.readFileSync(report.index!, "utf8"));
      assert.deepStrictEqual(rows[0].templates, ["acme_os_show_names.textfsm"], "user rows come first");
      assert.ok(
        rows.some(
          (r) => r.templates.join(":") === "huawei_vrp_display_vlan.textfsm:huawei_vrp_display_vlan_brief.textfsm",
        ),
        "multi-template rows survive",
      );
      assert.ok(
        !rows.some((r) => r.templates.includes("scratch.textfsm")),
        "a template without platform/command gets no row",
      );
      assert.deepStrictEqual(
        fs.readdirSync(out).filter((f) => f.endsWith(".tmp")),
        [],
      );

      const copy = TemplateLibrary.open(path.join(tmp.path, "copy.db"));
      try {
        copy.importNtc(out);
        for (const t of library.effectiveTemplates()) assert.strictEqual(copy.require(t.name).text, t.text, t.name);
        assert.strictEqual(copy.require("acme_os_show_names").command, "sh[[ow]] names");
      } finally {
        copy.close();
      }
    });

    it("exports only the named templates, and names an unknown one", () => {
      library.importNtc(makeMiniNtcDir(path.join(tmp.path, "ntc"), ["cisco_ios_show_ip_arp", "cisco_asa_show_arp"]));
      const out = path.join(tmp.path, "one");
      const report = library.exportTemplates(out, { names: ["cisco_asa_show_arp.textfsm"] });
      assert.deepStrictEqual(fs.readdirSync(out).sort(), ["cisco_asa_show_arp.textfsm", "index"]);
      assert.deepStrictEqual(
        readNtcIndex(fs.readFileSync(report.index!, "utf8")).map((r) => r.platform),
        ["cisco_(asa|ftd)"],
      );
      assert.throws(
        () => library.exportTemplates(out, { names: ["nope"] }),
        (e: VcError) => e.errorClass === "not_found" && /nope/.test(e.message),
      );
    });
  });

  it("refuses a file that is not a template library, naming it", () => {
    library.close();
    const bogus = path.join(tmp.path, "bogus.db");
    fs.writeFileSync(bogus, "this is not sqlite at all, just text".repeat(40));
    assert.throws(
      () => TemplateLibrary.open(bogus),
      (e: VcError) => e.errorClass === "library_error" && e.message.startsWith(bogus),
    );
    library = TemplateLibrary.open(dbFile());
  });

  it("normalises names", () => {
    assert.strictEqual(normaliseTemplateName(" cisco_wlc_ssh_show_802.11a.textfsm "), "cisco_wlc_ssh_show_802.11a");
    assert.throws(() => normaliseTemplateName("a..b"), /not a valid template name/);
  });
});
