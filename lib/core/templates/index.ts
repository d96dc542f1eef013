/**
 * The template library (SQLite), auto-detect, Smart Export and vc-textfsm's `auto` mode.
 * Other modules import from here.
 */
export {
  TemplateLibrary,
  normaliseTemplateName,
  templateMatchesPlatform,
  locateNtcTemplatesDir,
  type TemplateSource,
  type TemplateInfo,
  type LibraryTemplate,
  type ListFilter,
  type UserTemplateInput,
  type ImportReport,
  type ExportReport,
  type TemplateValidator,
} from "./library";
export { validateTemplateText } from "./validate";
export {
  TemplateDetector,
  type DetectorTemplate,
  type DetectOptions,
  type DetectResult,
  type DetectStats,
  type RankedTemplate,
  type BestParse,
} from "./detect";
export { detectorForHome, detectorForLibrary, detectorForDirectory } from "./detector-sources";
export { selectCandidates, captureTypePattern, type DetectHints } from "./hints";
export {
  scoreParse,
  scoreBound,
  measureOutput,
  WEIGHTS,
  FIT_EXPLAINED,
  type ScoreComponents,
  type ParseScore,
  type ParseEvidence,
} from "./score";
export {
  smartExport,
  smartExportFile,
  type SmartExportOptions,
  type SmartExportResult,
  type SmartExportDocument,
  type SmartExportFormat,
} from "./smart-export";
export {
  autoParse,
  autoParseOutput,
  parseAutoMode,
  registerAutoMode,
  type AutoParseOptions,
  type AutoParsed,
  type AutoModeSettings,
  type BareOutput,
  type DetectionSummary,
} from "./auto-parse";
