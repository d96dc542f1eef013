import * as fs from "node:fs";
import * as path from "node:path";

/** Lab responses in the ntc tests layout: one 60-line output per platform, for byte-exact comparisons. */
export const FIXTURE_RESPONSES = path.join(__dirname, "fixtures", "responses");
export const FIXTURE_TEXT = fs
  .readFileSync(path.join(FIXTURE_RESPONSES, "cisco_ios", "show_vc-lines", "vc_lines.raw"), "utf8")
  .replace(/\n+$/, "");

const VERB: Record<string, string> = { hp_comware: "display", fortinet: "get" };

/** The platform's command word for show commands. */
export function showVerb(platform: string): string {
  return VERB[platform] ?? "show";
}

/** The fixture command on a platform. */
export function linesCommand(platform: string): string {
  return `${showVerb(platform)} vc-lines`;
}
