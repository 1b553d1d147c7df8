import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const ARN = "qcs::cam::uin/100000000001:roleName/redis-restore";

describe("configuration of the role to assume and of STS", () => {
  it("reads the role, its session name and duration, and the STS endpoint", () => {
    const c = loadConfig([], {
      TENCENTCLOUD_ROLE_ARN: ARN,
      TENCENTCLOUD_ROLE_SESSION_NAME: "team-a",
      TENCENTCLOUD_ROLE_DURATION_SECONDS: "900",
      TENCENTCLOUD_STS_ENDPOINT: "http://127.0.0.1:9000",
    });
    expect(c.role).toEqual({ arn: ARN, sessionName: "team-a", durationSeconds: 900 });
    expect(c.stsEndpoint).toEqual({ protocol: "http:", host: "127.0.0.1", port: 9000 });
    expect(loadConfig([], { TENCENTCLOUD_ROLE_ARN: "qcs::cam::uin/1:role/4611686018427397919" }).role).toEqual({
      arn: "qcs::cam::uin/1:role/4611686018427397919",
      sessionName: "tencentcloud-redis-mcp",
    });
    expect(loadConfig([], {}).role).toBeUndefined();
  });

  it("detects TKE OIDC only when its role and token file are both set", () => {
    expect(loadConfig([], { TKE_ROLE_ARN: ARN }).tkeOidc).toBe(false);
    expect(loadConfig([], { TKE_ROLE_ARN: ARN, TKE_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" }).tkeOidc).toBe(true);
  });

  it.each([
    [{ TENCENTCLOUD_ROLE_ARN: "arn:aws:iam::1:role/x" }, /TENCENTCLOUD_ROLE_ARN must be a role ARN/],
    [{ TENCENTCLOUD_ROLE_ARN: ARN, TENCENTCLOUD_ROLE_SESSION_NAME: "has space" }, /TENCENTCLOUD_ROLE_SESSION_NAME/],
    [
      { TENCENTCLOUD_ROLE_ARN: ARN, TENCENTCLOUD_ROLE_DURATION_SECONDS: "50000" },
      /TENCENTCLOUD_ROLE_DURATION_SECONDS must be a number from 1 to 43200/,
    ],
    [{ TENCENTCLOUD_ROLE_DURATION_SECONDS: "900" }, /TENCENTCLOUD_ROLE_ARN is not/],
    [{ TENCENTCLOUD_STS_ENDPOINT: "ftp://sts" }, /^TENCENTCLOUD_STS_ENDPOINT must be a host/],
  ])("refuses %o", (env, message) => {
    expect(() => loadConfig([], env)).toThrow(ConfigError);
    expect(() => loadConfig([], env)).toThrow(message);
  });
});
