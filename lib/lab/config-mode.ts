/**
 * A minimal configuration mode for the lab's IOS, EOS, NX-OS and Junos devices, so that a test
 * (or a user trying the pack) can make a real change between two collections:
 *   IOS/EOS/NX-OS: configure terminal · hostname NAME · interface NAME · description TEXT ·
 *                  no description · exit · end
 *   Junos:         configure · set system host-name NAME · set interfaces NAME description "TEXT" ·
 *                  delete interfaces NAME description · commit · exit
 * Changes last for the lab run (they live on the device's behaviour, shared by its sessions) and
 * show in `show running-config` / `show configuration`.
 */
export interface LabConfigState {
  /** Interface name as typed in the configuration → description (null: removed). */
  descriptions: Map<string, string | null>;
  /** Junos: edits waiting for `commit`. */
  candidate: Array<(state: LabConfigState, hostname: { set(name: string): void }) => void>;
  /** Junos: time of the last commit (shown in `## Last commit:`). */
  committedAt?: Date;
}

export function newConfigState(): LabConfigState {
  return { descriptions: new Map(), candidate: [] };
}

/** Platforms with a configuration mode, and the indent of an interface's sub-commands. */
const INDENT: Record<string, string> = { cisco_ios: " ", arista_eos: "   ", cisco_nxos: "  " };

export function hasConfigMode(platform: string): boolean {
  return platform in INDENT || platform === "juniper_junos";
}

/** The response commands whose output shows the configuration. */
export function isConfigShow(command: string): boolean {
  return command === "show running-config" || command === "show configuration";
}

export type ConfigLineResult =
  | { kind: "ok"; output?: string }
  | { kind: "mode"; mode: "privileged" | "config"; interface?: string }
  | { kind: "invalid" }
  | { kind: "unhandled" };

/** Where a session is in configuration mode: the interface being configured, if any. */
export interface ConfigContext {
  platform: string;
  interface?: string;
}

const unquote = (text: string) => text.trim().replace(/^"(.*)"$/, "$1");

/**
 * One line typed in configuration mode. `unhandled` lets the session resolve it as usual
 * (`end`, `exit` from the platform file).
 */
export function configLine(
  state: LabConfigState,
  ctx: ConfigContext,
  line: string,
  hostname: { set(name: string): void },
): ConfigLineResult {
  const text = line.trim();
  if (ctx.platform === "juniper_junos") return junosLine(state, text, hostname);
  if (!(ctx.platform in INDENT)) return { kind: "unhandled" };
  let m: RegExpExecArray | null;
  if ((m = /^hostname\s+(\S+)$/i.exec(text))) {
    hostname.set(m[1]);
    return { kind: "ok" };
  }
  if ((m = /^int(?:e(?:r(?:f(?:a(?:c(?:e)?)?)?)?)?)?\s+(\S.*)$/i.exec(text)))
    return { kind: "mode", mode: "config", interface: m[1].replace(/\s+/g, "") };
  if (ctx.interface) {
    if ((m = /^desc(?:r(?:i(?:p(?:t(?:i(?:o(?:n)?)?)?)?)?)?)?\s+(.+)$/i.exec(text))) {
      state.descriptions.set(ctx.interface, m[1].trim());
      return { kind: "ok" };
    }
    if (/^no\s+desc\w*$/i.test(text)) {
      state.descriptions.set(ctx.interface, null);
      return { kind: "ok" };
    }
    if (/^exit$/i.test(text)) return { kind: "mode", mode: "config" };
    if (/^end$/i.test(text)) return { kind: "mode", mode: "privileged" };
    return { kind: "invalid" };
  }
  return { kind: "unhandled" };
}

function junosLine(state: LabConfigState, text: string, hostname: { set(name: string): void }): ConfigLineResult {
  let m: RegExpExecArray | null;
  if ((m = /^set\s+system\s+host-name\s+(\S+)$/.exec(text))) {
    const name = m[1];
    state.candidate.push((_s, h) => h.set(name));
    return { kind: "ok" };
  }
  if ((m = /^set\s+interfaces\s+(\S+)\s+description\s+(.+)$/.exec(text))) {
    const [ifname, description] = [m[1], unquote(m[2])];
    state.candidate.push((s) => s.descriptions.set(ifname, description));
    return { kind: "ok" };
  }
  if ((m = /^delete\s+interfaces\s+(\S+)\s+description$/.exec(text))) {
    const ifname = m[1];
    state.candidate.push((s) => s.descriptions.set(ifname, null));
    return { kind: "ok" };
  }
  if (/^commit(\s+and-quit)?$/.test(text)) {
    for (const edit of state.candidate.splice(0)) edit(state, hostname);
    state.committedAt = new Date();
    return /and-quit/.test(text) ? { kind: "mode", mode: "privileged" } : { kind: "ok", output: "commit complete" };
  }
  if (/^rollback(\s+0)?$/.test(text)) {
    state.candidate.length = 0;
    return { kind: "ok", output: "load complete" };
  }
  if (/^(set|delete)\s/.test(text)) return { kind: "invalid" };
  return { kind: "unhandled" };
}

