/**
 * The parse stage: one function (parseText) with explicit modes — index, named template, inline,
 * auto — and where its templates come from (explicit directory → NET_TEXTFSM → settings →
 * the bundled ntc-templates with the user's template library overriding). vc-textfsm, Smart
 * Export, `vcollector textfsm parse`, `vcollector parse` and job validation all call it.
 */
export {
  parseText,
  compileInline,
  PARSE_MODES,
  type ParseMode,
  type ParseInput,
  type ParseOptions,
  type ParseOutcome,
  type DetectionSummary,
} from "./parse";
export {
  resolveTemplateSource,
  describeTemplateSource,
  detectorForSource,
  templatesForCommand,
  namedTemplate,
  type TemplateSource,
  type TemplateSourceKind,
  type TemplateSourceOptions,
  type TemplateSourceDescription,
} from "./sources";
export { filterTerms, restrictCandidates, type TemplateCandidates } from "./template-subset";
export { bundledTemplatesDir, BUNDLED_TEMPLATES_RELATIVE } from "./bundled";
export {
  parseOne,
  parseDeviceResult,
  parsePayload,
  countStatuses,
  type ParseSettings,
  type OutputToParse,
  type AutoParsed,
  type PayloadHints,
  type ParseCounts,
} from "./results";
export {
  smartExport,
  smartExportFile,
  type SmartExportOptions,
  type SmartExportResult,
  type SmartExportDocument,
  type SmartExportFormat,
} from "./smart-export";
export {
  parseCapture,
  splitTranscript,
  type CaptureToParse,
  type CaptureParseOptions,
  type ParsedCaptureEntry,
} from "./captures";
