import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Fault } from "../../src/sandbox/fake.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { SESSIONS, newRestoreTask, pause } from "../helpers/follow.js";

const TIMEOUT_ENV = { TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.3" };

/** Faults after which a read-only action is resent, and the code each one first fails with. */
const TRANSIENT: Array<[string, Fault, string]> = [
  ["a dropped connection", { kind: "drop", phase: "before" }, "ClientError.NetworkError"],
  ["a hang past the timeout", { kind: "hang", phase: "before" }, "ClientError.Timeout"],
  ["HTTP 500", { kind: "status", status: 500 }, "ClientError.HttpStatus"],
  ["HTTP 502", { kind: "status", status: 502 }, "ClientError.HttpStatus"],
  ["HTTP 503", { kind: "status", status: 503 }, "ClientError.HttpStatus"],
  ["InternalError", { kind: "error", code: "InternalError" }, "InternalError"],
  ["ServiceUnavailable", { kind: "error", code: "ServiceUnavailable" }, "ServiceUnavailable"],
  ["an HTML page with HTTP 200", { kind: "body", body: "<html>bad gateway</html>", contentType: "text/html" }, "ClientError.BadResponse"],
  ["RequestLimitExceeded", { kind: "error", code: "RequestLimitExceeded" }, "RequestLimitExceeded"],
];

describe("retries of a read-only action (check_task -> DescribeTaskInfo)", () => {
  let h: Harness;
  let taskId: number;
  beforeAll(async () => {
    h = await startHarness({ env: TIMEOUT_ENV });
    taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.reset();
    h.logLines.length = 0;
  });

  it.each(TRANSIENT)("after %s: resent once, then succeeds", async (_name, fault, code) => {
    h.fake.inject("DescribeTaskInfo", fault, 1);
    const r = await h.call("check_task", { taskId });
    expect(r.isError).toBeFalsy();
    expect(sc(r).status).toBe("preparing");
    expect(h.fake.count("DescribeTaskInfo")).toBe(2);
    const retry = h.logLines.find((l) => l.includes("retrying API call"));
    expect(retry).toMatch(new RegExp(`WARNING retrying API call action=DescribeTaskInfo region=ap-guangzhou attempt=1 code=${code.replace(".", "\\.")}`));
    expect(h.logLines.filter((l) => /INFO api call action=DescribeTaskInfo .*attempt=2/.test(l))).toHaveLength(1);
  });

  it("stops after TENCENTCLOUD_REDIS_MAX_RETRIES (default 3): 4 requests, attempts on the error", async () => {
    h.fake.inject("DescribeTaskInfo", { kind: "status", status: 503 });
    const r = await h.call("check_task", { taskId });
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({ code: "ClientError.HttpStatus", attempts: 4 });
    expect((r.content[0] as { text: string }).text).toContain("HTTP 503");
    expect(h.fake.count("DescribeTaskInfo")).toBe(4);
    expect(h.logLines.filter((l) => l.includes("retrying API call"))).toHaveLength(3);
    await pause(100);
    expect(h.fake.count()).toBe(4);
  });

  it("does not resend after an error that would only repeat", async () => {
    h.fake.inject("DescribeTaskInfo", { kind: "error", code: "InvalidParameter.InvalidParameter" });
    const r = await h.call("check_task", { taskId });
    expect(sc(r).error.code).toBe("InvalidParameter.InvalidParameter");
    expect(sc(r).error.attempts).toBeUndefined();
    expect(h.fake.count()).toBe(1);
  });
});

describe.each([
  ["1", 2],
  ["0", 1],
])("TENCENTCLOUD_REDIS_MAX_RETRIES=%s", (maxRetries, requests) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_MAX_RETRIES: maxRetries } });
  });
  afterAll(() => h.close());

  it(`sends ${requests} request(s) in all`, async () => {
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    h.fake.inject("DescribeTaskInfo", { kind: "error", code: "InternalError" });
    const r = await h.call("check_task", { taskId });
    expect(sc(r).error.code).toBe("InternalError");
    expect(sc(r).error.attempts).toBe(requests > 1 ? requests : undefined);
    expect(h.fake.count("DescribeTaskInfo")).toBe(requests);
  });
});

describe("RestoreInstance is resent only after throttling", () => {
  let h: Harness;
  let backupId: string;
  beforeAll(async () => {
    // tasks end at once, so every test finds the instance free
    h = await startHarness({ env: TIMEOUT_ENV, fake: { preparingMs: 0, runningMs: 0 } });
    const backups = sc(await h.call("list_backups", { instanceId: SESSIONS })).backups as Array<{ restorable: boolean; backupId: string }>;
    backupId = backups.find((b) => b.restorable)?.backupId ?? "";
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.reset();
    h.logLines.length = 0;
  });
  const restore = () => h.call("restore_instance", { instanceId: SESSIONS, backupId });

  it("throttled once: resent, one restore started", async () => {
    h.fake.inject("RestoreInstance", { kind: "error", code: "RequestLimitExceeded" }, 1);
    const r = await restore();
    expect(r.isError).toBeFalsy();
    expect(typeof sc(r).taskId).toBe("number");
    expect(h.fake.count("RestoreInstance")).toBe(2);
    expect(h.fake.requests.filter((q) => q.action === "RestoreInstance").map((q) => q.errorCode)).toEqual(["RequestLimitExceeded", undefined]);
    const retry = h.logLines.find((l) => /retrying API call action=RestoreInstance .*code=RequestLimitExceeded/.test(l));
    // a throttled request waits out a whole window of the API's per-second count before it is resent
    expect(Number(/retryInMs=(\d+)/.exec(retry ?? "")?.[1])).toBeGreaterThanOrEqual(1000);
  });

  it.each<[string, Fault]>([
    ["a hang past the timeout (not executed)", { kind: "hang", phase: "before" }],
    ["a hang past the timeout (executed)", { kind: "hang", phase: "after" }],
    ["a dropped connection after executing", { kind: "drop", phase: "after" }],
    ["HTTP 500", { kind: "status", status: 500 }],
    ["HTTP 502", { kind: "status", status: 502 }],
    ["HTTP 503", { kind: "status", status: 503 }],
    ["InternalError", { kind: "error", code: "InternalError" }],
    ["ServiceUnavailable", { kind: "error", code: "ServiceUnavailable" }],
    ["an HTML page with HTTP 200", { kind: "body", body: "<html>bad gateway</html>", contentType: "text/html" }],
  ])("after %s: never resent", async (_name, fault) => {
    h.fake.inject("RestoreInstance", fault);
    const r = await restore();
    if ("phase" in fault && fault.phase === "after") {
      // the API ran it: the server finds the task instead of resending (never twice)
      expect(sc(r)).toMatchObject({ status: "submitted", recovered: true });
    } else {
      expect(r.isError).toBe(true);
      expect(sc(r).error.attempts).toBeUndefined();
    }
    await pause(150); // retries would come within a few ms (TENCENTCLOUD_REDIS_RETRY_BASE_MS=5)
    expect(h.fake.count("RestoreInstance")).toBe(1);
    expect(h.logLines.some((l) => l.includes("retrying API call"))).toBe(false);
  });
});
