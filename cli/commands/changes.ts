import { UsageError } from "../../lib/core/errors";
import { parseCommandArgs, printJson, writeLine, type CliCommand } from "../command";
import { EXIT_CHANGED, openStoreForCli, parseSince } from "./change-store";

const USAGE = `Usage: vcollector changes [options]

Lists the captures that changed significantly (and, unless --no-new, devices captured for the first
time): one line per new version. Prints nothing when nothing changed, so a cron job mails only on
change:   vcollector changes --since 24h --diff

Options:
  --since <when>         only changes at or after this: an age (30m, 24h, 7d) or a date (default 24h)
  --type <t>             only this capture type
  --diff                 print each change's diff (secrets masked) under its line
  --no-new               leave out devices captured for the first time
  --json                 print the changes (with their diffs when --diff) as JSON
  --collections <dir>    the captures directory (default <home>/collections)

Exit codes: 0 nothing changed, ${EXIT_CHANGED} changes were listed, 1 failure, 2 usage error.`;

export const command: CliCommand = {
  name: "changes",
  summary: "list capture changes (new versions) since a time; exit code 3 when there are any",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      since: { type: "string" },
      type: { type: "string" },
      diff: { type: "boolean" },
      "no-new": { type: "boolean" },
      json: { type: "boolean" },
      collections: { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const since = parseSince(values.since ?? "24h");
    const store = openStoreForCli(values.collections, ctx);
    try {
      const rows = store.changes({ since, captureType: values.type, includeNew: !values["no-new"] });
      const items = rows.map((row) => {
        const previous = store
          .timeline(row.captureType, row.deviceName)
          .filter((r) => r.version < row.version)
          .pop();
        const status = row.version === 1 ? "new" : "changed";
        return {
          row,
          status,
          diff: values.diff ? store.diffRows(previous, row, { redact: true }) : undefined,
          previous,
        };
      });
      if (values.json) {
        printJson(
          ctx.stdout,
          items.map((i) => ({
            device: i.row.deviceName,
            captureType: i.row.captureType,
            status: i.status,
            version: i.row.version,
            previousVersion: i.previous?.version,
            capturedAt: i.row.capturedAt,
            previousCapturedAt: i.previous?.capturedAt,
            added: i.row.added,
            removed: i.row.removed,
            runId: i.row.runId,
            ...(i.diff ? { diff: i.diff.diff } : {}),
          })),
        );
      } else {
        for (const i of items) {
          const versions = i.previous ? `v${i.previous.version} -> v${i.row.version}` : `new v${i.row.version}`;
          writeLine(
            ctx.stdout,
            `${i.row.capturedAt}  ${i.row.captureType}/${i.row.deviceName}  ${versions}  +${i.row.added} -${i.row.removed}`,
          );
          if (i.diff && i.status === "changed") ctx.stdout.write(i.diff.diff);
        }
      }
      return items.length ? EXIT_CHANGED : 0;
    } finally {
      store.close();
    }
  },
};
