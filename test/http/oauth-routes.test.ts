// The OAuth side of the HTTP transport: RFC 9728 metadata at both well-known paths, 401 pointing at it, JWT
// callers next to token callers (distinct identities), and the public URL's host allowed.

import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../helpers/follow.js";
import { connectHttp, type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { TestIssuer } from "./issuer.js";

const PUBLIC_URL = "https://mcp.example.com/mcp";

describe("OAuth metadata behind a proxy that serves the endpoint under another path", () => {
  it("is served at the path form of the public URL as well", async () => {
    const issuer = await TestIssuer.start();
    const publicUrl = "https://ops.example.com/redis/mcp";
    const h = await startHttpHarness({
      env: { TENCENTCLOUD_REDIS_OAUTH_ISSUER: issuer.url, TENCENTCLOUD_REDIS_PUBLIC_URL: publicUrl },
    });
    try {
      const unauthenticated = await fetch(h.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      expect(unauthenticated.headers.get("www-authenticate")).toContain(
        'resource_metadata="https://ops.example.com/.well-known/oauth-protected-resource/redis/mcp"',
      );
      const res = await fetch(new URL("/.well-known/oauth-protected-resource/redis/mcp", h.url));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ resource: publicUrl, authorization_servers: [issuer.url] });
      expect((await fetch(new URL("/.well-known/oauth-protected-resource/other", h.url))).status).toBe(404);
    } finally {
      await h.close();
      await issuer.close();
    }
  });
});

describe("OAuth resource server routes over HTTP", () => {
  let issuer: TestIssuer;
  let h: HttpHarness;
  beforeAll(async () => {
    issuer = await TestIssuer.start();
    h = await startHttpHarness({
      env: { TENCENTCLOUD_REDIS_OAUTH_ISSUER: issuer.url, TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL },
    });
  });
  afterAll(async () => {
    await h.close();
    await issuer.close();
  });

  it("serves the protected resource metadata at the path form and at the plain well-known path", async () => {
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const res = await fetch(new URL(path, h.url));
      expect(res.status, path).toBe(200);
      expect(await res.json()).toMatchObject({
        resource: PUBLIC_URL,
        authorization_servers: [issuer.url],
        scopes_supported: ["redis:read", "redis:restore", "redis:approve"],
      });
    }
  });

  it("a request without credentials gets 401 whose WWW-Authenticate names the metadata URL", async () => {
    const res = await fetch(h.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain(
      'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it("the public URL's host is an allowed Host (a proxy forwards it); another host is not", async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          h.url,
          { method: "POST", headers: { Host: host, "Content-Type": "application/json" } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end("{}");
      });
    expect(await status("mcp.example.com")).toBe(401);
    expect(await status("mcp.example.com.evil.net")).toBe(403);
  });

  it("a JWT caller with redis:read sees the read tools, and is oauth:<sub> in the logs", async () => {
    const jwt = await issuer.sign({ aud: PUBLIC_URL, sub: "agent-7", scope: "redis:read" });
    const c = await connectHttp(h.url, jwt);
    try {
      expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual([
        "list_instances",
        "list_backups",
        "check_task",
      ]);
      expect((await c.call("list_instances")).isError).toBeFalsy();
      expect(
        await until(() => h.logLines.some((l) => l.includes("tool call") && l.includes("caller=oauth:agent-7"))),
      ).toBe(true);
      expect(h.logLines.join("")).not.toContain(jwt);
      // a token caller may not use the JWT caller's session
      const res = await fetch(h.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          Authorization: `Bearer ${h.tokens.ops?.token}`,
          "Mcp-Session-Id": c.transport.sessionId ?? "",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list", params: {} }),
      });
      expect(res.status).toBe(403);
    } finally {
      await c.close();
    }
  });

  it("a JWT for another audience is refused with 401", async () => {
    const jwt = await issuer.sign({ aud: "https://other.example.com/mcp", scope: "redis:read" });
    await expect(connectHttp(h.url, jwt)).rejects.toThrow(/401|invalid_token|audience/i);
  });
});
