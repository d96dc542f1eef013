/**
 * The whole package in one bundle (dist/velocitycollector.js): the five nodes, the two
 * credential types, lib/core and ssh2. Each file n8n loads (dist/nodes/X/X.node.js,
 * dist/credentials/X.credentials.js) is a stub re-exporting its class from here, so the core is
 * bundled once.
 */
export { VelocityCollectorDeviceSource } from "./VelocityCollectorDeviceSource/VelocityCollectorDeviceSource.node";
export { VelocityCollectorCollect } from "./VelocityCollectorCollect/VelocityCollectorCollect.node";
export { VelocityCollectorTextFsm } from "./VelocityCollectorTextFsm/VelocityCollectorTextFsm.node";
export { VelocityCollectorExport } from "./VelocityCollectorExport/VelocityCollectorExport.node";
export { VelocityCollectorRunJob } from "./VelocityCollectorRunJob/VelocityCollectorRunJob.node";
export { VelocityCollectorVaultApi } from "../credentials/VelocityCollectorVaultApi.credentials";
export { VelocityCollectorNetBoxApi } from "../credentials/VelocityCollectorNetBoxApi.credentials";
