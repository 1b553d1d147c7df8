import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type ListToolsResult, SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { RedisApi } from "./cloud/api.js";
import { type Config, LOG_LEVELS, type LogLevel } from "./config.js";
import type { Logger, LogSink } from "./log.js";
import { createRuntime, type Runtime } from "./runtime.js";
import { type Caller, LOCAL_CALLER, requiredScope } from "./safety/caller.js";
import type { Metrics } from "./metrics.js";
import type { SafetyState } from "./safety/state/index.js";
import { TOOLS } from "./tools/index.js";
import { runTool, type ToolContext, type ToolServices } from "./tools/shared.js";
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
        "Restores Tencent Cloud Redis instances from backups. Find the instance with list_instances, choose a " +
        "backup with list_backups, make an undo point with backup_instance (follow it with check_task), restore " +
        "with restore_instance (it overwrites all data: confirm with the user), then follow the returned taskId " +
        "with check_task until done.",
    },
  );

  // MCP logging: records at or above the client's logging/setLevel (before it sets one: the server's level).
  let clientLevel: LogLevel = config.logLevel;
  server.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    clientLevel = request.params.level;
    return {};
  });
  const sink: LogSink = (level, logger, data) => {
    if (!server.isConnected() || LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(clientLevel)) return;
    server.server.sendLoggingMessage({ level, logger, data }).catch(() => {});
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
  const hidden = new Set<string>();
  for (const tool of TOOLS) {
    if (!config.tools.includes(tool.name)) continue;
    if (config.readOnly && !tool.annotations.readOnlyHint) continue;
    if (!caller.scopes.includes(requiredScope(tool.annotations))) hidden.add(tool.name);
    const inputSchema = typeof tool.inputSchema === "function" ? tool.inputSchema(config) : tool.inputSchema;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args: unknown, extra) => runtime.calls.track(runTool(tool, args, ctx, extra)),
    );
  }
  if (hidden.size > 0) hideFromList(server, hidden);

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

type ListHandler = (request: unknown, extra: unknown) => Promise<ListToolsResult>;

/**
 * tools/list without the tools the session's caller may not use. They stay registered (enabled), so that a
 * call to one reaches runTool and is refused there with a structured ClientError.ScopeMissing; the SDK's own
 * answer for a disabled tool would be a bare text error. The SDK keeps its handlers in a private map: wrap the
 * one McpServer installed, and fail loudly if that ever changes.
 */
function hideFromList(server: McpServer, hidden: ReadonlySet<string>): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, ListHandler> })._requestHandlers;
  const list = handlers?.get(ListToolsRequestSchema.shape.method.value);
  if (!handlers || !list) throw new Error("the MCP SDK's tools/list handler was not found: cannot filter tools by scope");
  handlers.set(ListToolsRequestSchema.shape.method.value, async (request, extra) => {
    const result = await list(request, extra);
    return { ...result, tools: result.tools.filter((t) => !hidden.has(t.name)) };
  });
}
