// The configuration, as every module imports it. Its parts: config/types.ts (the Config shape),
// config/schema.ts (every setting once), config/load.ts (loadConfig), config/http.ts (the HTTP transport's
// settings and checks), config/help.ts (--help). docs/contributing-settings.md says how to add a setting.
export { approvalInUse, checkApprovalConfig } from "./approval.js";
export { HELP } from "./help.js";
export { checkAuthConfig, checkHttpServing, checkMetricsConfig, isLoopback, isLoopbackHost, urlProblem } from "./http.js";
export { parseEndpoint } from "./kinds.js";
export { loadConfig, serverPassword } from "./load.js";
export { TOOL_NAMES } from "./tool-names.js";
export * from "./types.js";
