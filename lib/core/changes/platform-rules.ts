/**
 * PROVISIONAL per-platform rules for change detection, kept in this one file so that the merge
 * can switch them to the platform catalogue (lib/core/platforms `volatilePatterns(platform)`) and
 * the redaction module (lib/core/redact `redact(text, {platform})`). Everything else in
 * lib/core/changes takes these as injected inputs (`volatile: RegExp[]`, `redact?: (text) => string`).
 *
 * Volatile lines are dropped before two captures are compared (and from the diffs shown); the
 * stored capture keeps them. Sources: docs/reference change-detection notes (Oxidized models).
 */

/** Lines that change without a configuration change, on every platform (clocks, uptimes, size headers). */
const COMMON_VOLATILE: string[] = [
  "\\buptime\\b",
  "\\bUp ?Time\\s*:",
  "^\\s*(Current|System) time\\s*:",
  "^\\s*time\\s*:",
  // `show clock` style lines: 13:45:12.123 UTC Tue Mar 3 2026 / Tue Mar  3 13:45:12 2026
  "^\\*?\\d{1,2}:\\d{2}:\\d{2}(\\.\\d+)? \\S+ \\w{3} (\\w{3} +\\d{1,2}|\\d{2}/\\d{2}/)",
  "^\\w{3} \\w{3} +\\d{1,2} \\d{2}:\\d{2}:\\d{2} \\d{4}$",
  "^(Load for five secs|Time source is)",
];

const PLATFORM_VOLATILE: Record<string, string[]> = {
  cisco_ios: [
    "^Building configuration\\.\\.\\.$",
    "^Current configuration : \\S+",
    "^! (Last|No) configuration change (at|since)",
    "^! NVRAM config last updated at",
    "^ntp clock-period ",
    "Configuration last modified by",
  ],
  cisco_xe: [
    "^Building configuration\\.\\.\\.$",
    "^Current configuration : \\S+",
    "^! (Last|No) configuration change (at|since)",
    "^! NVRAM config last updated at",
    "^ntp clock-period ",
  ],
  cisco_xr: [
    "^Building configuration\\.\\.\\.$",
    "^!! (Last|No) configuration change",
    "^\\w{3} \\w{3} +\\d+ [\\d:.]+ \\w+$",
  ],
  cisco_nxos: ["^!Time:", "^!Running configuration last done at", "^Kernel uptime is"],
  arista_eos: ["^! Time:", "^! Command: ", "^! Startup-config ", "^Uptime:"],
  juniper_junos: ["^## Last (commit|changed):", "^Last configured:", "^(System booted|Protocols started):"],
  cisco_asa: [
    "^: (Saved|Written by|Serial Number|end)",
    "^Configuration (has not been modified|last modified by)",
    "^Start-up time",
  ],
  fortinet: ["^#conf_file_ver=", "^#config-version=", "^System time:", "^\\s+set \\S+ ENC \\S+$"],
  paloalto_panos: [
    "^(up)?time: ",
    "^app-",
    "^av-",
    "^threat-",
    "^wildfire-",
    "^wf-private",
    "^device-dictionary-",
    "^url-filtering",
    "^global-",
  ],
  hp_comware: ["^!Last configuration ", "uptime is"],
  hp_procurve: ["CPU", "Up Time", "^\\s*(Total|Free|Lowest|Missed)\\b"],
  aruba_aoscx: ["^(Up Time|CPU|Memory)", "Pkts .x", "Lowest", "Missed"],
};

/** Secrets masked in diffs sent onward (and before storage when asked): value only, keyword and type kept. */
const SECRET_RULES: Array<[RegExp, string]> = [
  [/^(enable (?:secret|password)(?: level \d+)?(?: \d)?) \S+/gm, "$1 <removed>"],
  [/^(username \S+(?: .*?)? (?:password|secret)(?: \d)?) \S+/gm, "$1 <removed>"],
  [/^(\s+(?:password|secret)(?: \d)?) \S+/gm, "$1 <removed>"],
  [/^(snmp-server community) \S+/gm, "$1 <removed>"],
  [/^(snmp-server host \S+(?: vrf \S+)?(?: informs?| traps?)?(?: version (?:1|2c|3 \w+))?) (\S+)/gm, "$1 <removed>"],
  [/(\bkey(?:-string)?(?: [07])?) (\S+)$/gm, "$1 <removed>"],
  [/(\bpre-shared-key(?: \d)?) \S+/gm, "$1 <removed>"],
  [/(neighbor \S+ password(?: \d)?) \S+/gm, "$1 <removed>"],
  [/^(\s*(?:tacacs|radius)-server .*?key(?: \d+)?) \S+/gm, "$1 <removed>"],
  [/^(\s*(?:secret|password) (?:sha512|\d+)) \S+/gm, "$1 <removed>"],
  [/"\$\d\$[^"]*"(; ## SECRET-DATA)/g, '"<removed>"$1'],
  [/(ssh-(?:rsa|dsa|ecdsa|ed25519)\S* )"[^"]*"(; ## SECRET-DATA)/g, '$1"<removed>"$2'],
  [/(\bcommunity) (\S+) \{/g, "$1 <removed> {"],
  [/((?:ftp|sftp|scp|https?):\/\/[^:/\s]+:)[^@\s]+@/g, "$1<removed>@"],
  [/(\bset \S*(?:passwd|password|secret|psksecret|key)\S* ENC) \S+/g, "$1 <removed>"],
  [/(\bphash) \S+/g, "$1 <removed>"],
  [/^(#private-encryption-key=).*$/gm, "$1<removed>"],
];

/** Provisional redaction (to be replaced by lib/core/redact): masks secret values, keeps the lines. */
export function provisionalRedact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_RULES) out = out.replace(pattern, replacement);
  return out;
}

/** The volatile line patterns for a platform: common ones, the platform's, then the user's extras. */
export function volatileFor(platform: string | undefined, extra: string[] = []): RegExp[] {
  const own = platform ? (PLATFORM_VOLATILE[platform] ?? []) : [];
  return [...COMMON_VOLATILE, ...own, ...extra].map((source) => new RegExp(source));
}

/** The redactor for a platform (the platform is unused until the catalogue-backed redaction arrives). */
export function redactorFor(_platform: string | undefined): (text: string) => string {
  return provisionalRedact;
}
