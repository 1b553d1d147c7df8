// drill_restore through a real MCP client against the sandbox (the fake over loopback HTTP, real redis-servers):
// the plan (nothing sent), one CloneInstances tagged as the drill's, check_task { drillId } verifying the clone at
// data level, destroying it and reporting the times; the source's data and address unchanged; 2.8 and CKV
// refused; a clone that is not the drill's own never destroyed; the restore plan naming the last drill.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DRILL_TAG } from "../../src/operations/drill/facts.js";
import { MemoryState } from "../../src/records/store/memory.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { SANDBOX_DATA, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { requireRedisServer } from "../helpers/redis.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const EVENTS = SANDBOX_INSTANCE_IDS.events;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";
const ENV = { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: PASSWORD, TENCENTCLOUD_REDIS_DRILL_MIN_KEYS: "1" };

const writes = (h: Harness) =>
  h.fake.requests.filter((q) => !q.action.startsWith("Describe") && !q.action.startsWith("Inquiry"));

describe("drill_restore on the sandbox", () => {
  let sandbox: Sandbox;
  let h: Harness;
  const state = new MemoryState({ confirmTtlMs: 300_000, rateLimit: 20 });
  let startedAt = 0;
  beforeAll(async () => {
    requireRedisServer();
    startedAt = Date.now();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60, cloneMs: 150 });
    h = await startHarness({ sharedFake: sandbox.fake, state, env: { ...ENV, TENCENTCLOUD_REDIS_CONFIRM: "token" } });
  });
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });
  beforeEach(() => h.fake.reset());

  const describeOne = (id: string) => sandbox.fake.state.getInstance(id);

  it.each([
    ["Redis 6.2 with a password", CATALOG, "product:count"],
    ["Redis 7.0 cluster, password-free", EVENTS, "event:2"],
  ])("%s: plans, clones once, verifies at data level, destroys the clone, reports the times", async (_what, source, key) => {
    const env: Record<string, string> = source === CATALOG ? { TENCENTCLOUD_REDIS_DRILL_REQUIRED_KEYS: key } : {};
    const d = await startHarness({ sharedFake: sandbox.fake, env: { ...ENV, ...env, TENCENTCLOUD_REDIS_CONFIRM: "token" } });
    try {
      const [home] = (await d.created.api.describeInstances({ InstanceId: source, Limit: 1 }, { region: "ap-guangzhou" })).InstanceSet;
      const homeAddress = { host: home?.WanIp, port: home?.Port };
      const plan = sc(await d.call("drill_restore", { instanceId: source }));
      expect(plan.status).toBe("confirmation_required");
      expect(plan.clone).toMatchObject({ zoneId: home?.ZoneId, port: home?.Port, vpcId: home?.UniqVpcId });
      expect(plan.clone.name).toMatch(/-drill-\d{14}-[0-9a-f]{4}$/);
      expect(plan.warning).toMatch(/not touched.*destroyed at the end/);
      expect(typeof plan.estimatedCostCny).toBe("number");
      expect(writes(d)).toEqual([]);

      const started = sc(await d.call("drill_restore", { instanceId: source, confirmToken: plan.confirmToken }));
      expect(started).toMatchObject({ status: "cloning", instanceId: source, backupId: plan.backupId, cloneName: plan.clone.name });
      expect(started.drillId).toMatch(/^dr_[0-9a-f]{12}$/);
      const clones = d.fake.requests.filter((q) => q.action === "CloneInstances");
      expect(clones).toHaveLength(1);
      const tags = (clones[0]?.params as { ResourceTags?: Array<{ TagKey: string; TagValue: string }> } | undefined)?.ResourceTags;
      expect(tags).toContainEqual({ TagKey: DRILL_TAG, TagValue: `${source}/${plan.backupId}/${started.drillId}` });

      const done = sc(await d.call("check_task", { drillId: started.drillId, waitSeconds: 30 }));
      expect(done).toMatchObject({ kind: "drill", status: "completed", done: true, succeeded: true });
      expect(done.drill).toMatchObject({ passed: true, cleanedUp: true, cloneInstanceId: started.cloneInstanceId });
      expect(done.drill.verification).toMatchObject({ level: "data", verdict: "verified", why: "answered" });
      if (source === CATALOG) {
        expect(done.drill.verification.checks).toContainEqual(expect.objectContaining({ name: "required_key", key, status: "pass" }));
      }
      for (const step of ["restoreMs", "verifyMs", "destroyMs", "totalMs"]) expect(done.drill.durations[step]).toBeGreaterThanOrEqual(0);
      expect(describeOne(started.cloneInstanceId)?.Status).toBe(-2);

      // only the clone was destroyed; nothing but CloneInstances and that destroy changed anything
      const changes = writes(d).map((q) => `${q.action} ${(q.params as { InstanceId?: string }).InstanceId}`);
      expect(changes).toEqual([`CloneInstances ${source}`, `DestroyPostpaidInstance ${started.cloneInstanceId}`]);
      // the source: same address, its data there
      expect(describeOne(source)).toMatchObject({ Status: 2, WanIp: homeAddress.host, Port: homeAddress.port });
      const c = await RespClient.connect(Number(homeAddress.port), String(homeAddress.host), source === CATALOG ? PASSWORD : undefined);
      try {
        expect(await c.command("GET", key)).toBe(SANDBOX_DATA[source]?.at(-1)?.[key]);
      } finally {
        c.close();
      }
      // the restore plan names the drill
      const restorePlan = sc(await d.call("restore_instance", { instanceId: source, backupId: plan.backupId }));
      expect(restorePlan.status).toBe("confirmation_required");
      expect(restorePlan.lastDrill).toMatch(
        new RegExp(`^backup ${plan.backupId} restored in \\d+ s on \\d{4}-\\d{2}-\\d{2}, data verified$`),
      );
      expect(d.fake.requests.filter((q) => q.action === "CloneInstances")).toHaveLength(1);
      // again: the same answer, nothing sent
      const before = d.fake.requests.length;
      const again = sc(await d.call("check_task", { instanceId: started.cloneInstanceId }));
      expect(again).toMatchObject({ kind: "drill", drillId: started.drillId, status: "completed" });
      expect(writes(d).length).toBe(2);
      expect(d.fake.requests.length).toBeGreaterThanOrEqual(before);
      const text = JSON.stringify([plan, started, done]);
      expect(text).not.toContain(PASSWORD);
    } finally {
      await d.close();
    }
  });

  it.each([
    ["Redis 2.8", SANDBOX_INSTANCE_IDS.orders],
    ["CKV", SANDBOX_INSTANCE_IDS.reports],
  ])("%s is refused with a structured error, nothing sent", async (_what, instanceId) => {
    const region = instanceId === SANDBOX_INSTANCE_IDS.reports ? "ap-shanghai" : undefined;
    const r = await h.call("drill_restore", { instanceId, ...(region ? { region } : {}) });
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({ code: "ClientError.DrillUnsupported", category: "invalid_input", retryable: false });
    expect(sc(r).error.message).toMatch(/cannot clone/);
    expect(writes(h)).toEqual([]);
  });

  it("never destroys an instance the drill did not create: a clone without the drill's tag is refused", async () => {
    const plan = sc(await h.call("drill_restore", { instanceId: CATALOG }));
    const started = sc(await h.call("drill_restore", { instanceId: CATALOG, confirmToken: plan.confirmToken }));
    // someone retags the clone before the drill reaches it
    h.fake.state.updateInstance(started.cloneInstanceId, { Tags: [{ TagKey: "team", TagValue: "ops" }] });
    const refused = await h.call("check_task", { drillId: started.drillId, waitSeconds: 30 });
    expect(refused.isError).toBe(true);
    expect(sc(refused).error.code).toBe("ClientError.DrillNotOwned");
    const r = sc(await h.call("check_task", { drillId: started.drillId }));
    expect(r).toMatchObject({ kind: "drill", status: "failed", done: true, succeeded: false });
    expect(r.drill).toMatchObject({ passed: false, cleanedUp: false, error: { code: "ClientError.DrillNotOwned" } });
    expect(h.fake.requests.filter((q) => q.action === "DestroyPostpaidInstance")).toEqual([]);
    expect(describeOne(started.cloneInstanceId)?.Status).toBe(2);
    expect(describeOne(CATALOG)?.Status).toBe(2);
  });

  it("never destroys the source, even when the ledger is made to name it", async () => {
    const plan = sc(await h.call("drill_restore", { instanceId: CATALOG }));
    const started = sc(await h.call("drill_restore", { instanceId: CATALOG, confirmToken: plan.confirmToken }));
    const drills = state.drills;
    await drills.transition(started.drillId, ["cloning"], { cloneInstanceId: CATALOG });
    const refused = await h.call("check_task", { drillId: started.drillId, waitSeconds: 30 });
    expect(sc(refused).error.code).toBe("ClientError.DrillNotOwned");
    expect(sc(refused).error.message).toMatch(/source/);
    expect(h.fake.requests.filter((q) => q.action === "DestroyPostpaidInstance")).toEqual([]);
    expect(describeOne(CATALOG)?.Status).toBe(2);
  });

  it("a lost answer of CloneInstances is never resent: the clone is found by its unique name, and the drill goes on", async () => {
    const plan = sc(await h.call("drill_restore", { instanceId: CATALOG }));
    h.fake.inject("CloneInstances", { kind: "drop", phase: "after" }, 1); // the clone bought, the answer lost
    const started = sc(await h.call("drill_restore", { instanceId: CATALOG, confirmToken: plan.confirmToken }));
    expect(started).toMatchObject({ status: "cloning", recovered: true, cloneName: plan.clone.name });
    expect(h.fake.count("CloneInstances")).toBe(1);
    expect(describeOne(started.cloneInstanceId)?.InstanceName).toBe(plan.clone.name);
    const done = sc(await h.call("check_task", { drillId: started.drillId, waitSeconds: 30 }));
    expect(done).toMatchObject({ status: "completed", drill: { passed: true, cleanedUp: true } });
    expect(h.fake.count("CloneInstances")).toBe(1);
  });

  it("a point in time: the plan and the clone name the second; the drill passes", async () => {
    while (Date.now() - startedAt < 2100) await new Promise((r) => setTimeout(r, 100)); // the covered range starts with the sandbox
    const at = new Date(Math.floor((Date.now() - 1000) / 1000) * 1000).toISOString();
    const plan = sc(await h.call("drill_restore", { instanceId: CATALOG, pointInTime: at }));
    expect(plan.status, JSON.stringify(plan)).toBe("confirmation_required");
    expect(plan.backup.type).toBe("point_in_time");
    const started = sc(await h.call("drill_restore", { instanceId: CATALOG, pointInTime: at, confirmToken: plan.confirmToken }));
    expect(started.pointInTime).toBe(plan.clone.pointInTime);
    const clone = h.fake.requests.find((q) => q.action === "CloneInstances")?.params as { CloneTime?: string };
    expect(clone.CloneTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const done = sc(await h.call("check_task", { drillId: started.drillId, waitSeconds: 30 }));
    expect(done.drill).toMatchObject({ passed: true, pointInTime: plan.clone.pointInTime });
  });

  it("an unknown drill is a structured error", async () => {
    const r = await h.call("check_task", { drillId: "dr_000000000000" });
    expect(r.isError).toBe(true);
    expect(sc(r).error.code).toBe("ClientError.DrillNotFound");
  });
});
