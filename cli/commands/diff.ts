import { UsageError } from "../../lib/core/errors";
import { parseCommandArgs, printJson, writeLine, type CliCommand } from "../command";
import { EXIT_CHANGED, openStoreForCli, parseVersion } from "./change-store";

const USAGE = `Usage: vcollector diff <device> [options]

Shows what changed between two versions of a device's capture (default: the latest version against
the one before). Lines that change on their own (clocks, uptimes, NTP drift, configuration stamps)
are ignored; secrets are masked unless --show-secrets.

Options:
  --type <t>             capture type (needed when the device has several, e.g. configs)
  --from <v>             older version number (default: the one before --to)
  --to <v>               newer version number (default: the latest)
  --list                 list the device's versions instead (version, time, size, +added -removed)
  --context <n>          context lines around each change (default 3)
  --show-secrets         do not mask secrets in the diff
  --json                 print the diff (or the list) as JSON
  --collections <dir>    the captures directory (default <home>/collections)

Exit codes: 0 no difference (or a single version), ${EXIT_CHANGED} a difference was printed, 1 failure
(unknown device or version), 2 usage error.`;

export const command: CliCommand = {
  name: "diff",
  summary: "show the changes between versions of a device's capture",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      type: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      list: { type: "boolean" },
      context: { type: "string" },
      "show-secrets": { type: "boolean" },
      json: { type: "boolean" },
      collections: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError("give one device name");
    const device = positionals[0];
    const from = parseVersion(values.from, "--from");
    const to = parseVersion(values.to, "--to");
    if (from !== undefined && to !== undefined && from >= to)
      throw new UsageError(`--from (${from}) must be older than --to (${to})`);
    const context = values.context === undefined ? 3 : Number(values.context);
    if (!Number.isInteger(context) || context < 0)
      throw new UsageError(`--context must be a whole number, got '${values.context}'`);
    const store = openStoreForCli(values.collections, ctx);
    try {
      let captureType = values.type;
      if (!captureType) {
        const types = store.captureTypesOf(device);
        if (types.length === 0) {
          writeLine(ctx.stderr, `vcollector diff: ${device}: no capture versions`);
          return 1;
        }
        if (types.length > 1)
          throw new UsageError(`${device} has several capture types (${types.join(", ")}): choose one with --type`);
        captureType = types[0];
      }
      if (values.list) {
        const rows = store.timeline(captureType, device);
        if (values.json) printJson(ctx.stdout, rows);
        else
          for (const r of rows)
            writeLine(
              ctx.stdout,
              `v${r.version}  ${r.capturedAt}  ${r.size} bytes  +${r.added} -${r.removed}  seen ${r.seen}x, last ${r.lastSeenAt}`,
            );
        return rows.length ? 0 : 1;
      }
      const d = store.diff(captureType, device, { from, to, redact: !values["show-secrets"], context });
      if (values.json) printJson(ctx.stdout, d);
      else if (d.status === "new")
        writeLine(
          ctx.stdout,
          `${d.captureType}/${d.deviceName}: only one version (v${d.to.version}, ${d.to.capturedAt})`,
        );
      else if (d.diff !== "") ctx.stdout.write(d.diff);
      return d.status === "changed" ? EXIT_CHANGED : 0;
    } finally {
      store.close();
    }
  },
};
