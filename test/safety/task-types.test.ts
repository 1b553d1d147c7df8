import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TencentRedisClient } from "../../src/cloud/client.js";
import { loadConfig } from "../../src/config.js";
import { taskKindOf } from "../../src/cloud/views.js";
import { Logger } from "../../src/log.js";
import { isRestoreTask, restoreTaskIds } from "../../src/safety/tasks.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { formatBeijing } from "../../src/sandbox/time.js";
import { fakeEnv } from "../helpers/harness.js";

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
    }
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
