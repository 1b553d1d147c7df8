import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { SESSIONS, newRestoreTask, pause, progressLog, until } from "../helpers/follow.js";

describe("check_task waitSeconds: follows a task to its end over a real MCP client", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.call("list_instances"); // loads the Tencent SDK, so the first task's early states are not missed
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  const wait = (taskId: number, waitSeconds: number, options: Parameters<Harness["client"]["callTool"]>[2] = {}) =>
    h.client.callTool({ name: "check_task", arguments: { taskId, waitSeconds } }, undefined, options) as Promise<CallToolResult>;

  it("follows a restore preparing -> running -> succeed, with progress notifications, then reads the instance", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 500, runningMs: 800 });
    const progress = progressLog();
    const r = await wait(taskId, 60, { onprogress: progress.onprogress });
    expect(r.isError).toBeFalsy();
    const s = sc(r);
    expect(s).toMatchObject({ taskId, status: "succeed", done: true, succeeded: true, instanceId: SESSIONS });
    expect(s.instance).toEqual({ instanceId: SESSIONS, status: "running", statusCode: 2, name: "session-store" });
    expect(s.waitedSeconds).toBeGreaterThan(0);
    expect(s.nextCheckAfterSeconds).toBeUndefined();
    expect((r.content[0] as { text: string }).text).toMatch(/succeed \(done after waiting [\d.]+ s\)\. Instance crs-\w+ is now running\./);

    // several polls, one DescribeInstances, progress seen while preparing and while running
    expect(h.fake.count("DescribeTaskInfo")).toBeGreaterThan(2);
    expect(h.fake.count("DescribeInstances")).toBe(1);
    expect(progress.seen.length).toBeGreaterThanOrEqual(3);
    const messages = progress.seen.map((p) => p.message ?? "");
    expect(messages.some((m) => m.includes(": preparing,"))).toBe(true);
    expect(messages.some((m) => m.includes(": running,"))).toBe(true);
    expect(messages.at(-1)).toMatch(new RegExp(`^Task ${taskId}: succeed, [\\d.]+ s waited of 60 s$`));
    const values = progress.seen.map((p) => p.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1] as number);
  });

  it("keeps a client that resets its timeout on progress waiting past its timeout", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 200, runningMs: 1000 });
    const progress = progressLog();
    // the task takes 1.2 s, three times the client's 400 ms timeout
    const r = await wait(taskId, 60, { timeout: 400, resetTimeoutOnProgress: true, onprogress: progress.onprogress });
    expect(sc(r).status).toBe("succeed");
    expect(progress.seen.length).toBeGreaterThanOrEqual(3);
  });

  it("sends heartbeat progress while a request is slow", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 0, runningMs: 0 });
    h.fake.inject("DescribeTaskInfo", { kind: "delay", ms: 450 }, 1);
    const progress = progressLog();
    const r = await wait(taskId, 60, { onprogress: progress.onprogress });
    expect(sc(r).status).toBe("succeed");
    // PROGRESS_EVERY_MS is 100 in the harness: the first poll's 450 ms were not silent
    expect(progress.seen.filter((p) => p.message?.includes(": checking,")).length).toBeGreaterThanOrEqual(1);
  });

  it.each(["failed", "error"] as const)("reports a task that ends %s, without an instance lookup", async (outcome) => {
    h.fake.state.failNextRestore(outcome, `disk full (${outcome})`);
    const taskId = newRestoreTask(h, { preparingMs: 50, runningMs: 150 });
    const r = await wait(taskId, 60);
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: outcome, done: true, succeeded: false, message: `disk full (${outcome})` });
    expect(sc(r).instance).toBeUndefined();
    expect(h.fake.count("DescribeInstances")).toBe(0);
    expect((r.content[0] as { text: string }).text).toContain(`${outcome} (done after waiting`);
  });

  it("ends the wait first and says when to check again", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 100, runningMs: 60_000 });
    const r = await wait(taskId, 1);
    const s = sc(r);
    expect(s).toMatchObject({ status: "running", done: false, succeeded: false });
    expect(s.waitedSeconds).toBeGreaterThanOrEqual(1);
    expect(s.nextCheckAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(s.instance).toBeUndefined();
    expect((r.content[0] as { text: string }).text).toMatch(/running \(not done after waiting [\d.]+ s\): call check_task again in \d+ s/);
  });

  it("without waitSeconds answers at once: no progress, nextCheckAfterSeconds when not done", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    const progress = progressLog();
    const s = sc(await wait(taskId, 0, { onprogress: progress.onprogress }));
    expect(s).toMatchObject({ status: "preparing", done: false, nextCheckAfterSeconds: 1 });
    expect(s.waitedSeconds).toBeUndefined();
    expect(h.fake.count("DescribeTaskInfo")).toBe(1);
    expect(progress.seen).toHaveLength(0);
  });

  it("a succeeded task whose instance lookup fails still answers, with lookupError", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 0, runningMs: 0 });
    h.fake.inject("DescribeInstances", { kind: "error", code: "UnauthorizedOperation.NoCAMAuthed", message: "no CAM" });
    const r = await h.call("check_task", { taskId });
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "succeed", done: true });
    expect(sc(r).instance).toEqual({ instanceId: SESSIONS, lookupError: "UnauthorizedOperation.NoCAMAuthed: no CAM" });
    expect((r.content[0] as { text: string }).text).toContain("could not be read: UnauthorizedOperation.NoCAMAuthed");
  });

  it("a poll that fails mid-wait ends the wait with the last known status and pollError, not an error", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 0, runningMs: 60_000 });
    let injected = false;
    const r = await wait(taskId, 60, {
      onprogress: () => {
        if (injected) return;
        injected = true; // after the first successful poll, the API starts failing for good
        h.fake.inject("DescribeTaskInfo", { kind: "status", status: 503 });
      },
    });
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "running", done: false });
    expect(sc(r).pollError).toMatch(/^ClientError.HttpStatus: The API answered HTTP 503/);
    expect(sc(r).nextCheckAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((r.content[0] as { text: string }).text).toContain("as of the previous poll");
    // the failing poll was retried (1 + 3 requests), after the poll(s) that succeeded
    const faults = h.fake.requests.filter((q) => q.action === "DescribeTaskInfo").map((q) => q.fault ?? "ok");
    expect(faults.slice(-4)).toEqual(["status", "status", "status", "status"]);
    expect(faults.slice(0, -4).length).toBeGreaterThanOrEqual(1);
    expect(faults.slice(0, -4).every((f) => f === "ok")).toBe(true);
  });

  it("rejects waitSeconds out of 0-600", async () => {
    for (const waitSeconds of [-1, 601, 1.5]) {
      const r = await h.call("check_task", { taskId: 1_000_001, waitSeconds });
      expect(r.isError, String(waitSeconds)).toBe(true);
    }
    expect(h.fake.count()).toBe(0);
  });
});

