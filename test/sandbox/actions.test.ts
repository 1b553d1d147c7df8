import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS as IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import type { Backup } from "../../src/sandbox/state.js";
import { formatBeijing } from "../../src/sandbox/time.js";
import { cloneRequestFor, errorCode, type RedisClient, sdkClient, signedPost } from "./helpers.js";

const BEIJING = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ORDERS_PASSWORD = SANDBOX_PASSWORDS[IDS.orders] ?? "";

function backupsOf(fake: FakeCloud, instanceId: string, pick: (b: Backup) => boolean): Backup {
  const backup = fake.state.listBackups(instanceId).find(pick);
  if (!backup) throw new Error("no such backup in the seed");
  return backup;
}
const normal = (b: Backup) => b.Status === 2;

describe("read actions", () => {
  let fake: FakeCloud;
  let client: RedisClient;
  beforeAll(async () => {
    fake = await FakeCloud.start();
    client = sdkClient(fake);
  });
  afterAll(() => fake.close());

  it("DescribeInstances lists the region's instances with their details", async () => {
    const all = await client.DescribeInstances({});
    expect(all.TotalCount).toBe(5);
    expect(all.InstanceSet?.map((i) => i.InstanceId).sort()).toEqual(
      [IDS.orders, IDS.sessions, IDS.archive, IDS.catalog, IDS.events].sort(),
    );
    expect(all.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const orders = all.InstanceSet?.find((i) => i.InstanceId === IDS.orders);
    expect(orders).toMatchObject({
      InstanceName: "orders-cache",
      Status: 2,
      NoAuth: false,
      Type: 2,
      RegionId: 1,
      Region: "ap-guangzhou",
      WanIp: "10.0.1.11",
      Port: 6379,
      Engine: "Redis",
      Size: 2048,
      ProjectId: 0,
    });
    expect(orders?.Createtime).toMatch(BEIJING);
    expect(all.InstanceSet?.find((i) => i.InstanceId === IDS.sessions)?.NoAuth).toBe(true);
    expect(all.InstanceSet?.find((i) => i.InstanceId === IDS.archive)?.Status).toBe(-2);
  });

  it("DescribeInstances filters by InstanceId, SearchKey, and pages", async () => {
    const one = await client.DescribeInstances({ InstanceId: IDS.sessions });
    expect(one.InstanceSet?.map((i) => i.InstanceName)).toEqual(["session-store"]);
    const byName = await client.DescribeInstances({ SearchKey: "orders" });
    expect(byName.InstanceSet?.map((i) => i.InstanceId)).toEqual([IDS.orders]);
    const byId = await client.DescribeInstances({ SearchKey: "sbx3" });
    expect(byId.InstanceSet?.map((i) => i.InstanceId)).toEqual([IDS.archive]);
    const firstPage = await client.DescribeInstances({ Limit: 2, Offset: 0 });
    const secondPage = await client.DescribeInstances({ Limit: 2, Offset: 4 });
    expect(firstPage.TotalCount).toBe(5);
    expect(firstPage.InstanceSet).toHaveLength(2);
    expect(secondPage.InstanceSet).toHaveLength(1);
    expect(await errorCode(client.DescribeInstances({ Limit: 1001 }))).toBe("InvalidParameterValue");
  });

  it("DescribeInstances only sees the request's region", async () => {
    const shanghai = await sdkClient(fake, { region: "ap-shanghai" }).DescribeInstances({});
    expect(shanghai.InstanceSet?.map((i) => [i.InstanceId, i.Type, i.RedisShardNum])).toEqual([[IDS.reports, 4, 3]]);
    const beijing = await sdkClient(fake, { region: "ap-beijing" }).DescribeInstances({});
    expect(beijing.TotalCount).toBe(0);
    expect(await errorCode(sdkClient(fake, { region: "xx-nowhere" }).DescribeInstances({}))).toBe("UnsupportedRegion");
  });

  it("DescribeInstanceBackups returns every backup asked for, newest first, in the documented shape", async () => {
    const res = await client.DescribeInstanceBackups({ InstanceId: IDS.orders, Status: [2, 1, -1, 3, 4] });
    expect(res.TotalCount).toBe(4);
    const set = res.BackupSet ?? [];
    expect(set.map((b) => b.Status)).toEqual([2, 2, 1, -1]);
    expect(set.map((b) => b.BackupType)).toEqual(["0", "1", "1", "1"]);
    expect(set.map((b) => b.Locked)).toEqual([0, 0, 1, 0]);
    const starts = set.map((b) => b.StartTime ?? "");
    expect([...starts].sort().reverse()).toEqual(starts);
    for (const b of set) {
      expect(typeof b.BackupId).toBe("string");
      expect(b.BackupId).toMatch(/^\d+-\d+-\d+$/);
      expect(b.StartTime).toMatch(BEIJING);
      expect(b.EndTime).toMatch(BEIJING);
      expect(b.ExpireTime).toMatch(BEIJING);
      expect(b).toMatchObject({ InstanceId: IDS.orders, InstanceName: "orders-cache", Region: "ap-guangzhou" });
      expect(b.FileType).toBe("RDB");
    }
    const newest = fake.state.listBackups(IDS.orders)[0];
    expect(set[0]?.StartTime).toBe(formatBeijing(newest?.StartTime.getTime() ?? 0));
    expect(set[0]?.Remark).toBe("before release 2.3");
  });

  it("DescribeInstanceBackups filters by Status and time, pages, and checks its input", async () => {
    const normalOnly = await client.DescribeInstanceBackups({ InstanceId: IDS.orders, Status: [2] });
    expect(normalOnly.BackupSet?.map((b) => b.Status)).toEqual([2, 2]);
    // without Status, as the API documents: normal backups only
    const byDefault = await client.DescribeInstanceBackups({ InstanceId: IDS.orders });
    expect(byDefault.BackupSet?.map((b) => b.Status)).toEqual([2, 2]);
    const lockedOnly = await client.DescribeInstanceBackups({ InstanceId: IDS.orders, Status: [1] });
    expect(lockedOnly.BackupSet?.map((b) => b.Locked)).toEqual([1]);
    const since = formatBeijing(Date.now() - 2 * 3600_000);
    const recent = await client.DescribeInstanceBackups({ InstanceId: IDS.orders, BeginTime: since });
    expect(recent.BackupSet?.map((b) => b.Remark)).toEqual(["before release 2.3"]);
    const paged = await client.DescribeInstanceBackups({ InstanceId: IDS.orders, Limit: 1, Offset: 1 });
    expect(paged.TotalCount).toBe(2);
    expect(paged.BackupSet).toHaveLength(1);
    expect(await errorCode(client.DescribeInstanceBackups({}))).toBe("MissingParameter");
    expect(await errorCode(client.DescribeInstanceBackups({ InstanceId: IDS.reports }))).toBe(
      "ResourceNotFound.InstanceNotExists",
    );
    expect(await errorCode(client.DescribeInstanceBackups({ InstanceId: IDS.orders, Limit: 101 }))).toBe(
      "InvalidParameterValue",
    );
    expect(await errorCode(client.DescribeInstanceBackups({ InstanceId: IDS.orders, BeginTime: "yesterday" }))).toBe(
      "InvalidParameterValue",
    );
  });
});

describe("RestoreInstance", () => {
  let fake: FakeCloud;
  let client: RedisClient;
  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 60_000, runningMs: 60_000 });
    client = sdkClient(fake);
  });
  afterAll(() => fake.close());

  it("starts a restore task and answers its integer TaskId", async () => {
    const backup = backupsOf(fake, IDS.orders, normal);
    const res = await client.RestoreInstance({
      InstanceId: IDS.orders,
      BackupId: backup.BackupId,
      Password: ORDERS_PASSWORD,
    });
    expect(typeof res.TaskId).toBe("number");
    expect(res.TaskId).toBeGreaterThanOrEqual(1_000_001);
    expect(fake.state.getTask(res.TaskId ?? 0)).toMatchObject({
      InstanceId: IDS.orders,
      TaskType: "FLOW_RESTOREBACKUP",
      BackupId: backup.BackupId,
    });
    // A second restore while the first is in flight.
    expect(
      await errorCode(
        client.RestoreInstance({ InstanceId: IDS.orders, BackupId: backup.BackupId, Password: ORDERS_PASSWORD }),
      ),
    ).toBe("ResourceUnavailable.InstanceLockedError");
  });

  it("needs no password on a NoAuth instance", async () => {
    const backup = backupsOf(fake, IDS.sessions, normal);
    const res = await client.RestoreInstance({ InstanceId: IDS.sessions, BackupId: backup.BackupId });
    expect(res.TaskId).toBeGreaterThan(1_000_000);
  });

  it("answers each documented error in the documented order", async () => {
    const ordersNormal = backupsOf(fake, IDS.orders, normal).BackupId;
    const reportsNormal = backupsOf(fake, IDS.reports, normal).BackupId;
    const extra = fake.state.addInstance({ InstanceName: "restore-errors", password: "pw" });
    const id = extra.InstanceId;
    const mine = (p: Partial<Backup> = {}) => fake.state.addBackup({ InstanceId: id, ...p }).BackupId;
    const restore = (InstanceId: string, BackupId: string, Password?: string) =>
      errorCode(client.RestoreInstance({ InstanceId, BackupId, ...(Password !== undefined ? { Password } : {}) }));

    expect(await restore("crs-nothere1", ordersNormal, "pw")).toBe("ResourceNotFound.InstanceNotExists");
    expect(await restore(IDS.reports, reportsNormal, "x")).toBe("ResourceNotFound.InstanceNotExists");
    expect(await restore(IDS.archive, ordersNormal, "x")).toBe("ResourceUnavailable.InstanceStatusAbnormal");
    expect(await restore(id, ordersNormal, "pw")).toBe("InvalidParameterValue.BackupNotExists");
    expect(await restore(id, "1250000000-1-1", "pw")).toBe("InvalidParameterValue.BackupNotExists");
    expect(await restore(id, mine({ Status: 1 }), "pw")).toBe("ResourceUnavailable.BackupLockedError");
    expect(await restore(id, mine({ Locked: 1 }), "pw")).toBe("ResourceUnavailable.BackupLockedError");
    expect(await restore(id, mine({ Status: -1 }), "pw")).toBe("ResourceUnavailable.BackupStatusAbnormal");
    expect(await restore(id, mine({ Status: 3 }), "pw")).toBe("ResourceUnavailable.BackupStatusAbnormal");
    const good = mine();
    expect(await restore(id, good, "wrong")).toBe("InvalidParameterValue.PasswordError");
    expect(await restore(id, good)).toBe("InvalidParameterValue.PasswordError");
    expect(await restore(id, "", "pw")).toBe("MissingParameter");
    fake.state.setInstanceStatus(id, 1);
    expect(await restore(id, good, "pw")).toBe("ResourceUnavailable.InstanceStatusAbnormal");
    fake.state.setInstanceStatus(id, 2);
    expect(fake.state.listTasks(id)).toHaveLength(0);
    expect((await client.RestoreInstance({ InstanceId: id, BackupId: good, Password: "pw" })).TaskId).toBeTypeOf(
      "number",
    );
  });

  it("answers TaskId as a string of digits when asked to", async () => {
    const legacy = await FakeCloud.start({ taskIdAsString: true });
    try {
      const backupId = backupsOf(legacy, IDS.sessions, normal).BackupId;
      const raw = await signedPost(legacy, "RestoreInstance", { InstanceId: IDS.sessions, BackupId: backupId });
      expect(raw.text).toMatch(/"TaskId":"\d+"/);
      const viaSdk = await sdkClient(legacy).RestoreInstance({
        InstanceId: IDS.orders,
        BackupId: backupsOf(legacy, IDS.orders, normal).BackupId,
        Password: ORDERS_PASSWORD,
      });
      expect(viaSdk.TaskId).toBe(String(Number(viaSdk.TaskId)));
    } finally {
      await legacy.close();
    }
  });

  it("rejects wrongly typed and unknown parameters", async () => {
    const unknown = await signedPost(fake, "RestoreInstance", { InstanceId: IDS.orders, BackupID: "x" });
    expect(unknown.json().Response.Error?.Code).toBe("UnknownParameter");
    const typed = await signedPost(fake, "RestoreInstance", { InstanceId: 12, BackupId: "x" });
    expect(typed.json().Response.Error?.Code).toBe("InvalidParameter");
  });
});

