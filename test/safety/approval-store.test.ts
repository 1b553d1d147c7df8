// The approval records (docs/approval.md) behind the SafetyState interface, in memory and in a real redis-server, held
// to the same rules: one decision, never by the requester; one use, only for exactly the bound change (a backup or
// a point in time, a method, a tool: switch_address and the clone route bind the same way); expiry; fail closed.

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import type { Approval, ApprovalBinding } from "../../src/records/store/approvals.js";
import { MemoryState, openState, type SafetyState } from "../../src/records/store/index.js";
import { type StateRedis, startStateRedis } from "../helpers/state-redis.js";

const binding: ApprovalBinding = {
  requester: "token:alice",
  tool: "switch_address",
  region: "ap-guangzhou",
  instanceId: "crs-sbx2sess",
  pointInTime: "2026-12-01T08:00:00.000Z",
  method: "clone",
};

function approval(b: ApprovalBinding = binding, ttlMs = 60_000): Approval {
  const now = Date.now();
  return {
    ...b,
    id: `ap_${randomBytes(24).toString("base64url")}`,
    status: "pending",
    createdAt: now,
    expiresAt: now + ttlMs,
    instanceName: "session-store",
    plan: { warning: "replaces the address", price: "0.12 CNY/hour", nested: { list: [1, 2], empty: {} } },
  };
}

let redis: StateRedis;
let redisState: SafetyState;
const memoryState = new MemoryState(loadConfig([], {}));

beforeAll(async () => {
  redis = await startStateRedis();
  redisState = await openState(loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: redis.url }), new Logger("error", () => {}));
}, 30_000);
afterAll(async () => {
  await redisState?.close();
  await redis?.close();
});

describe.each([
  ["memory", () => memoryState],
  ["redis", () => redisState],
])("approval records in %s", (_kind, state) => {
  it("keeps the record as it was given, plan included", async () => {
    const a = approval();
    await state().approvals.create(a);
    expect(await state().approvals.get(a.id)).toEqual(a);
    expect((await state().approvals.list()).map((x) => x.id)).toContain(a.id);
    expect(await state().approvals.get("ap_unknownunknownunknownunknownunkn")).toBeUndefined();
  });

  it("one decision, never by the requester, not after expiry", async () => {
    const a = approval();
    await state().approvals.create(a);
    expect(await state().approvals.decide(a.id, "approve", "token:alice")).toMatchObject({ ok: false, why: "self" });
    const ok = await state().approvals.decide(a.id, "approve", "token:carol", "fine");
    expect(ok).toMatchObject({ ok: true, approval: { status: "approved", decidedBy: "token:carol", reason: "fine" } });
    expect(await state().approvals.decide(a.id, "deny", "token:dave")).toMatchObject({ ok: false, why: "decided" });
    expect(await state().approvals.decide("ap_nonenonenonenonenonenonenonenone", "approve", "x")).toEqual({
      ok: false,
      why: "unknown",
    });
    const late = approval(binding, 30);
    await state().approvals.create(late);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await state().approvals.get(late.id))?.status).toBe("expired");
    expect(await state().approvals.decide(late.id, "approve", "token:carol")).toMatchObject({ ok: false, why: "expired" });
  });

  it("one use, only for exactly the bound change, of 20 racing attempts", async () => {
    const a = approval();
    await state().approvals.create(a);
    expect(await state().approvals.use(a.id, binding)).toEqual({ ok: false, why: "pending" });
    await state().approvals.decide(a.id, "approve", "token:carol");
    for (const other of [
      { method: "in_place" },
      { pointInTime: "2026-12-01T09:00:00.000Z" },
      { tool: "restore_instance" },
      { requester: "token:bob" },
      { backupId: "1250000000-1" },
    ]) {
      expect(await state().approvals.use(a.id, { ...binding, ...other }), JSON.stringify(other)).toEqual({
        ok: false,
        why: "mismatch",
      });
    }
    const racing = await Promise.all(Array.from({ length: 20 }, () => state().approvals.use(a.id, binding)));
    expect(racing.filter((r) => r.ok)).toHaveLength(1);
    expect(racing.filter((r) => !r.ok).every((r) => !r.ok && r.why === "used")).toBe(true);
    expect((await state().approvals.get(a.id))?.status).toBe("used");
  });
});

describe("approval records in Redis fail closed", () => {
  it("a Redis that does not answer refuses a decision and a use with ClientError.StateUnavailable", async () => {
    const a = approval();
    await redisState.approvals.create(a);
    redis.pause();
    try {
      await expect(redisState.approvals.decide(a.id, "approve", "token:carol")).rejects.toMatchObject({
        code: "ClientError.StateUnavailable",
      });
      await expect(redisState.approvals.use(a.id, binding)).rejects.toMatchObject({ code: "ClientError.StateUnavailable" });
    } finally {
      redis.resume();
    }
    // stored under the state's prefix, one hash per approval
    await expect.poll(async () => redis.command("EXISTS", `tcrmcp:approval:${a.id}`), { timeout: 10_000 }).toBe(1);
  });
});
