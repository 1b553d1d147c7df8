import { describe, expect, it } from "vitest";
import { isLoopback, loadConfig } from "../../src/config/index.js";
import { allowedHostnames } from "../../src/http/web-safety.js";
import { LOCAL_CALLER, requiredScope } from "../../src/gates/caller.js";
import { TOOLS } from "../../src/tools/index.js";

describe("the HTTP transport's configuration", () => {
  it("defaults: off, 127.0.0.1:8787, sessions, 1800 s idle, 1000 sessions, 16 per caller, 8 calls per caller, no extra hosts or CORS, /metrics not public", () => {
    const { http } = loadConfig([], {});
    expect(http).toEqual({
      enabled: false,
      port: 8787,
      host: "127.0.0.1",
      stateless: false,
      sessionIdleMs: 1_800_000,
      maxSessions: 1000,
      maxSessionsPerCaller: 16,
      maxInflightPerCaller: 8,
      allowedHosts: [],
      allowedOrigins: [],
      metricsPublic: false,
    });
  });

  it("flags win over variables", () => {
    const { http } = loadConfig(["--http", "--port", "9000", "--host", "::1"], {
      TENCENTCLOUD_REDIS_HTTP_PORT: "7000",
      TENCENTCLOUD_REDIS_HTTP_HOST: "0.0.0.0",
    });
    expect(http).toMatchObject({ enabled: true, port: 9000, host: "::1" });
  });

  it.each([
    [{ TENCENTCLOUD_REDIS_HTTP_PORT: "70000" }, /TENCENTCLOUD_REDIS_HTTP_PORT/],
    [{ TENCENTCLOUD_REDIS_HTTP_HOST: "http://x" }, /TENCENTCLOUD_REDIS_HTTP_HOST/],
    [{ TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS: "mcp.example.com:443" }, /TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS/],
    [
      { TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS: "https://app.example.com/path" },
      /TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS/,
    ],
    [{ TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER: "0" }, /TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER/],
    [{ TENCENTCLOUD_REDIS_HTTP_STATELESS: "maybe" }, /TENCENTCLOUD_REDIS_HTTP_STATELESS/],
  ])("refuses %o naming the variable", (env, message) => {
    expect(() => loadConfig(["--http"], env)).toThrow(message);
  });

  it("stateless with elicit is refused only in HTTP mode", () => {
    const env = { TENCENTCLOUD_REDIS_HTTP_STATELESS: "true", TENCENTCLOUD_REDIS_CONFIRM: "elicit" };
    expect(() => loadConfig(["--http"], env)).toThrow(/cannot be combined/);
    expect(loadConfig([], env).confirmMode).toBe("elicit");
  });

  it("allowed Host names: loopback names only for a loopback bind, plus the public URL's host and the list", () => {
    const loop = loadConfig(["--http"], { TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS: "Mcp.Internal" }).http;
    expect([...allowedHostnames(loop)].sort()).toEqual(["127.0.0.1", "[::1]", "localhost", "mcp.internal"]);
    const wide = loadConfig(["--http", "--host", "0.0.0.0"], {}).http;
    expect([...allowedHostnames(wide, "https://mcp.example.com/mcp")]).toEqual(["mcp.example.com"]);
    expect([
      isLoopback("127.0.0.5"),
      isLoopback("::1"),
      isLoopback("localhost"),
      isLoopback("0.0.0.0"),
      isLoopback("10.0.0.1"),
    ]).toEqual([true, true, true, false, false]);
  });
});

describe("scopes", () => {
  it("one rule: read-only tools need redis:read, every other tool redis:restore", () => {
    const rule = Object.fromEntries(TOOLS.map((t) => [t.name, requiredScope(t.annotations)]));
    expect(rule).toEqual({
      list_instances: "redis:read",
      list_backups: "redis:read",
      backup_instance: "redis:restore",
      restore_instance: "redis:restore",
      check_task: "redis:read",
      switch_address: "redis:restore",
      drill_restore: "redis:restore",
    });
  });

  it("the stdio caller is local, with every scope", () => {
    expect(LOCAL_CALLER).toMatchObject({ id: "local", scopes: ["redis:read", "redis:restore", "redis:approve"] });
  });
});
