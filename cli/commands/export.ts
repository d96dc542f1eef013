import * as path from "node:path";
import { UsageError, VcError, errorMessage } from "../../lib/core/errors";
import {
  EXPORT_FORMATS,
  EXPORT_MODES,
  normaliseExportInput,
  renderExport,
  writeExport,
  type ExportFormat,
  type ExportMode,
  type ExportOptions,
} from "../../lib/core/export";
import { parseCommandArgs, writeLine, type CliCommand, readTextInput } from "../command";

const USAGE = `Usage: vcollector export --format json|ndjson|csv --input <file> [--output <file>] [options]

Exports parsed records as JSON (records plus metadata), NDJSON (one record per line) or CSV.
The input is JSON as vc-textfsm emits it: a list of {device, command, records} (metadata such as
platform, template, score, collected_at optional), device results carrying "parsed", or a JSON
export made by this command.

Options:
  --format <f>           json, ndjson or csv (required)
  --input <file>         the parsed input; "-" reads standard input (required)
  --output <path>        the file to write (atomically). With --mode device, command or
                         device-command it is a pattern that must contain {device} and/or
                         {command}; {capture_type}, {date}, {timestamp} and {ext} are also
                         replaced. Without --output the export goes to standard output
                         (combined mode only).
  --mode <m>             combined (default), device, command or device-command
  --list-separator <s>   joins list values in CSV cells (default ";")
  --no-formula-guard     keep CSV cells a spreadsheet would evaluate (= + @ tab CR, or '-'
                         before something not a number) as they are; by default they get a
                         leading ' (numbers such as -5 and a lone - are never changed)
  --no-header            CSV without its header row
  --no-context           CSV without the leading device and command columns
  --compact              JSON on one line

Bad input items are reported on stderr with their place (e.g. input[3].records: expected an
array); the other items are exported and the exit code is 1.
Exit codes: 0 ok, 1 failure or bad items, 2 usage error.`;

/** Splits an output path into the directory before the first placeholder and the pattern after it. */
export function splitOutputPath(output: string): { dir: string; pattern: string } {
  // Split BEFORE resolving: path.resolve would fold "{device}/.." away, and with it the check
  // that the pattern part never leaves the directory.
  const parts = output.split(/[\\/]/);
  const first = parts.findIndex((p) => p.includes("{"));
  if (first === -1) {
    const full = path.resolve(output);
    return { dir: path.dirname(full), pattern: path.basename(full) };
  }
  const before = parts.slice(0, first).join("/");
  const dir = path.resolve(before === "" && path.isAbsolute(output) ? "/" : before === "" ? "." : before);
  return { dir, pattern: parts.slice(first).join("/") };
}

function choice<T extends string>(value: string | undefined, allowed: readonly T[], option: string, fallback?: T): T {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`${option} is required (${allowed.join(", ")})`);
  }
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${option} must be one of ${allowed.join(", ")}, got '${value}'`);
  return value as T;
}

/** A bad path pattern is a mistake on the command line. */
async function asUsage<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof VcError && err.errorClass === "bad_path_pattern") throw new UsageError(err.message);
    throw err;
  }
}

export const command: CliCommand = {
  name: "export",
  summary: "export parsed records as JSON, NDJSON or CSV",
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        format: { type: "string" },
        input: { type: "string" },
        output: { type: "string" },
        mode: { type: "string" },
        "list-separator": { type: "string" },
        "no-formula-guard": { type: "boolean" },
        "no-header": { type: "boolean" },
        "no-context": { type: "boolean" },
        compact: { type: "boolean" },
      },
      false,
    );
    const format: ExportFormat = choice(values.format, EXPORT_FORMATS, "--format");
    const mode: ExportMode = choice(values.mode, EXPORT_MODES, "--mode", "combined");
    if (values.input === undefined) throw new UsageError("--input is required (a JSON file, or - for standard input)");
    if (values.output === undefined && mode !== "combined")
      throw new UsageError(`--mode ${mode} writes several files: give --output with a path pattern`);

    const text = await readTextInput(values.input, ctx);
    const source = values.input === "-" ? "stdin" : values.input;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new VcError("invalid_input", `invalid JSON: ${errorMessage(err)}`, source);
    }
    const { sets, problems } = normaliseExportInput(data);
    for (const p of problems) writeLine(ctx.stderr, `vcollector export: ${source}: ${p.where}: ${p.message} (skipped)`);

    const opts: ExportOptions = {
      format,
      mode,
      listSeparator: values["list-separator"],
      formulaGuard: !values["no-formula-guard"],
      header: !values["no-header"],
      contextColumns: !values["no-context"],
      pretty: !values.compact,
    };
    if (values.output === undefined) {
      const [out] = await asUsage(() => renderExport(sets, opts));
      ctx.stdout.write(
        typeof out.content === "string"
          ? out.content
          : JSON.stringify(out.content, null, opts.pretty ? 2 : undefined) + "\n",
      );
      return problems.length > 0 ? 1 : 0;
    }
    const { dir, pattern } = splitOutputPath(values.output);
    const result = await asUsage(() => writeExport(sets, { ...opts, dir, pathPattern: pattern }));
    for (const f of result.files) writeLine(ctx.stdout, `wrote ${f.path} (${f.recordCount} records, ${f.bytes} bytes)`);
    for (const f of result.failures) writeLine(ctx.stderr, `vcollector export: ${f.message}`);
    return problems.length > 0 || result.failures.length > 0 ? 1 : 0;
  },
};
