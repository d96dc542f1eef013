import { configWithoutCloudSupport } from "@n8n/node-cli/eslint";

// Self-hosted only (package.json n8n.strict = false): the collector needs sockets, timers and the
// file system, which n8n Cloud's rules forbid.
export default [...configWithoutCloudSupport, { ignores: ["dist/**", ".n8n-runtime/**", "test/**", "build.mjs"] }];
