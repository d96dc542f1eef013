/**
 * The template library (SQLite) and auto-detect. Parsing itself (and Smart Export) is the parse
 * stage's: lib/core/parse.
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
export { detectorForLibrary, detectorForDirectory } from "./detector-sources";
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
