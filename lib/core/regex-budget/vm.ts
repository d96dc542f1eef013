import { compileVm, type LinearMatcher } from "../textfsm/regex/linear";
import { parseJsRegex } from "./js-syntax";
import { lineHitsBy, type LineHit } from "./lines";

/**
 * A JavaScript pattern (non-unicode; flags i and m as given) on the linear-time Pike VM, or
 * undefined when the VM cannot run it (lookarounds, backreferences, a program past the VM's size).
 */
export function compileVmRegex(
  pattern: string,
  opts: { caseInsensitive?: boolean; multiline?: boolean } = {},
): LinearMatcher | undefined {
  const tree = parseJsRegex(pattern);
  if ("refused" in tree) return undefined;
  return compileVm(tree.root, (opts.caseInsensitive ? "i" : "") + (opts.multiline ? "m" : ""), tree.groups);
}

/** `regex.test(text)` (lastIndex 0) on the VM. */
export function vmTest(vm: LinearMatcher, text: string): boolean {
  return vm.find(text, 0, true) !== null;
}

/** lineHits (lines.ts) on the VM. */
export function vmLineHits(vm: LinearMatcher, text: string, limit: number): LineHit[] {
  return lineHitsBy((line, from) => vm.find(line, from), text, limit);
}
