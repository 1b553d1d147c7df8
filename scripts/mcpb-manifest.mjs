// The MCP Bundle's manifest, generated from package.json and from the server itself (its tools and prompts as
// the built dist/ lists them), so it cannot drift from either. Used by scripts/mcpb.mjs; run `npm run build` first.
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);

/** Each setting a Claude Desktop user fills in, and the variable it becomes. */
export const USER_CONFIG = {
  secret_id: {
    env: "TENCENTCLOUD_SECRET_ID",
    type: "string",
    title: "SecretId",
    description: "Tencent Cloud API SecretId (CAM: a sub-user allowed only the Redis actions this server calls)",
    required: true,
    sensitive: true,
  },
  secret_key: {
    env: "TENCENTCLOUD_SECRET_KEY",
    type: "string",
    title: "SecretKey",
    description: "Tencent Cloud API SecretKey of that SecretId",
    required: true,
    sensitive: true,
  },
  region: {
    env: "TENCENTCLOUD_REGION",
    type: "string",
    title: "Default region",
    description: "Region used when a call names none, like ap-guangzhou or ap-shanghai",
    required: false,
    default: "ap-guangzhou",
  },
  confirm: {
    env: "TENCENTCLOUD_REDIS_CONFIRM",
    type: "string",
    title: "Confirmation mode",
    description: "How a restore is confirmed: token (the agent shows you the plan and asks), elicit (a form), none",
    required: false,
    default: "token",
  },
  read_only: {
    env: "TENCENTCLOUD_REDIS_READ_ONLY",
    type: "boolean",
    title: "Read-only",
    description: "List and check only: offer no tool that changes anything",
    required: false,
    default: false,
  },
  allowed_instances: {
    env: "TENCENTCLOUD_REDIS_ALLOWED_INSTANCES",
    type: "string",
    title: "Allowed instances",
    description: "Instance IDs a restore may target, comma-separated, * as a wildcard (empty: any)",
    required: false,
  },
  audit_log: {
    env: "TENCENTCLOUD_REDIS_AUDIT_LOG",
    type: "string",
    title: "Audit log file",
    description: "Full path of a file to append one JSON line per restore attempt to (empty: none)",
    required: false,
  },
  language: {
    env: "TENCENTCLOUD_LANGUAGE",
    type: "string",
    title: "Language",
    description: "en-US or zh-CN: the language of the confirmation form, the plan's warning and the API's messages",
    required: false,
    default: "en-US",
  },
};

/** The manifest (manifest_version 0.4, the newest @anthropic-ai/mcpb knows) for the built server. */
export async function mcpbManifest() {
  const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
  const { loadConfig } = await import(new URL("dist/config.js", root).href);
  const { offeredTools } = await import(new URL("dist/tools/register.js", root).href);
  const { registerPrompts } = await import(new URL("dist/prompts/restore-runbook.js", root).href);
  const tools = offeredTools(loadConfig([], {})).map((t) => ({ name: t.name, description: t.description }));
  const prompts = [];
  registerPrompts({
    registerPrompt: (name, config, render) => {
      const text = render({ instanceId: "${arguments.instanceId}" }).messages[0].content.text;
      prompts.push({ name, description: config.description, arguments: Object.keys(config.argsSchema ?? {}), text });
    },
  });
  const userConfig = {};
  const env = {};
  for (const [key, { env: name, ...entry }] of Object.entries(USER_CONFIG)) {
    userConfig[key] = entry;
    env[name] = `\${user_config.${key}}`;
  }
  return {
    $schema: "https://raw.githubusercontent.com/modelcontextprotocol/mcpb/main/dist/mcpb-manifest-v0.4.schema.json",
    manifest_version: "0.4",
    name: pkg.name,
    display_name: "Tencent Cloud Redis restore",
    version: pkg.version,
    description: pkg.description,
    long_description:
      "Lets an AI agent restore a Tencent Cloud Redis instance from one of its backups, safely: it lists " +
      "instances and backups, plans the restore, asks you to confirm, and follows the restore task to its end. " +
      "Every error says what to do next; secrets never reach the conversation.",
    author: { name: pkg.author?.name ?? "tencentcloud-redis-mcp contributors" },
    ...(pkg.repository?.url ? { repository: { type: "git", url: pkg.repository.url.replace(/^git\+/, "") } } : {}),
    ...(pkg.homepage ? { homepage: pkg.homepage } : {}),
    license: pkg.license,
    keywords: ["tencent cloud", "redis", "backup", "restore"],
    server: {
      type: "node",
      entry_point: "server/index.js",
      mcp_config: { command: "node", args: ["${__dirname}/server/index.js"], env },
    },
    tools,
    prompts,
    compatibility: {
      platforms: ["darwin", "win32", "linux"],
      runtimes: { node: pkg.engines.node },
    },
    user_config: userConfig,
  };
}
