// The API budget spent only where it buys information. An ended task's answer (and the backup it
// made) is remembered, so polling it again sends nothing; a kind lookup that found nothing is remembered too; a
// lookup that failed, or an answer with something still to look up, is asked again.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { newRestoreTask } from "../helpers/follow.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const EMPTY_TASK_LIST = JSON.stringify({ Response: { TotalCount: 0, Tasks: [], RequestId: "no-such-task-here" } });

describe("check_task spends requests only where they buy information", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fake: { preparingMs: 0, runningMs: 0 } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("an ended backup task: the first poll names the backup, a further poll sends no request and answers the same", async () => {
    const b = sc(await h.call("backup_instance", { instanceId: ORDERS, remark: "budget test" }));
    h.fake.reset();
    const first = sc(await h.call("check_task", { taskId: b.taskId }));
    expect(first).toMatchObject({ kind: "backup", status: "succeed", done: true, backup: { remark: "budget test" } });
    expect(h.fake.requests.map((q) => q.action).sort()).toEqual([
      "DescribeInstanceBackups",
      "DescribeInstances",
      "DescribeTaskInfo",
    ]);
    h.fake.reset();
    const again = await h.call("check_task", { taskId: b.taskId });
    expect(h.fake.requests).toHaveLength(0);
    expect(sc(again)).toEqual(first);
    // with a wait, it answers at once: it waited nothing
    expect(sc(await h.call("check_task", { taskId: b.taskId, waitSeconds: 30 }))).toEqual({ ...first, waitedSeconds: 0 });
    expect(h.fake.requests).toHaveLength(0);
  });

  it("an answer whose backup could not be found yet is not remembered: the next poll looks again", async () => {
    const b = sc(await h.call("backup_instance", { instanceId: ORDERS, remark: "looked up late" }));
    h.fake.inject("DescribeInstanceBackups", { kind: "error", code: "ResourceNotFound.InstanceNotExists" }, 1);
    const first = sc(await h.call("check_task", { taskId: b.taskId }));
    expect(first.backup.lookupError).toMatch(/ResourceNotFound/);
    h.fake.reset();
    const again = sc(await h.call("check_task", { taskId: b.taskId }));
    expect(again.backup).toMatchObject({ remark: "looked up late" });
    expect(h.fake.count("DescribeTaskInfo")).toBe(1);
    expect(h.fake.count("DescribeInstanceBackups")).toBe(1);
  });

  it("a running task started elsewhere whose kind DescribeTaskList does not show: looked up once, not on every poll", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    h.fake.inject("DescribeTaskList", { kind: "body", body: EMPTY_TASK_LIST }, 1);
    expect(sc(await h.call("check_task", { taskId }))).toMatchObject({ kind: "unknown", done: false });
    expect(h.fake.count("DescribeTaskList")).toBe(1);
    h.fake.reset();
    for (let i = 0; i < 3; i++) expect(sc(await h.call("check_task", { taskId })).kind).toBe("unknown");
    expect(h.fake.requests.map((q) => q.action)).toEqual(["DescribeTaskInfo", "DescribeTaskInfo", "DescribeTaskInfo"]);
  });

  it("a kind lookup that failed is not remembered: the next poll asks DescribeTaskList again", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    h.fake.inject("DescribeTaskList", { kind: "error", code: "AuthFailure.UnauthorizedOperation" }, 1);
    expect(sc(await h.call("check_task", { taskId })).kind).toBe("unknown");
    h.fake.reset();
    expect(sc(await h.call("check_task", { taskId })).kind).toBe("restore");
    expect(h.fake.count("DescribeTaskList")).toBe(1);
  });
});
