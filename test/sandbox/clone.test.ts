// The clone route on the sandbox with real data: CloneInstances starts a new redis-server from the backup,
// ModifyNetworkConfig really moves which data answers at an address, point in time cuts the AOF at a second.
// Through the real SDK client over loopback HTTP (TC3-signed), data read with a RESP client at the addresses
// DescribeInstances shows.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { SANDBOX_DATA, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { formatBeijing } from "../../src/sandbox/time.js";
import { requireRedisServer } from "../helpers/redis.js";
import { errorCode, type RedisClient, rejection, sdkClient, until } from "./helpers.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const EVENTS = SANDBOX_INSTANCE_IDS.events;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";

async function redisAt(host: string, port: number, password: string | undefined, ...command: string[]) {
  const client = await RespClient.connect(port, host, password);
  try {
    return await client.command(...command);
  } finally {
    client.close();
  }
}

describe("the clone route on the sandbox", () => {
  let sandbox: Sandbox;
  let client: RedisClient;

  const describeOne = async (id: string) => (await client.DescribeInstances({ InstanceId: id })).InstanceSet?.[0];
  const backups = async (id: string) => (await client.DescribeInstanceBackups({ InstanceId: id })).BackupSet ?? [];
  const cloneRequest = async (id: string, extra: Record<string, unknown> = {}) => {
    const source = await describeOne(id);
    const [newest, older] = await backups(id);
    return {
      InstanceId: id,
      GoodsNum: 1,
      ZoneId: source?.ZoneId ?? 0,
      BillingMode: 0,
      Period: 1,
      SecurityGroupIdList: ["sg-sbx00001"],
      BackupId: String((older ?? newest)?.BackupId),
      VpcId: source?.UniqVpcId ?? "",
      SubnetId: source?.UniqSubnetId ?? "",
      Password: PASSWORD,
      ...extra,
    };
  };
  const waitTask = (taskId: number) =>
    until(
      () => client.DescribeTaskInfo({ TaskId: taskId }),
      (t) => ["succeed", "failed", "error"].includes(String(t.Status)),
      `task ${taskId}`,
    );
  const waitRunning = (id: string) =>
    until(
      () => describeOne(id),
      (i) => i?.Status === 2,
      `${id} running`,
    );

  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60, cloneMs: 150 });
    client = sdkClient(sandbox.fake);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it("shows every instance's address, a listener that serves that instance's data", async () => {
    const catalog = await describeOne(CATALOG);
    expect(catalog).toMatchObject({ Type: 15, BackupMode: "SecondLevelBackup", UniqSubnetId: "subnet-sbx00001" });
    expect(catalog?.WanIp).toMatch(/^127\.\d+\.1\.14$/);
    const live = SANDBOX_DATA[CATALOG]?.at(-1) ?? {};
    expect(await redisAt(String(catalog?.WanIp), Number(catalog?.Port), PASSWORD, "GET", "product:count")).toBe(
      live["product:count"],
    );
    const events = await describeOne(EVENTS);
    expect(events).toMatchObject({ Type: 18, NoAuth: true, Port: 6380, ProjectId: 1001, RedisShardNum: 3 });
    expect(events?.NodeSet?.map((n) => n.ZoneId)).toEqual([100003, 100004]);
    expect(await redisAt(String(events?.WanIp), 6380, undefined, "GET", "event:2")).toBe("signup bob");
  });

  it("RestoreInstance on a clone-route type answers BackupSpecError and restores nothing", async () => {
    const [backup] = await backups(CATALOG);
    const before = sandbox.fake.state.listTasks(CATALOG).length;
    expect(
      await errorCode(
        client.RestoreInstance({ InstanceId: CATALOG, BackupId: String(backup?.BackupId), Password: PASSWORD }),
      ),
    ).toBe("ResourceUnavailable.BackupSpecError");
    expect(sandbox.fake.state.listTasks(CATALOG)).toHaveLength(before);
  });

  it("clones a backup into a new redis-server (status 0, then 2; the order 3, then 4) and moves an address to it", async () => {
    const source = await describeOne(CATALOG);
    const home = { host: String(source?.WanIp), port: Number(source?.Port) };
    await redisAt(home.host, home.port, PASSWORD, "SET", "product:count", "corrupted");

    const request = await cloneRequest(CATALOG, {
      InstanceName: "catalog-v62-restore-1",
      ResourceTags: [{ TagKey: "restored-from", TagValue: CATALOG }],
    });
    const answer = await client.CloneInstances(request);
    expect(answer.DealId).toMatch(/^\d{23}$/);
    expect(answer.DealName).toMatch(/^\d{23}$/);
    const cloneId = String(answer.InstanceIds?.[0]);
    expect(cloneId).toMatch(/^crs-[a-z0-9]{8}$/);

    const creating = await describeOne(cloneId);
    expect(creating).toMatchObject({ Status: 0, Type: 15, InstanceName: "catalog-v62-restore-1", NoAuth: false });
    const deal = async () => (await client.DescribeInstanceDealDetail({ DealName: answer.DealName })).DealDetails?.[0];
    expect(await deal()).toMatchObject({ Status: 3, InstanceIds: [cloneId], GoodsNum: 1 });

    const running = await waitRunning(cloneId);
    expect(await deal()).toMatchObject({ Status: 4, Description: "发货成功" });
    expect((await client.DescribeInstanceDealDetail({ DealIds: [String(answer.DealId)] })).DealDetails).toHaveLength(1);
    expect(running).toMatchObject({
      UniqSubnetId: source?.UniqSubnetId,
      ZoneId: source?.ZoneId,
      Size: source?.Size,
      InstanceTags: [{ TagKey: "restored-from", TagValue: CATALOG }],
    });
    expect(running?.WanIp).not.toBe(home.host);
    // the clone holds the backup's data (the older generation), behind the password it was given
    const older = SANDBOX_DATA[CATALOG]?.[0] ?? {};
    const at = { host: String(running?.WanIp), port: Number(running?.Port) };
    expect(await redisAt(at.host, at.port, PASSWORD, "GET", "product:count")).toBe(older["product:count"]);
    expect(await redisAt(at.host, at.port, PASSWORD, "EXISTS", "product:2")).toBe(0);
    await expect(RespClient.connect(at.port, at.host, "wrong-password")).rejects.toThrow(/WRONGPASS|invalid/);

    // the switch: the original off its address (released at once), then the clone onto it
    const off = await client.ModifyNetworkConfig({ InstanceId: CATALOG, Operation: "changeVip", Recycle: 0 });
    expect(off).toMatchObject({ Status: true, VpcId: "vpc-sbx00001", SubnetId: "subnet-sbx00001" });
    expect(off.Vip).not.toBe(home.host);
    const list = await client.DescribeTaskList({ InstanceId: CATALOG });
    expect(list.Tasks?.find((t) => t.TaskId === off.TaskId)?.TaskType).toBe("027");
    // the address is still the original's until the task ends: the clone cannot take it yet
    expect(
      await errorCode(
        client.ModifyNetworkConfig({ InstanceId: cloneId, Operation: "changeVip", Vip: home.host, VPort: home.port }),
      ),
    ).toBe("InvalidParameterValue.CheckNotPass");
    expect((await waitTask(Number(off.TaskId))).Status).toBe("succeed");
    expect(await describeOne(CATALOG)).toMatchObject({ WanIp: off.Vip, Port: home.port });
    await expect(RespClient.connect(home.port, home.host, PASSWORD)).rejects.toThrow(/ECONNREFUSED/);

    const on = await client.ModifyNetworkConfig({
      InstanceId: cloneId,
      Operation: "changeVip",
      Vip: home.host,
      VPort: home.port,
      Recycle: 0,
    });
    expect(on.Vip).toBe(home.host);
    expect((await waitTask(Number(on.TaskId))).Status).toBe("succeed");
    expect(await describeOne(cloneId)).toMatchObject({ WanIp: home.host, Port: home.port });
    // the same address now answers the restored data; the original answers at its new address
    expect(await redisAt(home.host, home.port, PASSWORD, "GET", "product:count")).toBe(older["product:count"]);
    expect(await redisAt(String(off.Vip), home.port, PASSWORD, "GET", "product:count")).toBe("corrupted");
    // the clone's former address is free again: nothing listens there
    await expect(RespClient.connect(at.port, at.host, PASSWORD)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("keeps a recycled address taken (Recycle > 0) and refuses addresses in use or outside the subnet", async () => {
    const events = await describeOne(EVENTS);
    const old = String(events?.WanIp);
    const catalog = await describeOne(CATALOG);
    const move = (extra: Record<string, unknown>) =>
      client.ModifyNetworkConfig({ InstanceId: EVENTS, Operation: "changeVip", ...extra });
    expect(await errorCode(move({ Vip: String(catalog?.WanIp) }))).toBe("InvalidParameterValue.CheckNotPass");
    expect(await errorCode(move({ Vip: old.replace(/\.1\.(\d+)$/, ".2.$1") }))).toBe(
      "InvalidParameterValue.CheckNotPass",
    );
    expect(await errorCode(move({ Vip: "not-an-ip" }))).toBe("InvalidParameter");
    expect(await errorCode(move({ Recycle: 4 }))).toBe("InvalidParameter");
    expect(await errorCode(move({ Vip: old.replace(/\.\d+$/, ".200"), VPort: 80 }))).toBe("InvalidParameterValue");
    expect(await errorCode(move({ Operation: "changeVpc" }))).toBe("InvalidParameter.NotSupported");
    expect(
      await errorCode(client.ModifyNetworkConfig({ InstanceId: SANDBOX_INSTANCE_IDS.archive, Operation: "changeVip" })),
    ).toBe("ResourceUnavailable.InstanceStatusError");

    const kept = await move({ Recycle: 1 });
    expect(await errorCode(move({}))).toBe("ResourceUnavailable.InstanceLockedError");
    expect((await waitTask(Number(kept.TaskId))).Status).toBe("succeed");
    expect(await redisAt(String(kept.Vip), 6380, undefined, "GET", "event:1")).toBe("signup alice");
    // the old address is kept for the instance for a day: nobody else may take it
    expect(await errorCode(client.ModifyNetworkConfig({ InstanceId: CATALOG, Operation: "changeVip", Vip: old }))).toBe(
      "InvalidParameterValue.CheckNotPass",
    );
  });

  it("validates CloneInstances like the API and buys nothing when it refuses", async () => {
    const before = sandbox.fake.state.listInstances().length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ InstanceName: "x".repeat(60) }, "InvalidParameterValue.CheckNotPass"],
      [{ InstanceName: "bad name!" }, "InvalidParameterValue.CheckNotPass"],
      [{ Password: undefined }, "InvalidParameterValue.PasswordEmpty"],
      [{ Password: "alllowercase" }, "InvalidParameterValue.PasswordRuleError"],
      [{ Password: "/Starts-with-slash1" }, "InvalidParameterValue.PasswordRuleError"],
      [{ SecurityGroupIdList: ["sg-nothere1"] }, "InvalidParameterValue.SecurityGroupIdsNotExists"],
      [{ SecurityGroupIdList: [] }, "InvalidParameter.EmptyParam"],
      [{ VpcId: "vpc-other001" }, "InvalidParameterValue.UnVpcIdNotExists"],
      [{ SubnetId: "subnet-sbx00003" }, "InvalidParameterValue.InvalidSubnetId"],
      [{ VpcId: undefined, SubnetId: undefined }, "InvalidParameterValue.BaseNetWorkAccessDeny"],
      [{ BackupId: "1250000000-1-1" }, "InvalidParameterValue.CheckNotPass"],
      [{ GoodsNum: 31 }, "LimitExceeded.InvalidParameterGoodsNumNotInRange"],
      [{ Period: 2 }, "InvalidParameterValue.CheckNotPass"],
      [{ Period: 0 }, "LimitExceeded.PeriodLessThanMinLimit"],
      [{ ZoneId: 999999 }, "ResourceUnavailable.NoServiceAvailableForThisZoneId"],
      [{ CloneTime: "2020-01-01 00:00:00" }, "InvalidParameterValue.CheckNotPass"],
      [{ CloneTime: "yesterday" }, "InvalidParameterValue.CheckNotPass"],
      [{ BackupId: undefined }, "MissingParameter"],
      [{ Unknown: 1 }, "UnknownParameter"],
    ];
    for (const [change, code] of cases) {
      const request = { ...(await cloneRequest(CATALOG)), ...change };
      expect([change, await errorCode(client.CloneInstances(request as never))]).toEqual([change, code]);
    }
    // the others: no clone of 2.8 (restored in place), no CloneTime without second-level backup, not isolated
    const orders = await cloneRequest(SANDBOX_INSTANCE_IDS.orders);
    expect(await errorCode(client.CloneInstances(orders))).toBe("UnsupportedOperation");
    const events = await cloneRequest(EVENTS, { NoAuth: true, Password: undefined });
    expect(await errorCode(client.CloneInstances({ ...events, CloneTime: formatBeijing(Date.now()) }))).toBe(
      "UnsupportedOperation",
    );
    expect(sandbox.fake.state.listInstances()).toHaveLength(before);
  });

  it("a failed delivery is order status 5 and the clone is not bought", async () => {
    sandbox.fake.state.failNextDelivery("no stock in the sandbox");
    const answer = await client.CloneInstances(await cloneRequest(EVENTS, { NoAuth: true, Password: undefined }));
    const cloneId = String(answer.InstanceIds?.[0]);
    expect((await describeOne(cloneId))?.Status).toBe(0);
    const detail = await until(
      async () => (await client.DescribeInstanceDealDetail({ DealName: answer.DealName })).DealDetails?.[0],
      (d) => d?.Status !== 3,
      "the order",
    );
    expect(detail).toMatchObject({ Status: 5, Description: "发货失败" });
    expect(await describeOne(cloneId)).toBeUndefined();
  });

  it("clones a multi-AZ password-free instance with its NodeSet and port", async () => {
    const request = await cloneRequest(EVENTS, {
      NoAuth: true,
      Password: undefined,
      VPort: 6380,
      ProjectId: 1001,
      NodeSet: [
        { NodeType: 0, ZoneId: 100003 },
        { NodeType: 1, ZoneId: 100004 },
      ],
    });
    const id = String((await client.CloneInstances(request)).InstanceIds?.[0]);
    const clone = await waitRunning(id);
    expect(clone).toMatchObject({ NoAuth: true, Port: 6380, ProjectId: 1001, Type: 18, RedisShardNum: 3 });
    expect(clone?.NodeSet?.map((n) => [n.NodeType, n.ZoneId])).toEqual([
      [0, 100003],
      [1, 100004],
    ]);
    expect(await redisAt(String(clone?.WanIp), 6380, undefined, "GET", "event:1")).toBe("signup alice");
  });

  it("clones the data of one second (second-level backup, CloneTime) and refuses other instances", async () => {
    const catalog = await describeOne(CATALOG);
    const at = { host: String(catalog?.WanIp), port: Number(catalog?.Port) };
    await redisAt(at.host, at.port, PASSWORD, "SET", "pit:marker", "first");
    const first = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1100 - (first % 1000) + 100));
    await redisAt(at.host, at.port, PASSWORD, "SET", "pit:marker", "second");

    const seconds = Math.floor(first / 1000);
    const info = await client.DescribeSecondLevelBackupInfo({ InstanceId: CATALOG, BackupTimestamp: seconds });
    expect(info).toMatchObject({ BackupTimestamp: seconds, MissingTimestamps: null });
    expect(Number(info.StartTimestamp)).toBeLessThanOrEqual(seconds);
    const request = await cloneRequest(CATALOG, { BackupId: info.BackupId, CloneTime: formatBeijing(seconds * 1000) });
    const id = String((await client.CloneInstances(request)).InstanceIds?.[0]);
    const clone = await waitRunning(id);
    expect(await redisAt(String(clone?.WanIp), Number(clone?.Port), PASSWORD, "GET", "pit:marker")).toBe("first");

    expect(await errorCode(client.DescribeSecondLevelBackupInfo({ InstanceId: SANDBOX_INSTANCE_IDS.orders }))).toBe(
      "FailedOperation.UnSupportError",
    );
    const old = Math.floor(Date.now() / 1000) - 8 * 86_400;
    expect(await errorCode(client.DescribeSecondLevelBackupInfo({ InstanceId: CATALOG, BackupTimestamp: old }))).toBe(
      "InvalidParameter.NotSupported",
    );
    // a range the scenario declares missing is listed, and refused as a CloneTime
    sandbox.fake.state.updateInstance(CATALOG, {
      secondLevelGaps: [{ from: seconds * 1000, to: seconds * 1000 + 999 }],
    });
    const gap = await client.DescribeSecondLevelBackupInfo({ InstanceId: CATALOG });
    expect(gap.MissingTimestamps).toEqual([{ StartTimeStamp: seconds, EndTimeStamp: seconds }]);
    expect(await errorCode(client.CloneInstances(request))).toBe("InvalidParameterValue.CheckNotPass");
    sandbox.fake.state.updateInstance(CATALOG, { secondLevelGaps: [] });
  });

  it("a CloneInstances whose answer is lost was executed: the clone is found by its name", async () => {
    sandbox.fake.inject("CloneInstances", { kind: "drop", phase: "after" }, 1);
    const request = await cloneRequest(EVENTS, { NoAuth: true, Password: undefined, InstanceName: "events-lost-1" });
    const error = await rejection(client.CloneInstances(request));
    expect(error.code).toBeUndefined();
    const found = await client.DescribeInstances({ InstanceName: "events-lost-1" });
    expect(found.InstanceSet?.map((i) => i.Status)).toEqual([0]);
    await waitRunning(String(found.InstanceSet?.[0]?.InstanceId));
  });
});
