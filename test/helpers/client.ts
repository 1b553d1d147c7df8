// The one way a test connects an MCP client. Real clients (Claude Desktop, Claude Code, VS Code, the MCP
// Inspector) send tools/list before they call a tool, and the TypeScript SDK's Client then validates every
// tools/call answer's structuredContent against the listed outputSchema (AJV, strict where the schema closes an
// object). A test client that skips tools/list skips that check, so every test client is made here, and lists.
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

export interface ListedClient {
  client: Client;
  /** What tools/list answered when the client connected (the tools the client validates answers of). */
  tools: Tool[];
}

/**
 * Connects an SDK client over `transport` (in process, stdio or HTTP) and lists the tools, as real clients do,
 * so each later callTool is validated against its tool's output schema. `beforeList` runs between the two
 * (a server started in process is connected there).
 */
export async function connectClient(
  transport: Transport,
  options: { name?: string; client?: ClientOptions; beforeList?: () => Promise<unknown> } = {},
): Promise<ListedClient> {
  const client = new Client({ name: options.name ?? "test-client", version: "1.0.0" }, options.client);
  await Promise.all([options.beforeList?.(), client.connect(transport)]);
  const { tools } = await client.listTools();
  return { client, tools };
}
