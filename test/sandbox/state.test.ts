import { describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import {
  SANDBOX_CREDENTIALS,
  SANDBOX_INSTANCE_IDS as IDS,
  SANDBOX_PASSWORDS,
  SANDBOX_REGION,
  seedDefault,
} from "../../src/sandbox/seed.js";
import { type Backup, CloudState, FIRST_TASK_ID, type Instance, type RestoreBackend } from "../../src/sandbox/state.js";
import { DAY_MS, formatBeijing, HOUR_MS, parseBeijing, utcDate } from "../../src/sandbox/time.js";
import { sdkClient } from "./helpers.js";

function deferred() {
  let resolve = (): void => undefined;
  let reject = (_error: Error): void => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets settled backend promises run their callbacks. */
const flush = () => new Promise((r) => setImmediate(r));

describe("time", () => {
  it("formats and parses Beijing time (UTC+8)", () => {
    const ms = Date.UTC(2024, 11, 31, 17, 30, 5); // 2025-01-01 01:30:05 in Beijing
    expect(formatBeijing(ms)).toBe("2025-01-01 01:30:05");
    expect(parseBeijing("2025-01-01 01:30:05")).toBe(ms);
    expect(parseBeijing("2025-02-30 00:00:00")).toBeUndefined();
    expect(parseBeijing("2025-01-01T01:30:05")).toBeUndefined();
    expect(utcDate(1551113065)).toBe("2019-02-25");
  });
});

describe("seed", () => {
  it("has AKID-style credentials, realistic ids and the documented instances", () => {
    expect(SANDBOX_CREDENTIALS.secretId).toMatch(/^AKID[A-Z0-9]{32}$/);
    for (const id of Object.values(IDS)) expect(id).toMatch(/^crs-[a-z0-9]{8}$/);
    const now = Date.UTC(2025, 0, 10, 4, 0, 0);
    const state = new CloudState({ now: () => now });
    const { instances, backups } = seedDefault(state);
    const byId = new Map(instances.map((i) => [i.InstanceId, i]));
    expect(byId.get(IDS.orders)).toMatchObject({ InstanceName: "orders-cache", Status: 2, NoAuth: false });
    expect(byId.get(IDS.orders)?.password).toBe(SANDBOX_PASSWORDS[IDS.orders]);
    expect(SANDBOX_PASSWORDS[IDS.orders]).toBe("sandbox-orders-pass");
    expect(byId.get(IDS.sessions)).toMatchObject({ InstanceName: "session-store", Status: 2, NoAuth: true });
    expect(byId.get(IDS.archive)?.Status).toBe(-2);
    expect(byId.get(IDS.reports)?.Region).toBe("ap-shanghai");
    expect(state.listInstances(SANDBOX_REGION)).toHaveLength(5);
    // real types: Redis 2.8 and CKV restored in place, Redis 6.2 and 7.0 by clone
    expect(Object.values(IDS).map((id) => byId.get(id)?.Type)).toEqual([2, 5, 8, 4, 15, 18]);
    for (const id of [IDS.orders, IDS.sessions, IDS.reports]) {
      const list = state.listBackups(id);
      expect(list.map((b) => now - b.StartTime.getTime())).toEqual([HOUR_MS, DAY_MS, 2 * DAY_MS, 8 * DAY_MS]);
      expect(list.map((b) => [b.BackupType, b.Status, b.Locked])).toEqual([
        ["0", 2, 0],
        ["1", 2, 0],
        ["1", 1, 1],
        ["1", -1, 0],
      ]);
    }
    expect(new Set(backups.map((b) => b.BackupId)).size).toBe(backups.length);
  });
});

describe("CloudState tasks", () => {
  it("numbers tasks from 1000001 and derives status and progress from the clock", () => {
    let now = 1_700_000_000_000;
    const state = new CloudState({ now: () => now, preparingMs: 100, runningMs: 200 });
    const instance = state.addInstance({ NoAuth: true });
    const backup = state.addBackup({ InstanceId: instance.InstanceId });
    const task = state.createRestoreTask(instance, backup, undefined);
    expect(task.TaskId).toBe(FIRST_TASK_ID);
    expect([state.taskStatus(task), state.taskProgress(task)]).toEqual(["preparing", 0]);
    expect(state.hasRestoreInFlight(instance.InstanceId)).toBe(true);
    now += 150;
    expect([state.taskStatus(task), state.taskProgress(task)]).toEqual(["running", 25]);
    now += 150;
    expect([state.taskStatus(task), state.taskProgress(task)]).toEqual(["succeed", 100]);
    expect(state.hasRestoreInFlight(instance.InstanceId)).toBe(false);
    expect(state.createRestoreTask(instance, backup, undefined).TaskId).toBe(FIRST_TASK_ID + 1);
  });
});

describe("restore backend", () => {
  it("keeps the task running until the backend settles, then succeeds or fails with its message", async () => {
    const calls: [Instance, Backup, string | undefined][] = [];
    const pending: ReturnType<typeof deferred>[] = [];
    const backend: RestoreBackend = {
      restore(instance, backup, password) {
        calls.push([instance, backup, password]);
        const d = deferred();
        pending.push(d);
        return d.promise;
      },
    };
    const base = Date.now();
    let offset = 0;
    const fake = await FakeCloud.start({
      preparingMs: 100,
      runningMs: 100,
      restoreBackend: backend,
      now: () => base + offset,
    });
    try {
      const client = sdkClient(fake);
      const password = SANDBOX_PASSWORDS[IDS.orders] ?? "";
      const backupId = fake.state.listBackups(IDS.orders)[0]?.BackupId ?? "";
      const restore = async () =>
        (await client.RestoreInstance({ InstanceId: IDS.orders, BackupId: backupId, Password: password })).TaskId ?? 0;

      const first = await restore();
      expect(calls).toHaveLength(1);
      expect(calls[0]?.[0].InstanceId).toBe(IDS.orders);
      expect(calls[0]?.[1].BackupId).toBe(backupId);
      expect(calls[0]?.[2]).toBe(password);
      offset += 10_000;
      expect((await client.DescribeTaskInfo({ TaskId: first })).Status).toBe("running");
      expect((await client.DescribeTaskList({ InstanceId: IDS.orders })).Tasks?.[0]).toMatchObject({
        Result: 1,
        Progress: 99,
      });
      pending[0]?.resolve();
      await flush();
      expect(await client.DescribeTaskInfo({ TaskId: first })).toMatchObject({ Status: "succeed", TaskMessage: "" });

      // Settling early does not skip the configured durations.
      const second = await restore();
      pending[1]?.reject(new Error("redis-server refused the RDB file"));
      await flush();
      expect((await client.DescribeTaskInfo({ TaskId: second })).Status).toBe("preparing");
      offset += 150;
      expect((await client.DescribeTaskInfo({ TaskId: second })).Status).toBe("running");
      offset += 100;
      expect(await client.DescribeTaskInfo({ TaskId: second })).toMatchObject({
        Status: "failed",
        TaskMessage: "redis-server refused the RDB file",
      });

      // A forced outcome bypasses the backend.
      fake.state.failNextRestore("error", "forced");
      const third = await restore();
      offset += 1000;
      expect(calls).toHaveLength(2);
      expect(await client.DescribeTaskInfo({ TaskId: third })).toMatchObject({
        Status: "error",
        TaskMessage: "forced",
      });
    } finally {
      await fake.close();
    }
  });

  it("fails the task when the backend throws synchronously", () => {
    let now = 0;
    const state = new CloudState({
      now: () => now,
      preparingMs: 0,
      runningMs: 0,
      restoreBackend: {
        restore() {
          throw new Error("no redis-server");
        },
      },
    });
    const instance = state.addInstance();
    const task = state.createRestoreTask(instance, state.addBackup({ InstanceId: instance.InstanceId }), "pw");
    now += 1;
    expect(state.taskStatus(task)).toBe("failed");
    expect(state.taskMessage(task)).toBe("no redis-server");
  });
});
