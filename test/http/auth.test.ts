// Who may call over HTTP: no token, a wrong token, a token without the scope (tools/list filtered and the call
// refused with a structured error before anything is sent), a session used by another caller.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { connectHttp, type HttpHarness, startHttpHarness } from "../helpers/http.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
// biome-ignore lint/suspicious/noExplicitAny: assertions read the JSON body loosely
const json = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;
const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

describe("authentication and scopes over HTTP", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "none" } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(h.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify(body),
    });

  it("no token: 401 with WWW-Authenticate: Bearer, and no session", async () => {
    const res = await post(INIT);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(res.headers.get("mcp-session-id")).toBeNull();
    await expect(connectHttp(h.url)).rejects.toThrow();
    expect(h.http.endpoint.sessions.size).toBe(0);
  });

  it("a wrong token: 401, and the token is in no log line", async () => {
    const wrong = "tk_wrong_ZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    const res = await post(INIT, { Authorization: `Bearer ${wrong}` });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.text()).not.toContain(wrong);
    expect(h.logLines.join("")).not.toContain(wrong);
    expect(h.fake.count()).toBe(0);
  });

  it("a read-only token sees only the read tools; restore_instance is refused, structured, naming the scope", async () => {
    const viewer = await h.connect(h.tokens.viewer?.token);
    const names = (await viewer.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(["list_instances", "list_backups", "check_task"]);
    expect((await viewer.call("list_instances")).isError).toBeFalsy();
    h.fake.reset();
    const r = await viewer.call("restore_instance", { instanceId: SESSIONS, backupId: "any-backup" });
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({
      code: "ClientError.ScopeMissing",
      category: "permission",
      retryable: false,
    });
    expect(sc(r).error.message).toContain("redis:restore");
    expect(sc(r).error.message).toContain("token:viewer");
    expect(h.fake.count()).toBe(0);
  });

  it("a session belongs to the caller that opened it: another caller on its ID gets 403 and nothing runs", async () => {
    const ops = await h.connect(h.tokens.ops?.token);
    const sessionId = ops.transport.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    h.fake.reset();
    const hijack = await post(
      { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "list_instances", arguments: {} } },
      {
        Authorization: `Bearer ${h.tokens.viewer?.token}`,
        "Mcp-Session-Id": sessionId ?? "",
        "Mcp-Protocol-Version": "2025-11-25",
      },
    );
    expect(hijack.status).toBe(403);
    expect((await json(hijack)).error.message).toMatch(/another caller/);
    const del = await fetch(h.url, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${h.tokens.viewer?.token}`, "Mcp-Session-Id": sessionId ?? "" },
    });
    expect(del.status).toBe(403);
    expect(h.fake.count()).toBe(0);
    // the owner's session still works
    expect((await ops.call("list_instances")).isError).toBeFalsy();
  });

  it("an unknown session ID: 404 (the client must initialize again)", async () => {
    const res = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
      { Authorization: `Bearer ${h.tokens.ops?.token}`, "Mcp-Session-Id": "00000000-0000-0000-0000-000000000000" },
    );
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe(-32001);
  });
});
