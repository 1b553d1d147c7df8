import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";

describe("an unfilled MCP Bundle placeholder means unset", () => {
  const base = { TENCENTCLOUD_SECRET_ID: "AKIDexample", TENCENTCLOUD_SECRET_KEY: "key" };

  it("for every variable, as if it were not there", () => {
    const filled = loadConfig([], base);
    const unfilled = loadConfig([], {
      ...base,
      TENCENTCLOUD_REGION: "${user_config.region}",
      TENCENTCLOUD_REDIS_CONFIRM: "${user_config.confirm}",
      TENCENTCLOUD_REDIS_READ_ONLY: " ${user_config.read_only} ",
      TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: "${user_config.allowed_instances}",
      TENCENTCLOUD_REDIS_AUDIT_LOG: "${user_config.audit_log}",
      TENCENTCLOUD_REDIS_PASSWORD: "${user_config.password}",
      TENCENTCLOUD_SESSION_TOKEN: "${user_config.token}",
    });
    expect(unfilled).toEqual(filled);
  });

  it("missing credentials stay missing, not the placeholder's text", () => {
    const config = loadConfig([], {
      TENCENTCLOUD_SECRET_ID: "${user_config.secret_id}",
      TENCENTCLOUD_SECRET_KEY: "${user_config.secret_key}",
    });
    expect(config.credentials).toBeUndefined();
  });

  it("a value that merely contains such text is kept as it is", () => {
    expect(() => loadConfig([], { TENCENTCLOUD_REGION: "ap-${user_config.region}" })).toThrow(/TENCENTCLOUD_REGION/);
  });
});