describe("protocol errors", () => {
  let fake: FakeCloud;
  beforeAll(async () => {
    fake = await FakeCloud.start();
  });
  afterAll(() => fake.close());

  it("InvalidAction, NoSuchVersion, MissingParameter for the region", async () => {
    expect((await signedPost(fake, "DescribeNothing", {})).json().Response.Error?.Code).toBe("InvalidAction");
    expect(
      (await signedPost(fake, "DescribeInstances", {}, { version: "2017-03-12" })).json().Response.Error?.Code,
    ).toBe("NoSuchVersion");
    const noRegion = await signedPost(fake, "DescribeInstances", {}, { region: undefined });
    expect(noRegion.json().Response.Error).toMatchObject({ Code: "MissingParameter" });
    expect(noRegion.json().Response.Error?.Message).toContain("Region");
  });

  it("InvalidRequest for a non-JSON body or a method other than POST", async () => {
    const notJson = await signedPost(fake, "DescribeInstances", undefined, { body: "Limit=1" });
    expect(notJson.status).toBe(200);
    expect(notJson.json().Response.Error?.Code).toBe("InvalidRequest");
    const array = await signedPost(fake, "DescribeInstances", undefined, { body: "[1]" });
    expect(array.json().Response.Error?.Code).toBe("InvalidRequest");
    const get = await signedPost(fake, "DescribeInstances", {}, { method: "GET" });
    expect(fake.requests.at(-1)?.signatureVerified).toBe(true);
    expect(get.json().Response.Error?.Code).toBe("InvalidRequest");
    expect(get.json().Response.RequestId).toBeTypeOf("string");
  });
});

