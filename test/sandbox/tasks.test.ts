import { afterEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS as IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import type { Backup } from "../../src/sandbox/state.js";
import { formatBeijing } from "../../src/sandbox/time.js";
import { errorCode, sdkClient, signedPost } from "./helpers.js";

const BEIJING = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ORDERS_PASSWORD = SANDBOX_PASSWORDS[IDS.orders] ?? "";

/** A fake with a manual clock that stays near real time (the SDK signs with the real clock). */
async function startWithClock(options: { preparingMs?: number; runningMs?: number } = {}) {
  const base = Date.now();
  const clock = {
    offset: 0,
    advance(ms: number): void {
      clock.offset += ms;
    },
  };
  const fake = await FakeCloud.start({ ...options, now: () => base + clock.offset });
  return { fake, clock, client: sdkClient(fake) };
}

function backupsOf(fake: FakeCloud, instanceId: string, pick: (b: Backup) => boolean): Backup {
  const backup = fake.state.listBackups(instanceId).find(pick);
  if (!backup) throw new Error("no such backup in the seed");
  return backup;
}
const normal = (b: Backup) => b.Status === 2;

describe("tasks", () => {
  const started: FakeCloud[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((f) => f.close()));
  });
  async function setup(options: { preparingMs?: number; runningMs?: number } = {}) {
    const s = await startWithClock({ preparingMs: 1000, runningMs: 3000, ...options });
    started.push(s.fake);
    const backupId = backupsOf(s.fake, IDS.orders, normal).BackupId;
    const restore = async () =>
      (await s.client.RestoreInstance({ InstanceId: IDS.orders, BackupId: backupId, Password: ORDERS_PASSWORD }))
        .TaskId ?? 0;
    return { ...s, restore };
  }

  it("DescribeTaskInfo goes preparing -> running -> succeed with the clock", async () => {
    const { client, clock, restore } = await setup();
    const TaskId = await restore();
    const info = await client.DescribeTaskInfo({ TaskId });
    expect(info).toMatchObject({
      Status: "preparing",
      TaskType: "redis备份恢复流程", // free text, like the published example's "redis缓存清空流程"
      InstanceId: IDS.orders,
      TaskMessage: "",
    });
    expect(info.StartTime).toMatch(BEIJING);
    clock.advance(1000);
    expect((await client.DescribeTaskInfo({ TaskId })).Status).toBe("running");
    clock.advance(2999);
    expect((await client.DescribeTaskInfo({ TaskId })).Status).toBe("running");
    clock.advance(1);
    expect(await client.DescribeTaskInfo({ TaskId })).toMatchObject({ Status: "succeed", TaskMessage: "" });
  });

  it("ends failed or error with the message set by failNextRestore", async () => {
    const { fake, client, clock, restore } = await setup();
    fake.state.failNextRestore("failed", "backup file is corrupt");
    const failed = await restore();
    clock.advance(500);
    expect((await client.DescribeTaskInfo({ TaskId: failed })).TaskMessage).toBe("");
    clock.advance(5000);
    expect(await client.DescribeTaskInfo({ TaskId: failed })).toMatchObject({
      Status: "failed",
      TaskMessage: "backup file is corrupt",
    });
    fake.state.failNextRestore("error", "internal flow error");
    const errored = await restore();
    clock.advance(5000);
    expect(await client.DescribeTaskInfo({ TaskId: errored })).toMatchObject({
      Status: "error",
      TaskMessage: "internal flow error",
    });
    const next = await restore();
    clock.advance(5000);
    expect((await client.DescribeTaskInfo({ TaskId: next })).Status).toBe("succeed");
  });

  it("DescribeTaskInfo rejects unknown and non-integer task ids", async () => {
    const { fake, client, restore } = await setup();
    const TaskId = await restore();
    expect(await errorCode(client.DescribeTaskInfo({ TaskId: 42 }))).toBe("InvalidParameter.InvalidParameter");
    expect(await errorCode(sdkClient(fake, { region: "ap-shanghai" }).DescribeTaskInfo({ TaskId }))).toBe(
      "InvalidParameter.InvalidParameter",
    );
    const asString = await signedPost(fake, "DescribeTaskInfo", { TaskId: String(TaskId) });
    expect(asString.json().Response.Error?.Code).toBe("InvalidParameter");
    const fractional = await signedPost(fake, "DescribeTaskInfo", { TaskId: 1.5 });
    expect(fractional.json().Response.Error?.Code).toBe("InvalidParameter");
    expect((await signedPost(fake, "DescribeTaskInfo", {})).json().Response.Error?.Code).toBe("MissingParameter");
  });

  it("DescribeTaskList reports Result and Progress and filters", async () => {
    const { fake, client, clock, restore } = await setup();
    fake.state.failNextRestore("failed", "boom");
    const failed = await restore();
    clock.advance(4000);
    const done = await restore(); // the failed one is final, so this one may start
    clock.advance(4000);
    const running = await restore();
    clock.advance(2500); // 1500 ms into its 3000 ms of running
    const sessionsBackup = backupsOf(fake, IDS.sessions, normal).BackupId;
    const preparing = (await client.RestoreInstance({ InstanceId: IDS.sessions, BackupId: sessionsBackup })).TaskId;

    const list = await client.DescribeTaskList({ InstanceId: IDS.orders });
    expect(list.TotalCount).toBe(3);
    expect(list.Tasks?.map((t) => [t.TaskId, t.Result, t.Progress])).toEqual([
      [running, 1, 50],
      [done, 2, 100],
      [failed, 4, 100],
    ]);
    const first = list.Tasks?.[0];
    expect(first).toMatchObject({
      TaskType: "010", // a code string, like the published example's "037"
      InstanceId: IDS.orders,
      InstanceName: "orders-cache",
    });
    expect(first?.StartTime).toMatch(BEIJING);

    const all = await client.DescribeTaskList({});
    expect(all.Tasks?.map((t) => t.TaskId)).toEqual([preparing, running, done, failed]);
    expect(all.Tasks?.[0]).toMatchObject({ Result: 0, Progress: 0, InstanceId: IDS.sessions });
    expect((await client.DescribeTaskList({ TaskTypes: ["FLOW_BACKUPINSTANCE"] })).TotalCount).toBe(0);
    expect((await client.DescribeTaskList({ TaskTypes: ["010"] })).TotalCount).toBe(4);
    expect((await client.DescribeTaskList({ TaskTypes: ["FLOW_RESTOREBACKUP"] })).TotalCount).toBe(4);
    expect((await client.DescribeTaskList({ Result: [4] })).Tasks?.map((t) => t.TaskId)).toEqual([failed]);
    const later = formatBeijing(fake.state.now() - 1000);
    expect((await client.DescribeTaskList({ BeginTime: later })).Tasks?.map((t) => t.TaskId)).toEqual([preparing]);
    expect((await client.DescribeTaskList({ Limit: 1, Offset: 1 })).Tasks?.map((t) => t.TaskId)).toEqual([running]);
    expect((await sdkClient(fake, { region: "ap-shanghai" }).DescribeTaskList({})).TotalCount).toBe(0);
  });

  it("ManualBackupInstance adds a normal backup and a finished task, through the backup backend", async () => {
    const snapshots: string[] = [];
    const fake = await FakeCloud.start({
      backupBackend: {
        snapshot: async (instance) => {
          snapshots.push(instance.InstanceId);
          if (instance.InstanceId === IDS.sessions) throw new Error("disk full");
        },
      },
    });
    started.push(fake);
    const client = sdkClient(fake);
    const answer = await client.ManualBackupInstance({ InstanceId: IDS.orders, Remark: "sandbox snapshot" });
    // a string of digits, as the published example of 2024 shows it
    expect(answer.TaskId).toMatch(/^\d+$/);
    const TaskId = Number(answer.TaskId);
    expect(await client.DescribeTaskInfo({ TaskId })).toMatchObject({ Status: "succeed", TaskType: "redis手动备份流程" });
    expect((await client.DescribeTaskList({ InstanceId: IDS.orders })).Tasks?.[0]).toMatchObject({
      TaskId,
      TaskType: "012",
    });
    const newest = (await client.DescribeInstanceBackups({ InstanceId: IDS.orders })).BackupSet?.[0];
    expect(newest).toMatchObject({ Remark: "sandbox snapshot", Status: 2, BackupType: "0", Locked: 0 });
    // The new backup can be restored.
    const restore = await client.RestoreInstance({
      InstanceId: IDS.orders,
      BackupId: newest?.BackupId ?? "",
      Password: ORDERS_PASSWORD,
    });
    expect(restore.TaskId).toBe(TaskId + 1);
    expect(await errorCode(client.ManualBackupInstance({ InstanceId: IDS.sessions }))).toBe(
      "FailedOperation.SystemError",
    );
    expect(await errorCode(client.ManualBackupInstance({ InstanceId: IDS.archive }))).toBe(
      "ResourceUnavailable.InstanceStatusAbnormal",
    );
    expect(snapshots).toEqual([IDS.orders, IDS.sessions]);
  });

  it("an automatic backup appears beside a restore, as code 017, with its own backup of type 1", async () => {
    const { fake, client, restore } = await setup();
    fake.state.autoBackupOnRestore = true;
    const restoreId = await restore();
    const list = await client.DescribeTaskList({ InstanceId: IDS.orders });
    expect(list.Tasks?.map((t) => [t.TaskId, t.TaskType])).toEqual([
      [restoreId + 1, "017"],
      [restoreId, "010"],
    ]);
    expect((await client.DescribeTaskInfo({ TaskId: restoreId + 1 })).TaskType).toBe("redis自动备份流程");
    const newest = (await client.DescribeInstanceBackups({ InstanceId: IDS.orders })).BackupSet?.[0];
    expect(newest?.BackupType).toBe("1");
  });
});
