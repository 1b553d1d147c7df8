import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import type { PromMetrics } from "../../src/base/metrics.js";
import { createPromMetrics } from "../../src/base/metrics-open.js";
import { openState, type SafetyState } from "../../src/records/store/index.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";
import { restorableBackup, waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const ORDERS = SANDBOX_INSTANCE_IDS.orders;

/** The value of one sample of the exposition text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`${name}{`) && want.every((w) => l.slice(l.indexOf("{"), l.indexOf("}")).includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

describe("metrics: counted where the events happen, nothing secret in any label", () => {
  let h: Harness;
  let metrics: PromMetrics;
  let redis: StateRedis;
  let state: SafetyState;
  const instancePassword = "Orders-Pass-Not-For-Labels-42";
  beforeAll(async () => {
    metrics = await createPromMetrics();
    redis = await startStateRedis();
    const log = new Logger("error", () => {});
    const env = { TENCENTCLOUD_REDIS_STATE_URL: redis.url, TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS: "300" };
    state = await openState(loadConfig([], env), log, metrics);
    h = await startHarness({ env: { ...env, TENCENTCLOUD_REDIS_CONFIRM: "token" }, state, metrics });
  });
  afterAll(async () => {
    await h.close();
    await state.close();
    await redis.close();
  });

  it("counts tool calls, cloud requests, throttling, retries, restores, backups, locks and state errors", async () => {
    h.fake.inject("DescribeInstances", { kind: "error", code: "RequestLimitExceeded" }, 1);
    expect((await h.call("list_instances")).isError).toBeFalsy();
    const backupId = await restorableBackup(h, SESSIONS);
    const plan = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
    h.fake.inject("RestoreInstance", { kind: "delay", ms: 300 }, 1);
    const first = h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken });
    await until("the first restore is sent", () => h.fake.count("RestoreInstance") === 1);
    const plan2 = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const second = sc(
      await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan2.confirmToken }),
    );
    expect(second.error.code).toBe("ResourceUnavailable.InstanceLockedError");
    expect(sc(await first).status).toBe("submitted");
    await waitIdle(h, SESSIONS);
    expect(sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "metrics" })).status).toBe("submitted");
    // a password and a confirm token pass through a call: neither may reach the metrics
    const orders = await restorableBackup(h, ORDERS);
    const p3 = sc(
      await h.call("restore_instance", { instanceId: ORDERS, backupId: orders, password: instancePassword }),
    );
    await redis.kill();
    await until(
      "the store is down",
      async () =>
        sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId })).error?.code ===
        "ClientError.StateUnavailable",
    );

    const text = await metrics.render();
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(sample(text, "tcrmcp_tool_calls_total", { tool: "list_instances", outcome: "ok" })).toBe(1);
    expect(sample(text, "tcrmcp_tool_calls_total", { tool: "restore_instance", outcome: "conflict" })).toBe(1);
    expect(
      sample(text, "tcrmcp_tool_calls_total", { tool: "restore_instance", outcome: "unavailable" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, "tcrmcp_cloud_requests_total", { action: "DescribeInstances", result: "throttled" })).toBe(1);
    expect(sample(text, "tcrmcp_cloud_requests_total", { action: "RestoreInstance", result: "ok" })).toBe(1);
    expect(sample(text, "tcrmcp_cloud_throttled_total", { action: "DescribeInstances" })).toBe(1);
    expect(sample(text, "tcrmcp_cloud_retried_total", { action: "DescribeInstances" })).toBe(1);
    expect(sample(text, "tcrmcp_cloud_request_duration_seconds_count", { action: "RestoreInstance" })).toBe(1);
    expect(sample(text, "tcrmcp_budget_wait_seconds_count", { mode: "shared" })).toBeGreaterThan(3);
    expect(sample(text, "tcrmcp_restores_total", { outcome: "planned" })).toBe(3);
    expect(sample(text, "tcrmcp_restores_total", { outcome: "submitted" })).toBe(1);
    expect(sample(text, "tcrmcp_restores_total", { outcome: "refused" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "tcrmcp_backups_total", { outcome: "submitted" })).toBe(1);
    expect(sample(text, "tcrmcp_restore_locks_total", { result: "acquired" })).toBe(1);
    expect(sample(text, "tcrmcp_restore_locks_total", { result: "refused" })).toBe(1);
    expect(sample(text, "tcrmcp_state_errors_total", { operation: "unavailable" })).toBeGreaterThanOrEqual(1);

    for (const secret of [
      instancePassword,
      plan.confirmToken,
      plan2.confirmToken,
      p3.confirmToken,
      SANDBOX_CREDENTIALS.secretKey,
    ]) {
      expect(typeof secret).toBe("string");
      expect(text).not.toContain(secret);
    }
    // labels are names and categories only: no instance or backup IDs either
    expect(text).not.toContain(SESSIONS);
    expect(text).not.toContain(backupId);
  }, 30_000);
});
