/** Coverage report: devices x capture types, as JSON (buildCoverage) and as HTML (coverageHtml). */
export * from "./build";
export { coverageHtml, escapeHtml, formatAge, formatBytes } from "./html";
export { parseDeviceList } from "./devices";
