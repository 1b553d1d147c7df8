import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseEndpoint, serverPassword, TOOL_NAMES } from "../../src/config/index.js";
import { sdkEndpoint } from "../../src/cloud/client.js";
import { useProxy } from "../../src/cloud/endpoint.js";

describe("loadConfig", () => {
  it("has safe defaults", () => {
    const c = loadConfig([], {});
    expect(c.credentials).toBeUndefined();
    expect(c.region).toBeUndefined();
    expect(c.timeoutMs).toBe(30_000);
    expect(c.confirmMode).toBe("token");
    expect(c.readOnly).toBe(false);
    expect(c.tools).toEqual(TOOL_NAMES);
    expect(c.rateLimit).toBe(20);
    expect(c.maxRetries).toBe(3);
    expect(c.logLevel).toBe("info");
    expect(c.sandbox).toBe(false);
    expect(c.passwordArgument).toBe(true);
    expect(c.undoMaxAgeMinutes).toBeUndefined();
  });

  it("reads the undo policy in whole minutes", () => {
    expect(loadConfig([], { TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: "60" }).undoMaxAgeMinutes).toBe(60);
    expect(loadConfig([], { TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: " " }).undoMaxAgeMinutes).toBeUndefined();
  });

  it("reads credentials and keeps the secrets wrapped", () => {
    const c = loadConfig([], {
      TENCENTCLOUD_SECRET_ID: "AKIDexample",
      TENCENTCLOUD_SECRET_KEY: "super-secret-key",
      TENCENTCLOUD_SESSION_TOKEN: "session-token-value",
    });
    expect(c.credentials?.secretId).toBe("AKIDexample");
    expect(c.credentials?.secretKey.reveal()).toBe("super-secret-key");
    const printed = `${JSON.stringify(c)} ${inspect(c, { depth: 10 })} ${String(c.credentials?.secretKey)}`;
    expect(printed).not.toContain("super-secret-key");
    expect(printed).not.toContain("session-token-value");
  });

  it("refuses half a key pair, naming the missing variable", () => {
    expect(() => loadConfig([], { TENCENTCLOUD_SECRET_ID: "AKIDx" })).toThrow(/TENCENTCLOUD_SECRET_KEY is not set/);
  });

  it("lets a flag win over its variable", () => {
    const c = loadConfig(["--region", "ap-shanghai", "--read-only", "--confirm", "elicit"], {
      TENCENTCLOUD_REGION: "ap-guangzhou",
      TENCENTCLOUD_REDIS_CONFIRM: "none",
    });
    expect([c.region, c.readOnly, c.confirmMode]).toEqual(["ap-shanghai", true, "elicit"]);
  });

  it.each([
    [{ TENCENTCLOUD_REGION: "Guangzhou!" }, /TENCENTCLOUD_REGION/],
    [{ TENCENTCLOUD_REDIS_ENDPOINT: "ftp://x" }, /TENCENTCLOUD_REDIS_ENDPOINT/],
    [{ TENCENTCLOUD_REDIS_ENDPOINT: "http://x/path" }, /TENCENTCLOUD_REDIS_ENDPOINT/],
    [{ TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "soon" }, /TENCENTCLOUD_REDIS_TIMEOUT_SECONDS/],
    [{ TENCENTCLOUD_REDIS_CONFIRM: "maybe" }, /TENCENTCLOUD_REDIS_CONFIRM/],
    [{ TENCENTCLOUD_REDIS_TOOLS: "list_backups,drop_database" }, /drop_database/],
    [{ TENCENTCLOUD_REDIS_READ_ONLY: "perhaps" }, /TENCENTCLOUD_REDIS_READ_ONLY/],
    [{ TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: "crs-a;rm -rf" }, /TENCENTCLOUD_REDIS_ALLOWED_INSTANCES/],
    [{ TENCENTCLOUD_REDIS_LOG_LEVEL: "loud" }, /TENCENTCLOUD_REDIS_LOG_LEVEL/],
    [{ TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: "0" }, /TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES/],
    [{ TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: "1.5" }, /TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES/],
    [{ TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: "an hour" }, /TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES/],
  ])("rejects bad configuration %j", (env, message) => {
    expect(() => loadConfig([], env)).toThrow(ConfigError);
    expect(() => loadConfig([], env)).toThrow(message);
  });

  it("rejects an unknown flag", () => {
    expect(() => loadConfig(["--sandbx"], {})).toThrow(/sandbx/);
  });

  it("limits the tools and keeps their order", () => {
    expect(loadConfig(["--tools", "check_task,list_backups"], {}).tools).toEqual(["list_backups", "check_task"]);
  });

  it("finds server-side passwords per instance, then for all", () => {
    const c = loadConfig([], {
      TENCENTCLOUD_REDIS_PASSWORD_CRS_5A4PY64P: "pw-one",
      TENCENTCLOUD_REDIS_PASSWORD: "pw-all",
      TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT: "false",
    });
    expect(serverPassword(c, "crs-5a4py64p")?.reveal()).toBe("pw-one");
    expect(serverPassword(c, "crs-other123")?.reveal()).toBe("pw-all");
    expect(c.passwordArgument).toBe(false);
    expect(c.passwords.byInstance.has("argument")).toBe(false);
  });
});

