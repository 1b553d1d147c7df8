import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { newRestoreTask } from "../helpers/follow.js";

describe("the client-side rate limiter against a fake enforcing 20/s per sliding second", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fake: { rateLimit: 20 } });
  });
  afterAll(() => h.close());

  it("200 concurrent check_task calls all succeed, none throttled", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 600_000, runningMs: 600_000 });
    const results = await Promise.all(Array.from({ length: 200 }, () => h.call("check_task", { taskId })));
    expect(results.filter((r) => r.isError)).toHaveLength(0);
    expect(results.every((r) => sc(r).status === "preparing")).toBe(true);
    expect(h.fake.requests.filter((r) => r.errorCode === "RequestLimitExceeded")).toHaveLength(0);
    expect(h.fake.count("DescribeTaskInfo")).toBe(200);
    expect(h.logLines.some((l) => l.includes("retrying API call"))).toBe(false);
  }, 30_000);
});

describe("HTTP keep-alive", () => {
  it.each([
    ["true", 1],
    ["false", 2],
  ])("TENCENTCLOUD_REDIS_KEEP_ALIVE=%s: two sequential calls use %i TCP connection(s)", async (keepAlive, connections) => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_KEEP_ALIVE: keepAlive } });
    try {
      expect(h.fake.connections).toBe(0);
      expect((await h.call("list_instances")).isError).toBeFalsy();
      expect((await h.call("list_backups", { instanceId: "crs-sbx1orde" })).isError).toBeFalsy();
      expect(h.fake.count()).toBe(2);
      expect(h.fake.connections).toBe(connections);
    } finally {
      await h.close();
    }
  });
});
