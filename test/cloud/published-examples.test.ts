import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudAction } from "../../src/cloud/api.js";
import { TencentRedisClient } from "../../src/cloud/client.js";
import { AssumedRole } from "../../src/cloud/sts.js";
import { loadConfig, parseEndpoint } from "../../src/config.js";
import { Logger } from "../../src/log.js";
import { FakeCloud, loopbackAgent } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { restoreTaskIds } from "../../src/safety/tasks.js";
import { Secret } from "../../src/secret.js";
import { createServer } from "../../src/server.js";
import { toTaskId } from "../../src/tools/restore-instance.js";
import { type Fixture, FixtureCloud, fixture } from "../helpers/fixture-cloud.js";
import { connectClient } from "../helpers/client.js";
import { sc } from "../helpers/harness.js";

// For every action the server calls, the API's published example answer (TencentCloud/tencentcloud-cli,
// tccli/examples/<service>/<version>/<Action>.md, saved in test/fixtures/tencentcloud-cli/ with its source) is
// served over loopback HTTP, parsed by the real SDK client, and turned by the server's code into the right result.

const KEYS = {
  TENCENTCLOUD_SECRET_ID: "AKIDFIXTURE00000000000000000000000000",
  TENCENTCLOUD_SECRET_KEY: "fixture-key",
};

