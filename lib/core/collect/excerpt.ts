import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_NON_CONFIG_MAX_OUTPUT_BYTES } from "../defaults";
import type { CommandResult, DeviceResult } from "../types";

/**
 * Big outputs live in their capture files, not in memory or messages. A result keeps at most
 * IN_MEMORY_OUTPUT_CHARS of each command's output (enough for every usual `show` output, so flows
 * parsing msg.payload are unaffected); `vcollector collect --json` prints at most
 * JSON_OUTPUT_CHARS. A cut output says so: `outputTruncated: true` and `outputBytes` (the whole
 * size); the whole text is in the file named by `capturePaths`.
 */
export const IN_MEMORY_OUTPUT_CHARS = 1024 * 1024;
export const JSON_OUTPUT_CHARS = 64 * 1024;

export function excerptCommand(c: CommandResult, maxChars: number): CommandResult {
  if (c.output.length <= maxChars) return c;
  return {
    ...c,
    // A copy, not a slice: a V8 sliced string would keep the whole output alive.
    output: Buffer.from(c.output.slice(0, maxChars), "utf8").toString("utf8"),
    outputTruncated: true,
    outputBytes: c.outputBytes ?? Buffer.byteLength(c.output, "utf8"),
  };
}

/** The result with every command's output cut to `maxChars` (a copy; the input is unchanged). */
export function excerptResult(r: DeviceResult, maxChars: number): DeviceResult {
  if (r.commands.every((c) => c.output.length <= maxChars)) return r;
  return { ...r, commands: r.commands.map((c) => excerptCommand(c, maxChars)) };
}

/** Output cap per command when the caller sets none: configurations can be big, other outputs rarely are. */
export const DEFAULT_CONFIG_OUTPUT_CAP = DEFAULT_MAX_OUTPUT_BYTES;
export const DEFAULT_OTHER_OUTPUT_CAP = DEFAULT_NON_CONFIG_MAX_OUTPUT_BYTES;

const CONFIG_COMMAND =
  /\b(run(ning)?(-config)?|startup(-config)?|config(uration)?|current-configuration|saved-configuration|backup)\b/i;

/** The default per-command output cap for a run: the larger one when any command shows a configuration. */
export function defaultMaxOutputBytes(commands: string[]): number {
  return commands.some((c) => CONFIG_COMMAND.test(c)) ? DEFAULT_CONFIG_OUTPUT_CAP : DEFAULT_OTHER_OUTPUT_CAP;
}
