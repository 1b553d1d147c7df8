// The clone route of restore_instance (docs/restore-methods.md) through a real MCP client against the fake over real HTTP:
// the method of every edition, the plan (nothing sent), the one CloneInstances with every field from the source,
// a lost answer found by name and never resent, check_task following the clone, point in time.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EDITIONS } from "../../src/cloud/editions.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const EVENTS = SANDBOX_INSTANCE_IDS.events;
const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const PASSWORD_ENV = { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "" };

const writes = (h: Harness) => h.fake.requests.filter((q) => !q.action.startsWith("Describe") && !q.action.startsWith("Inquiry"));

async function newestBackup(h: Harness, instanceId: string): Promise<string> {
  const listed = sc(await h.call("list_backups", { instanceId }));
  const restorable = listed.backups.filter((b: { restorable: boolean }) => b.restorable);
  return restorable[0].backupId;
}

describe("restore_instance's clone route", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token", ...PASSWORD_ENV }, fake: { cloneMs: 150 } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("list_instances shows the method of every edition the table names, and refuses Memcached and unknown types", async () => {
    for (const [type, edition] of Object.entries(EDITIONS)) {
      h.fake.state.updateInstance(EVENTS, { Type: Number(type) });
      const listed = sc(await h.call("list_instances", { search: "events" }));
      expect(listed.instances[0].restoreMethod, `type ${type}`).toBe(edition.method);
    }
    h.fake.state.updateInstance(EVENTS, { Type: 123 });
    expect(sc(await h.call("list_instances", { search: "events" })).instances[0].restoreMethod).toBe("refused");
    h.fake.state.updateInstance(EVENTS, { Type: 200 });
    const r = await h.call("restore_instance", { instanceId: EVENTS, backupId: await newestBackup(h, EVENTS) });
    expect(r.isError).toBe(true);
    expect(sc(r).error.code).toBe("ClientError.EditionUnsupported");
    expect(sc(r).error.message).toMatch(/Memcached/);
    expect(writes(h)).toEqual([]);
    h.fake.state.updateInstance(EVENTS, { Type: 18 });
    const list = sc(await h.call("list_instances", {}));
    const method = Object.fromEntries(list.instances.map((i: { instanceId: string; restoreMethod: string }) => [i.instanceId, i.restoreMethod]));
    expect(method[ORDERS]).toBe("in_place");
    expect(method[CATALOG]).toBe("clone");
  });

  it("plans a clone: method, the clone's fields and its price; nothing is sent, the password never shown", async () => {
    const backupId = await newestBackup(h, CATALOG);
    h.fake.reset();
    const r = await h.call("restore_instance", { instanceId: CATALOG, backupId });
    expect(r.isError).toBeFalsy();
    const s = sc(r);
    expect(s.status).toBe("confirmation_required");
    expect(s.method).toBe("clone");
    expect(s.methodReason).toMatch(/Redis 6\.2 standard is restored by cloning/);
    expect(s.clone).toMatchObject({
      zoneId: 100003,
      vpcId: "vpc-sbx00001",
      subnetId: "subnet-sbx00001",
      securityGroupIds: ["sg-sbx00001", "sg-sbx00002"],
      port: 6379,
      type: 15,
      sizeMb: 4096,
    });
    // 4096 MB, 1 replica: 93.3408 pent an hour as InquiryPriceCreateInstance quotes it, shown in CNY per hour
    expect(s.clone.price).toEqual({
      amount: 0.933408,
      currency: "CNY",
      per: "hour",
      text: "0.9334 CNY per hour",
      priceRaw: { amount: 93.3408, unit: "pent", currency: "CNY" },
      billing: "pay-as-you-go",
      bills: "until someone deletes it",
    });
    const text = (r.content[0] as { text: string }).text;
    expect(text).toContain("price 0.9334 CNY per hour.");
    expect(s.warning).toContain("pay-as-you-go (0.9334 CNY per hour)");
    expect(text).not.toMatch(/pent/);
    expect(s.clone.name).toMatch(/^catalog-v62-restore-\d{14}-[0-9a-f]{4}$/);
    expect(s.warning).toMatch(/Nothing changes for catalog-v62 .* until switch_address/);
    expect(s.warning).toMatch(/bills until someone deletes it/);
    expect(JSON.stringify(r)).not.toContain(SANDBOX_PASSWORDS[CATALOG]);
    const actions = h.fake.requests.map((q) => q.action);
    expect(actions).toEqual(expect.arrayContaining(["DescribeInstanceSecurityGroup", "InquiryPriceCreateInstance"]));
    expect(writes(h)).toEqual([]);
    const price = h.fake.requests.find((q) => q.action === "InquiryPriceCreateInstance")?.params;
    expect(price).toMatchObject({ TypeId: 15, MemSize: 4096, GoodsNum: 1, Period: 1, BillingMode: 0, ZoneId: 100003 });
  });

  it("a price the API does not quote: the plan says so once, with the API's reason, and still plans", async () => {
    const backupId = await newestBackup(h, CATALOG);
    h.fake.inject("InquiryPriceCreateInstance", { kind: "error", code: "InvalidParameterValue.SpecNotExist", message: "no such spec" }, 1);
    const r = await h.call("restore_instance", { instanceId: CATALOG, backupId });
    const s = sc(r);
    expect(s.status).toBe("confirmation_required");
    expect(s.clone.price).toMatchObject({ text: "not quoted (InvalidParameterValue.SpecNotExist: no such spec)", billing: "pay-as-you-go" });
    expect(s.clone.price.amount).toBeUndefined();
    expect(s.clone.price.priceRaw).toBeUndefined();
    const text = (r.content[0] as { text: string }).text;
    expect(text).toContain("; price not quoted (InvalidParameterValue.SpecNotExist: no such spec).");
    expect(text).not.toContain("price price");
    expect(s.warning).toContain("pay-as-you-go (price not quoted)");
  });

  it("confirmed: exactly one CloneInstances with every field from the source; follows the clone until it runs", async () => {
    const backupId = await newestBackup(h, CATALOG);
    const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId }));
    h.fake.reset();
    const r = await h.call("restore_instance", { instanceId: CATALOG, backupId, confirmToken: plan.confirmToken });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    const s = sc(r);
    expect(s.status).toBe("cloning");
    expect(s.cloneInstanceId).toMatch(/^crs-/);
    expect(s.dealName).toBeTruthy();
    expect(s.next).toMatch(/check_task/);
    expect(s.next).toMatch(/switch_address/);
    const sent = h.fake.requests.filter((q) => q.action === "CloneInstances");
    expect(sent).toHaveLength(1);
    const p = sent[0]?.params as Record<string, unknown>;
    expect(p).toMatchObject({
      InstanceId: CATALOG,
      GoodsNum: 1,
      BillingMode: 0,
      Period: 1,
      ZoneId: 100003,
      VpcId: "vpc-sbx00001",
      SubnetId: "subnet-sbx00001",
      SecurityGroupIdList: ["sg-sbx00001", "sg-sbx00002"],
      VPort: 6379,
      BackupId: backupId,
      Password: SANDBOX_PASSWORDS[CATALOG],
    });
    expect(p.NoAuth).toBeUndefined();
    expect(String(p.InstanceName)).toMatch(/^catalog-v62-restore-\d{14}-[0-9a-f]{4}$/);
    expect(String(p.InstanceName).length).toBeLessThan(60);
    expect(p.InstanceName).toBe(plan.clone.name); // the plan named the very instance the confirmed call made
    expect(String(p.InstanceName)).toContain(plan.backup.startTime.slice(0, 19).replace(/\D/g, "")); // the time restored
    expect(p.ResourceTags).toEqual([
      { TagKey: "team", TagValue: "catalog" },
      { TagKey: "env", TagValue: "prod" },
      { TagKey: "tcrmcp-restore-of", TagValue: `${CATALOG}/${backupId}` },
    ]);
    expect(writes(h).map((q) => q.action)).toEqual(["CloneInstances"]);

    const follow = sc(await h.call("check_task", { instanceId: s.cloneInstanceId, waitSeconds: 30 }));
    expect(follow).toMatchObject({ kind: "clone", status: "running", done: true, succeeded: true, dealName: s.dealName });
    expect(follow.dealStatus).toBe(4);
    expect(follow.address.host).toBeTruthy();
    // the original's ID comes from the clone's tag: the call to make next, filled in
    expect(follow.next).toContain(`switch_address { instanceId: "${CATALOG}", toInstanceId: "${s.cloneInstanceId}" }`);

    // the clone and its order are read at two moments: a running clone whose order was read as still delivering
    // (3) has its order read again, and the answer never says running beside a delivering order
    h.fake.reset();
    const delivering = { Response: { DealDetails: [{ DealName: s.dealName, Status: 3 }], RequestId: "r-delivering" } };
    h.fake.inject("DescribeInstanceDealDetail", { kind: "body", body: JSON.stringify(delivering) }, 1);
    const again = sc(await h.call("check_task", { instanceId: s.cloneInstanceId }));
    expect(again).toMatchObject({ kind: "clone", status: "running", dealName: s.dealName, dealStatus: 4 });
    expect(h.fake.count("DescribeInstanceDealDetail")).toBe(2);

    // a server that did not make it (no order recorded: another process, memory state) knows it by its tag too
    const other = await startHarness({ sharedFake: h.fake, env: PASSWORD_ENV });
    try {
      const seen = sc(await other.call("check_task", { instanceId: s.cloneInstanceId }));
      expect(seen).toMatchObject({ kind: "clone", status: "running" });
      expect(seen.dealName).toBeUndefined();
      expect(seen.next).toContain(`switch_address { instanceId: "${CATALOG}", toInstanceId: "${s.cloneInstanceId}" }`);
    } finally {
      await other.close();
    }
  });

  it("check_task { instanceId } on an instance that is not a clone says what it is and what check_task follows", async () => {
    for (const [id, edition] of [
      [ORDERS, "Redis 2.8 standard"],
      [CATALOG, "Redis 6.2 standard"],
    ] as const) {
      const r = await h.call("check_task", { instanceId: id });
      expect(r.isError).toBe(true);
      const error = sc(r).error;
      expect(error.code).toBe("ClientError.InvalidArgument");
      expect(error.message).toContain(`${id} is not a clone made by restore_instance: it is a ${edition} instance`);
      expect(error.message).toMatch(/running/);
      expect(error.message).toMatch(/check_task follows a clone .* or a task \(taskId\)/);
      expect(error.fields).toEqual([expect.objectContaining({ path: "instanceId" })]);
      const text = (r.content as Array<{ text: string }>)[0]?.text ?? "";
      expect(text).not.toMatch(/Clone crs-/); // never answered as if it were a clone
      expect(text).not.toMatch(/<the original>/);
    }
    expect(writes(h)).toEqual([]);
  });

  it("a multi-AZ, password-free cluster source: NoAuth, NodeSet without node IDs, ProjectId", async () => {
    const backupId = await newestBackup(h, EVENTS);
    const plan = sc(await h.call("restore_instance", { instanceId: EVENTS, backupId }));
    expect(plan.clone).toMatchObject({ type: 18, shardNum: 3, shardSizeMb: 1024 });
    // the sandbox prices its own cluster: 3 shards of 1024 MB, 2 nodes each, at 11.6676 pent per GB and node hour
    expect(plan.clone.price).toMatchObject({ amount: 0.700056, per: "hour", priceRaw: { amount: 70.0056, unit: "pent" } });
    expect(plan.clone.price.error).toBeUndefined();
    h.fake.reset();
    const r = await h.call("restore_instance", { instanceId: EVENTS, backupId, confirmToken: plan.confirmToken });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    const p = h.fake.requests.find((q) => q.action === "CloneInstances")?.params as Record<string, unknown>;
    expect(p.NoAuth).toBe(true);
    expect(p.Password).toBeUndefined();
    expect(p.ProjectId).toBe(1001);
    expect(p.VPort).toBe(6380);
    const nodes = p.NodeSet as Array<Record<string, unknown>>;
    expect(nodes.length).toBeGreaterThan(1);
    for (const n of nodes) {
      expect(Object.keys(n).sort()).toEqual(["NodeType", "ZoneId"]);
    }
  });

  it("a lost CloneInstances answer is not resent: the clone is found by its unique name (recovered)", async () => {
    const backupId = await newestBackup(h, CATALOG);
    const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId }));
    h.fake.reset();
    h.fake.inject("CloneInstances", { kind: "drop", phase: "after" }, 1);
    const r = await h.call("restore_instance", { instanceId: CATALOG, backupId, confirmToken: plan.confirmToken });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    const s = sc(r);
    expect(s).toMatchObject({ status: "cloning", recovered: true });
    expect(h.fake.requests.filter((q) => q.action === "CloneInstances")).toHaveLength(1);
    const name = (h.fake.requests.find((q) => q.action === "CloneInstances")?.params as { InstanceName?: string } | undefined)?.InstanceName;
    expect(h.fake.state.getInstance(s.cloneInstanceId)?.InstanceName).toBe(name);
  });

  it("a lost answer with no clone to be found: outcome_unknown naming the clone, never resent", async () => {
    const backupId = await newestBackup(h, CATALOG);
    const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId }));
    h.fake.reset();
    h.fake.inject("CloneInstances", { kind: "drop", phase: "before" }, 1);
    const r = await h.call("restore_instance", { instanceId: CATALOG, backupId, confirmToken: plan.confirmToken });
    expect(r.isError).toBe(true);
    expect(sc(r).error.category).toBe("outcome_unknown");
    expect(sc(r).error.hint).toMatch(/do NOT call restore_instance again/);
    expect(sc(r).error.hint).toMatch(/catalog-v62-restore-/);
    expect(h.fake.requests.filter((q) => q.action === "CloneInstances")).toHaveLength(1);
  });

  it("check_task takes exactly one of taskId and instanceId; a failed order is a failed clone", async () => {
    const both = await h.call("check_task", { taskId: 1, instanceId: CATALOG });
    expect(sc(both).error.code).toBe("ClientError.InvalidArgument");
    const none = await h.call("check_task", {});
    expect(sc(none).error.code).toBe("ClientError.InvalidArgument");
    const missing = await h.call("check_task", { instanceId: "crs-nosuch00", waitSeconds: 600 });
    expect(sc(missing).error.code).toBe("ResourceNotFound.InstanceNotExists"); // at once, not after the wait
    const backupId = await newestBackup(h, CATALOG);
    const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId }));
    h.fake.state.failNextDelivery();
    const s = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId, confirmToken: plan.confirmToken }));
    const follow = sc(await h.call("check_task", { instanceId: s.cloneInstanceId, waitSeconds: 30 }));
    expect(follow).toMatchObject({ kind: "clone", status: "failed", done: true, succeeded: false });
    expect(follow.dealStatus).toBeGreaterThanOrEqual(5);
  });
});

