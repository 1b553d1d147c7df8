// The MCP Bundle's manifest, generated from package.json, from the settings (scripts/mcpb-user-config.json, from
// src/config/schema.ts by `npm run gen`) and from the server itself (its tools and prompts as the built dist/
// lists them), so it cannot drift from any of them. Used by scripts/mcpb.mjs; run `npm run build` first.
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);

/**
 * Each setting a Claude Desktop user fills in, and the variable it becomes: written by `npm run gen` from the
 * settings that have a `bundle` entry in src/config/schema.ts.
 */
export const USER_CONFIG = JSON.parse(readFileSync(new URL("scripts/mcpb-user-config.json", root), "utf8"));

/** The manifest (manifest_version 0.4, the newest @anthropic-ai/mcpb knows) for the built server. */
export async function mcpbManifest() {
  const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
  const { loadConfig } = await import(new URL("dist/config/index.js", root).href);
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
