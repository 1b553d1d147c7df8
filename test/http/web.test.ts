// Web safety and the HTTP contract: Host/Origin checks before authentication, CORS only for listed origins,
// 413 over 1 MiB, JSON-RPC parse errors, /healthz, the session cap, idle expiry, stateless mode.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { until } from "../helpers/follow.js";
import { fakeEnv } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read the JSON body loosely
const json = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;
const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
const ACCEPT = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

describe("web safety and limits", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({
      env: {
        TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS: "https://console.example.com",
        TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS: "3",
      },
    });
  });
  afterAll(() => h.close());
  const auth = () => ({ Authorization: `Bearer ${h.tokens.ops?.token}` });

  it("/healthz answers 200 {status: ok} without authentication", async () => {
    const res = await fetch(new URL("/healthz", h.url));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  it("a spoofed Host gets 403 before authentication (even with a valid token)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        h.url,
        { method: "POST", headers: { ...ACCEPT, ...auth(), Host: "evil.example.com" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(INIT));
    });
    expect(status).toBe(403);
    expect(h.logLines.some((l) => l.includes("DNS-rebinding protection") && l.includes("evil.example.com"))).toBe(true);
  });

  it("a foreign Origin gets 403 (before authentication: no token needed to be refused)", async () => {
    for (const headers of [{ Origin: "https://evil.example.com" }, { Origin: "https://evil.example.com", ...auth() }]) {
      const res = await fetch(h.url, {
        method: "POST",
        headers: { ...ACCEPT, ...headers },
        body: JSON.stringify(INIT),
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("CORS only for a listed origin: preflight 204 with the MCP headers; others 403", async () => {
    const ok = await fetch(h.url, {
      method: "OPTIONS",
      headers: { Origin: "https://console.example.com", "Access-Control-Request-Method": "POST" },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://console.example.com");
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/Authorization.*Mcp-Session-Id/);
    const listed = await fetch(h.url, {
      method: "POST",
      headers: { ...ACCEPT, ...auth(), Origin: "https://console.example.com" },
      body: JSON.stringify(INIT),
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://console.example.com");
    expect(listed.headers.get("access-control-expose-headers")).toContain("Mcp-Session-Id");
    await listed.body?.cancel();
    await fetch(h.url, {
      method: "DELETE",
      headers: { ...auth(), "Mcp-Session-Id": listed.headers.get("mcp-session-id") ?? "" },
    });
    const unlisted = await fetch(h.url, { method: "OPTIONS", headers: { Origin: "http://127.0.0.1:1" } });
    expect(unlisted.status).toBe(403);
  });

  it("a body over 1 MiB gets 413; a body just under is read", async () => {
    const big = JSON.stringify({ ...INIT, params: { ...INIT.params, pad: "x".repeat(1024 * 1024) } });
    const res = await fetch(h.url, { method: "POST", headers: { ...ACCEPT, ...auth() }, body: big });
    expect(res.status).toBe(413);
    expect((await json(res)).error.message).toMatch(/larger than 1048576 bytes/);
    const justUnder = JSON.stringify({ ...INIT, params: { ...INIT.params, pad: "x".repeat(1000 * 1024) } });
    const ok = await fetch(h.url, { method: "POST", headers: { ...ACCEPT, ...auth() }, body: justUnder });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    await fetch(h.url, {
      method: "DELETE",
      headers: { ...auth(), "Mcp-Session-Id": ok.headers.get("mcp-session-id") ?? "" },
    });
  });

  it("a body over 1 MiB sent without Content-Length (chunked) gets 413 too, not a reset connection", async () => {
    const { request } = await import("node:http");
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(h.url, { method: "POST", headers: { ...ACCEPT, ...auth() } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      // 2 MiB in 64 KiB chunks, no Content-Length: the limit is found while the body streams in
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 32) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      req.on("error", () => {});
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toMatch(/larger than 1048576 bytes/);
  });

  it("malformed JSON gets 400 with the JSON-RPC parse error -32700", async () => {
    for (const body of ["{not json", '{"jsonrpc": "2.0", "id": 1, "method"', ""]) {
      const res = await fetch(h.url, { method: "POST", headers: { ...ACCEPT, ...auth() }, body });
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 }, id: null });
    }
  });

  it("beyond TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS: 503 with a message; a closed session frees its place", async () => {
    const clients = [await h.connect(), await h.connect(), await h.connect()];
    const res = await fetch(h.url, { method: "POST", headers: { ...ACCEPT, ...auth() }, body: JSON.stringify(INIT) });
    expect(res.status).toBe(503);
    expect((await json(res)).error.message).toMatch(/Too many sessions .*TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS=3/);
    await clients[0]?.close();
    expect(await until(() => h.http.endpoint.sessions.size === 2)).toBe(true);
    const again = await h.connect();
    expect((await again.client.listTools()).tools.map((t) => t.name)).toEqual([...PUBLIC_TOOLS]);
    await Promise.all([clients[1]?.close(), clients[2]?.close(), again.close()]);
  });
});

describe("idle sessions expire", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TENCENTCLOUD_REDIS_HTTP_SESSION_IDLE_SECONDS: "1" } });
  });
  afterAll(() => h.close());

  it("a session idle for longer than the idle time is gone (404), a new one works", async () => {
    const c = await h.connect();
    const id = c.transport.sessionId;
    expect(h.http.endpoint.sessions.size).toBe(1);
    expect(await until(() => h.http.endpoint.sessions.size === 0, 5000)).toBe(true);
    const res = await fetch(h.url, {
      method: "POST",
      headers: { ...ACCEPT, Authorization: `Bearer ${h.tokens.ops?.token}`, "Mcp-Session-Id": id ?? "" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list", params: {} }),
    });
    expect(res.status).toBe(404);
    expect(h.logLines.some((l) => l.includes("http session expired (idle)") && l.includes("caller=token:ops"))).toBe(
      true,
    );
    const fresh = await h.connect();
    expect((await fresh.call("list_instances")).isError).toBeFalsy();
  });
});

describe("stateless mode", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TENCENTCLOUD_REDIS_HTTP_STATELESS: "true" } });
  });
  afterAll(() => h.close());

  it("serves calls without a session; GET has no stream (405)", async () => {
    const c = await h.connect();
    expect(c.transport.sessionId).toBeUndefined();
    expect((await c.call("list_instances")).isError).toBeFalsy();
    expect(h.http.endpoint.sessions.size).toBe(0);
    const get = await fetch(h.url, {
      headers: { Accept: "text/event-stream", Authorization: `Bearer ${h.tokens.ops?.token}` },
    });
    expect(get.status).toBe(405);
  });

  it("refuses to start together with elicit confirmation, naming both settings", () => {
    expect(() =>
      loadConfig(
        ["--http"],
        fakeEnv(h.fake, { TENCENTCLOUD_REDIS_HTTP_STATELESS: "true", TENCENTCLOUD_REDIS_CONFIRM: "elicit" }),
      ),
    ).toThrow(/TENCENTCLOUD_REDIS_HTTP_STATELESS=true cannot be combined with TENCENTCLOUD_REDIS_CONFIRM=elicit/);
  });
});
