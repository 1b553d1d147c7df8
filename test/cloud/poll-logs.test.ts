// A wait's polls: the first request and each answer that changed are logged at info, a poll that repeats the
// request and gets the same answer at debug (src/cloud/repeats.ts), through a real MCP client and the fake.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newRestoreTask } from "../helpers/follow.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const calls = (h: Harness, action: string) =>
  h.logLines.filter((l) => l.includes(` api call action=${action} `)).map((l) => (/ (INFO|DEBUG) api call/.exec(l) ?? [])[1]);

describe("per-poll log records", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_LOG_LEVEL: "debug" } });
    await h.call("list_instances"); // loads the Tencent SDK, so the task's early states are not missed
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.reset();
    h.logLines.length = 0;
  });

  it("check_task's wait: info for the first poll and each change of status, debug for the repeats", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 400, runningMs: 600 });
    const s = sc(await h.call("check_task", { taskId, waitSeconds: 30 }));
    expect(s.status).toBe("succeed");
    const levels = calls(h, "DescribeTaskInfo");
    expect(levels.length).toBe(h.fake.count("DescribeTaskInfo"));
    expect(levels.length).toBeGreaterThan(4);
    // preparing (first), running, succeed (last): three answers, three info records; the rest repeat one of them
    expect(levels[0]).toBe("INFO");
    expect(levels.at(-1)).toBe("INFO");
    expect(levels.filter((l) => l === "INFO")).toHaveLength(3);
    expect(levels.filter((l) => l === "DEBUG").length).toBe(levels.length - 3);
  });

  it("a wait that ends before the task: the repeated polls at debug, the wait's end at info", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 0, runningMs: 60_000 });
    const s = sc(await h.call("check_task", { taskId, waitSeconds: 1 }));
    expect(s.status).toBe("running");
    const levels = calls(h, "DescribeTaskInfo");
    expect(levels[0]).toBe("INFO");
    expect(levels.slice(1).length).toBeGreaterThan(0);
    expect(levels.slice(1).every((l) => l === "DEBUG")).toBe(true);
    expect(h.logLines.some((l) => new RegExp(`INFO check_task wait ended taskId=${taskId} ended=running polls=\\d+`).test(l))).toBe(true);
  });

  it("the same request in another tool call is logged at info again", async () => {
    await h.call("list_instances");
    await h.call("list_instances");
    expect(calls(h, "DescribeInstances")).toEqual(["INFO", "INFO"]);
  });
});