describe("point in time (second-level backup)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token", ...PASSWORD_ENV }, fake: { cloneMs: 100 } });
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the covered range starts when the sandbox started
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  const second = () => new Date(Math.floor((Date.now() - 1000) / 1000) * 1000);
  const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");

  it("found: the plan names the exact second; CloneInstances gets its BackupId and CloneTime in Beijing time", async () => {
    const at = second();
    const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, pointInTime: at.toISOString() }));
    expect(plan.status, JSON.stringify(plan)).toBe("confirmation_required");
    expect(plan.clone.pointInTime).toBe(`${beijing(at).replace(" ", "T")}+08:00`);
    expect(plan.backup.type).toBe("point_in_time");
    const info = h.fake.requests.find((q) => q.action === "DescribeSecondLevelBackupInfo");
    expect(info?.params).toEqual({ InstanceId: CATALOG, BackupTimestamp: at.getTime() / 1000 });
    const r = await h.call("restore_instance", { instanceId: CATALOG, pointInTime: at.toISOString(), confirmToken: plan.confirmToken });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    const p = h.fake.requests.find((q) => q.action === "CloneInstances")?.params as Record<string, unknown>;
    expect(p.CloneTime).toBe(beijing(at));
    expect(p.BackupId).toBe(plan.backupId);
    expect(sc(r).pointInTime).toBe(plan.clone.pointInTime);
  });

  it("refuses a second in a missing range, before the covered start, older than 7 days; nothing sent", async () => {
    const at = second();
    h.fake.state.updateInstance(CATALOG, { secondLevelGaps: [{ from: at.getTime() - 500, to: at.getTime() + 500 }] });
    const gap = await h.call("restore_instance", { instanceId: CATALOG, pointInTime: at.toISOString() });
    h.fake.state.updateInstance(CATALOG, { secondLevelGaps: [] });
    expect(sc(gap).error.code).toBe("ClientError.PointInTimeRefused");
    expect(sc(gap).error.message).toMatch(/no backup covers it/);
    const before = await h.call("restore_instance", { instanceId: CATALOG, pointInTime: new Date(Date.now() - 3600_000).toISOString() });
    expect(sc(before).error.code).toBe("ClientError.PointInTimeRefused");
    expect(sc(before).error.message).toMatch(/earliest second/);
    const old = await h.call("restore_instance", { instanceId: CATALOG, pointInTime: new Date(Date.now() - 8 * 86_400_000).toISOString() });
    expect(sc(old).error.code).toBe("ClientError.PointInTimeRefused");
    expect(sc(old).error.message).toMatch(/older than 7 days/);
    const inPlace = await h.call("restore_instance", { instanceId: ORDERS, pointInTime: at.toISOString() });
    expect(sc(inPlace).error.code).toBe("ClientError.PointInTimeRefused");
    const both = await h.call("restore_instance", { instanceId: CATALOG, pointInTime: at.toISOString(), backupId: "x1" });
    expect(sc(both).error.code).toBe("ClientError.InvalidArgument");
    expect(writes(h)).toEqual([]);
  });
});

