// Every structured answer must conform to the tool's published output schema, checked as an SDK client checks it
// after tools/list (AJV on the listed JSON Schema). These tests break a schema on purpose, three ways: the
// server's own check names the mismatch, the server answers it as a structured error that still says what the
// call did, and a client made by the test helper rejects a non-conforming answer that slipped past a server.
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../../src/config.js";
import { Logger } from "../../src/log.js";
import type { Extra } from "../../src/request.js";
import { createRuntime } from "../../src/runtime.js";
import { LOCAL_CALLER } from "../../src/safety/caller.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { listedTool, outputChecker } from "../../src/tools/register.js";
import { defineTool, runTool, type ToolContext, withError } from "../../src/tools/shared.js";
import { switchAddress } from "../../src/tools/switch-address.js";
import { connectClient } from "../helpers/client.js";
import { fakeEnv, sc } from "../helpers/harness.js";

let fake: FakeCloud;
beforeAll(async () => {
  fake = await FakeCloud.start();
});
afterAll(async () => {
  await fake.close();
});

const SWITCHED = {
  status: "switched",
  region: "ap-guangzhou",
  instanceId: "crs-sbx5cat6",
  toInstanceId: "crs-clone001",
  address: { host: "127.0.0.5", port: 6379 },
  resumed: false,
  taskIds: [1, 2],
  undo: "switch_address { … }",
  billing: "…",
};

describe("the output check", () => {
  it("flags a switch_address answer whose addresses carry a field the schema does not declare (as a client would)", () => {
    const check = outputChecker(listedTool(switchAddress, loadConfig([], fakeEnv(fake))));
    const leaky = { ...SWITCHED, addresses: [{ instanceId: "crs-sbx5cat6", host: "127.0.0.6", port: 6379, status: 2 }] };
    expect(check(leaky)).toMatch(/addresses\/0 must NOT have additional properties/);
    expect(check({ ...SWITCHED, addresses: [{ instanceId: "crs-sbx5cat6", host: "127.0.0.6", port: 6379 }] })).toBeUndefined();
  });

  it("answers a non-conforming success as ClientError.AnswerMismatch that still says what the call did, and logs it", async () => {
    const config = loadConfig([], fakeEnv(fake));
    const lines: string[] = [];
    const log = new Logger("debug", (line) => lines.push(line));
    const runtime = createRuntime(config, log);
    const broken = defineTool({
      name: "list_instances",
      title: "broken on purpose",
      description: "answers a field its output schema does not declare",
      inputSchema: z.object({}),
      outputSchema: withError(z.object({ count: z.number().int() })),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      actions: ["DescribeInstances"],
      handler: async () => ({ structured: { count: 1, undeclared: "x" }, text: "1 instance listed" }),
    });
    const ctx: ToolContext = {
      config,
      api: runtime.api,
      log,
      server: new McpServer({ name: "t", version: "1" }),
      metrics: runtime.metrics,
      services: { safety: runtime.safety },
      caller: LOCAL_CALLER,
    };
    const extra = { requestId: 1, signal: new AbortController().signal } as unknown as Extra;
    const result = await runTool(broken, z.object({}), {}, ctx, extra, outputChecker(listedTool(broken, config)));
    expect(result.isError).toBe(true);
    expect(sc(result).error.code).toBe("ClientError.AnswerMismatch");
    expect(sc(result).error.message).toContain("What the call did: 1 instance listed");
    expect(sc(result).error.hint).toMatch(/do not repeat a change before checking/);
    expect(lines.some((l) => l.includes("does not match the tool's output schema") && l.includes("must NOT have additional properties"))).toBe(true);
    // and the error answer itself conforms: a client accepts it
    expect(outputChecker(listedTool(broken, config))(result.structuredContent)).toBeUndefined();
  });

  it("a client made by the test helper rejects an answer that does not match the listed schema (-32602)", async () => {
    const server = new McpServer({ name: "raw", version: "1" });
    server.registerTool(
      "leaky",
      { description: "answers more than it declares", outputSchema: { n: z.number() } },
      async () => ({ content: [{ type: "text", text: "n" }], structuredContent: { n: 1, extra: true } }),
    );
    const [a, b] = InMemoryTransport.createLinkedPair();
    const { client, tools } = await connectClient(a, { beforeList: () => server.connect(b) });
    try {
      expect(tools.map((t) => t.name)).toEqual(["leaky"]);
      await expect(client.callTool({ name: "leaky", arguments: {} })).rejects.toThrow(/must NOT have additional properties/);
    } finally {
      await client.close();
    }
  });
});
