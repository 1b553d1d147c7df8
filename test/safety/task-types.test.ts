import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TencentRedisClient } from "../../src/cloud/client.js";
import { loadConfig } from "../../src/config/index.js";
import { backupTypeOfTask, taskKindOf } from "../../src/cloud/views.js";
import { Logger } from "../../src/base/log.js";
import { isRestoreTask, restoreTaskIds } from "../../src/cloud/task-list.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { formatBeijing } from "../../src/sandbox/time.js";
import { fakeEnv, type Harness, sc, startHarness } from "../helpers/harness.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;

describe("finding restore tasks by their type code", () => {
  it("a restore is 010 or FLOW_RESTOREBACKUP, nothing else", () => {
    expect(isRestoreTask({ TaskType: "010" })).toBe(true);
    expect(isRestoreTask({ TaskType: "FLOW_RESTOREBACKUP" })).toBe(true);
    for (const other of ["012", "017", "037", "10", "0100", "redis备份恢复流程", ""]) {
      expect(isRestoreTask({ TaskType: other })).toBe(false);
    }
  });

  it("one table names the kinds (restore, backup, other), and an odd word is other, never a prototype's member", () => {
    expect(taskKindOf("010")).toBe("restore");
    expect(taskKindOf(" 010 ")).toBe("restore");
    expect(taskKindOf("012")).toBe("backup");
    expect(taskKindOf("017")).toBe("backup");
    for (const odd of ["037", "constructor", "toString", "__proto__", "hasOwnProperty", "", undefined]) {
      expect(taskKindOf(odd)).toBe("other");
      expect(backupTypeOfTask(odd)).toBeUndefined();
    }
    expect(backupTypeOfTask("012")).toBe("0");
    expect(backupTypeOfTask("017")).toBe("1");
  });

  describe("against the fake", () => {
    let fake: FakeCloud;
    let client: TencentRedisClient;
    beforeAll(async () => {
      fake = await FakeCloud.start({ preparingMs: 0, runningMs: 0 });
      client = new TencentRedisClient(loadConfig([], fakeEnv(fake)), new Logger("error", () => {}));
    });
    afterAll(async () => {
      client.close();
      await fake.close();
    });

    it("pages through every task of the window, without a type filter, and keeps only the restores", async () => {
      const since = formatBeijing(Date.now() - 60_000);
      const instance = fake.state.getInstance(ORDERS);
      const backup = fake.state.listBackups(ORDERS).find((b) => b.Status === 2);
      if (!instance || !backup) throw new Error("sandbox seed changed");
      const restore = fake.state.createRestoreTask(instance, backup, SANDBOX_PASSWORDS[ORDERS]);
      // 230 automatic backups after it: the restore is on the third page
      for (let i = 0; i < 230; i++) fake.state.createAutoBackup(instance);
      fake.reset();
      const ids = await restoreTaskIds(client, "ap-guangzhou", ORDERS, since);
      expect([...ids]).toEqual([restore.TaskId]);
      const pages = fake.requests.map((r) => r.params as Record<string, unknown>);
      expect(pages.map((p) => p.Offset)).toEqual([0, 100, 200]);
      for (const p of pages) {
        expect(p).toMatchObject({ InstanceId: ORDERS, Limit: 100, BeginTime: since });
        expect(p).not.toHaveProperty("TaskTypes");
      }
    });
  });
});

describe("a backup task this server did not start: the backup of its own type", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("012 makes a manual backup (BackupType 0), 017 an automatic one (1); other codes none", () => {
    expect(backupTypeOfTask("012")).toBe("0");
    expect(backupTypeOfTask("FLOW_BACKUPINSTANCE")).toBe("0");
    expect(backupTypeOfTask("017")).toBe("1");
    expect(backupTypeOfTask("FLOW_AUTOBACKUP")).toBe("1");
    for (const other of ["010", "037", "", undefined]) expect(backupTypeOfTask(other)).toBeUndefined();
  });

  it("a manual and an automatic backup started in the same window are each named by their own task", async () => {
    const orders = h.fake.state.getInstance(ORDERS);
    const sessions = h.fake.state.getInstance(SANDBOX_INSTANCE_IDS.sessions);
    if (!orders || !sessions) throw new Error("sandbox seed changed");
    const later = (backupId: string) => h.fake.state.updateBackup(backupId, { StartTime: new Date(Date.now() + 5_000) });
    // orders: a manual backup from the console, then the automatic one a few seconds later (the newest)
    const manual = await h.fake.state.createManualBackup(orders, "");
    const auto = h.fake.state.createAutoBackup(orders);
    later(auto.backup.BackupId);
    // sessions: the reverse, the automatic backup first, then a manual one (the newest)
    const auto2 = h.fake.state.createAutoBackup(sessions);
    const manual2 = await h.fake.state.createManualBackup(sessions, "");
    later(manual2.backup.BackupId);
    const named = async (taskId: number) => {
      const s = sc(await h.call("check_task", { taskId, waitSeconds: 5 }));
      expect(s).toMatchObject({ taskId, kind: "backup", status: "succeed" });
      return s.backup?.backupId;
    };
    h.fake.reset();
    expect(await named(manual.task.TaskId)).toBe(manual.backup.BackupId);
    expect(await named(auto.task.TaskId)).toBe(auto.backup.BackupId);
    expect(await named(auto2.task.TaskId)).toBe(auto2.backup.BackupId);
    expect(await named(manual2.task.TaskId)).toBe(manual2.backup.BackupId);
    expect(h.fake.count("DescribeTaskList")).toBe(4);
    // asked again: the kind and type are remembered, not looked up
    expect(await named(manual.task.TaskId)).toBe(manual.backup.BackupId);
    expect(h.fake.count("DescribeTaskList")).toBe(4);
  });
});