/** The configuration text with the run's changes applied. */
export function applyConfigState(text: string, state: LabConfigState, platform: string, now = new Date()): string {
  if (state.descriptions.size === 0 && !state.committedAt) return text;
  if (platform === "juniper_junos") return applyJunos(text, state, now);
  const indent = INDENT[platform];
  if (indent === undefined) return text;
  const lines = text.split("\n");
  for (const [ifname, description] of state.descriptions) {
    const start = lines.findIndex((l) => sameInterface(l.replace(/\r$/, "").match(/^interface\s+(\S+)$/)?.[1], ifname));
    if (start < 0) {
      if (description === null) continue;
      const at = lastEnd(lines);
      lines.splice(at, 0, `interface ${ifname}`, `${indent}description ${description}`, "!");
      continue;
    }
    let end = start + 1;
    while (end < lines.length && /^\s+\S/.test(lines[end])) end++;
    const existing = lines.slice(start + 1, end).findIndex((l) => /^\s+description\s/.test(l));
    const subIndent = lines[start + 1]?.match(/^(\s+)\S/)?.[1] ?? indent;
    const cr = lines[start].endsWith("\r") ? "\r" : "";
    if (existing >= 0) {
      if (description === null) lines.splice(start + 1 + existing, 1);
      else lines[start + 1 + existing] = `${subIndent}description ${description}${cr}`;
    } else if (description !== null) {
      lines.splice(start + 1, 0, `${subIndent}description ${description}${cr}`);
    }
  }
  return lines.join("\n");
}

function lastEnd(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (/^end\s*$/.test(lines[i])) return i;
  let i = lines.length;
  while (i > 0 && lines[i - 1].trim() === "") i--;
  return i;
}

/** `Gi0/0/1` names `GigabitEthernet0/0/1`: same numbers, typed type a prefix of the configured one. */
function sameInterface(configured: string | undefined, typed: string): boolean {
  if (!configured) return false;
  const a = configured.toLowerCase();
  const b = typed.toLowerCase();
  if (a === b) return true;
  const [, at, an] = /^([a-z-]*)(.*)$/.exec(a)!;
  const [, bt, bn] = /^([a-z-]*)(.*)$/.exec(b)!;
  return bt !== "" && an === bn && at.startsWith(bt);
}

function applyJunos(text: string, state: LabConfigState, now: Date): string {
  const lines = text.split("\n");
  if (state.committedAt) {
    const stamp = junosStamp(state.committedAt ?? now);
    const i = lines.findIndex((l) => l.startsWith("## Last commit:"));
    if (i >= 0) lines[i] = `## Last commit: ${stamp} by admin`;
  }
  let top = lines.findIndex((l) => /^interfaces \{\s*$/.test(l));
  if (top < 0 && [...state.descriptions.values()].some((d) => d !== null)) {
    lines.splice(lastNonEmpty(lines), 0, "interfaces {", "}");
    top = lines.findIndex((l) => /^interfaces \{\s*$/.test(l));
  }
  for (const [ifname, description] of state.descriptions) {
    if (top < 0) break;
    let close = top + 1;
    while (close < lines.length && !/^\}/.test(lines[close])) close++;
    const start = lines.slice(top + 1, close).findIndex((l) => l === `    ${ifname} {`);
    const quoted = `        description "${description}";`;
    if (start < 0) {
      if (description !== null) lines.splice(top + 1, 0, `    ${ifname} {`, quoted, "    }");
      continue;
    }
    const at = top + 1 + start;
    if (/^ {8}description /.test(lines[at + 1] ?? "")) {
      if (description === null) lines.splice(at + 1, 1);
      else lines[at + 1] = quoted;
    } else if (description !== null) lines.splice(at + 1, 0, quoted);
  }
  return lines.join("\n");
}

function lastNonEmpty(lines: string[]): number {
  let i = lines.length;
  while (i > 0 && lines[i - 1].trim() === "") i--;
  return i;
}

function junosStamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
}
