// backup_instance: one ManualBackupInstance, never resent; check_task follows it to the new backup.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const text = (r: { content: unknown }) => (r.content as Array<{ text: string }>)[0]?.text ?? "";

describe("backup_instance and check_task on a backup task", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("sends one ManualBackupInstance; a string TaskId comes back as a number", async () => {
    const r = await h.call("backup_instance", { instanceId: SESSIONS, remark: "before cleanup", storageDays: 3 });
    expect(r.isError).toBeFalsy();
    const s = sc(r);
    expect(s).toMatchObject({ status: "submitted", instanceId: SESSIONS, remark: "before cleanup", storageDays: 3 });
    expect(typeof s.taskId).toBe("number");
    expect(s.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const sent = h.fake.requests.filter((q) => q.action === "ManualBackupInstance");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toEqual({ InstanceId: SESSIONS, Remark: "before cleanup", StorageDays: 3 });
    expect(sent[0]?.signatureVerified).toBe(true);
    expect(text(r)).toContain(`task ${s.taskId}`);
  });

  it("check_task follows it as a backup, never a restore, and names the new backup", async () => {
    const b = sc(await h.call("backup_instance", { instanceId: ORDERS, remark: "undo point for the test" }));
    const t = await h.call("check_task", { taskId: b.taskId, waitSeconds: 5 });
    const s = sc(t);
    expect(s).toMatchObject({ taskId: b.taskId, kind: "backup", status: "succeed", done: true, instanceId: ORDERS });
    const newest = h.fake.state.listBackups(ORDERS).find((x) => x.BackupType === "0" && x.Remark === "undo point for the test");
    expect(newest).toBeDefined();
    expect(s.backup).toMatchObject({ backupId: newest?.BackupId, remark: "undo point for the test" });
    expect(s.backup.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(text(t)).toContain(`Backup task ${b.taskId}`);
    expect(text(t)).toContain(`New backup: ${newest?.BackupId}`);
    expect(`${text(t)} ${JSON.stringify(s)}`).not.toMatch(/restor/i);
    // this server knew the task: no DescribeTaskList was needed
    expect(h.fake.count("DescribeTaskList")).toBe(0);
  });

  it("without a remark it sends one that names it as an undo point, and check_task finds it by that", async () => {
    const b = sc(await h.call("backup_instance", { instanceId: ORDERS }));
    expect(b.remark).toMatch(/^undo point \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [0-9a-f]{4}$/);
    expect(h.fake.requests.at(-1)?.params).toEqual({ InstanceId: ORDERS, Remark: b.remark });
    const s = sc(await h.call("check_task", { taskId: b.taskId, waitSeconds: 5 }));
    expect(s.backup.remark).toBe(b.remark);
  });

  it("two undo points taken in the same second get remarks of their own, and check_task names each one", async () => {
    const [a, b] = await Promise.all([
      h.call("backup_instance", { instanceId: ORDERS }).then(sc),
      h.call("backup_instance", { instanceId: ORDERS }).then(sc),
    ]);
    expect(a.remark).not.toBe(b.remark);
    const [ta, tb] = await Promise.all([
      h.call("check_task", { taskId: a.taskId, waitSeconds: 5 }).then(sc),
      h.call("check_task", { taskId: b.taskId, waitSeconds: 5 }).then(sc),
    ]);
    expect(ta.backup.remark).toBe(a.remark);
    expect(tb.backup.remark).toBe(b.remark);
    expect(ta.backup.backupId).not.toBe(tb.backup.backupId);
  });

  it("a server that did not start the task learns its kind from DescribeTaskList's type code", async () => {
    const b = sc(await h.call("backup_instance", { instanceId: ORDERS, remark: "seen by another server" }));
    const other = await startHarness({ sharedFake: h.fake });
    try {
      h.fake.reset();
      const s = sc(await other.call("check_task", { taskId: b.taskId }));
      expect(s).toMatchObject({ kind: "backup", status: "succeed" });
      expect(s.backup.remark).toBe("seen by another server");
      const lookup = h.fake.requests.find((q) => q.action === "DescribeTaskList");
      expect(lookup?.params).toMatchObject({ InstanceId: ORDERS });
      expect(lookup?.params).not.toHaveProperty("TaskTypes");
      // learned once: a second check asks DescribeTaskInfo only
      expect(sc(await other.call("check_task", { taskId: b.taskId })).kind).toBe("backup");
      expect(h.fake.count("DescribeTaskList")).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("when DescribeTaskList fails, the kind is unknown and the task's status still comes back", async () => {
    const b = sc(await h.call("backup_instance", { instanceId: ORDERS }));
    const other = await startHarness({ sharedFake: h.fake });
    try {
      h.fake.reset();
      h.fake.inject("DescribeTaskList", { kind: "error", code: "UnauthorizedOperation.NoCAMAuthed" });
      const r = await other.call("check_task", { taskId: b.taskId });
      expect(r.isError).toBeFalsy();
      expect(sc(r)).toMatchObject({ kind: "unknown", status: "succeed", done: true });
      expect(sc(r)).not.toHaveProperty("backup");
      expect(text(r)).toMatch(new RegExp(`^Task ${b.taskId} on ${ORDERS}: succeed`));
    } finally {
      h.fake.reset();
      await other.close();
    }
  });

  it("refuses bad arguments before sending anything", async () => {
    const bad = [
      { instanceId: ORDERS, remark: "x".repeat(129) },
      { instanceId: ORDERS, remark: "two\nlines" },
      { instanceId: ORDERS, remark: "" },
      { instanceId: ORDERS, storageDays: 1826 },
      { instanceId: ORDERS, storageDays: -1 },
      { instanceId: ORDERS, storageDays: 1.5 },
      { instanceId: "orders" },
      { instanceId: ORDERS, extra: true },
    ];
    for (const args of bad) {
      const r = await h.call("backup_instance", args);
      expect(r.isError, JSON.stringify(args)).toBe(true);
    }
    expect(h.fake.count()).toBe(0);
    expect(sc(await h.call("backup_instance", { instanceId: ORDERS, remark: "x".repeat(128), storageDays: 1825 })).status).toBe(
      "submitted",
    );
  });

  it("a lost answer is not resent: outcome_unknown, pointing at list_backups", async () => {
    const before = h.fake.state.listBackups(SESSIONS).length;
    h.fake.inject("ManualBackupInstance", { kind: "drop", phase: "after" }, 1);
    const r = await h.call("backup_instance", { instanceId: SESSIONS, remark: "lost answer" });
    expect(r.isError).toBe(true);
    const error = sc(r).error;
    expect(error).toMatchObject({ code: "ClientError.NetworkError", category: "outcome_unknown", retryable: false });
    expect(error.hint).toContain("list_backups");
    expect(error.hint).toContain('"lost answer"');
    expect(error.hint).toMatch(/not resent/);
    expect(h.fake.count("ManualBackupInstance")).toBe(1);
    expect(h.fake.state.listBackups(SESSIONS).length).toBe(before + 1);
  });

  it("an HTTP 503 after sending is not resent either", async () => {
    h.fake.inject("ManualBackupInstance", { kind: "status", status: 503 }, 1);
    const error = sc(await h.call("backup_instance", { instanceId: SESSIONS })).error;
    expect(error).toMatchObject({ code: "ClientError.HttpStatus", category: "outcome_unknown", retryable: false });
    expect(h.fake.count("ManualBackupInstance")).toBe(1);
  });

  it("a throttled request, which was not executed, is sent again", async () => {
    h.fake.inject("ManualBackupInstance", { kind: "error", code: "RequestLimitExceeded" }, 1);
    expect(sc(await h.call("backup_instance", { instanceId: SESSIONS })).status).toBe("submitted");
    expect(h.fake.count("ManualBackupInstance")).toBe(2);
  });

  it("an API error is reported with its catalog entry", async () => {
    h.fake.inject("ManualBackupInstance", { kind: "error", code: "FailedOperation.CommitFlowError" }, 1);
    const error = sc(await h.call("backup_instance", { instanceId: SESSIONS })).error;
    expect(error).toMatchObject({ code: "FailedOperation.CommitFlowError", category: "internal", retryable: false });
    expect(h.fake.count("ManualBackupInstance")).toBe(1);
  });
});

describe("backup_instance under the server's limits", () => {
  it("read-only: not listed, and a call is refused with nothing sent", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_READ_ONLY: "true" } });
    try {
      expect((await h.client.listTools()).tools.map((t) => t.name)).not.toContain("backup_instance");
      const r = await h.call("backup_instance", { instanceId: ORDERS });
      expect(r.isError).toBe(true);
      expect(h.fake.count()).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("the instance allowlist applies: another instance is refused with nothing sent", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: SESSIONS } });
    try {
      const error = sc(await h.call("backup_instance", { instanceId: ORDERS })).error;
      expect(error).toMatchObject({ code: "ClientError.InstanceNotAllowed", category: "permission" });
      expect(h.fake.count()).toBe(0);
      expect(sc(await h.call("backup_instance", { instanceId: SESSIONS })).status).toBe("submitted");
    } finally {
      await h.close();
    }
  });
});
