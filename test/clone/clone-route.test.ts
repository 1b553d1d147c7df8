// The clone route of restore_instance (issue 16) through a real MCP client against the fake over real HTTP:
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
      price: { currency: "CNY", unit: "pent", billing: "pay-as-you-go" },
    });
    expect(s.clone.price.amount).toBeGreaterThan(0);
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
    expect(follow.next).toMatch(/switch_address/);
  });

  it("a multi-AZ, password-free cluster source: NoAuth, NodeSet without node IDs, ProjectId", async () => {
    const backupId = await newestBackup(h, EVENTS);
    const plan = sc(await h.call("restore_instance", { instanceId: EVENTS, backupId }));
    expect(plan.clone).toMatchObject({ type: 18, shardNum: 2 });
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
    const name = (h.fake.requests.find((q) => q.action === "CloneInstances")?.params as { InstanceName: string }).InstanceName;
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
    const backupId = await newestBackup(h, CATALOG);
    const plan = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId }));
    h.fake.state.failNextDelivery();
    const s = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId, confirmToken: plan.confirmToken }));
    const follow = sc(await h.call("check_task", { instanceId: s.cloneInstanceId, waitSeconds: 30 }));
    expect(follow).toMatchObject({ kind: "clone", status: "failed", done: true, succeeded: false });
    expect(follow.dealStatus).toBeGreaterThanOrEqual(5);
  });
});
