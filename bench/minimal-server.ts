// The floor for a Node MCP server: the same MCP SDK and zod, stdio, one trivial tool. The cold-start
// benchmark compares the real server's start against this.

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "minimal", version: "1.0.0" });
server.registerTool(
  "echo",
  { description: "Echoes its text", inputSchema: { text: z.string() } },
  async ({ text }) => ({ content: [{ type: "text", text }] }),
);
process.stdin.on("end", () => process.exit(0));
await server.connect(new StdioServerTransport());
