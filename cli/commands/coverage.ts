import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, VcError } from "../../lib/core/errors";
import { parseAge } from "../../lib/core/captures/browse";
import {
  buildCoverage,
  captureRunLookup,
  coverageHtml,
  type CaptureRunLookup,
  parseDeviceList,
  type CoverageDevice,
  type CoverageReport,
} from "../../lib/core/coverage";
import { writeFileAtomic } from "../../lib/core/export";
import { parseCommandArgs, writeLine, type CliCommand } from "../command";

const USAGE = `Usage: vcollector coverage [--html <file>] [--json <file>] [options]

Devices x capture types: for every device the latest capture of each type (age, size) or a gap.
Devices are those of --devices plus every device seen in the captures. A capture written by a run
that was interrupted (its process ended mid-run, see "vcollector history") is marked as such.

Options:
  --html <file>          write the report as one self-contained HTML file
  --json <file>          write the report as JSON ("-" for standard output)
  --devices <file>       the devices expected: one name per line, a JSON list (names, or objects
                         with name, site, platform), or a CSV file with a name column
  --inventory <file>     the devices expected, from an inventory: a dcim.db (e.g. <home>/dcim.db),
                         an inventory CSV or JSON file, read as "vcollector inventory" reads it
  --type <t>             a capture type column (repeatable; default every type found)
  --stale <age>          captures older than this are marked stale (default 7d)
  --collections <dir>    the captures directory (default <home>/collections)

Without --html or --json, a summary is printed. Exit codes: 0 ok, 1 failure, 2 usage error.`;

function summaryLines(report: CoverageReport): string[] {
  const s = report.summary;
  const lines = [
    `coverage: ${s.devices} devices x ${s.captureTypes} capture types, ${s.present} of ${s.cells} present (${s.coveragePct}%), ${s.missing} missing, ${s.stale} stale${s.interrupted > 0 ? `, ${s.interrupted} from interrupted runs` : ""}`,
  ];
  const width = Math.max(0, ...report.perType.map((t) => t.captureType.length));
  for (const t of report.perType)
    lines.push(`  ${t.captureType.padEnd(width)}  ${t.present}/${t.present + t.missing}  ${t.coveragePct}%`);
  const gaps = report.rows.filter((r) => r.missing > 0);
  if (gaps.length > 0) {
    lines.push("missing:");
    for (const r of gaps)
      lines.push(`  ${r.device}: ${report.captureTypes.filter((t) => !r.cells[t].present).join(", ")}`);
  }
  const interrupted = report.rows.flatMap((r) =>
    report.captureTypes
      .map((t) => ({ t, c: r.cells[t] }))
      .filter(({ c }) => c.present && c.interrupted)
      .map(({ t, c }) => `  ${r.device}: ${t} (run ${c.present ? (c.run?.runId ?? "?") : "?"} was interrupted)`),
  );
  if (interrupted.length > 0) lines.push("from interrupted runs:", ...interrupted);
  return lines;
}

/** Which run wrote each capture, when the home has a collector.db (runs left "running" by a dead process become interrupted on open). */
function withRunLookup<T>(file: string, use: (runOf?: CaptureRunLookup) => Promise<T>): Promise<T> {
  if (!fs.existsSync(file)) return use(undefined);
  const { CollectorDb } = require("../../lib/core/collect/history") as typeof import("../../lib/core/collect/history");
  const db = CollectorDb.open(file);
  return use(captureRunLookup(db)).finally(() => db.close());
}

function readDevices(file: string): CoverageDevice[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new VcError("not_found", `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`, file);
  }
  return parseDeviceList(text, file);
}

function inventoryDevices(source: string): CoverageDevice[] {
  // Loaded only when asked for: the inventory brings SQLite with it.
  const { loadDevices } = require("../../lib/core/inventory") as typeof import("../../lib/core/inventory");
  return loadDevices(source).map((d) => ({ name: d.name, site: d.site, platform: d.platform }));
}

export const command: CliCommand = {
  name: "coverage",
  summary: "coverage report: devices x capture types, as HTML or JSON",
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        html: { type: "string" },
        json: { type: "string" },
        devices: { type: "string" },
        inventory: { type: "string" },
        type: { type: "string", multiple: true },
        stale: { type: "string" },
        collections: { type: "string" },
      },
      false,
    );
    let staleAfterMs: number | undefined;
    try {
      staleAfterMs = values.stale !== undefined ? parseAge(values.stale, "--stale") : undefined;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const report = await withRunLookup(ctx.home.collectorDb, (runOf) =>
      buildCoverage({
        collections: values.collections ?? ctx.home.collections,
        devices: [
          ...(values.devices !== undefined ? readDevices(values.devices) : []),
          ...(values.inventory !== undefined ? inventoryDevices(values.inventory) : []),
        ],
        captureTypes: values.type,
        staleAfterMs,
        runOf,
      }),
    );

    const written: string[] = [];
    if (values.html !== undefined) {
      const file = path.resolve(values.html);
      await writeFileAtomic(file, [coverageHtml(report)]);
      written.push(file);
    }
    if (values.json === "-") {
      ctx.stdout.write(JSON.stringify(report, null, 2) + "\n");
      return 0;
    }
    if (values.json !== undefined) {
      const file = path.resolve(values.json);
      await writeFileAtomic(file, [JSON.stringify(report, null, 2) + "\n"]);
      written.push(file);
    }
    const [first, ...rest] = summaryLines(report);
    writeLine(ctx.stdout, first);
    if (written.length === 0) for (const line of rest) writeLine(ctx.stdout, line);
    for (const file of written) writeLine(ctx.stdout, `wrote ${file}`);
    return 0;
  },
};
