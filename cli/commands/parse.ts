import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError } from "../../lib/core/errors";
import type { Device } from "../../lib/core/types";
import { parseCommandArgs, printJson, writeLine, type CliCommand, type CliContext } from "../command";
import { DEVICE_FILTER_OPTIONS } from "../device-filter";
import { FILTER_OPTIONS, selectDevices } from "./collect";

const USAGE = `Usage: vcollector parse [--capture-type <type>] [device filters] [--template <name> | --auto]
                       [--min-score <s>] [--json] [--output <file>]

Parses the stored captures (the latest capture per device and capture type, under the data
home's collections/) and writes the records in the shape "vcollector export --input" reads:
one entry per device x command with device, platform, command, capture_type, collected_at,
template, score, status, error and records. A capture of several commands is split back into
its commands (the commands are recorded in collector.db at collection time).

The template is picked as vc-textfsm picks it: by the ntc index from the device's platform (from
the inventory) and the command (from the capture's record), or named (--template), or
auto-detected (--auto). Templates: --templates, else $NET_TEXTFSM, else the ntc-templates bundled
with the package, overridden by your template library (vcollector templates where).

Captures:
  --capture-type <type>     only this capture type (default: every type)
  --collections <dir>       the collections directory (default: the data home's collections/)
Devices (from the inventory; without filters, every captured device):
  --inventory <file>, --site, --role, --platform, --vendor, --status, --tag, --name <regex>,
  --credential-status <ok|failed|untested>, --limit <n>
Templates:
  --template <name>         one named template for every capture
  --auto                    auto-detect each output's template
  --min-score <0..1>        with --auto: the detected template must score at least this
  --command "<cmd>"         the command, for captures whose command is not recorded
  --templates <dir>         a templates directory instead of the default
  --budget <ms>             time budget of each parse (with --auto: of each detection)
Output:
  --output <file>           write the JSON there (atomically) and print one line per entry;
                            without it, the JSON goes to standard output
  --json                    with --output: the summary as JSON

Exit codes: 0 every entry parsed (ok or zero records), 1 a capture had no template or failed
to parse (the others are still written), or no capture was found; 2 usage error.

Cron: vcollector collect ... --capture-type version && vcollector parse --capture-type version
      --output v.json && vcollector export --format csv --input v.json --output v.csv`;

const OPTIONS = {
  ...FILTER_OPTIONS,
  "capture-type": { type: "string" },
  collections: { type: "string" },
  template: { type: "string" },
  auto: { type: "boolean" },
  "min-score": { type: "string" },
  command: { type: "string" },
  templates: { type: "string" },
  budget: { type: "string" },
  output: { type: "string" },
  json: { type: "boolean" },
} as const;

function minScoreOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--min-score must be a number from 0 to 1, got '${value}'`);
  return n;
}

function budgetOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--budget must be a positive number of milliseconds, got '${value}'`);
  return n;
}

/** Inventory devices by the name their capture files carry (safeSegment of the device name). */
function devicesByFileName(
  ctx: CliContext,
  values: Record<string, unknown>,
  filtered: boolean,
): Map<string, Device> | undefined {
  const { safeSegment } = require("../../lib/core/captures/layout") as typeof import("../../lib/core/captures/layout");
  const inventory = typeof values.inventory === "string" ? path.resolve(values.inventory) : ctx.home.dcimDb;
  if (!fs.existsSync(inventory)) {
    if (filtered) throw new VcError("inventory_not_found", "device filters need an inventory", inventory);
    return undefined;
  }
  const selected = selectDevices(ctx, values, { writable: false });
  try {
    return new Map(selected.devices.map((d) => [safeSegment(d.name), d]));
  } finally {
    selected.close();
  }
}

