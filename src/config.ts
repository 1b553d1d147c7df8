// The configuration, as every module imports it. Its parts: config/types.ts (the Config shape),
// config/schema.ts (every setting once), config/load.ts (loadConfig), config/http.ts (the HTTP transport's
// settings and checks), config/help.ts (--help). docs/contributing-settings.md says how to add a setting.
export { approvalInUse, checkApprovalConfig } from "./config/approval.js";
export { HELP } from "./config/help.js";
export { checkAuthConfig, checkHttpServing, checkMetricsConfig, isLoopback, isLoopbackHost, urlProblem } from "./config/http.js";
export { parseEndpoint } from "./config/kinds.js";
export { loadConfig, serverPassword } from "./config/load.js";
export { TOOL_NAMES } from "./config/tool-names.js";
export * from "./config/types.js";
