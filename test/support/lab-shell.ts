import type { LabDeviceInfo } from "../../lib/lab";
import { openShell, type LoginOptions, type RawShell } from "./lab";

/**
 * Prompt-aware helpers over a raw lab shell: the prompt each platform shows, a login that gets
 * past ProCurve's "Press any key", and typing a line up to the next prompt.
 */
// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (text: string) => text.replace(ANSI, "");

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The prompt a lab device shows in its starting mode (privileged unless an enable secret is set). */
export function expectedPrompt(
  device: Pick<LabDeviceInfo, "platform" | "hostname" | "username" | "enableSecret">,
): string {
  const h = device.hostname;
  const u = device.username;
  const unprivileged = device.enableSecret !== undefined;
  switch (device.platform) {
    case "cisco_ios":
    case "arista_eos":
      return `${h}${unprivileged ? ">" : "#"}`;
    case "cisco_xr":
      return `RP/0/RSP0/CPU0:${h}#`;
    case "cisco_nxos":
      return `${h}# `;
    case "hp_procurve":
    case "aruba_aoscx":
      return `${h}${unprivileged ? ">" : "#"} `;
    case "juniper_junos":
    case "paloalto_panos":
      return `${u}@${h}> `;
    case "hp_comware":
      return `<${h}>`;
    case "fortinet":
      return `${h} # `;
    default:
      throw new Error(`no prompt known for ${device.platform}`);
  }
}

/** Matches `prompt` at the very end of the output, allowing trailing ANSI decorations. */
export function promptPattern(prompt: string): RegExp {
  return new RegExp(`${escapeRe(prompt)}(?:\\x1b\\[[0-9;?]*[A-Za-z])*$`);
}

export interface LabSession {
  shell: RawShell;
  prompt: RegExp;
  /** Types a line and returns everything up to and including the next prompt. */
  run(line: string, until?: RegExp): Promise<string>;
}

export async function login(device: LabDeviceInfo, opts: LoginOptions = {}): Promise<LabSession> {
  const shell = await openShell(device, opts);
  if (device.platform === "hp_procurve") {
    await shell.expect(/Press any key to continue$/);
    shell.write(" ");
  }
  const prompt = promptPattern(expectedPrompt(device));
  await shell.expect(prompt, { timeoutMs: 8000 });
  return {
    shell,
    prompt,
    run: async (line, until = prompt) => {
      const from = shell.output.length;
      shell.write(line + "\n");
      return shell.expect(until, { from, timeoutMs: 8000 });
    },
  };
}
