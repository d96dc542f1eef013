/**
 * The built-in device lab: simulated network devices over SSH (ssh2's Server) on loopback, for
 * tests, benchmarks, the demo and users trying their flows. See docs/lab.md.
 */
export { startLab, specsFromCount, inventoryCsv } from "./lab";
export { labPlatforms, getPlatform, type PlatformDef } from "./platform";
export { LAB_FAULTS } from "./types";
export type {
  Lab,
  LabAlgorithms,
  LabCountOptions,
  LabDeviceInfo,
  LabDeviceSpec,
  LabFault,
  StartLabOptions,
} from "./types";
