import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { RedisApi } from "./cloud/api.js";
import { type Config, LOG_LEVELS, type LogLevel } from "./config.js";
import type { Logger, LogSink } from "./log.js";
import { registerPrompts } from "./prompts/restore-runbook.js";
import { createRuntime, type Runtime } from "./runtime.js";
import { type Caller, LOCAL_CALLER } from "./safety/caller.js";
import { registerTools } from "./tools/register.js";
import type { ToolContext, ToolServices } from "./tools/shared.js";
import type { Metrics } from "./metrics.js";
import type { SafetyState } from "./safety/state/index.js";
import { VERSION } from "./version.js";

export interface ServerDeps {
  config: Config;
  log: Logger;
  /** The per-process state (cloud client, safety) shared by every server of the process; built here if absent. */
  runtime?: Runtime;
  /** The cloud API when no runtime is given; a TencentRedisClient for the config unless given. */
  api?: RedisApi;
  /**
   * Without a runtime: the process's safety state (tokens, locks, API budget; memory unless given) and metrics
   * (none unless given) of the runtime built here. Their owner closes them.
   */
  state?: SafetyState;
  metrics?: Metrics;
  /** Replaces the services of the runtime (the safety state) for tests. */
  services?: Partial<ToolServices>;
  /**
   * Who this server (one session) serves: tools/list shows only the tools its scopes allow. Each call's own
   * caller comes from its AuthInfo when the transport sets one. Default: the local caller of stdio.
   */
  caller?: Caller;
  /** Whether records logged outside any tool call also go to this session's client (stdio: yes; HTTP: no). */
  processLogs?: boolean;
  /** The level of the one line logged per tool call (who, what, outcome, time). Default debug. */
  callLogLevel?: LogLevel;
}

export interface CreatedServer {
  server: McpServer;
  api: RedisApi;
  /** Closes the MCP server (and the API's sockets when the runtime was built here). */
  close(): Promise<void>;
}

/** Builds the MCP server: registers the tools the configuration allows. No I/O of its own. */
export function createServer(deps: ServerDeps): CreatedServer {
  const { config, log } = deps;
  const ownsRuntime = deps.runtime === undefined;
  const runtime = deps.runtime ?? createRuntime(config, log, { api: deps.api, state: deps.state, metrics: deps.metrics });
  const caller = deps.caller ?? LOCAL_CALLER;
  const server = new McpServer(
    { name: "tencentcloud-redis-mcp", title: "Tencent Cloud Redis restore", version: VERSION },
    {
      capabilities: { logging: {} },
      instructions:
        "Restores Tencent Cloud Redis instances from backups. Find the instance with list_instances (restoreMethod " +
        "says how it is restored), choose a backup with list_backups. In place (Redis 2.8, CKV): make an undo point " +
        "with backup_instance (follow it with check_task), restore with restore_instance (it overwrites all data: " +
        "confirm with the user), then follow the returned taskId with check_task until done. By clone (Redis 4.0+, " +
        "Valkey): restore_instance makes a new instance from the backup (confirm with the user: it bills), follow it " +
        "with check_task { instanceId } until running, then switch_address moves the original's address to it " +
        "(confirm again); the original stays as the undo point (switch back).",
    },
  );

  // MCP logging: records at or above the client's logging/setLevel (before it sets one: the server's level).
  let clientLevel: LogLevel = config.logLevel;
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    clientLevel = request.params.level;
    return {};
  });
  const sink: LogSink = {
    accepts: (level) => server.isConnected() && LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(clientLevel),
    send: (level, logger, data) => void server.server.sendLoggingMessage({ level, logger, data }).catch(() => {}),
  };
  const detach = deps.processLogs === false ? () => {} : log.addSink(sink);

  const ctx: ToolContext = {
    config,
    api: runtime.api,
    log,
    server,
    metrics: runtime.metrics,
    services: { safety: runtime.safety, ...deps.services },
    caller,
    logSink: sink,
    callLogLevel: deps.callLogLevel ?? "debug",
  };
  registerTools(server, ctx, (call) => runtime.calls.track(call));
  registerPrompts(server);

  return {
    server,
    api: runtime.api,
    async close() {
      detach();
      await server.close();
      if (ownsRuntime) runtime.close();
    },
  };
}
