import * as assert from "node:assert";
import { TemplateError, compileTemplate } from "../../../lib/core/textfsm";
import { assertVcError, tpl } from "../../support/textfsm-fixtures";

/** Compiling `text` fails with a template_error located at `bad.textfsm:<line>` (or no line). */
function fails(text: string, line: number | undefined, ...patterns: RegExp[]): TemplateError {
  const err = assertVcError(() => compileTemplate(text, "bad.textfsm"), "template_error", ...patterns) as TemplateError;
  assert.ok(err instanceof TemplateError);
  assert.strictEqual(err.template, "bad.textfsm");
  assert.strictEqual(err.line, line);
  assert.ok(err.message.startsWith(line === undefined ? "bad.textfsm: " : `bad.textfsm:${line}: `), err.message);
  return err;
}

describe("textfsm template errors (one per kind, each located)", () => {
  it("an empty template", () => {
    fails("", undefined, /Null template/);
  });

  it("no Value definitions before the first state", () => {
    fails(tpl("# comment", "Start", "  ^x"), 2, /No Value definitions found/);
  });

  it("a state right after the Values with no blank line", () => {
    fails(tpl("Value A (a)", "Start", "  ^${A}"), 2, /Expected blank line after last Value entry/);
  });

  it("a Value line with fewer than three tokens", () => {
    fails(tpl("Value A", "", "Start", "  ^x"), 1, /Expect at least 3 tokens/);
  });

  it("a Value name longer than 48 characters", () => {
    fails(tpl(`Value ${"N".repeat(49)} (a)`, "", "Start", "  ^x"), 1, /Invalid Value name 'N{49}' or name too long/);
    assert.doesNotThrow(() => compileTemplate(tpl(`Value ${"N".repeat(48)} (a)`, "", "Start", "  ^x")));
  });

  it("a Value regex not inside parentheses", () => {
    fails(tpl("Value Required A \\d+", "", "Start", "  ^x"), 1, /Value '\\d\+' must be contained within a '\(\)' pair/);
  });

  it("a Value regex Python rejects names what is wrong and where", () => {
    fails(
      tpl("Value A (a)", "Value B (x{3,1})", "", "Start", "  ^x"),
      2,
      /Invalid regular expression '\(x\{3,1\}\)': min repeat greater than max repeat at position 3/,
    );
  });

  it("a duplicate option", () => {
    fails(tpl("Value Required,Required A (a)", "", "Start", "  ^x"), 1, /Duplicate option "Required"/);
  });

  it("an unknown option lists the valid ones", () => {
    fails(
      tpl("Value Fildown A (a)", "", "Start", "  ^x"),
      1,
      /Unknown option "Fildown" \(valid: Filldown, Key, Required, List, Fillup\)/,
    );
  });

  it("two Values with one name", () => {
    fails(tpl("Value A (a)", "Value A (b)", "", "Start", "  ^x"), 2, /Duplicate declarations for Value 'A'/);
  });

  it("an invalid state name (indented, or not one word)", () => {
    fails(tpl("Value A (a)", "", "  Start", "  ^x"), 3, /Invalid state name: ' {2}Start'/);
    fails(tpl("Value A (a)", "", "Start-1", "  ^x"), 3, /Invalid state name: 'Start-1'/);
    fails(tpl("Value A (a)", "", "Record", "  ^x"), 3, /Invalid state name: 'Record'/);
  });

  it("a duplicate state", () => {
    fails(tpl("Value A (a)", "", "Start", "  ^x", "", "Start", "  ^y"), 6, /Duplicate state name: 'Start'/);
  });

  it("a rule without its indentation and caret", () => {
    fails(tpl("Value A (a)", "", "Start", "  ^x", "   ^y"), 5, /Missing white space or carat/);
    fails(tpl("Value A (a)", "", "Start", "^x"), 4, /Missing white space or carat/);
  });

  it("an unknown ${Value} or a bare $ in a rule", () => {
    fails(
      tpl("Value A (a)", "", "Start", "  ^${B} -> Record"),
      4,
      /Duplicate or invalid variable substitution: '\^\$\{B\}' \(no Value named 'B'\)/,
    );
    fails(
      tpl("Value A (a)", "", "Start", "  ^${A}$"),
      4,
      /Duplicate or invalid variable substitution.*a '\$' must be '\$\$'/,
    );
  });

  it("a rule regex Python rejects", () => {
    fails(
      tpl("Value A (a)", "", "Start", "  ^(x${A} -> Record"),
      4,
      /Invalid regular expression '\^\(x\(\?P<A>a\)': missing \), unterminated subpattern at position 1/,
    );
  });

  it("a Value used twice in one rule (duplicate group name)", () => {
    fails(tpl("Value A (a)", "", "Start", "  ^${A} ${A}"), 4, /redefinition of group name 'A'/);
  });

  it("a regex construct JavaScript cannot express is named", () => {
    fails(
      tpl("Value A (a)", "", "Start", "  ^(?>x)${A}"),
      4,
      /atomic group \(\?>\.\.\.\).*cannot be translated to JavaScript/,
    );
    fails(tpl("Value A (a*+)", "", "Start", "  ^${A}"), 1, /possessive quantifier/);
    fails(tpl("Value A (a)", "", "Start", "  ^(?i:x)${A}"), 4, /scoped inline flags/);
    fails(tpl("Value A (\\N{DIGIT ONE})", "", "Start", "  ^${A}"), 1, /named character escape/);
  });

  it("a badly formatted action", () => {
    fails(
      tpl("Value A (a)", "", "Start", "  ^${A} -> Next Next Next"),
      4,
      /Badly formatted rule '\^\$\{A\} -> Next Next Next'/,
    );
    fails(tpl("Value A (a)", "", "Start", "  ^${A} -> Record.Next"), 4, /Badly formatted rule/);
  });

  it("Continue with a new state", () => {
    fails(
      tpl("Value A (a)", "", "Start", "  ^${A} -> Continue Other", "", "Other", "  ^x"),
      4,
      /Action 'Continue' with new state Other specified/,
    );
  });

  it("a quoted new state on a non-Error rule", () => {
    fails(
      tpl("Value A (a)", "", "Start", '  ^${A} -> Next "Hello World"'),
      4,
      /Alphanumeric characters only in state names/,
    );
  });

  it("no Start state", () => {
    fails(tpl("Value A (a)", "", "Begin", "  ^${A}"), undefined, /Missing state 'Start'/);
  });

  it("rules in End or EOF", () => {
    fails(tpl("Value A (a)", "", "Start", "  ^${A}", "", "End", "  ^x"), undefined, /Non-Empty 'End' state/);
    fails(tpl("Value A (a)", "", "Start", "  ^${A}", "", "EOF", "  ^x"), undefined, /Non-Empty 'EOF' state/);
  });

  it("a transition to a state that does not exist", () => {
    fails(
      tpl("Value A (a)", "", "Start", "  ^x", "  ^${A} -> Nowhere"),
      5,
      /State 'Nowhere' not found, referenced in state 'Start'/,
    );
  });

  it("line numbers count comments and blank lines, CRLF templates too", () => {
    fails(
      ["# header comment", "Value A (a)", "", "# states", "Start", "  # a comment", "  ^${A} -> Nowhere", ""].join(
        "\r\n",
      ),
      7,
      /State 'Nowhere'/,
    );
  });

  it("a template object still works after a compile error elsewhere", () => {
    const good = compileTemplate(tpl("Value A (\\d+)", "", "Start", "  ^a=${A} -> Record"), "good.textfsm");
    assert.throws(() => compileTemplate("Value", "bad.textfsm"));
    assert.deepStrictEqual(good.parse("a=1\na=2\n").records, [{ a: "1" }, { a: "2" }]);
  });
});
