import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { RedisApi } from "./cloud/api.js";
import { TencentRedisClient } from "./cloud/client.js";
import { type Config, LOG_LEVELS, type LogLevel } from "./config.js";
import type { Logger } from "./log.js";
import { registerPrompts } from "./prompts/restore-runbook.js";
import { createSafety } from "./safety/index.js";
import { registerTools } from "./tools/register.js";
import type { ToolContext, ToolServices } from "./tools/shared.js";
import { VERSION } from "./version.js";

export interface ServerDeps {
  config: Config;
  log: Logger;
  /** The cloud API; a TencentRedisClient for the config unless given. */
  api?: RedisApi;
  /** Replaces the services built here (the safety state) for tests. */
  services?: Partial<ToolServices>;
}

export interface CreatedServer {
  server: McpServer;
  api: RedisApi;
  /** Closes the MCP server and releases the API's sockets. */
  close(): Promise<void>;
}

/** Builds the MCP server: registers the tools the configuration allows. No I/O of its own. */
export function createServer(deps: ServerDeps): CreatedServer {
  const { config, log } = deps;
  const api = deps.api ?? new TencentRedisClient(config, log);
  const server = new McpServer(
    { name: "tencentcloud-redis-mcp", title: "Tencent Cloud Redis restore", version: VERSION },
    {
      capabilities: { logging: {} },
      instructions:
        "Restores Tencent Cloud Redis instances from backups. Find the instance with list_instances, choose a " +
        "backup with list_backups, restore with restore_instance (it overwrites all data: confirm with the user), " +
        "then follow the returned taskId with check_task until done.",
    },
  );

  // MCP logging: records at or above the client's logging/setLevel (before it sets one: the server's level).
  let clientLevel: LogLevel = config.logLevel;
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    clientLevel = request.params.level;
    return {};
  });
  const detach = log.addSink((level, logger, data) => {
    if (!server.isConnected() || LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(clientLevel)) return;
    server.server.sendLoggingMessage({ level, logger, data }).catch(() => {});
  });

  const ctx: ToolContext = { config, api, log, server, services: { safety: createSafety(config, log), ...deps.services } };
  registerTools(server, ctx);
  registerPrompts(server);

  return {
    server,
    api,
    async close() {
      detach();
      await server.close();
      api.close();
    },
  };
}