export const command: CliCommand = {
  name: "parse",
  summary: "parse stored captures with TextFSM into records that export reads",
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, OPTIONS, false);
    if (values.template !== undefined && values.auto) throw new UsageError("give --template or --auto, not both");
    const minScore = minScoreOption(values["min-score"]);
    if (minScore !== undefined && !values.auto) throw new UsageError("--min-score goes with --auto");
    if (values.json && values.output === undefined)
      throw new UsageError("--json formats the summary of --output; without --output the JSON is the output");
    const budgetMs = budgetOption(values.budget);
    const mode = values.auto ? "auto" : values.template !== undefined ? "template" : "index";

    const { listCaptures } =
      require("../../lib/core/captures/browse") as typeof import("../../lib/core/captures/browse");
    const { CollectorDb } =
      require("../../lib/core/collect/history") as typeof import("../../lib/core/collect/history");
    const parse = require("../../lib/core/parse") as typeof import("../../lib/core/parse");

    const filtered = Object.keys(DEVICE_FILTER_OPTIONS).some((k) => values[k as keyof typeof values] !== undefined);
    const devices = devicesByFileName(ctx, values, filtered || values.inventory !== undefined);
    const collections = path.resolve(values.collections ?? ctx.home.collections);
    const captureType = values["capture-type"];
    let files = fs.existsSync(collections)
      ? await listCaptures(collections, { captureTypes: captureType ? [captureType] : undefined })
      : [];
    if (filtered) files = files.filter((f) => devices?.has(f.device));
    if (files.length === 0)
      throw new VcError(
        "not_found",
        `no capture${captureType ? ` of type '${captureType}'` : ""}${filtered ? " of the selected devices" : ""} to parse`,
        collections,
      );

    const source = parse.resolveTemplateSource({
      explicit: values.templates,
      env: ctx.env,
      libraryFile: ctx.home.templatesDb,
    });
    const history = fs.existsSync(ctx.home.collectorDb) ? CollectorDb.open(ctx.home.collectorDb) : undefined;
    const entries: import("../../lib/core/parse").ParsedCaptureEntry[] = [];
    try {
      for (const file of files) {
        const device = devices?.get(file.device);
        const name = device?.name ?? file.device;
        // The latest row recorded for this file says which commands it holds, and when.
        const row = history
          ?.listCaptures({ deviceName: name, captureType: file.captureType })
          .filter((r) => path.resolve(r.path) === path.resolve(file.path))
          .at(-1);
        entries.push(
          ...parse.parseCapture(
            {
              device: name,
              platform: device?.platform,
              captureType: file.captureType,
              path: file.path,
              capturedAt: row?.capturedAt ?? file.capturedAt.toISOString(),
              commands: row?.commands ?? undefined,
            },
            { mode, source, template: values.template, minScore, command: values.command, budgetMs },
          ),
        );
      }
    } finally {
      history?.close();
    }

    const failed = entries.filter((e) => e.status === "no_template" || e.status === "parse_error");
    if (values.output === undefined) {
      printJson(ctx.stdout, entries);
      return failed.length > 0 ? 1 : 0;
    }
    const { writeFileAtomic } = require("../../lib/core/export") as typeof import("../../lib/core/export");
    const output = path.resolve(values.output);
    fs.mkdirSync(path.dirname(output), { recursive: true });
    await writeFileAtomic(output, [JSON.stringify(entries, null, 2) + "\n"]);
    const summary = {
      output,
      entries: entries.length,
      ok: entries.filter((e) => e.status === "ok").length,
      zeroRecords: entries.filter((e) => e.status === "zero_records").length,
      failed: failed.length,
      records: entries.reduce((n, e) => n + e.record_count, 0),
      templates: { kind: source.kind, dir: source.dir },
    };
    if (values.json) printJson(ctx.stdout, summary);
    else {
      for (const e of entries)
        writeLine(
          ctx.stdout,
          `${e.device} ${e.command}: ${e.status}, ${e.record_count} records${e.template ? ` (${e.template}${e.score !== undefined ? `, score ${e.score}` : ""})` : ""}${e.error ? `: ${e.error}` : ""}${e.note ? ` [${e.note}]` : ""}`,
        );
      writeLine(
        ctx.stdout,
        `wrote ${output}: ${summary.entries} entries, ${summary.ok} ok, ${summary.zeroRecords} empty, ${summary.failed} failed, ${summary.records} records`,
      );
    }
    return failed.length > 0 ? 1 : 0;
  },
};
