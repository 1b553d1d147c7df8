// Elicitation in session mode, per-caller fairness, and load: many sessions, no call lost.

import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { newRestoreTask, until } from "../helpers/follow.js";
import { sc } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { restorableBackup } from "../safety/helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("elicitation over HTTP (session mode)", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "elicit" } });
  });
  afterAll(() => h.close());

  it("asks the calling session's human, and restores once they accept", async () => {
    const c = await h.connect(h.tokens.ops?.token, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    c.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push((request.params as { message: string }).message);
      return { action: "accept", content: { confirm: true } };
    });
    const backupId = await restorableBackup(c, SESSIONS);
    const r = await c.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "submitted", instanceId: SESSIONS, backupId });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(SESSIONS);
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it("a decline restores nothing", async () => {
    await until(() => !h.fake.state.hasRestoreInFlight(SESSIONS), 5000);
    h.fake.reset();
    const c = await h.connect(h.tokens.ops?.token, { capabilities: { elicitation: { form: {} } } });
    c.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
    const backupId = await restorableBackup(c, SESSIONS);
    const r = await c.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(sc(r).error).toMatchObject({ code: "ClientError.ConfirmationDeclined" });
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });
});

describe("per-caller fairness (TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER)", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({
      env: {
        TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER: "2",
        TENCENTCLOUD_REDIS_POLL_INITIAL_MS: "60000",
        TENCENTCLOUD_REDIS_POLL_MAX_MS: "60000",
      },
    });
  });
  afterAll(() => h.close());

  it("2 run, 8 wait their turn, the 11th is refused retryable; another caller is not held up; none is lost", async () => {
    const ops = await h.connect(h.tokens.ops?.token);
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    const controllers = Array.from({ length: 10 }, () => new AbortController());
    const waits = controllers.map((controller) =>
      ops.client
        .callTool({ name: "check_task", arguments: { taskId, waitSeconds: 60 } }, undefined, {
          signal: controller.signal,
        })
        .then(
          (r) => ({ settled: "result" as const, r }),
          (e: unknown) => ({ settled: "rejected" as const, e }),
        ),
    );
    const gate = h.runtime.safety.gate;
    expect(await until(() => gate?.active("token:ops") === 2 && gate.waiting("token:ops") === 8)).toBe(true);
    expect(h.fake.count("DescribeTaskInfo")).toBe(2);
    const refused = await ops.call("list_instances");
    expect(refused.isError).toBe(true);
    expect(sc(refused).error).toMatchObject({
      code: "ClientError.TooManyCalls",
      retryable: true,
      category: "throttled",
    });
    expect(h.fake.count("DescribeInstances")).toBe(0);

    const viewer = await h.connect(h.tokens.viewer?.token);
    expect((await viewer.call("list_instances")).isError).toBeFalsy();

    // the first two end (cancelled): two waiting calls take their places and reach the fake
    controllers[0]?.abort();
    controllers[1]?.abort();
    expect(await until(() => h.fake.count("DescribeTaskInfo") === 4 && gate?.waiting("token:ops") === 6)).toBe(true);
    for (const c of controllers.slice(2)) c.abort();
    const outcomes = await Promise.all(waits);
    expect(outcomes).toHaveLength(10);
    expect(outcomes.every((o) => o.settled === "rejected")).toBe(true);
    expect(await until(() => gate?.active("token:ops") === 0)).toBe(true);
    expect((await ops.call("list_instances")).isError).toBeFalsy();
  });
});

describe("load: 400 calls from 20 concurrent sessions", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({
      // one caller's 20 sessions: above the default cap per caller, which has its own tests (e2e/http-sessions)
      env: {
        TENCENTCLOUD_REDIS_LOG_LEVEL: "warning",
        TENCENTCLOUD_REDIS_RATE_LIMIT: "1000",
        TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER: "20",
      },
    });
  });
  afterAll(() => h.close());

  it("answers every call with its own answer, none lost, each sent once; RSS noted", async () => {
    const rssBefore = process.memoryUsage().rss;
    const tasks = Array.from({ length: 400 }, () => newRestoreTask(h, { preparingMs: 3_600_000, runningMs: 0 }));
    expect(new Set(tasks).size).toBe(400);
    const clients = await Promise.all(Array.from({ length: 20 }, () => h.connect()));
    const results = await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: 20 }, (_, j) => {
          const taskId = tasks[i * 20 + j] as number;
          return c.call("check_task", { taskId }).then((r) => ({ taskId, r }));
        }),
      ),
    );
    expect(results).toHaveLength(400);
    for (const { taskId, r } of results) {
      expect(r.isError, String(taskId)).toBeFalsy();
      expect(sc(r)).toMatchObject({ taskId, status: "preparing", done: false });
    }
    // each call reached the cloud exactly once
    const asked = h.fake.requests
      .filter((q) => q.action === "DescribeTaskInfo")
      .map((q) => (q.params as { TaskId: number }).TaskId);
    expect(asked.sort((a, b) => a - b)).toEqual([...tasks].sort((a, b) => a - b));
    const rssAfter = process.memoryUsage().rss;
    console.info(
      `load: 400 calls over 20 HTTP sessions, RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssAfter / 2 ** 20).toFixed(0)} MiB (test process: client and server)`,
    );
    await Promise.all(clients.map((c) => c.close()));
  }, 120_000); // 400 calls: on a busy machine (the suite runs three files at a time) more than the default 30 s
});
