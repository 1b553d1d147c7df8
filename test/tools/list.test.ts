import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { Logger } from "../../src/log.js";
import { createServer } from "../../src/server.js";
import { offeredTools } from "../../src/tools/register.js";
import { inputSchemaOf } from "../../src/tools/shared.js";
import { connectClient } from "../helpers/client.js";

async function listWith(server: McpServer) {
  const [a, b] = InMemoryTransport.createLinkedPair();
  const { client, tools } = await connectClient(a, { name: "t", beforeList: () => server.connect(b) });
  await client.close();
  return tools;
}

describe("tools/list shows the real input schemas", () => {
  for (const env of [{}, { TENCENTCLOUD_REDIS_READ_ONLY: "true" }, { TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT: "false" }]) {
    it(`is exactly what the SDK lists for the same tools registered plainly (${JSON.stringify(env)})`, async () => {
      const config = loadConfig([], { TENCENTCLOUD_REGION: "ap-guangzhou", ...env });
      const ours = createServer({ config, log: new Logger("error", () => {}) });
      const plain = new McpServer({ name: "plain", version: "1" });
      for (const tool of offeredTools(config)) {
        plain.registerTool(
          tool.name,
          {
            title: tool.title,
            description: tool.description,
            inputSchema: inputSchemaOf(tool, config),
            outputSchema: tool.outputSchema,
            annotations: { title: tool.title, ...tool.annotations },
          },
          async () => ({ content: [] }),
        );
      }
      const listed = await listWith(ours.server);
      expect(listed.length).toBe(offeredTools(config).length);
      expect(listed).toEqual(await listWith(plain));
      // The real schema, not the open one the SDK validates against.
      for (const tool of listed) expect(Object.keys(tool.inputSchema.properties ?? {}).length).toBeGreaterThan(0);
      await ours.close();
    });
  }
});
