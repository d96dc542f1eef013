import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ERROR_CLASSES,
  SESSION_ERROR_CLASSES,
  errorClassMeaning,
  isErrorClass,
  renderErrorClassesMarkdown,
} from "../../lib/core/error-classes";
import { VcError } from "../../lib/core/errors";

const ROOT = path.resolve(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    const full = path.join(e.parentPath, e.name);
    return e.isFile() && e.name.endsWith(".ts") && !full.includes("node_modules") ? [full] : [];
  });
}

describe("error classes (one catalogue)", () => {
  it("docs/errors.md is the catalogue rendered (npm run docs:errors)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "errors.md"), "utf8");
    assert.strictEqual(doc, renderErrorClassesMarkdown());
  });

  it("every class is listed once, with a one-line meaning", () => {
    const seen = new Map<string, string>();
    for (const [area, classes] of Object.entries(ERROR_CLASSES)) {
      for (const [code, meaning] of Object.entries(classes)) {
        assert.ok(!seen.has(code), `${code} is listed in ${seen.get(code)} and ${area}`);
        seen.set(code, area);
        assert.match(code, /^[a-z][a-z_]*[a-z]$/, code);
        assert.ok(meaning.length > 10 && !meaning.includes("\n"), code);
      }
    }
    for (const code of SESSION_ERROR_CLASSES) assert.ok(isErrorClass(code), code);
    assert.strictEqual(isErrorClass("bad_input"), false, "merged into invalid_input");
    assert.strictEqual(isErrorClass("bad_config"), false, "merged into invalid_config");
    assert.match(errorClassMeaning("invalid_input"), /not acceptable/);
  });

  it("the classes of the security, platform, jobs and change-detection work are catalogued", () => {
    for (const code of [
      "regex_timeout",
      "validation_failed",
      "interrupted",
      "unsupported_platform",
      "cross_origin",
      "unsupported_media_type",
      "invalid_job",
      "invalid_batch",
      "job_not_found",
      "import_refused",
      "database_damaged",
      "version_not_found",
    ])
      assert.ok(isErrorClass(code), code);
  });

  it("every class literal in lib/, nodes/ and cli/ is in the catalogue (also where the type cannot check it)", () => {
    const unknown: string[] = [];
    const patterns = [
      /VcError\(\s*"([a-z_]+)"/g,
      /errorClass(?:\s*===\s*|:\s*)"([a-z_]+)"/g,
      /aggregateError\(\s*"([a-z_]+)"/g,
      /code: "([a-z_]+)"/g,
    ];
    for (const dir of ["lib", "nodes", "cli"]) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const text = fs.readFileSync(file, "utf8");
        for (const re of patterns)
          for (const m of text.matchAll(re))
            if (m[1] !== "string" && !isErrorClass(m[1])) unknown.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    assert.deepStrictEqual(unknown, []);
  });

  it("a misspelt class does not compile", () => {
    // @ts-expect-error -- "bad_inptu" is not an ErrorClass (npm run typecheck fails if this compiles)
    const err = new VcError("bad_inptu", "x");
    assert.strictEqual(err.errorClass, "bad_inptu");
  });
});