describe("endpoints", () => {
  it("parses host, host:port and URLs", () => {
    expect(parseEndpoint("redis.tencentcloudapi.com")).toEqual({ protocol: "https:", host: "redis.tencentcloudapi.com" });
    expect(parseEndpoint("127.0.0.1:9000")).toEqual({ protocol: "https:", host: "127.0.0.1", port: 9000 });
    expect(parseEndpoint("http://127.0.0.1:9000")).toEqual({ protocol: "http:", host: "127.0.0.1", port: 9000 });
    expect(parseEndpoint("http://[::1]:9000")).toEqual({ protocol: "http:", host: "::1", port: 9000 });
  });

  it("uses the region's own host for financial regions, the global one otherwise", () => {
    expect(sdkEndpoint(undefined, "ap-guangzhou").endpoint).toBe("redis.tencentcloudapi.com");
    expect(sdkEndpoint(undefined, "ap-shanghai-fsi").endpoint).toBe("redis.ap-shanghai-fsi.tencentcloudapi.com");
  });

  it("keeps the signing service redis whatever the override's host is", () => {
    expect(sdkEndpoint(parseEndpoint("http://127.0.0.1:9000"), "ap-guangzhou")).toEqual({
      endpoint: "redis.tencentcloudapi.com:9000",
      protocol: "http://",
    });
    expect(sdkEndpoint(parseEndpoint("redis.internal.tencentcloudapi.com"), "ap-guangzhou").endpoint).toBe(
      "redis.internal.tencentcloudapi.com",
    );
  });
});

describe("proxies", () => {
  it("takes HTTPS_PROXY for https endpoints and HTTP_PROXY for http ones", () => {
    const env = { HTTPS_PROXY: "http://secure-proxy:3128", HTTP_PROXY: "http://plain-proxy:3128" };
    expect(loadConfig([], env).proxy?.reveal()).toBe("http://secure-proxy:3128/");
    expect(loadConfig([], { ...env, TENCENTCLOUD_REDIS_ENDPOINT: "http://redis.local:80" }).proxy?.reveal()).toBe(
      "http://plain-proxy:3128/",
    );
    expect(loadConfig([], { https_proxy: "proxy.corp:8080" }).proxy?.reveal()).toBe("http://proxy.corp:8080/");
  });

  it("refuses a malformed proxy without echoing its credentials", () => {
    expect(() => loadConfig([], { HTTPS_PROXY: "ftp://user:hunter2@proxy" })).toThrow(/HTTPS_PROXY must be a proxy URL/);
    expect(() => loadConfig([], { HTTPS_PROXY: "ftp://user:hunter2@proxy" })).not.toThrow(/hunter2/);
  });

  it("bypasses loopback and what NO_PROXY names", () => {
    const c = loadConfig([], { HTTPS_PROXY: "http://p:1", NO_PROXY: "internal.example, .corp.example" });
    expect(useProxy(c, "redis.tencentcloudapi.com")).toBe("http://p:1/");
    expect(useProxy(c, "127.0.0.1")).toBeUndefined();
    expect(useProxy(c, "localhost")).toBeUndefined();
    expect(useProxy(c, "internal.example")).toBeUndefined();
    expect(useProxy(c, "redis.internal.example")).toBeUndefined();
    expect(useProxy(c, "redis.corp.example")).toBeUndefined();
    expect(useProxy(c, "notinternal.example")).toBe("http://p:1/");
    expect(useProxy(loadConfig([], { HTTPS_PROXY: "http://p:1", no_proxy: "*" }), "redis.tencentcloudapi.com")).toBeUndefined();
    expect(useProxy(loadConfig([], {}), "redis.tencentcloudapi.com")).toBeUndefined();
  });
});