describe("the API's published examples, parsed by the server", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function serve(...names: string[]): Promise<FixtureCloud> {
    const answers: Record<string, Fixture> = {};
    for (const name of names) {
      const f = fixture(name);
      expect(f.source).toMatch(
        /^https:\/\/github\.com\/TencentCloud\/tencentcloud-cli\/blob\/[0-9a-f]{40}\/tccli\/examples\//,
      );
      answers[f.action] = f;
    }
    const cloud = await new FixtureCloud(answers).listen();
    closers.push(() => cloud.close());
    return cloud;
  }

  function config(cloud: FixtureCloud) {
    return loadConfig([], {
      ...KEYS,
      TENCENTCLOUD_REGION: "ap-guangzhou",
      TENCENTCLOUD_REDIS_ENDPOINT: cloud.url,
      TENCENTCLOUD_REDIS_CONFIRM: "none",
      TENCENTCLOUD_REDIS_MAX_RETRIES: "0",
    });
  }

  async function tools(cloud: FixtureCloud) {
    const created = createServer({ config: config(cloud), log: new Logger("error", () => {}) });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const { client } = await connectClient(a, { name: "fixtures", beforeList: () => created.server.connect(b) });
    closers.push(async () => {
      await client.close();
      await created.close();
    });
    return (name: string, args: Record<string, unknown>) =>
      client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
  }

  function api(cloud: FixtureCloud): TencentRedisClient {
    const client = new TencentRedisClient(config(cloud), new Logger("error", () => {}));
    closers.push(async () => client.close());
    return client;
  }

  it("DescribeInstances -> list_instances", async () => {
    const call = await tools(await serve("DescribeInstances"));
    const r = sc(await call("list_instances", {}));
    expect(r.totalCount).toBe(8);
    expect(r.instances).toHaveLength(2);
    expect(r.instances[0]).toMatchObject({
      instanceId: "crs-4nmzc0ul",
      name: "Redis_automation_is_awesome",
      status: "task_in_progress",
      statusCode: 1,
    });
    expect(r.instances[1]).toMatchObject({ instanceId: "crs-46njvft9", status: "running", statusCode: 2 });
    expect(r.nextOffset).toBe(2);
  });

  it("DescribeInstanceBackups -> list_backups", async () => {
    const call = await tools(await serve("DescribeInstanceBackups"));
    const r = sc(await call("list_backups", { instanceId: "crs-ei43p3gr" }));
    expect(r.backups[0]).toMatchObject({
      backupId: "165706342-5832225-1641692389",
      startTime: "2026-06-01T02:00:48+08:00",
      type: "automatic",
      typeCode: "1",
      status: "normal",
      statusCode: 2,
      restorable: true,
    });
  });

  it("DescribeTaskInfo -> check_task: free-text TaskType, a finished task", async () => {
    const cloud = await serve("DescribeTaskInfo", "DescribeInstances");
    const call = await tools(cloud);
    const r = sc(await call("check_task", { taskId: "18215" }));
    expect(r).toMatchObject({
      taskId: 18215,
      status: "succeed",
      done: true,
      succeeded: true,
      taskType: "redis缓存清空流程",
      instanceId: "crs-09u2u96z",
    });
    expect(cloud.requests[0]).toMatchObject({ action: "DescribeTaskInfo", params: { TaskId: 18215 } });
  });

  it("DescribeTaskList: code-string types; the lost-answer lookup never takes a task of type 037 for a restore", async () => {
    const cloud = await serve("DescribeTaskList");
    const client = api(cloud);
    const list = await client.describeTaskList({ InstanceId: "crs-opcazbrb" }, { region: "ap-guangzhou" });
    expect(list.Tasks.map((t) => [t.TaskId, t.TaskType, t.Result])).toEqual([
      [42372, "037", 2],
      [42371, "037", 2],
    ]);
    const ids = await restoreTaskIds(client, "ap-guangzhou", "crs-opcazbrb", "2019-11-15 00:00:00");
    expect([...ids]).toEqual([]);
    const lookup = cloud.requests.at(-1)?.params;
    expect(lookup).toMatchObject({ InstanceId: "crs-opcazbrb", Limit: 100, Offset: 0 });
    expect(lookup).not.toHaveProperty("TaskTypes");
  });

  it.each([
    ["RestoreInstance", "an integer (2025)"],
    ["RestoreInstance.2022", "a string of digits (2022)"],
    ["ManualBackupInstance", "an integer (2025)"],
    ["ManualBackupInstance.2024", "a string of digits (2024)"],
  ])("%s: TaskId as %s becomes the task number", async (name) => {
    const f = fixture(name);
    const client = api(await serve(name));
    const answer = await client.call<{ TaskId: unknown }>(
      f.action as CloudAction,
      f.action === "RestoreInstance"
        ? { InstanceId: "crs-5a4py64p", BackupId: "678362566696298532848117" }
        : { InstanceId: "crs-5a4py64p", Remark: "note_message" },
      { region: "ap-guangzhou" },
    );
    expect(answer.TaskId).toEqual(f.output.Response.TaskId);
    expect(toTaskId(answer.TaskId)).toBe(6954227);
  });

  it("DestroyPostpaidInstance: TaskId as a string of digits becomes the task number", async () => {
    const f = fixture("DestroyPostpaidInstance");
    const cloud = await serve("DestroyPostpaidInstance");
    const answer = await api(cloud).destroyPostpaidInstance({ InstanceId: "crs-5a4py64p" }, { region: "ap-guangzhou" });
    expect(answer).toEqual(f.output.Response);
    expect(answer.TaskId).toBe("6954227");
    expect(toTaskId(answer.TaskId)).toBe(6954227);
    expect(cloud.requests.at(-1)?.params).toEqual({ InstanceId: "crs-5a4py64p" });
  });

  it("STS AssumeRole: temporary credentials and their expiry, signed for sts", async () => {
    const cloud = await serve("AssumeRole");
    const role = new AssumedRole(
      { arn: "qcs::cam::uin/100015158414:roleName/readOnlyRole", sessionName: "cts" },
      async () => ({ secretId: KEYS.TENCENTCLOUD_SECRET_ID, secretKey: new Secret(KEYS.TENCENTCLOUD_SECRET_KEY) }),
      {
        override: parseEndpoint(cloud.url),
        agent: async () => loopbackAgent(),
        timeoutMs: 5000,
      },
    );
    const creds = await role.get();
    expect(creds).toMatchObject({ secretId: "AKID***", expiresAt: 1543914376 * 1000 });
    expect(creds.secretKey.reveal()).toBe("q95K***");
    expect(creds.token.reveal()).toBe("da1e***");
    expect(cloud.requests[0]).toMatchObject({
      action: "AssumeRole",
      host: `sts.tencentcloudapi.com:${cloud.port}`,
      params: { RoleArn: "qcs::cam::uin/100015158414:roleName/readOnlyRole", RoleSessionName: "cts" },
    });
    expect(cloud.requests[0]?.authorization).toMatch(/Credential=AKIDFIXTURE0+\/\d{4}-\d{2}-\d{2}\/sts\/tc3_request/);
  });

  // ---- the clone route's actions ----

  const REGION = { region: "ap-guangzhou" };

  it("CloneInstances: DealId and DealName are 23-digit strings, never numbers", async () => {
    const client = api(await serve("CloneInstances"));
    const r = await client.cloneInstances(
      {
        InstanceId: "crs-qbhudciv",
        GoodsNum: 1,
        ZoneId: 10002,
        BillingMode: 0,
        Period: 1,
        SecurityGroupIdList: ["sg-bmadczm1"],
        BackupId: "154572601-1165734322-153705740",
        VpcId: "vpc-bmadczcc",
        SubnetId: "subnet-bmadczcc",
      },
      REGION,
    );
    expect(r.DealId).toBe("20250825297021530591847");
    expect(r.DealName).toBe("20260407296022526727811");
    expect(r.InstanceIds).toEqual(["crs-lqz7y86j"]);
    // a 23-digit number would have lost its last digits as a JavaScript number
    expect(String(Number(r.DealId))).not.toBe(r.DealId);
  });

  it("ModifyNetworkConfig: the new Vip, its VPC and subnet, and an integer TaskId", async () => {
    const client = api(await serve("ModifyNetworkConfig"));
    const r = await client.modifyNetworkConfig({ InstanceId: "crs-5a4p****", Operation: "changeVip" }, REGION);
    expect(r).toMatchObject({ Status: true, Vip: "192.168.1.1", VpcId: "vpc-hu6khgap", SubnetId: "subnet-6mt7lir6" });
    expect(toTaskId(r.TaskId)).toBe(10086);
  });

  it("DescribeInstanceSecurityGroup: groups with their rules (Port a string)", async () => {
    const client = api(await serve("DescribeInstanceSecurityGroup"));
    const r = await client.describeInstanceSecurityGroup({ InstanceIds: ["crs-f2ho****"] }, REGION);
    const [detail] = r.InstanceSecurityGroupsDetail;
    expect(detail?.InstanceId).toBe("crs-f2ho****");
    expect(detail?.SecurityGroupDetails.map((g) => [g.SecurityGroupId, g.SecurityGroupName, g.ProjectId])).toEqual([
      ["sg-gl1egaj1", "all", 0],
    ]);
    expect(detail?.SecurityGroupDetails[0]?.InboundRule?.[0]).toEqual({
      Action: "ACCEPT",
      Ip: "0.0.0.0/0",
      Port: "ALL",
      Proto: "ALL",
    });
  });

  it("InquiryPriceCreateInstance: the price in pent of CNY, with its high-precision form", async () => {
    const client = api(await serve("InquiryPriceCreateInstance"));
    const r = await client.inquiryPriceCreateInstance(
      {
        TypeId: 9,
        MemSize: 4096,
        GoodsNum: 3,
        Period: 1,
        BillingMode: 0,
        ZoneId: 100002,
        RedisShardNum: 1,
        RedisReplicasNum: 1,
      },
      REGION,
    );
    expect(r).toMatchObject({
      Price: 280,
      HighPrecisionPrice: 280.0224,
      OriginalPrice: 280,
      Currency: "CNY",
      AmountUnit: "pent",
    });
  });

  it("DescribeInstanceDealDetail: the order's status (4 delivered), its instances and a string DealId", async () => {
    const client = api(await serve("DescribeInstanceDealDetail"));
    const r = await client.describeInstanceDealDetail({ DealIds: ["6959052"] }, REGION);
    expect(r.DealDetails).toHaveLength(1);
    expect(r.DealDetails[0]).toMatchObject({
      DealId: "6959052",
      DealName: "20181101110365",
      Status: 4,
      Description: "发货成功",
      Price: 91949,
      InstanceIds: ["crs-bz8prb7x"],
    });
  });

  it("DescribeSecondLevelBackupInfo: MissingTimestamps null when nothing is missing", async () => {
    const client = api(await serve("DescribeSecondLevelBackupInfo"));
    const r = await client.describeSecondLevelBackupInfo(
      { InstanceId: "crs-asda****", BackupTimestamp: 1716449238 },
      REGION,
    );
    expect(r).toEqual(expect.objectContaining({ BackupId: "154709612-5143180-1043869225", MissingTimestamps: null }));
    expect([r.BackupTimestamp, r.StartTimestamp]).toEqual([1719563096, 1719562435]);
  });

  it("the sandbox answers each of them in the shape of the published example (names and JSON types)", async () => {
    const fake = await FakeCloud.start();
    closers.push(() => fake.close());
    const client = new TencentRedisClient(
      loadConfig([], {
        TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
        TENCENTCLOUD_REGION: "ap-guangzhou",
        TENCENTCLOUD_REDIS_ENDPOINT: fake.url,
        TENCENTCLOUD_REDIS_MAX_RETRIES: "0",
      }),
      new Logger("error", () => {}),
    );
    closers.push(async () => client.close());
    const id = SANDBOX_INSTANCE_IDS.catalog;
    const [instance] = (await client.describeInstances({ InstanceId: id }, REGION)).InstanceSet;
    const [backup] = (await client.describeInstanceBackups({ InstanceId: id }, REGION)).BackupSet;
    const clone = await client.cloneInstances(
      {
        InstanceId: id,
        GoodsNum: 1,
        ZoneId: instance?.ZoneId ?? 0,
        BillingMode: 0,
        Period: 1,
        SecurityGroupIdList: ["sg-sbx00001"],
        BackupId: backup?.BackupId ?? "",
        VpcId: instance?.UniqVpcId ?? "",
        SubnetId: instance?.UniqSubnetId ?? "",
        Password: SANDBOX_PASSWORDS[id] ?? "",
      },
      REGION,
    );
    const answers: Record<string, unknown> = {
      CloneInstances: clone,
      ModifyNetworkConfig: await client.modifyNetworkConfig({ InstanceId: id, Operation: "changeVip" }, REGION),
      DescribeInstanceSecurityGroup: await client.describeInstanceSecurityGroup({ InstanceIds: [id] }, REGION),
      InquiryPriceCreateInstance: await client.inquiryPriceCreateInstance(
        {
          TypeId: 9,
          MemSize: 4096,
          GoodsNum: 3,
          Period: 1,
          BillingMode: 0,
          ZoneId: 100003,
          RedisShardNum: 1,
          RedisReplicasNum: 1,
        },
        REGION,
      ),
      DescribeInstanceDealDetail: await client.describeInstanceDealDetail({ DealIds: [clone.DealId ?? ""] }, REGION),
      DescribeSecondLevelBackupInfo: await client.describeSecondLevelBackupInfo({ InstanceId: id }, REGION),
      // a pay-as-you-go instance of its own: the source above stays as it is
      DestroyPostpaidInstance: await client.destroyPostpaidInstance(
        { InstanceId: fake.state.addInstance({ Type: 15 }).InstanceId },
        REGION,
      ),
    };
    for (const [action, answer] of Object.entries(answers)) {
      expect([action, shape(answer)]).toEqual([action, shape(fixture(action).output.Response)]);
    }
    // the example's price is the sandbox's too: the same rate
    expect(answers.InquiryPriceCreateInstance).toMatchObject({ Price: 280, HighPrecisionPrice: 280.0224 });
  });
});

/** Field names and JSON types, recursively (an array by its first element). */
function shape(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== "RequestId")
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}