describe("TENCENTCLOUD_REDIS_RESTORE_METHOD", () => {
  it("forced in_place on a 6.2 instance: RestoreInstance answers BackupSpecError, and the hint names the clone route", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_RESTORE_METHOD: "in_place", ...PASSWORD_ENV } });
    try {
      const backupId = await newestBackup(h, CATALOG);
      const r = await h.call("restore_instance", { instanceId: CATALOG, backupId });
      expect(r.isError).toBe(true);
      const error = sc(r).error;
      expect(error.code).toBe("ResourceUnavailable.BackupSpecError");
      expect(error.hint).toMatch(/restored by clone/);
      expect(error.hint).toMatch(/TENCENTCLOUD_REDIS_RESTORE_METHOD/);
      expect(h.fake.requests.filter((q) => q.action === "RestoreInstance")).toHaveLength(1);
      expect(h.fake.requests.filter((q) => q.action === "CloneInstances")).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it("forced clone: the plan says it was forced, in both languages", async () => {
    for (const [language, forced] of [["en-US", /Forced by TENCENTCLOUD_REDIS_RESTORE_METHOD/], ["zh-CN", /由 TENCENTCLOUD_REDIS_RESTORE_METHOD 指定/]] as const) {
      const h = await startHarness({
        env: { TENCENTCLOUD_REDIS_RESTORE_METHOD: "clone", TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_LANGUAGE: language, ...PASSWORD_ENV },
      });
      try {
        const listed = sc(await h.call("list_instances", { search: "orders" }));
        expect(listed.instances[0].restoreMethod).toBe("clone");
        const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId: await newestBackup(h, CATALOG) }));
        expect(plan.method).toBe("clone");
        expect(plan.methodReason).toMatch(forced);
      } finally {
        await h.close();
      }
    }
  });
});

describe("the setting", () => {
  it("TENCENTCLOUD_REDIS_RESTORE_METHOD is auto by default, and refuses anything but auto, in_place, clone", async () => {
    const { loadConfig } = await import("../../src/config/index.js");
    expect(loadConfig([], {}).restoreMethod).toBe("auto");
    expect(loadConfig([], { TENCENTCLOUD_REDIS_RESTORE_METHOD: "CLONE" }).restoreMethod).toBe("clone");
    expect(() => loadConfig([], { TENCENTCLOUD_REDIS_RESTORE_METHOD: "swap" })).toThrow(/TENCENTCLOUD_REDIS_RESTORE_METHOD must be auto, in_place or clone/);
  });
});
