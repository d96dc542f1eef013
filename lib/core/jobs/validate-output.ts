import { VcError, errorMessage } from "../errors";
import type { HomePaths } from "../home";
import { detectorForSource, resolveTemplateSource } from "../parse";
import type { TemplateDetector } from "../templates";
import type { DeviceResult, OutputValidation } from "../types";
import type { JobValidationSettings } from "./job";

/**
 * THE adapter between a job's validation gate and the parsing code. Everything the gate needs
 * from TextFSM goes through here (today: the template library's auto-detect), so the parse
 * stage can be switched in one place.
 *
 * A device's output is valid when, for every command, a template fits (auto-detect's fit rule),
 * parses at least one record and scores at least the job's min_score (0..1). The device's
 * validation is that of its weakest command.
 */

export interface OutputValidatorSource {
  /** Templates to validate with; throws a VcError (no_template) when there are none. */
  detector(): TemplateDetector;
}

/** The templates of a data home as the parse stage picks them (NET_TEXTFSM, else bundled + its library), loaded once per call site. */
export function homeTemplates(home: HomePaths, env: NodeJS.ProcessEnv = process.env): OutputValidatorSource {
  let detector: TemplateDetector | undefined;
  return {
    detector: () => (detector ??= detectorForSource(resolveTemplateSource({ env, libraryFile: home.templatesDb }))),
  };
}

/** VelocityCollector's tfsm_filter: split on '_'/'-', terms longer than two characters, all contained (case-insensitive). */
export function filterTerms(filter: string): string[] {
  return filter
    .toLowerCase()
    .replace(/-/g, "_")
    .split(/[_\s]+/)
    .filter((t) => t.length > 2);
}

const subsets = new WeakMap<TemplateDetector, Map<string, TemplateDetector>>();

function narrowed(detector: TemplateDetector, settings: JobValidationSettings): TemplateDetector {
  const key =
    settings.template !== "auto" ? `template:${settings.template}` : settings.filter ? `filter:${settings.filter}` : "";
  if (key === "") return detector;
  let cache = subsets.get(detector);
  if (!cache) subsets.set(detector, (cache = new Map()));
  let subset = cache.get(key);
  if (!subset) {
    if (settings.template !== "auto") {
      const wanted = settings.template.replace(/\.textfsm$/, "");
      subset = detector.subset((t) => t.name === wanted);
      if (subset.size === 0)
        throw new VcError("no_template", `template '${settings.template}' not found`, "validation.template");
    } else {
      const terms = filterTerms(settings.filter!);
      subset = detector.subset((t) => terms.every((term) => t.name.toLowerCase().includes(term)));
      if (subset.size === 0)
        throw new VcError("no_template", `filter '${settings.filter}' matches no template`, "validation.filter");
    }
    cache.set(key, subset);
  }
  return subset;
}

/** Checks the templates a job's validation needs exist (before any device is contacted). */
export function prepareValidation(source: OutputValidatorSource, settings: JobValidationSettings): void {
  narrowed(source.detector(), settings);
}

/** Validates one device's outputs under a job's settings. Never throws: problems make it invalid. */
export function validateDeviceOutput(
  result: DeviceResult,
  settings: JobValidationSettings,
  source: OutputValidatorSource,
): OutputValidation {
  const minScore = settings.minScore;
  const invalid = (reason: string, over: Partial<OutputValidation> = {}): OutputValidation => ({
    valid: false,
    score: 0,
    minScore,
    template: null,
    recordCount: 0,
    reason,
    ...over,
  });
  let detector: TemplateDetector;
  try {
    detector = narrowed(source.detector(), settings);
  } catch (err) {
    return invalid(errorMessage(err));
  }
  let worst: OutputValidation | undefined;
  for (const cmd of result.commands) {
    let v: OutputValidation;
    if (cmd.status === "error") v = invalid(`'${cmd.command}' failed: ${cmd.error ?? cmd.errorClass ?? "rejected"}`);
    else if (cmd.output.trim() === "") v = invalid(`'${cmd.command}' returned no output`);
    else {
      try {
        const named = settings.template !== "auto";
        const d = detector.detect(
          cmd.output,
          named
            ? {}
            : {
                platform: result.device.platform,
                ...(settings.filter ? {} : { command: cmd.command, captureType: result.captureType }),
              },
          { top: 1, clean: true },
        );
        const best = d.best;
        if (!best)
          v = invalid(
            `'${cmd.command}': ${d.reason ?? "no template fits"}`,
            d.ranking[0] ? { score: d.ranking[0].score, template: d.ranking[0].template } : {},
          );
        else if (best.records.length === 0)
          v = invalid(`'${cmd.command}': ${best.template} parsed no record`, {
            score: best.score,
            template: best.template,
          });
        else if (best.score < minScore)
          v = invalid(
            `'${cmd.command}': score ${best.score.toFixed(2)} below the minimum ${minScore} (template ${best.template})`,
            {
              score: best.score,
              template: best.template,
              recordCount: best.records.length,
            },
          );
        else
          v = { valid: true, score: best.score, minScore, template: best.template, recordCount: best.records.length };
      } catch (err) {
        v = invalid(`'${cmd.command}': validation failed: ${errorMessage(err)}`);
      }
    }
    if (!worst || (worst.valid && !v.valid) || (worst.valid === v.valid && v.score < worst.score)) worst = v;
  }
  return worst ?? invalid("no output to validate");
}
