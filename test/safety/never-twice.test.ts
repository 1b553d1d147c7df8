import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { restorableBackup, waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("never twice: one restore per instance in flight, and a lost answer is never resent", () => {
  let h: Harness;
  let backupId: string;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.3", TENCENTCLOUD_REDIS_CONFIRM: "none" } });
    backupId = await restorableBackup(h, SESSIONS);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await waitIdle(h, SESSIONS);
    h.fake.reset();
  });
  const restore = () => h.call("restore_instance", { instanceId: SESSIONS, backupId });
  const tasksOf = () => h.fake.state.listTasks(SESSIONS).filter((t) => t.TaskType === "FLOW_RESTOREBACKUP").length;

  it("a second concurrent call for the same instance is refused with the first call's details", async () => {
    h.fake.inject("RestoreInstance", { kind: "delay", ms: 200 }, 1);
    const first = restore();
    for (let i = 0; i < 400 && h.fake.count("RestoreInstance") === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const second = await restore();
    expect(sc(second).error).toMatchObject({ code: "ResourceUnavailable.InstanceLockedError", category: "conflict" });
    expect(sc(second).error.hint).toContain(`backup ${backupId}`);
    expect(sc(second).error.hint).toMatch(/started \d{4}-\d{2}-\d{2}T/);
    expect(sc(await first).status).toBe("submitted");
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it("the lock is released after a failure", async () => {
    h.fake.inject("RestoreInstance", { kind: "error", code: "FailedOperation.SystemError" }, 1);
    expect(sc(await restore()).error.code).toBe("FailedOperation.SystemError");
    expect(sc(await restore()).status).toBe("submitted");
    expect(h.fake.count("RestoreInstance")).toBe(2);
  });

  it("a hang past the timeout after the fake accepted it: not resent, the task is recovered", async () => {
    const before = tasksOf();
    h.fake.inject("RestoreInstance", { kind: "hang", phase: "after" }, 1);
    const r = await restore();
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "submitted", recovered: true, instanceId: SESSIONS });
    expect(sc(r).note).toMatch(/ClientError\.Timeout.*not resent/);
    expect(tasksOf()).toBe(before + 1);
    expect(h.fake.state.listTasks(SESSIONS)[0]?.TaskId).toBe(sc(r).taskId);
    expect(h.fake.count("RestoreInstance")).toBe(1);
    const lookup = h.fake.requests.filter((q) => q.action === "DescribeTaskList").at(-1)?.params;
    // no TaskTypes filter: the API's form of it is not documented; the restore type is matched from the answer
    expect(lookup).toMatchObject({ InstanceId: SESSIONS, Limit: 100, Offset: 0 });
    expect(lookup).not.toHaveProperty("TaskTypes");
    expect((lookup as { BeginTime: string }).BeginTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it("an automatic backup started beside the lost restore is never taken for it (the API answers type codes)", async () => {
    h.fake.state.autoBackupOnRestore = true;
    try {
      h.fake.inject("RestoreInstance", { kind: "drop", phase: "after" }, 1);
      const r = await restore();
      expect(sc(r)).toMatchObject({ status: "submitted", recovered: true });
      const [newest, restoreTask] = h.fake.state.listTasks(SESSIONS);
      expect(newest?.TaskType).toBe("FLOW_AUTOBACKUP"); // newer than the restore, in the same window
      expect(restoreTask?.TaskType).toBe("FLOW_RESTOREBACKUP");
      expect(sc(r).taskId).toBe(restoreTask?.TaskId);
    } finally {
      h.fake.state.autoBackupOnRestore = false;
    }
  });

  it("with only an automatic backup in the window, the answer stays unknown: the backup is not the restore", async () => {
    await waitIdle(h, SESSIONS);
    const instance = h.fake.state.getInstance(SESSIONS);
    if (!instance) throw new Error("no sandbox instance");
    h.fake.inject("RestoreInstance", { kind: "hang", phase: "before" }, 1);
    const pending = restore();
    // once the restore is on the wire (after the preflight's snapshot), an automatic backup starts
    for (let i = 0; i < 400 && h.fake.count("RestoreInstance") === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const auto = h.fake.state.createAutoBackup(instance).task;
    const r = await pending;
    expect(sc(r).error).toMatchObject({ code: "ClientError.Timeout", category: "outcome_unknown" });
    expect(h.fake.count("RestoreInstance")).toBe(1);
    const lookups = h.fake.requests.filter((q) => q.action === "DescribeTaskList" && q.at > auto.createdAt);
    expect(lookups.length).toBeGreaterThan(0); // the backup was in the answers the recovery read
  });

  it("a connection dropped after the fake accepted it: not resent, the task is recovered", async () => {
    h.fake.inject("RestoreInstance", { kind: "drop", phase: "after" }, 1);
    const r = await restore();
    expect(sc(r)).toMatchObject({ status: "submitted", recovered: true });
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it.each([
    ["a connection dropped before the fake ran it", { kind: "drop", phase: "before" }, "ClientError.NetworkError"],
    ["a hang before the fake ran it", { kind: "hang", phase: "before" }, "ClientError.Timeout"],
  ] as const)("%s: outcome_unknown, not resent, and the earlier restore task is not mistaken for it", async (_l, fault, code) => {
    // a restore that finished a moment ago is in DescribeTaskList's window: it must not be taken as this one
    expect(sc(await restore()).status).toBe("submitted");
    await waitIdle(h, SESSIONS);
    const before = tasksOf();
    h.fake.inject("RestoreInstance", fault, 1);
    const r = await restore();
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({ code, category: "outcome_unknown", retryable: false });
    expect(sc(r).error.hint).toMatch(/do NOT call restore_instance again/);
    expect(tasksOf()).toBe(before);
    expect(h.fake.count("RestoreInstance")).toBe(2);
    expect(h.fake.count("DescribeTaskList")).toBeGreaterThanOrEqual(3); // two snapshots + the lookups
  });
});

describe("never twice with confirmation tokens", () => {
  it("a confirmed call whose answer is lost sends one RestoreInstance, and its token cannot be replayed", async () => {
    const h = await startHarness({
      env: {
        TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.3",
        TENCENTCLOUD_REDIS_CONFIRM: "token",
        TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30", // the default
      },
    });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const { confirmToken } = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      h.fake.inject("RestoreInstance", { kind: "hang", phase: "after" }, 1);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken });
      expect(sc(r)).toMatchObject({ status: "submitted", recovered: true });
      const replay = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken }));
      // the spent token does not restore again: the replay is answered with the restore it already made (docs/crash-safety.md)
      expect(replay).toMatchObject({ status: "submitted", recovered: true, taskId: sc(r).taskId });
      expect(replay.note).toMatch(/was NOT sent again/);
      expect(h.fake.count("RestoreInstance")).toBe(1);
    } finally {
      await h.close();
    }
  });
});
