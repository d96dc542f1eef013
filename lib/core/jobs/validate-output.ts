import { VcError, errorMessage } from "../errors";
import type { HomePaths } from "../home";
import {
  detectorForSource,
  parseText,
  resolveTemplateSource,
  restrictCandidates,
  type TemplateCandidates,
  type TemplateSource,
} from "../parse";
import type { DeviceResult, OutputValidation } from "../types";
import type { JobValidationSettings } from "./job";

export { filterTerms } from "../parse";

/**
 * A job's validation gate parses through the parse stage (parseText, mode "auto"), like
 * vc-textfsm and `vcollector parse`: the job's `validation.template` or tfsm `filter` becomes
 * parseText's candidates.
 *
 * A device's output is valid when, for every command, a template fits (auto-detect's fit rule),
 * parses at least one record and scores at least the job's min_score (0..1). The device's
 * validation is that of its weakest command.
 */

export interface OutputValidatorSource {
  /** Where the templates come from (the parse stage's template source). */
  source(): TemplateSource;
}

/** The templates of a data home as the parse stage picks them (NET_TEXTFSM, else bundled + its library), resolved once per call site. */
export function homeTemplates(home: HomePaths, env: NodeJS.ProcessEnv = process.env): OutputValidatorSource {
  let source: TemplateSource | undefined;
  return { source: () => (source ??= resolveTemplateSource({ env, libraryFile: home.templatesDb })) };
}

function candidatesOf(settings: JobValidationSettings): TemplateCandidates | undefined {
  if (settings.template !== "auto") return { template: settings.template };
  return settings.filter ? { filter: settings.filter } : undefined;
}

/** Throws no_template when the source has no templates, or none the job's template or filter names. */
function checkCandidates(source: OutputValidatorSource, settings: JobValidationSettings): void {
  const detector = detectorForSource(source.source());
  const candidates = candidatesOf(settings);
  if (!candidates) return;
  try {
    restrictCandidates(detector, candidates);
  } catch (err) {
    if (err instanceof VcError)
      throw new VcError(
        err.errorClass,
        err.message,
        "template" in candidates ? "validation.template" : "validation.filter",
      );
    throw err;
  }
}

/** Checks the templates a job's validation needs exist (before any device is contacted). */
export function prepareValidation(source: OutputValidatorSource, settings: JobValidationSettings): void {
  checkCandidates(source, settings);
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
  try {
    checkCandidates(source, settings);
  } catch (err) {
    return invalid(errorMessage(err));
  }
  const candidates = candidatesOf(settings);
  // A named template is ranked on the output alone; a filter keeps the platform as a hint; plain
  // auto-detect also uses the command and the capture type.
  const hints =
    settings.template !== "auto"
      ? {}
      : settings.filter
        ? { platform: result.device.platform }
        : { platform: result.device.platform, captureType: result.captureType };
  let worst: OutputValidation | undefined;
  for (const cmd of result.commands) {
    let v: OutputValidation;
    if (cmd.status === "error") v = invalid(`'${cmd.command}' failed: ${cmd.error ?? cmd.errorClass ?? "rejected"}`);
    else if (cmd.output.trim() === "") v = invalid(`'${cmd.command}' returned no output`);
    else {
      const parsed = parseText(
        {
          text: cmd.output,
          mode: "auto",
          ...hints,
          ...(settings.template === "auto" && !settings.filter ? { command: cmd.command } : {}),
          ...(candidates ? { candidates } : {}),
        },
        { source: source.source() },
      );
      const template = parsed.template?.replace(/\.textfsm$/, "") ?? null;
      if (parsed.status === "parse_error")
        v = invalid(`'${cmd.command}': validation failed: ${parsed.error ?? "parse error"}`);
      else if (parsed.status !== "ok") {
        const top = parsed.detection?.ranking[0];
        v = invalid(
          `'${cmd.command}': ${parsed.error ?? "no template fits"}`,
          top ? { score: top.score, template: top.template } : {},
        );
      } else if (parsed.records.length === 0)
        v = invalid(`'${cmd.command}': ${template} parsed no record`, { score: parsed.score ?? 0, template });
      else if ((parsed.score ?? 0) < minScore)
        v = invalid(
          `'${cmd.command}': score ${(parsed.score ?? 0).toFixed(2)} below the minimum ${minScore} (template ${template})`,
          { score: parsed.score ?? 0, template, recordCount: parsed.records.length },
        );
      else v = { valid: true, score: parsed.score ?? 0, minScore, template, recordCount: parsed.records.length };
    }
    if (!worst || (worst.valid && !v.valid) || (worst.valid === v.valid && v.score < worst.score)) worst = v;
  }
  return worst ?? invalid("no output to validate");
}
