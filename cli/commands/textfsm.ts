import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError } from "../../lib/core/errors";
import { compileInline, describeTemplateSource, parseText, resolveTemplateSource } from "../../lib/core/parse";
import { runConformance } from "../../lib/core/textfsm";
import { parseCommandArgs, pickSubcommand, printJson, readTextInput, writeLine } from "../command";
import type { CliCommand, CliContext } from "../command";

const USAGE = `Usage:
  vcollector textfsm parse (--template <file> | --platform <p> --command "<cmd>") [options] [<input>|-]
  vcollector textfsm conformance <tests-dir> [--templates <dir>] [--filter <text>] [--budget <ms>]

parse        Parses a command output (a file, or standard input with "-" or no argument) and
             prints the records as JSON: keys are the template's Value names in lower case,
             List values are arrays.
               --template <file>     a .textfsm template file
               --platform <p>        netmiko / ntc platform (e.g. cisco_ios) and
               --command "<cmd>"     the command: the template is found in the index of the
                                     template directory, as ntc-templates does
               --templates <dir>     template directory (default $NET_TEXTFSM, else the
                                     ntc-templates bundled with the package, overridden by
                                     your template library: see vcollector templates where)
               --budget <ms>         time budget of the parse (default 2000)
               --clean               remove command echo, pager residue and a trailing prompt first
               --full                print {templates, header, rows, stats, records,
                                     templateSource} instead

conformance  Runs the ntc-templates test suite: every <platform>/<command>/*.raw below
             <tests-dir> is parsed through the index (platform = folder, command = folder with
             '_' as ' ') and compared with the parsed_sample of its .yml, as ntc-templates'
             own tests compare. Prints each failing case with its differences, then
             "N passed, N failed".
               --templates <dir>     template directory (default <tests-dir>/../templates)
               --filter <text>       only the cases whose path contains <text>
               --budget <ms>         time budget of each parse (default 2000)

Exit codes: 0 ok (every case passed), 1 failure, 2 usage error.`;

function budget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--budget must be a positive number of milliseconds, got '${value}'`);
  return n;
}

async function parseCmd(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    template: { type: "string" },
    platform: { type: "string" },
    command: { type: "string" },
    templates: { type: "string" },
    budget: { type: "string" },
    clean: { type: "boolean" },
    full: { type: "boolean" },
  });
  if (positionals.length > 1) throw new UsageError(`parse takes one input file, got ${positionals.length}`);
  const byIndex = values.platform !== undefined || values.command !== undefined;
  if (values.template !== undefined && byIndex)
    throw new UsageError("give either --template or --platform and --command, not both");
  if (values.template === undefined && !byIndex)
    throw new UsageError('give --template <file>, or --platform <p> and --command "<cmd>"');
  if (byIndex && (values.platform === undefined || values.command === undefined))
    throw new UsageError("--platform and --command go together");
  const budgetMs = budget(values.budget);
  const text = await readTextInput(positionals[0], ctx);
  let outcome;
  let templateSource: ReturnType<typeof describeTemplateSource> | undefined;
  if (values.template !== undefined) {
    const file = path.resolve(values.template);
    if (!fs.existsSync(file)) throw new VcError("not_found", "no such template file", file);
    outcome = parseText(
      { text, mode: "inline", inline: compileInline(fs.readFileSync(file, "utf8"), path.basename(file)) },
      // A template file needs no template source.
      { source: { kind: "explicit", dir: path.dirname(file), reason: "--template" }, budgetMs, clean: !!values.clean },
    );
  } else {
    const source = resolveTemplateSource({
      explicit: values.templates,
      env: ctx.env,
      libraryFile: ctx.home.templatesDb,
    });
    outcome = parseText(
      { text, mode: "index", platform: values.platform, command: values.command },
      { source, budgetMs, clean: !!values.clean },
    );
    templateSource = describeTemplateSource(source);
  }
  if (outcome.status === "no_template") throw new VcError("no_template", outcome.error ?? "no template");
  if (outcome.status === "parse_error") throw new VcError("parse_error", outcome.error ?? "parse failed");
  printJson(
    ctx.stdout,
    values.full
      ? { templates: outcome.templates, ...outcome.table, records: outcome.records, templateSource }
      : outcome.records,
  );
  return 0;
}

function conformanceCmd(args: string[], ctx: CliContext): number {
  const { values, positionals } = parseCommandArgs(args, {
    templates: { type: "string" },
    filter: { type: "string" },
    budget: { type: "string" },
  });
  if (positionals.length !== 1) throw new UsageError("conformance needs one <tests-dir>");
  const testsDir = path.resolve(positionals[0]);
  if (!fs.existsSync(testsDir) || !fs.statSync(testsDir).isDirectory())
    throw new VcError("not_found", "not a directory", testsDir);
  const templatesDir = path.resolve(values.templates ?? path.join(testsDir, "..", "templates"));
  const summary = runConformance(testsDir, templatesDir, {
    filter: values.filter,
    budgetMs: budget(values.budget),
    onResult: (r) => {
      if (r.passed) return;
      writeLine(
        ctx.stdout,
        `FAIL ${r.id} (${r.platform} / ${r.command}${r.templates.length ? ` -> ${r.templates.join(", ")}` : ""})`,
      );
      if (r.error) writeLine(ctx.stdout, `  error: ${r.error}`);
      for (const d of r.diff) writeLine(ctx.stdout, `  ${d}`);
    },
  });
  writeLine(ctx.stdout, `${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed === 0 && summary.passed > 0 ? 0 : 1;
}

export const command: CliCommand = {
  name: "textfsm",
  summary: "parse outputs with TextFSM, run the ntc-templates conformance suite",
  usage: USAGE,
  async run(args, ctx) {
    const [handler, rest] = pickSubcommand("textfsm", { parse: parseCmd, conformance: conformanceCmd }, args);
    return handler(rest, ctx);
  },
};
