import { describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { matchesPattern } from "../../src/gates/allowlist.js";
import { sc, startHarness } from "../helpers/harness.js";
import { restorableBackup } from "./helpers.js";

const { orders: ORDERS, sessions: SESSIONS } = SANDBOX_INSTANCE_IDS;

describe("allowlist patterns", () => {
  it.each([
    ["crs-abc12345", "crs-abc12345", true],
    ["crs-abc12345", "crs-abc123456", false],
    ["crs-abc*", "crs-abc12345", true],
    ["crs-*5", "crs-abc12345", true],
    ["*", "crs-abc12345", true],
    ["CRS-ABC12345", "crs-abc12345", true],
    ["crs-abc.2345", "crs-abc12345", false],
    ["crs-x*", "crs-abc12345", false],
  ])("%s matches %s: %s", (pattern, id, expected) => {
    expect(matchesPattern(pattern, id)).toBe(expected);
  });
});

describe("scope", () => {
  it("TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: any other instance is refused before any call, even the plan", async () => {
    for (const mode of ["token", "none"]) {
      const h = await startHarness({
        env: { TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: "crs-nope0001, crs-sbx2*", TENCENTCLOUD_REDIS_CONFIRM: mode },
      });
      try {
        const backupId = await restorableBackup(h, ORDERS);
        h.fake.reset();
        const r = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: "sandbox-orders-pass" });
        expect(sc(r).error).toMatchObject({ code: "ClientError.InstanceNotAllowed", category: "permission", retryable: false });
        expect(sc(r).error.message).toContain("crs-sbx2*");
        expect(h.fake.count()).toBe(0);
        const allowed = await h.call("restore_instance", { instanceId: SESSIONS, backupId: await restorableBackup(h, SESSIONS) });
        expect(allowed.isError).toBeFalsy();
      } finally {
        await h.close();
      }
    }
  });

  it("read-only: restore_instance is not listed, and a call is refused with nothing sent", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_READ_ONLY: "true" } });
    try {
      const { tools } = await h.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["list_instances", "list_backups", "check_task"]);
      const backupId = await restorableBackup(h, SESSIONS);
      h.fake.reset();
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
      expect(r.isError).toBe(true);
      expect((r.content[0] as { text: string }).text).toMatch(/Tool restore_instance not found/);
      expect(h.fake.count()).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("TENCENTCLOUD_REDIS_TOOLS: only these tools exist", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_TOOLS: "list_backups,check_task" } });
    try {
      expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(["list_backups", "check_task"]);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId: "b-1" });
      expect(r.isError).toBe(true);
      expect(h.fake.count()).toBe(0);
    } finally {
      await h.close();
    }
  });
});
