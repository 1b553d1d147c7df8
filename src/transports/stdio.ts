import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../base/log.js";
import type { Runtime } from "../runtime.js";
import { createServer } from "../server.js";
import { offeredTools } from "../tools/register.js";
import { VERSION } from "../base/version.js";

/**
 * Serves one client over stdin/stdout (the default): one McpServer whose caller is the local user (every
 * scope). `shutdown` is called when the client goes away (stdin ends, the transport closes).
 */
export async function serveStdio(
  config: Config,
  log: Logger,
  runtime: Runtime,
  shutdown: (reason: string) => void,
): Promise<{ close(): Promise<void> }> {
  const created = createServer({ config, log, runtime });
  process.stdin.on("end", () => shutdown("stdin closed"));
  process.stdin.on("close", () => shutdown("stdin closed"));
  const transport = new StdioServerTransport();
  transport.onclose = () => shutdown("transport closed");
  await created.server.connect(transport);
  log.info("tencentcloud-redis-mcp ready", {
    version: VERSION,
    tools: offeredTools(config)
      .map((t) => t.name)
      .join(","),
    region: config.region,
    confirm: config.confirmMode,
    readOnly: config.readOnly,
  });
  return { close: () => created.close() };
}
