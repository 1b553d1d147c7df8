// Every structured answer must conform to the tool's published output schema, checked as an SDK client checks it
// after tools/list (AJV on the listed JSON Schema). These tests break a schema on purpose, three ways: the
// server's own check names the mismatch, the server answers it as a structured error that still says what the
// call did, and a client made by the test helper rejects a non-conforming answer that slipped past a server.
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import type { Extra } from "../../src/base/request.js";
import { createRuntime } from "../../src/runtime.js";
import { LOCAL_CALLER } from "../../src/gates/caller.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { listedTool, outputChecker } from "../../src/tools/register.js";
import type { ToolContext, ToolOutput } from "../../src/operations/context.js";
import { restoreInstance } from "../../src/tools/restore-instance.js";
import { defineTool, inputSchemaOf, runTool, withError } from "../../src/tools/shared.js";
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

function contextOf(config: ReturnType<typeof loadConfig>, lines: string[]): ToolContext {
  const log = new Logger("debug", (line) => lines.push(line));
  const runtime = createRuntime(config, log);
  return {
    config,
    api: runtime.api,
    log,
    server: new McpServer({ name: "t", version: "1" }),
    metrics: runtime.metrics,
    services: { safety: runtime.safety },
    caller: LOCAL_CALLER,
  };
}

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
    const ctx = contextOf(config, lines);
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

  it("withholds a plan's confirmation token from the AnswerMismatch error: the token's value is nowhere in the answer or the log", async () => {
    const instanceId = SANDBOX_INSTANCE_IDS.orders;
    const password = { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: SANDBOX_PASSWORDS[instanceId] ?? "" };
    const config = loadConfig([], fakeEnv(fake, { TENCENTCLOUD_REDIS_CONFIRM: "token", ...password }));
    const lines: string[] = [];
    const ctx = contextOf(config, lines);
    const listed = await ctx.api.describeInstanceBackups({ InstanceId: instanceId, Limit: 10 }, { region: config.region ?? "" });
    const backupId = listed.BackupSet?.[0]?.BackupId;
    expect(backupId).toBeDefined();
    // the real restore_instance, its plan made through the real gates and token store; only its schema is broken
    let planned: ToolOutput | undefined;
    const broken = defineTool({
      ...restoreInstance,
      outputSchema: withError(z.object({ status: z.string() })),
      handler: async (args, call, extra) => {
        planned = await restoreInstance.handler(args, call, extra);
        return planned;
      },
    });
    const extra = { requestId: 1, signal: new AbortController().signal } as unknown as Extra;
    const result = await runTool(broken, inputSchemaOf(broken, config), { instanceId, backupId }, ctx, extra, outputChecker(listedTool(broken, config)));
    const token = planned?.structured.confirmToken;
    expect(planned?.structured.status).toBe("confirmation_required");
    expect(typeof token === "string" && token.length > 0).toBe(true);
    expect(planned?.text).toContain(String(token)); // the plan's text carried it
    expect(result.isError).toBe(true);
    expect(sc(result).error.code).toBe("ClientError.AnswerMismatch");
    expect(sc(result).error.message).toMatch(/What the call did: Nothing was restored/);
    expect(sc(result).error.message).toMatch(/confirmation token was issued and is withheld here: call again without confirmToken/);
    expect(JSON.stringify(result)).not.toContain(String(token));
    expect(lines.some((l) => l.includes("does not match the tool's output schema"))).toBe(true);
    expect(lines.join("\n")).not.toContain(String(token));
    expect(fake.count("RestoreInstance")).toBe(0);
  });
});
