import * as path from "node:path";
import { namingDatabase } from "../database-errors";
import { parseCommandArgs, pickSubcommand, printJson, readTextInput, writeLine } from "../command";
import type { CliCommand, CliContext } from "../command";
import { UsageError } from "../../lib/core/errors";
import { TemplateLibrary, type TemplateInfo, type TemplateSource } from "../../lib/core/templates/library";
import { validateTemplateText } from "../../lib/core/templates/validate";
import { type DetectHints } from "../../lib/core/templates/detect";
import {
  bundledTemplatesDir,
  describeTemplateSource,
  detectorForSource,
  resolveTemplateSource,
  type TemplateSource as ParseTemplateSource,
} from "../../lib/core/parse";

const USAGE = `Usage: vcollector templates <subcommand> [options]

The template library (templates.db in the data home): ntc-templates imported from a directory,
plus your own templates. A user template overrides the ntc template of the same name.

Which templates parsing uses (vc-textfsm, Smart Export, textfsm parse, parse, detect): an
explicit directory (--templates), else $NET_TEXTFSM, else the ntc-templates bundled with the
package, with the templates of this library overriding them by name. "where" says which.

Subcommands:
  where [--templates <dir>] [--json]     which templates are used, and why
  import [<dir>] [--prune]               import or refresh ntc templates from a templates folder
                                         with its index (or an ntc-templates checkout); without
                                         <dir>, the ntc-templates bundled with the package;
                                         --prune removes ntc templates that are no longer there
  list [--source ntc|user] [--platform <p>] [--search <text>] [--all] [--json]
                                         list templates (--all: include overridden ntc ones)
  show <name> [--source ntc|user] [--json]
                                         print a template (--json: with its metadata)
  add <name> <file|-> [--platform <p>] [--command <pattern>]
                                         add a user template (checked before it is stored)
  edit <name> [<file|->] [--platform <p>] [--command <pattern>]
                                         change a user template; editing an ntc template
                                         creates your override of it
  rm <name> [--source ntc|user]          remove a template (default: the one served, i.e. your
                                         override if there is one)
  export <dir> [--source ntc|user] [--platform <p>] [<name>...]
                                         write templates as <name>.textfsm plus an index
  detect [--platform <p>] [--command "<cmd>"] [--type <capture type>] [--top <N>]
         [--templates <dir>] [--no-clean] [<input>|-]
                                         rank the templates for an output (file or stdin) and
                                         print the ranking and the best parse as JSON

Exit codes: 0 ok (detect: also when no template fits; see "fits"), 1 failure, 2 usage error.`;

const SOURCES = ["ntc", "user"];

function sourceOption(value: string | undefined): TemplateSource | undefined {
  if (value === undefined) return undefined;
  if (!SOURCES.includes(value)) throw new UsageError(`--source must be ntc or user, not '${value}'`);
  return value as TemplateSource;
}

function openLibrary(ctx: CliContext): TemplateLibrary {
  return TemplateLibrary.open(ctx.home.templatesDb, { validate: validateTemplateText });
}

