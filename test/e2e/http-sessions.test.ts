// Sessions per caller on the BUILT server in HTTP mode, over real HTTP: a read-only token that opens many
// sessions is refused at its own cap (429, Retry-After) while another caller still gets in; the server-wide cap
// still holds (503); slow clients that hold their sessions longer than the idle timeout lose them, and the cap
// frees up with them.

import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { fakeEnv } from "../helpers/harness.js";
import { type HttpChild, startHttpChild } from "../helpers/http-child.js";
import {
  connectHttp,
  type HttpClient,
  newToken,
  READ_WRITE,
  type TestToken,
  writeTokensFile,
} from "../helpers/http.js";
import { pause } from "../helpers/follow.js";

const tokens: Record<string, TestToken> = {
  viewer: { token: newToken(), scopes: ["redis:read"] },
  ops: { token: newToken(), scopes: READ_WRITE },
  other: { token: newToken(), scopes: ["redis:read"] },
};

/** A real MCP client over HTTP that lists the tools first (the SDK checks each answer against its schema). */
async function open(url: string, who: keyof typeof tokens, clients: HttpClient[]): Promise<HttpClient> {
  const c = await connectHttp(url, tokens[who]?.token);
  clients.push(c);
  expect((await c.client.listTools()).tools.length).toBeGreaterThan(0);
  return c;
}

/** An initialize over raw HTTP: its status, Retry-After and JSON-RPC error message. */
async function initialize(url: string, who: keyof typeof tokens) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${tokens[who]?.token}`,
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  const text = await res.text();
  const session = res.headers.get("mcp-session-id");
  if (session) {
    await fetch(url, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${tokens[who]?.token}`, "Mcp-Session-Id": session },
    });
  }
  let message = "";
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? "";
  } catch {
    // an event stream: the initialize was answered
  }
  return { status: res.status, retryAfter: res.headers.get("retry-after"), message };
}

describe("sessions per caller (the built server over HTTP)", () => {
  let fake: FakeCloud;
  const children: HttpChild[] = [];
  const clients: HttpClient[] = [];
  const start = async (extra: Record<string, string>) => {
    const child = await startHttpChild(
      ["--port", "0"],
      fakeEnv(fake, { TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile(tokens), ...extra }),
    );
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await Promise.allSettled(children.map((c) => c.stop()));
    await fake?.close();
  });

  it("a read-only token at its cap gets 429 and another caller still gets in; the server-wide cap stays", async () => {
    const { url, stderr } = await start({
      TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS: "5",
      TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER: "3",
      TENCENTCLOUD_REDIS_HTTP_SESSION_IDLE_SECONDS: "600",
    });
    for (let i = 0; i < 3; i++) await open(url, "viewer", clients);
    const refused = await initialize(url, "viewer");
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("5");
    expect(refused.message).toMatch(
      /Too many sessions for this caller \(TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER=3\)/,
    );
    // another caller is not locked out by the viewer's sessions
    const ops = await open(url, "ops", clients);
    expect((await ops.call("list_instances", {})).isError).toBeFalsy();
    await open(url, "ops", clients);
    // 5 live sessions: the server-wide cap refuses a third caller with 503, as before
    const full = await initialize(url, "other");
    expect(full.status).toBe(503);
    expect(full.message).toMatch(/TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS=5/);
    // a session closed frees its place for its caller
    const first = clients[0] as HttpClient;
    await first.close();
    expect((await initialize(url, "viewer")).status).toBe(200);
    expect(stderr()).toMatch(/http session refused: the caller holds its cap of sessions/);
  });

  it("slow clients holding their sessions past the idle timeout lose them, and their caller's cap frees up", async () => {
    const { url } = await start({
      TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER: "2",
      TENCENTCLOUD_REDIS_HTTP_SESSION_IDLE_SECONDS: "1",
    });
    const held = [await open(url, "viewer", clients), await open(url, "viewer", clients)];
    // each sends a request whose body trickles in for longer than the idle timeout
    const slow = held.map((c) => trickle(url, tokens.viewer?.token ?? "", c.transport.sessionId ?? "", 2500));
    expect((await initialize(url, "viewer")).status).toBe(429); // at its cap while they hold them
    expect((await initialize(url, "ops")).status).toBe(200); // another caller gets in meanwhile
    await pause(1700); // past the idle timeout (and a sweep)
    expect((await initialize(url, "viewer")).status).toBe(200); // the idle sessions ended: room again
    // the slow requests find their sessions ended
    expect(await Promise.all(slow)).toEqual([404, 404]);
  });
});

/** A POST of a ping on the session whose body arrives over `ms` milliseconds; its status. */
function trickle(url: string, token: string, session: string, ms: number): Promise<number> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" });
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "Mcp-Session-Id": session,
          "Mcp-Protocol-Version": "2025-06-18",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.write(body.slice(0, 10));
    setTimeout(() => req.end(body.slice(10)), ms);
  });
}
