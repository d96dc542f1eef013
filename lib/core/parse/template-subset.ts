import { VcError } from "../errors";
import type { TemplateDetector } from "../templates/detect";

/**
 * Which templates auto mode may choose from (ParseInput.candidates); without it, every template
 * of the source competes.
 *   - `{ filter }`: VelocityCollector's tfsm filter (a job's `validation.filter`): the filter is
 *     split on '_', '-' and spaces, terms of two characters or fewer are dropped, and a template
 *     is a candidate when its name contains every remaining term (case-insensitive);
 *     "cisco_ios_show_ip_arp" keeps cisco_ios_show_ip_arp and cisco_ios_show_ip_arp_vrf.
 *   - `{ template }`: exactly one named template (".textfsm" optional), ranked and scored as
 *     auto mode does (mode "template" parses without a score).
 * When nothing is left the outcome is no_template, naming the filter or the template.
 */
export type TemplateCandidates = { filter: string } | { template: string };

/** The terms of a tfsm filter (see TemplateCandidates). */
export function filterTerms(filter: string): string[] {
  return filter
    .toLowerCase()
    .replace(/-/g, "_")
    .split(/[_\s]+/)
    .filter((t) => t.length > 2);
}

const subsets = new WeakMap<TemplateDetector, Map<string, TemplateDetector>>();

/** The detector restricted to the candidates (kept per detector: its templates stay compiled). */
export function restrictCandidates(detector: TemplateDetector, candidates: TemplateCandidates): TemplateDetector {
  const key = "template" in candidates ? `template:${candidates.template}` : `filter:${candidates.filter}`;
  let cache = subsets.get(detector);
  if (!cache) subsets.set(detector, (cache = new Map()));
  let subset = cache.get(key);
  if (!subset) {
    if ("template" in candidates) {
      const wanted = candidates.template.trim().replace(/\.textfsm$/, "");
      subset = detector.subset((t) => t.name === wanted);
      if (subset.size === 0) throw new VcError("no_template", `template '${candidates.template}' not found`);
    } else {
      const terms = filterTerms(candidates.filter);
      subset = detector.subset((t) => terms.every((term) => t.name.toLowerCase().includes(term)));
      if (subset.size === 0) throw new VcError("no_template", `filter '${candidates.filter}' matches no template`);
    }
    cache.set(key, subset);
  }
  return subset;
}
