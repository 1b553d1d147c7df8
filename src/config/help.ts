// --help, from the settings that have a flag (schema.ts).
import { SETTINGS, type Setting } from "./schema.js";

/** A setting's default as the docs and --help show it (markdown: values in backticks). */
export function shownDefault(setting: Setting): string {
  if (setting.defaultText !== undefined) return setting.defaultText;
  const value = setting.default;
  if (value === undefined) return "—";
  if (Array.isArray(value)) return value.length === 0 ? "—" : value.map((v) => `\`${v}\``).join(", ");
  return `\`${String(value)}\``;
}

const COLUMN = 28;
const line = (left: string, right: string) => `  ${left.padEnd(COLUMN - 3)} ${right}`;

function flagLine(setting: Setting): string {
  const left = `--${setting.flag}${setting.metavar ? ` ${setting.metavar}` : ""}`;
  const shown = shownDefault(setting).replaceAll("`", "");
  const plainDefault = shown !== "—" && shown !== "off" && shown !== "false";
  const where = [setting.env, plainDefault ? `default ${shown}` : undefined].filter(Boolean).join(", ");
  return line(left, `${setting.description}${where ? ` (${where})` : ""}`);
}

/** How `sandbox-cloud` is called: in --help, and in its own error (src/sandbox/serve.ts). */
export const SANDBOX_CLOUD_USAGE =
  "tencentcloud-redis-mcp sandbox-cloud [--host 127.0.0.1] [--port 9100] [--preparing-ms N] [--running-ms N]";

export const HELP = [
  "tencentcloud-redis-mcp: an MCP server (stdio, or Streamable HTTP with --http) that restores Tencent Cloud Redis instances from backups.",
  "",
  "Usage: tencentcloud-redis-mcp [options]",
  "       tencentcloud-redis-mcp doctor [--region r] [--json] [options]",
  "                            check credentials, endpoint, clock, CAM permissions and settings (exit 0 when all works)",
  "       tencentcloud-redis-mcp approvals list|show ID|approve ID|deny ID --reason text [--json] [options]",
  "                            list, show or decide approval requests in the shared state (TENCENTCLOUD_REDIS_STATE_URL)",
  `       ${SANDBOX_CLOUD_USAGE}`,
  "                            serve the sandbox's fake Tencent Cloud alone, for servers to share (no cloud account)",
  "",
  ...(SETTINGS as readonly Setting[]).filter((s) => s.flag !== undefined).map(flagLine),
  line("-h, --help", "this text"),
  line("-v, --version", "the version"),
  "",
  "Every option and variable (many settings have a variable only) is described in docs/configuration.md.",
].join("\n");
