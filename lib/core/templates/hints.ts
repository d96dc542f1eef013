import { expandCompletion } from "../textfsm";
import { templateMatchesPlatform } from "./library";

/**
 * Narrowing the candidate templates with what the caller knows about an output. Every hint is
 * optional; one that matches no template is dropped (and reported) rather than leaving nothing
 * to rank.
 */
export interface DetectHints {
  /** netmiko / ntc platform, e.g. "cisco_ios". */
  platform?: string;
  /** The command that produced the output, e.g. "show ip arp". */
  command?: string;
  /** A capture type such as "arp", "mac", "routes", "version" (VelocityCollector's names). */
  captureType?: string;
}

export interface HintTarget {
  name: string;
  platform: string | null;
  command: string | null;
}

/** Capture types → what the template name must contain (the ntc name is platform_command). */
const CAPTURE_TYPE_PATTERNS: Record<string, RegExp> = {
  arp: /arp/,
  mac: /mac[-_]?address|mac_table|mac-table/,
  routes: /route/,
  route: /route/,
  version: /version/,
  "bgp-summary": /bgp.*summ/,
  "bgp-neighbor": /bgp.*neighbor/,
  "ospf-neighbor": /ospf.*neighbor/,
  lldp: /lldp/,
  cdp: /cdp/,
  inventory: /inventory/,
  "interface-status": /interfaces?_(status|brief)|interface_brief/,
  "int-status": /interfaces?_(status|brief)|interface_brief/,
  interfaces: /interface/,
  vlans: /vlan/,
  configs: /running-config|config/,
};

const VERBS = new Set(["show", "sh", "display", "dis", "get"]);

const commandRegexCache = new Map<string, RegExp | null>();

/** The ntc index command pattern as a prefix regex (`sh[[ow]]` → `sh(o(w)?)?`), or null if broken. */
export function commandPatternRegex(pattern: string): RegExp | null {
  let regex = commandRegexCache.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(`^(?:${expandCompletion(pattern)})`);
    } catch {
      regex = null;
    }
    commandRegexCache.set(pattern, regex);
  }
  return regex;
}

function commandWords(command: string): string[] {
  return command
    .toLowerCase()
    .split(/[\s_|]+/)
    .filter((w) => w.length > 2 && !VERBS.has(w) && /^[a-z0-9-]+$/.test(w));
}

export function captureTypePattern(captureType: string): RegExp {
  const key = captureType.trim().toLowerCase();
  const known = CAPTURE_TYPE_PATTERNS[key];
  if (known) return known;
  const escaped = key
    .split(/[\s_-]+/)
    .filter((w) => w !== "")
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(escaped.join(".*"));
}

export interface HintSelection<T> {
  candidates: T[];
  /** Hints that matched nothing and were therefore not applied. */
  ignored: string[];
  /** Templates whose index command pattern matches the command hint (ranked first on ties). */
  commandMatches: Set<T>;
}

function narrow<T>(items: T[], keep: (item: T) => boolean, label: string, ignored: string[]): T[] {
  const kept = items.filter(keep);
  if (kept.length > 0) return kept;
  ignored.push(label);
  return items;
}

/** Applies the hints in order platform → command → capture type. */
export function selectCandidates<T extends HintTarget>(templates: T[], hints: DetectHints = {}): HintSelection<T> {
  const ignored: string[] = [];
  let candidates = templates;
  const platform = hints.platform?.trim();
  if (platform)
    candidates = narrow(
      candidates,
      (t) => templateMatchesPlatform(t, platform),
      `platform '${platform}' matches no template`,
      ignored,
    );
  const commandMatches = new Set<T>();
  const command = hints.command?.trim().replace(/\s+/g, " ");
  if (command) {
    for (const t of candidates) {
      const regex = t.command ? commandPatternRegex(t.command) : null;
      if (regex && regex.test(command)) commandMatches.add(t);
    }
    if (commandMatches.size > 0) candidates = candidates.filter((t) => commandMatches.has(t));
    else {
      const words = commandWords(command);
      candidates =
        words.length === 0
          ? candidates
          : narrow(
              candidates,
              (t) => words.every((w) => t.name.toLowerCase().includes(w)),
              `command '${command}' matches no template`,
              ignored,
            );
    }
  }
  const captureType = hints.captureType?.trim();
  if (captureType) {
    const pattern = captureTypePattern(captureType);
    candidates = narrow(
      candidates,
      (t) => pattern.test(t.name.toLowerCase()),
      `capture type '${captureType}' matches no template`,
      ignored,
    );
  }
  return { candidates, ignored, commandMatches };
}