describe("check_task waitSeconds: cancellation", () => {
  let h: Harness;
  beforeAll(async () => {
    // a one-minute poll interval: a cancel lands while the server sleeps between polls
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_POLL_INITIAL_MS: "60000", TENCENTCLOUD_REDIS_POLL_MAX_MS: "60000" } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("stops polling at once when cancelled between polls: no request reaches the fake afterwards", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    const controller = new AbortController();
    const progress = progressLog();
    const call = h.client.callTool({ name: "check_task", arguments: { taskId, waitSeconds: 60 } }, undefined, {
      signal: controller.signal,
      onprogress: progress.onprogress,
    });
    expect(await until(() => progress.seen.length >= 1)).toBe(true);
    controller.abort("user gave up");
    await expect(call).rejects.toThrow();
    // the handler ended (it would otherwise sleep for a minute), so nothing of this call can run any more
    expect(await until(() => h.logLines.some((l) => l.includes("check_task wait ended") && l.includes("ended=cancelled")))).toBe(true);
    await pause(200);
    expect(h.fake.count()).toBe(1);
    expect(progress.seen).toHaveLength(1);
  });

  it("aborts the HTTP request in flight, and does not retry it", async () => {
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    h.fake.inject("DescribeTaskInfo", { kind: "hang", phase: "before" }, 1);
    const controller = new AbortController();
    const call = h.client.callTool({ name: "check_task", arguments: { taskId, waitSeconds: 60 } }, undefined, {
      signal: controller.signal,
    });
    expect(await until(() => h.fake.count("DescribeTaskInfo") === 1)).toBe(true);
    controller.abort();
    await expect(call).rejects.toThrow();
    // the timeout is 30 s: a Cancelled failure this soon means the request was aborted
    expect(await until(() => h.logLines.some((l) => /api call failed .*code=ClientError\.Cancelled/.test(l)))).toBe(true);
    expect(await until(() => h.logLines.some((l) => /check_task wait ended .*ended=cancelled polls=0/.test(l)))).toBe(true);
    await pause(200);
    expect(h.fake.count()).toBe(1);
    expect(h.logLines.some((l) => l.includes("retrying API call"))).toBe(false);
  });
});
