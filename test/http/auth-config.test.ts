import { describe, expect, it } from "vitest";
import { ConfigError, checkAuthConfig, isLoopbackHost, loadConfig } from "../../src/config/index.js";

const TOKENS = { TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: "/etc/tencentcloud-redis-mcp/tokens.json" };
const OAUTH = {
  TENCENTCLOUD_REDIS_OAUTH_ISSUER: "https://login.example.com",
  TENCENTCLOUD_REDIS_PUBLIC_URL: "https://mcp.example.com/mcp",
};

function check(env: Record<string, string>, host?: string): void {
  checkAuthConfig(loadConfig([], env), host === undefined ? {} : { host });
}

describe("HTTP authentication settings", () => {
  it("are read by loadConfig, and all off by default (stdio needs none of them)", () => {
    expect(loadConfig([], {}).httpAuth).toEqual({ none: false });
    const c = loadConfig([], {
      ...TOKENS,
      ...OAUTH,
      TENCENTCLOUD_REDIS_OAUTH_JWKS_URL: "https://login.example.com/keys",
      TENCENTCLOUD_REDIS_HTTP_AUTH: "NONE",
    });
    expect(c.httpAuth).toEqual({
      tokensFile: TOKENS.TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE,
      oauthIssuer: "https://login.example.com",
      oauthJwksUrl: "https://login.example.com/keys",
      none: true,
    });
    expect(c.publicUrl).toBe("https://mcp.example.com/mcp");
  });

  it("TENCENTCLOUD_REDIS_HTTP_AUTH takes only none", () => {
    expect(() => loadConfig([], { TENCENTCLOUD_REDIS_HTTP_AUTH: "off" })).toThrow(ConfigError);
    expect(() => loadConfig([], { TENCENTCLOUD_REDIS_HTTP_AUTH: "off" })).toThrow(/TENCENTCLOUD_REDIS_HTTP_AUTH/);
  });

  it.each([
    ["a tokens file", TOKENS, undefined],
    ["an issuer and the public URL", OAUTH, undefined],
    ["both", { ...TOKENS, ...OAUTH }, undefined],
    [
      "an explicit JWKS URL",
      { ...OAUTH, TENCENTCLOUD_REDIS_OAUTH_JWKS_URL: "https://login.example.com/keys" },
      "0.0.0.0",
    ],
    [
      "a loopback issuer over http (tests)",
      { ...OAUTH, TENCENTCLOUD_REDIS_OAUTH_ISSUER: "http://127.0.0.1:9000" },
      undefined,
    ],
    ["a public URL at the root", { ...OAUTH, TENCENTCLOUD_REDIS_PUBLIC_URL: "https://mcp.example.com" }, undefined],
    ["auth=none on 127.0.0.1", { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }, "127.0.0.1"],
    ["auth=none on ::1", { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }, "::1"],
    ["auth=none on localhost", { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }, "localhost"],
    ["auth=none with no host given", { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }, undefined],
  ])("accept %s", (_what, env, host) => {
    expect(() => check(env, host)).not.toThrow();
  });

  it.each([
    [
      "no authentication at all",
      {},
      undefined,
      "HTTP mode needs authentication: set TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE, TENCENTCLOUD_REDIS_OAUTH_ISSUER (+ TENCENTCLOUD_REDIS_PUBLIC_URL), or TENCENTCLOUD_REDIS_HTTP_AUTH=none on a loopback host",
    ],
    [
      "auth=none on 0.0.0.0",
      { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" },
      "0.0.0.0",
      /HTTP_AUTH=none is only allowed on a loopback host .* not 0\.0\.0\.0/,
    ],
    ["auth=none on ::", { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }, "::", /TENCENTCLOUD_REDIS_HTTP_AUTH=none/],
    [
      "auth=none on a LAN address",
      { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" },
      "10.0.0.5",
      /TENCENTCLOUD_REDIS_HTTP_AUTH=none/,
    ],
    ["auth=none with tokens", { TENCENTCLOUD_REDIS_HTTP_AUTH: "none", ...TOKENS }, "127.0.0.1", /choose one/],
    [
      "an issuer without the public URL",
      { TENCENTCLOUD_REDIS_OAUTH_ISSUER: "https://login.example.com" },
      undefined,
      /TENCENTCLOUD_REDIS_OAUTH_ISSUER needs TENCENTCLOUD_REDIS_PUBLIC_URL/,
    ],
    [
      "a relative public URL",
      { ...OAUTH, TENCENTCLOUD_REDIS_PUBLIC_URL: "/mcp" },
      undefined,
      /TENCENTCLOUD_REDIS_PUBLIC_URL must be the absolute http\(s\) URL/,
    ],
    [
      "a public URL without scheme",
      { ...OAUTH, TENCENTCLOUD_REDIS_PUBLIC_URL: "mcp.example.com/mcp" },
      undefined,
      /TENCENTCLOUD_REDIS_PUBLIC_URL/,
    ],
    [
      "an ftp public URL",
      { ...TOKENS, TENCENTCLOUD_REDIS_PUBLIC_URL: "ftp://mcp.example.com/mcp" },
      undefined,
      /TENCENTCLOUD_REDIS_PUBLIC_URL/,
    ],
    [
      "a public URL with a query",
      { ...OAUTH, TENCENTCLOUD_REDIS_PUBLIC_URL: "https://mcp.example.com/mcp?x=1" },
      undefined,
      /query/,
    ],
    [
      "an http issuer off loopback",
      { ...OAUTH, TENCENTCLOUD_REDIS_OAUTH_ISSUER: "http://login.example.com" },
      undefined,
      /TENCENTCLOUD_REDIS_OAUTH_ISSUER must be https/,
    ],
    [
      "an issuer that is no URL",
      { ...OAUTH, TENCENTCLOUD_REDIS_OAUTH_ISSUER: "login" },
      undefined,
      /TENCENTCLOUD_REDIS_OAUTH_ISSUER is not an absolute URL/,
    ],
    [
      "an http JWKS URL off loopback",
      { ...OAUTH, TENCENTCLOUD_REDIS_OAUTH_JWKS_URL: "http://login.example.com/keys" },
      undefined,
      /TENCENTCLOUD_REDIS_OAUTH_JWKS_URL must be https/,
    ],
    [
      "a JWKS URL without issuer",
      { ...TOKENS, TENCENTCLOUD_REDIS_OAUTH_JWKS_URL: "https://login.example.com/keys" },
      undefined,
      /without TENCENTCLOUD_REDIS_OAUTH_ISSUER/,
    ],
  ])("refuse %s", (_what, env, host, message) => {
    expect(() => check(env, host)).toThrow(ConfigError);
    expect(() => check(env, host)).toThrow(message);
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["0.0.0.0", false],
    ["::", false],
    ["128.0.0.1", false],
    ["127.0.0.256", false],
    ["127.0.0.1.example.com", false],
    ["localhost.example.com", false],
    ["192.168.1.10", false],
  ])("%s: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