function withLibrary<T>(ctx: CliContext, use: (library: TemplateLibrary) => T): T {
  const library = openLibrary(ctx);
  try {
    return use(library);
  } finally {
    library.close();
  }
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected ${what}`);
  return positionals[0];
}

function printTable(ctx: CliContext, templates: TemplateInfo[]): void {
  const rows = templates.map((t) => [
    t.name,
    t.source + (t.shadowed ? " (overridden)" : ""),
    t.platform ?? "-",
    t.command ?? "-",
  ]);
  const head = ["NAME", "SOURCE", "PLATFORM", "COMMAND"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [head, ...rows])
    writeLine(ctx.stdout, row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "));
  writeLine(ctx.stdout, `${templates.length} template${templates.length === 1 ? "" : "s"}`);
}

async function runImport(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { prune: { type: "boolean" } });
  if (positionals.length > 1)
    throw new UsageError("expected at most one directory: vcollector templates import [<dir>]");
  const dir = positionals[0] ?? bundledTemplatesDir();
  const report = withLibrary(ctx, (library) => library.importNtc(dir, { prune: values.prune }));
  writeLine(
    ctx.stdout,
    `imported from ${report.dir}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged` +
      (values.prune ? `, ${report.removed} removed` : "") +
      ` (${report.indexRows} index rows)`,
  );
  if (report.notInIndex.length > 0)
    writeLine(ctx.stdout, `not in the index (no platform/command): ${report.notInIndex.join(", ")}`);
  for (const skipped of report.skipped) writeLine(ctx.stderr, `skipped ${skipped.file}: ${skipped.reason}`);
  return report.skipped.length > 0 ? 1 : 0;
}

async function runList(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      source: { type: "string" },
      platform: { type: "string" },
      search: { type: "string" },
      all: { type: "boolean" },
      json: { type: "boolean" },
    },
    false,
  );
  const templates = withLibrary(ctx, (library) =>
    library.list({
      source: sourceOption(values.source),
      platform: values.platform,
      search: values.search,
      includeShadowed: values.all,
    }),
  );
  if (values.json) printJson(ctx.stdout, templates);
  else printTable(ctx, templates);
  return 0;
}

async function runShow(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { source: { type: "string" }, json: { type: "boolean" } });
  const name = onePositional(positionals, "one template name: vcollector templates show <name>");
  const template = withLibrary(ctx, (library) => library.require(name, sourceOption(values.source)));
  if (values.json) printJson(ctx.stdout, template);
  else ctx.stdout.write(template.text.endsWith("\n") ? template.text : template.text + "\n");
  return 0;
}

async function runAdd(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { platform: { type: "string" }, command: { type: "string" } });
  if (positionals.length !== 2)
    throw new UsageError("expected a name and a file: vcollector templates add <name> <file|->");
  const text = await readTextInput(positionals[1], ctx);
  const added = withLibrary(ctx, (library) =>
    library.addUserTemplate({ name: positionals[0], text, platform: values.platform, command: values.command }),
  );
  writeLine(ctx.stdout, `added user template ${added.name}`);
  return 0;
}

async function runEdit(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { platform: { type: "string" }, command: { type: "string" } });
  if (positionals.length < 1 || positionals.length > 2)
    throw new UsageError("expected a name and optionally a file: vcollector templates edit <name> [<file|->]");
  if (positionals.length === 1 && values.platform === undefined && values.command === undefined) {
    throw new UsageError("nothing to change: give a file, --platform or --command");
  }
  const text = positionals.length === 2 ? await readTextInput(positionals[1], ctx) : undefined;
  const updated = withLibrary(ctx, (library) =>
    library.updateUserTemplate(positionals[0], { text, platform: values.platform, command: values.command }),
  );
  writeLine(ctx.stdout, `saved user template ${updated.name}`);
  return 0;
}

async function runRemove(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { source: { type: "string" } });
  const name = onePositional(positionals, "one template name: vcollector templates rm <name>");
  const removed = withLibrary(ctx, (library) => library.remove(name, sourceOption(values.source)));
  writeLine(ctx.stdout, `removed ${removed.source} template ${removed.name}`);
  return 0;
}

async function runExport(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { source: { type: "string" }, platform: { type: "string" } });
  if (positionals.length < 1)
    throw new UsageError("expected a directory: vcollector templates export <dir> [<name>...]");
  const [dir, ...names] = positionals;
  const report = withLibrary(ctx, (library) =>
    library.exportTemplates(path.resolve(dir), {
      names,
      source: sourceOption(values.source),
      platform: values.platform,
    }),
  );
  writeLine(
    ctx.stdout,
    `exported ${report.files.length} template${report.files.length === 1 ? "" : "s"} to ${report.dir}${report.index ? " (with index)" : ""}`,
  );
  return 0;
}

function positiveInteger(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${option} must be a positive integer, not '${value}'`);
  return Number(value);
}

async function runDetect(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    platform: { type: "string" },
    command: { type: "string" },
    type: { type: "string" },
    top: { type: "string" },
    templates: { type: "string" },
    "no-clean": { type: "boolean" },
  });
  if (positionals.length > 1) throw new UsageError("expected at most one input file (or - for stdin)");
  const top = positiveInteger(values.top, "--top", 5);
  const output = await readTextInput(positionals[0], ctx);
  const hints: DetectHints = { platform: values.platform, command: values.command, captureType: values.type };
  const detector = detectorForSource(sourceFor(ctx, values.templates));
  const result = detector.detect(output, hints, { top, clean: !values["no-clean"] });
  printJson(ctx.stdout, result);
  return 0;
}

/** The templates parsing uses here: --templates, NET_TEXTFSM, else bundled + this library. */
function sourceFor(ctx: CliContext, explicit: string | undefined): ParseTemplateSource {
  return resolveTemplateSource({ explicit, env: ctx.env, libraryFile: ctx.home.templatesDb });
}

async function runWhere(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs(args, { templates: { type: "string" }, json: { type: "boolean" } }, false);
  const where = describeTemplateSource(sourceFor(ctx, values.templates));
  if (values.json) {
    printJson(ctx.stdout, where);
    return 0;
  }
  const label =
    where.kind === "bundled"
      ? `bundled ntc-templates${where.bundledCommit ? `, commit ${where.bundledCommit.slice(0, 12)}` : ""}`
      : where.kind === "NET_TEXTFSM"
        ? "NET_TEXTFSM"
        : where.kind === "explicit"
          ? "--templates"
          : "settings";
  writeLine(ctx.stdout, `templates: ${where.dir} (${label}, ${where.templates} templates)`);
  writeLine(ctx.stdout, `why: ${where.reason}`);
  if (where.library)
    writeLine(
      ctx.stdout,
      `library: ${where.library.file}: ${where.library.templates} templates (${where.library.user} your own) override the bundled ones by name`,
    );
  else if (where.kind === "bundled") writeLine(ctx.stdout, `library: ${ctx.home.templatesDb} holds no templates`);
  else writeLine(ctx.stdout, `library: not used (a templates directory was chosen)`);
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[], ctx: CliContext) => Promise<number>> = {
  where: runWhere,
  import: runImport,
  list: runList,
  show: runShow,
  add: runAdd,
  edit: runEdit,
  rm: runRemove,
  export: runExport,
  detect: runDetect,
};

export const command: CliCommand = {
  name: "templates",
  summary: "template library: where, import, list, show, export, rm, detect",
  usage: USAGE,
  async run(args, ctx) {
    const [handler, rest] = pickSubcommand("templates", SUBCOMMANDS, args);
    return handler(rest, ctx).catch((err: unknown) => {
      throw namingDatabase(err, ctx.home.templatesDb);
    });
  },
};