describe("the clone route's reads, and the model's timing (state only, the fake's own clock)", () => {
  let fake: FakeCloud;
  let client: RedisClient;
  let now = Date.now(); // near the real clock: the SDK signs with it
  beforeAll(async () => {
    fake = await FakeCloud.start({ now: () => now, cloneMs: 4000, preparingMs: 1000, runningMs: 2000 });
    client = sdkClient(fake);
  });
  afterAll(() => fake.close());

  it("DescribeInstances gives every instance what CloneInstances needs from it", async () => {
    const set = [
      ...((await client.DescribeInstances({})).InstanceSet ?? []),
      ...((await sdkClient(fake, { region: "ap-shanghai" }).DescribeInstances({})).InstanceSet ?? []),
    ];
    expect(set.map((i) => [i.InstanceId, i.Type])).toEqual(
      expect.arrayContaining([
        [IDS.orders, 2],
        [IDS.sessions, 5],
        [IDS.reports, 4],
        [IDS.catalog, 15],
        [IDS.events, 18],
      ]),
    );
    for (const i of set) {
      expect(i.ZoneId, i.InstanceId).toBeTypeOf("number");
      expect(i.VpcId).toBeTypeOf("number");
      expect(i.SubnetId).toBeTypeOf("number");
      expect(i.UniqVpcId).toMatch(/^vpc-/);
      expect(i.UniqSubnetId).toMatch(/^subnet-/);
      expect(i.WanIp).toMatch(/^10\.0\.\d+\.\d+$/);
      expect(i.Port).toBeGreaterThanOrEqual(1024);
      expect(i.ProjectId).toBeTypeOf("number");
      expect(Array.isArray(i.InstanceTags)).toBe(true);
      expect((i.RedisShardSize ?? 0) * (i.RedisShardNum ?? 0)).toBe(i.Size);
      expect(i.RedisReplicasNum).toBeGreaterThanOrEqual(1);
      expect(i.NoAuth).toBeTypeOf("boolean");
      expect(i.BackupMode).toMatch(/^(Normal|Second)LevelBackup$/);
    }
    expect(set.find((i) => i.InstanceId === IDS.catalog)?.InstanceTags).toEqual([
      { TagKey: "team", TagValue: "catalog" },
      { TagKey: "env", TagValue: "prod" },
    ]);
  });

  it("DescribeInstanceSecurityGroup: each instance's groups; an instance the account lacks is left out", async () => {
    const r = await client.DescribeInstanceSecurityGroup({ InstanceIds: [IDS.catalog, "crs-nothere1"] });
    expect(r.InstanceSecurityGroupsDetail?.map((d) => d.InstanceId)).toEqual([IDS.catalog]);
    const groups = r.InstanceSecurityGroupsDetail?.[0]?.SecurityGroupDetails ?? [];
    expect(groups.map((g) => [g.SecurityGroupId, g.SecurityGroupName])).toEqual([
      ["sg-sbx00001", "redis-default"],
      ["sg-sbx00002", "redis-ops"],
    ]);
    expect(groups[0]?.CreateTime).toMatch(BEIJING);
    expect(await errorCode(client.DescribeInstanceSecurityGroup({} as never))).toBe("MissingParameter");
  });

  it("InquiryPriceCreateInstance: pent of CNY, MemSize per shard for a cluster, no price for Valkey", async () => {
    const ask = (p: Record<string, unknown>) =>
      client.InquiryPriceCreateInstance({
        MemSize: 4096,
        GoodsNum: 1,
        Period: 1,
        BillingMode: 0,
        ZoneId: 100003,
        TypeId: 15,
        ...p,
      });
    const standard = await ask({});
    expect(standard).toMatchObject({ Currency: "CNY", AmountUnit: "pent", HighPrecisionPrice: 93.3408, Price: 93 });
    // a cluster's MemSize is one shard's: 2 shards of 1024 MB cost what 2048 MB of a standard instance cost
    const cluster = await ask({ TypeId: 18, MemSize: 1024, RedisShardNum: 3 });
    expect(cluster.HighPrecisionPrice).toBeCloseTo((standard.HighPrecisionPrice ?? 0) * 0.75, 4);
    expect(await errorCode(ask({ TypeId: 19 }))).toBe("InvalidParameterValue.SpecNotExist");
    expect(await errorCode(ask({ TypeId: 3 }))).toBe("InvalidParameterValue.SpecNotExist");
    expect(await errorCode(ask({ MemSize: 1000 }))).toBe("InvalidParameterValue.SpecNotExist");
    expect(await errorCode(ask({ TypeId: 17, RedisShardNum: 3 }))).toBe("InvalidParameterValue.SpecNotExist");
    expect(await errorCode(ask({ ZoneId: undefined }))).toBe("MissingParameter");
    expect(await ask({ ZoneId: undefined, ZoneName: "ap-guangzhou-4" })).toMatchObject({ Price: 93 });
  });

  it("a clone is status 0 for cloneMs, then 2; its order 3, then 4, with its end time; unknown orders are not listed", async () => {
    const source = fake.state.getInstance(IDS.events);
    const answer = await client.CloneInstances(cloneRequestFor(fake, IDS.events, { SubnetId: "subnet-sbx00002" }));
    const id = answer.InstanceIds?.[0] ?? "";
    const deal = async () => (await client.DescribeInstanceDealDetail({ DealName: answer.DealName })).DealDetails?.[0];
    expect(fake.state.getInstance(id)).toMatchObject({ Status: 0, UniqSubnetId: "subnet-sbx00002", Port: 6379 });
    expect(await deal()).toMatchObject({ Status: 3, Description: "发货中", EndTime: "0000-00-00 00:00:00" });
    expect((await deal())?.CreatTime).toBe(formatBeijing(now));
    now += 3999;
    expect(fake.state.getInstance(id)?.Status).toBe(0);
    now += 1;
    expect(fake.state.getInstance(id)?.Status).toBe(2);
    expect(await deal()).toMatchObject({ Status: 4, EndTime: formatBeijing(now), Price: expect.any(Number) });
    // a clone in the other subnet of the VPC: a different /24
    expect(fake.state.getInstance(id)?.WanIp).toMatch(/^10\.0\.2\.\d+$/);
    expect(source?.WanIp).toMatch(/^10\.0\.1\.\d+$/);
    expect((await client.DescribeInstanceDealDetail({ DealName: "20260101000000000000000" })).DealDetails).toEqual([]);
    expect(await errorCode(client.DescribeInstanceDealDetail({}))).toBe("MissingParameter");
  });

  it("an address move takes its new VIP at once and gives up the old one when its task succeeds", async () => {
    const before = fake.state.getInstance(IDS.orders)?.WanIp ?? "";
    const moved = await client.ModifyNetworkConfig({ InstanceId: IDS.orders, Operation: "changeVip" });
    expect(fake.state.addressHolder(String(moved.Vip))).toBe(IDS.orders);
    expect(fake.state.getInstance(IDS.orders)?.WanIp).toBe(before);
    expect((await client.DescribeTaskInfo({ TaskId: Number(moved.TaskId) })).Status).toBe("preparing");
    now += 3000;
    expect((await client.DescribeTaskInfo({ TaskId: Number(moved.TaskId) })).Status).toBe("succeed");
    expect(fake.state.getInstance(IDS.orders)?.WanIp).toBe(moved.Vip);
    expect(fake.state.addressHolder(before)).toBeUndefined();
    const port = await client.ModifyNetworkConfig({ InstanceId: IDS.orders, Operation: "changeVPort", VPort: 7000 });
    expect(port.Vip).toBe(moved.Vip);
    now += 3000;
    expect(fake.state.getInstance(IDS.orders)).toMatchObject({ WanIp: moved.Vip, Port: 7000 });
  });
});
