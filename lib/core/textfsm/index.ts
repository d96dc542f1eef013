/**
 * TextFSM for JavaScript: Google textfsm's template language and state machine, Python-regex
 * translation, the ntc-templates index (clitable), conformance runner and output cleaning.
 * This file is the public API; other modules import from here only.
 */
export {
  compileTemplate,
  TextFsmTemplate,
  DEFAULT_BUDGET_MS,
  type ParseResult,
  type ParseOptions,
  type ParseStats,
} from "./compiled";
export { TemplateIndex, expandCompletion, readIndexRows, type IndexRow } from "./index-table";
export {
  parseOutput,
  parseWithTemplates,
  loadTemplateFile,
  loadIndex,
  templatePath,
  TEMPLATES_DIR_ENV,
  type ParseOutputOptions,
} from "./template-dir";
export { cleanOutput, type CleanOptions } from "./clean";
export {
  runConformance,
  findConformanceCases,
  compareWithReference,
  loadParsedSample,
  clitableCell,
  type ConformanceCase,
  type ConformanceResult,
  type ConformanceSummary,
  type ConformanceOptions,
} from "./conformance";
export { TemplateError, TextFsmParseError, ParseTimeoutError, RegexError } from "./errors";
export { translatePythonRegex, compilePythonRegex, PyRegex } from "./regex/compile";
export type { TemplateDefinition, ValueDef, RuleDef, StateDef, ValueOption } from "./template";
