// DestroyPostpaidInstance on the sandbox: a pay-as-you-go clone is isolated (FLOW_CLOSE task, status 1, then
// -2), its real redis-server stops and its loopback address stops listening, the source is untouched; a monthly
// instance, a busy or missing one get the documented errors and nothing changes. An isolated instance leaves
// the account two hours later (state only, with a clock the test moves).

import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { SANDBOX_DATA, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { POSTPAID_OFFLINE_MS } from "../../src/sandbox/state.js";
import { requireRedisServer } from "../helpers/redis.js";
import { cloneRequestFor, errorCode, type RedisClient, sdkClient, until } from "./helpers.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";

async function get(host: string, port: number, key: string): Promise<unknown> {
  const client = await RespClient.connect(port, host, PASSWORD);
  try {
    return await client.command("GET", key);
  } finally {
    client.close();
  }
}

/** Whether something accepts TCP connections at host:port. */
function listens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("DestroyPostpaidInstance on the sandbox with real data", () => {
  let sandbox: Sandbox;
  let client: RedisClient;
  const describeOne = async (id: string) => (await client.DescribeInstances({ InstanceId: id })).InstanceSet?.[0];

  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60, cloneMs: 150 });
    client = sdkClient(sandbox.fake);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  async function runningClone(extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await client.CloneInstances(cloneRequestFor(sandbox.fake, CATALOG, extra));
    const id = String(answer.InstanceIds?.[0]);
    await until(
      () => describeOne(id),
      (i) => i?.Status === 2,
      `${id} running`,
    );
    return id;
  }

  it("isolates a pay-as-you-go clone: its redis-server and address are gone, the source is untouched", async () => {
    const source = await describeOne(CATALOG);
    const home = { host: String(source?.WanIp), port: Number(source?.Port) };
    const live = SANDBOX_DATA[CATALOG]?.at(-1) ?? {};
    const cloneId = await runningClone({ InstanceName: "catalog-drill" });
    const clone = await describeOne(cloneId);
    expect(clone?.BillingMode).toBe(0);
    const at = { host: String(clone?.WanIp), port: Number(clone?.Port) };
    expect(await listens(at.host, at.port)).toBe(true);
    const pids = sandbox.redis?.pids() ?? [];

    const answer = await client.DestroyPostpaidInstance({ InstanceId: cloneId });
    // the published example's shape: TaskId as a string of digits
    expect(String(answer.TaskId)).toMatch(/^\d+$/);
    const taskId = Number(answer.TaskId);
    expect((await describeOne(cloneId))?.Status).toBe(1);
    // a second destroy while the first runs: the instance is busy
    expect(await errorCode(client.DestroyPostpaidInstance({ InstanceId: cloneId }))).toBe(
      "ResourceUnavailable.InstanceStatusError",
    );

    const task = await until(
      () => client.DescribeTaskInfo({ TaskId: taskId }),
      (t) => ["succeed", "failed", "error"].includes(String(t.Status)),
      `task ${taskId}`,
    );
    expect(task).toMatchObject({ Status: "succeed", InstanceId: cloneId });
    const listed = await client.DescribeTaskList({ InstanceId: cloneId });
    expect(listed.Tasks?.find((t) => Number(t.TaskId) === taskId)?.TaskType).toBe("003");
    expect(await describeOne(cloneId)).toMatchObject({ Status: -2, WanIp: "" });
    expect(await listens(at.host, at.port)).toBe(false);
    expect(sandbox.redis?.ports().has(cloneId)).toBe(false);
    expect(sandbox.redis?.pids()).toHaveLength(pids.length - 1);
    // an isolated instance cannot be destroyed again
    expect(await errorCode(client.DestroyPostpaidInstance({ InstanceId: cloneId }))).toBe(
      "ResourceUnavailable.InstanceStatusError",
    );
    // the source: same address, same data, still running
    const after = await describeOne(CATALOG);
    expect(after).toMatchObject({ Status: 2, WanIp: home.host, Port: home.port });
    expect(await get(home.host, home.port, "product:count")).toBe(live["product:count"]);
  });

  it("refuses a monthly instance (UnSupportedType) and keeps it serving", async () => {
    const cloneId = await runningClone({ BillingMode: 1, Period: 1 });
    const clone = await describeOne(cloneId);
    expect(clone?.BillingMode).toBe(1);
    const tasks = sandbox.fake.state.listTasks(cloneId).length;
    expect(await errorCode(client.DestroyPostpaidInstance({ InstanceId: cloneId }))).toBe(
      "InvalidParameterValue.UnSupportedType",
    );
    expect(sandbox.fake.state.listTasks(cloneId)).toHaveLength(tasks);
    expect(await describeOne(cloneId)).toMatchObject({ Status: 2 });
    expect(await listens(String(clone?.WanIp), Number(clone?.Port))).toBe(true);
  });

  it("refuses an instance still being delivered, and one that does not exist", async () => {
    const answer = await client.CloneInstances(cloneRequestFor(sandbox.fake, CATALOG));
    const id = String(answer.InstanceIds?.[0]);
    expect((await describeOne(id))?.Status).toBe(0);
    expect(await errorCode(client.DestroyPostpaidInstance({ InstanceId: id }))).toBe(
      "ResourceUnavailable.InstanceStatusError",
    );
    expect(await errorCode(client.DestroyPostpaidInstance({ InstanceId: "crs-nosuch00" }))).toBe(
      "ResourceNotFound.InstanceNotExists",
    );
    expect(await errorCode(client.DestroyPostpaidInstance({} as { InstanceId: string }))).toBe("MissingParameter");
  });
});

describe("DestroyPostpaidInstance, state only", () => {
  it("an isolated instance goes offline two hours after its task ended, and leaves the account", async () => {
    let now = Date.now();
    const fake = await FakeCloud.start({ now: () => now, preparingMs: 1000, runningMs: 2000 });
    try {
      const client = sdkClient(fake);
      const instance = fake.state.addInstance({ Type: 15, BillingMode: 0 });
      const answer = await client.DestroyPostpaidInstance({ InstanceId: instance.InstanceId });
      now += 3000;
      const isolated = await client.DescribeInstances({ InstanceId: instance.InstanceId });
      expect(isolated.InstanceSet?.[0]?.Status).toBe(-2);
      expect(fake.state.getTask(Number(answer.TaskId))?.TaskType).toBe("FLOW_CLOSE");
      // two hours on (past what a signed request may be off by, so read the model itself)
      now += POSTPAID_OFFLINE_MS - 1;
      expect(fake.state.getInstance(instance.InstanceId)?.Status).toBe(-2);
      now += 1;
      expect(fake.state.getInstance(instance.InstanceId)).toBeUndefined();
      expect(fake.state.listInstances().map((i) => i.InstanceId)).not.toContain(instance.InstanceId);
    } finally {
      await fake.close();
    }
  });
});
