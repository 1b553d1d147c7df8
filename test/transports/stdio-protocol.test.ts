import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { fakeEnv } from "../helpers/harness.js";
import { RpcProcess } from "../helpers/rpc.js";

/** Every stdout line is a JSON-RPC 2.0 message: a response (result xor error) or a request/notification. */
function expectOnlyJsonRpc(lines: readonly string[]): void {
  for (const line of lines) {
    const message = JSON.parse(line) as Record<string, unknown>;
    expect(message.jsonrpc, line.slice(0, 200)).toBe("2.0");
    const isResponse = "id" in message && !("method" in message);
    if (isResponse) expect("result" in message !== "error" in message, line.slice(0, 200)).toBe(true);
    else expect(typeof message.method, line.slice(0, 200)).toBe("string");
  }
}

describe("the stdio protocol survives garbage, unknown methods and cancellation", () => {
  let fake: FakeCloud;
  let s: RpcProcess;
  beforeAll(async () => {
    fake = await FakeCloud.start();
    s = RpcProcess.spawn([], fakeEnv(fake, { TENCENTCLOUD_REDIS_LOG_LEVEL: "info" }));
    await s.initialize();
  });
  afterAll(async () => {
    expectOnlyJsonRpc(s.lines);
    expect(s.stderr).not.toMatch(/\n\s+at \S+ \(/); // no stack trace, even on stderr
    expect(await s.close()).toBe(0);
    await fake.close();
  });

  const ping = async (id: number | string) => {
    expect(await s.request("ping", {}, id)).toEqual({ jsonrpc: "2.0", id, result: {} });
  };

  it.each([
    ["plain text", "hello server\n"],
    ["broken JSON", '{"jsonrpc":"2.0","id":\n'],
    ["an empty line", "\n"],
    ["a JSON array", '[{"jsonrpc":"2.0","id":900,"method":"ping"}]\n'],
    ["JSON null", "null\n"],
    ["an empty object", "{}\n"],
    ["a wrong JSON-RPC version", '{"jsonrpc":"1.0","id":901,"method":"ping"}\n'],
    ["an id that is an object", '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}\n'],
    ["binary bytes", "\u0000\u00ff\ufffe\u0007\n"],
    ["two megabytes on one line", `${"z".repeat(2 * 1024 * 1024)}\n`],
  ])("garbage: %s, then a ping is answered", async (_label, garbage) => {
    s.writeRaw(garbage);
    await ping(`after-${garbage.length}`);
    expect(s.alive).toBe(true);
  });

  it("a message split across writes is answered once its line is complete", async () => {
    const answered = s.waitFor(50);
    s.writeRaw('{"jsonrpc":"2.0","id":50,"meth');
    await new Promise((r) => setTimeout(r, 20)); // the first half arrives on its own
    s.writeRaw('od":"ping"}\n');
    expect(await answered).toEqual({ jsonrpc: "2.0", id: 50, result: {} });
  });

  it("a half line cut short by a newline is dropped, and the next line is read", async () => {
    s.writeRaw('{"jsonrpc":"2.0","id":53,"method":"pi\n');
    await ping(54);
  });

  it("an unknown method is -32601 Method not found", async () => {
    const r = await s.request("resources/frobnicate", {});
    expect(r.error).toMatchObject({ code: -32601 });
  });

  it("a tools/call without a name is a JSON-RPC error naming params.name", async () => {
    // The MCP SDK answers -32603 (not -32602) with the zod issues as the message; it names the field.
    const r = await s.request("tools/call", { arguments: {} });
    expect(r.error?.code).toBeLessThan(-32000);
    expect(r.error?.message).toContain('"name"');
    await ping("after-nameless-call");
  });

  it("a call to an unknown tool is an error naming the tool", async () => {
    const r = await s.callTool("drop_database", {});
    const text = JSON.stringify(r.error ?? r.result);
    expect(r.error !== undefined || r.result?.isError === true).toBe(true);
    expect(text).toContain("drop_database");
  });

  it("a request after a cancelled one is answered; the cancelled one gets no result", async () => {
    fake.inject("DescribeInstances", { kind: "hang", phase: "before" }, 1);
    const requestsBefore = fake.count("DescribeInstances");
    const cancelledId = 777;
    s.callTool("list_instances", {}, cancelledId).catch(() => {}); // never answered: rejected when the server exits
    while (fake.count("DescribeInstances") === requestsBefore) await new Promise((r) => setTimeout(r, 5));
    s.notify("notifications/cancelled", { requestId: cancelledId, reason: "user pressed stop" });
    const after = await s.callTool("list_instances", {});
    expect(after.result?.isError).toBeFalsy();
    expect(after.result?.structuredContent?.totalCount).toBe(5);
    await ping("after-cancel");
    expect(s.messages.filter((m) => m.id === cancelledId && m.result && !m.result.isError)).toEqual([]);
  });
});
