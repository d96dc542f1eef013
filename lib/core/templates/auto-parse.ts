import { VcError, errorMessage } from "../errors";
import { homePaths } from "../home";
import { registerParseMode, type OutputToParse, type ParseSettings } from "../textfsm/results";
import type { DeviceResult, ParsedResult } from "../types";
import type { DetectOptions, DetectResult, TemplateDetector } from "./detect";
import { detectorForDirectory, detectorForHome } from "./detector-sources";
import type { DetectHints } from "./hints";

/**
 * vc-textfsm's `auto` mode in core: parse each command output of a device result (or one bare
 * output) with the template auto-detect picks. The device's platform and each command are the
 * hints unless fixed hints are given. An output no template fits gets status "no_template" with
 * the reason; records are only ever those of a fitting template.
 */

export interface BareOutput {
  output: string;
  platform?: string;
  command?: string;
  device?: string;
  captureType?: string;
}

export interface AutoParseOptions extends DetectOptions {
  detector: TemplateDetector;
  /** Hints that replace the ones taken from the input (e.g. from node configuration). */
  hints?: DetectHints;
  /** A fitting template must also score at least this (0..1; default 0: the detector's own fit). */
  minScore?: number;
}

/** The detection behind a result, without the parse itself (that is the result's records). */
export type DetectionSummary = Omit<DetectResult, "best">;

export interface AutoParsed extends ParsedResult {
  /** The detection behind the result (absent for a command that failed and was not parsed). */
  detection?: DetectionSummary;
}

function summary(result: DetectResult): DetectionSummary {
  const { best: _best, ...rest } = result;
  return rest;
}

function isDeviceResult(input: DeviceResult | BareOutput): input is DeviceResult {
  return typeof (input as DeviceResult).device === "object" && Array.isArray((input as DeviceResult).commands);
}

function nonEmpty(...values: Array<string | undefined>): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "");
}

export function autoParseOutput(
  output: string,
  context: { device: string; platform?: string; command: string; captureType?: string; collectedAt?: string },
  opts: AutoParseOptions,
): AutoParsed {
  const hints: DetectHints = {
    platform: nonEmpty(opts.hints?.platform, context.platform),
    command: nonEmpty(opts.hints?.command, context.command),
    captureType: nonEmpty(opts.hints?.captureType, context.captureType),
  };
  const base = {
    device: context.device,
    ...(context.platform ? { platform: context.platform } : {}),
    command: context.command,
    ...(context.collectedAt ? { collectedAt: context.collectedAt } : {}),
  };
  let detection: DetectResult;
  try {
    detection = opts.detector.detect(output, hints, opts);
  } catch (err) {
    return {
      ...base,
      templates: [],
      status: "parse_error",
      records: [],
      recordCount: 0,
      error: `auto-detect failed: ${errorMessage(err)}`,
    };
  }
  const best = detection.best;
  const minScore = opts.minScore ?? 0;
  if (best && best.score >= minScore) {
    return {
      ...base,
      templates: [best.template + ".textfsm"],
      status: "ok",
      records: best.records,
      recordCount: best.records.length,
      score: best.score,
      detection: summary(detection),
    };
  }
  const error = best
    ? `no template fits: the best, ${best.template}, scores ${best.score}, below the minimum ${minScore}`
    : (detection.reason ?? "no template fits");
  return {
    ...base,
    templates: [],
    status: "no_template",
    records: [],
    recordCount: 0,
    ...(best ? { score: best.score } : {}),
    error,
    detection: summary(detection),
  };
}

/** One result per command of a device result (commands that failed are reported, not parsed),
 *  or one result for a bare output. */
export function autoParse(input: DeviceResult | BareOutput, opts: AutoParseOptions): AutoParsed[] {
  if (!isDeviceResult(input)) {
    return [
      autoParseOutput(
        input.output,
        {
          device: input.device ?? "",
          platform: input.platform,
          command: input.command ?? "",
          captureType: input.captureType,
        },
        opts,
      ),
    ];
  }
  return input.commands.map((cmd) => {
    const context = {
      device: input.device.name,
      platform: input.device.platform,
      command: cmd.command,
      captureType: input.captureType,
      collectedAt: input.finishedAt,
    };
    if (cmd.status === "error") {
      return {
        device: context.device,
        platform: context.platform,
        command: cmd.command,
        collectedAt: context.collectedAt,
        templates: [],
        status: "parse_error",
        records: [],
        recordCount: 0,
        error: `not parsed: the command failed during collection${cmd.error ? ` (${cmd.error})` : ""}`,
      };
    }
    return autoParseOutput(cmd.output, context, opts);
  });
}

/** What the `auto` mode reads from the parse settings besides the engine's own fields. */
export interface AutoModeSettings extends ParseSettings {
  /** Fixed hints (node configuration or msg), replacing the device platform / command. */
  autoHints?: DetectHints;
  minScore?: number;
  /** Data home whose template library to use (the caller resolves it; without one only templatesDir is used). */
  homeDir?: string;
}

/**
 * The parse-mode handler vc-textfsm calls for mode "auto": templates from the data home's
 * library when it has any, else from the settings' templates directory. Never throws: problems
 * become a "no_template" or "parse_error" result for that output.
 */
export function parseAutoMode(input: OutputToParse, text: string, settings: AutoModeSettings): ParsedResult {
  let detector: TemplateDetector;
  try {
    // The node has already resolved its templates directory (config, NET_TEXTFSM, setting).
    const templatesEnv = settings.templatesDir ? { NET_TEXTFSM: settings.templatesDir } : {};
    if (settings.homeDir) detector = detectorForHome(homePaths(settings.homeDir), templatesEnv);
    else if (settings.templatesDir) detector = detectorForDirectory(settings.templatesDir);
    else throw new VcError("no_template", "no templates to detect with: no data home and no templates directory");
  } catch (err) {
    return {
      device: input.device,
      ...(input.platform ? { platform: input.platform } : {}),
      command: input.command,
      templates: [],
      status: "no_template",
      records: [],
      recordCount: 0,
      error: errorMessage(err),
    };
  }
  return autoParseOutput(
    text,
    { device: input.device, platform: input.platform, command: input.command, collectedAt: input.collectedAt },
    // The node's budget bounds the whole detection; each template keeps the detector's small one.
    {
      detector,
      hints: settings.autoHints,
      minScore: settings.minScore,
      totalBudgetMs: settings.budgetMs,
      clean: false,
      top: 3,
    },
  );
}

let registered = false;

/** Makes mode "auto" available to the TextFSM engine's parsePayload/parseOne (idempotent). */
export function registerAutoMode(): void {
  if (registered) return;
  registerParseMode("auto", (input, text, settings) => parseAutoMode(input, text, settings as AutoModeSettings));
  registered = true;
}

registerAutoMode();
