import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS as IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { cloneRequestFor, errorCode, type RedisClient, rejection, sdkClient, signedPost } from "./helpers.js";

const PASSWORD = SANDBOX_PASSWORDS[IDS.orders] ?? "";

describe("fault injection", () => {
  let fake: FakeCloud;
  let client: RedisClient;
  let backupId: string;
  const restore = () => client.RestoreInstance({ InstanceId: IDS.orders, BackupId: backupId, Password: PASSWORD });
  let tasksBefore = 0;
  /** Restore tasks created by the current test. */
  const restoreTasks = () => fake.state.listTasks(IDS.orders).length - tasksBefore;

  beforeAll(async () => {
    // Restores finish at once, so each test can start a new one.
    fake = await FakeCloud.start({ preparingMs: 0, runningMs: 0 });
    client = sdkClient(fake, { reqTimeout: 0.3 });
    backupId = fake.state.listBackups(IDS.orders).find((b) => b.Status === 2)?.BackupId ?? "";
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    tasksBefore = fake.state.listTasks(IDS.orders).length;
  });

  it("error: answers the code, without running the action", async () => {
    fake.inject("RestoreInstance", { kind: "error", code: "InternalError.InternalError", message: "boom" });
    const error = await rejection(restore());
    expect(error.code).toBe("InternalError.InternalError");
    expect(error.message).toBe("boom");
    expect(restoreTasks()).toBe(0);
    expect(fake.requests[0]).toMatchObject({ errorCode: "InternalError.InternalError", fault: "error" });
  });

  it("faults are consumed in order, `times` uses each, then requests pass", async () => {
    fake.inject("RestoreInstance", { kind: "error", code: "RequestLimitExceeded" }, 2);
    fake.inject("RestoreInstance", { kind: "status", status: 503 }, 1);
    expect(await errorCode(restore())).toBe("RequestLimitExceeded");
    expect(await errorCode(restore())).toBe("RequestLimitExceeded");
    expect((await rejection(restore())).httpCode).toBe(503);
    // Other actions were not affected.
    expect((await client.DescribeInstances({})).TotalCount).toBe(5);
    expect((await restore()).TaskId).toBeTypeOf("number");
    expect(restoreTasks()).toBe(1);
  });

  it("'*' applies to any action; an action's own fault comes first", async () => {
    fake.inject("*", { kind: "error", code: "ServiceUnavailable" }, 1);
    fake.inject("DescribeTaskInfo", { kind: "error", code: "FailedOperation.SystemError" }, 1);
    expect(await errorCode(client.DescribeTaskInfo({ TaskId: 1 }))).toBe("FailedOperation.SystemError");
    expect(await errorCode(client.DescribeInstances({}))).toBe("ServiceUnavailable");
    expect((await client.DescribeInstances({})).TotalCount).toBe(5);
  });

  it("delay: answers normally after the delay", async () => {
    fake.inject("DescribeInstances", { kind: "delay", ms: 150 }, 1);
    const started = performance.now();
    expect((await client.DescribeInstances({})).TotalCount).toBe(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.requests[0]?.fault).toBe("delay");
  });

  it("status: a non-200 HTML answer gives the SDK an httpCode and no code", async () => {
    fake.inject("RestoreInstance", { kind: "status", status: 502 }, 1);
    const error = await rejection(restore());
    expect(error.httpCode).toBe(502);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe("Bad Gateway");
    expect(restoreTasks()).toBe(0);
  });

  it("body: HTML, truncated JSON and an empty 200 make the SDK throw node-fetch's invalid-json error", async () => {
    fake.inject("DescribeInstances", { kind: "body", body: "<html>maintenance</html>", contentType: "text/html" }, 1);
    fake.inject("DescribeInstances", { kind: "body", body: '{"Response":{"TotalCount":' }, 1);
    fake.inject("DescribeInstances", { kind: "body", body: "" }, 1);
    for (let i = 0; i < 3; i++) {
      const error = await rejection(client.DescribeInstances({}));
      expect(error.name).toBe("FetchError");
      expect((error as Error & { type?: string }).type).toBe("invalid-json");
    }
  });

  it("body: a JSON object without Response makes the SDK throw a TypeError", async () => {
    fake.inject("DescribeInstances", { kind: "body", body: "{}" }, 1);
    const error = await rejection(client.DescribeInstances({}));
    expect(error).toBeInstanceOf(TypeError);
  });

  it("drop before: the socket closes and the restore did not run", async () => {
    fake.inject("RestoreInstance", { kind: "drop", phase: "before" }, 1);
    const error = await rejection(restore());
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(restoreTasks()).toBe(0);
    expect(fake.requests[0]).toMatchObject({ action: "RestoreInstance", fault: "drop", signatureVerified: true });
  });

  it("drop after: the socket closes but the restore ran", async () => {
    fake.inject("RestoreInstance", { kind: "drop", phase: "after" }, 1);
    const error = await rejection(restore());
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(restoreTasks()).toBe(1);
  });

  it("hang before: the SDK times out and the restore did not run", async () => {
    fake.inject("RestoreInstance", { kind: "hang", phase: "before" }, 1);
    const error = await rejection(restore());
    expect(error.message).toMatch(/network timeout/);
    expect(error.code).toBeUndefined();
    expect(restoreTasks()).toBe(0);
  });

  it("hang after: the SDK times out but the restore ran", async () => {
    fake.inject("RestoreInstance", { kind: "hang", phase: "after" }, 1);
    const error = await rejection(restore());
    expect(error.message).toMatch(/network timeout/);
    expect(restoreTasks()).toBe(1);
    expect(fake.requests[0]?.fault).toBe("hang");
  });

  it("records every request with its details", async () => {
    await client.DescribeInstances({ Limit: 5 });
    await errorCode(client.DescribeTaskInfo({ TaskId: 7 }));
    await signedPost(fake, "DescribeInstances", {}, { secretKey: "wrong" });
    expect(fake.count()).toBe(3);
    expect(fake.count("DescribeInstances")).toBe(2);
    expect(fake.count("RestoreInstance")).toBe(0);
    const [first, second, third] = fake.requests;
    expect(first).toMatchObject({
      action: "DescribeInstances",
      region: "ap-guangzhou",
      params: { Limit: 5 },
      signatureVerified: true,
    });
    expect(first?.errorCode).toBeUndefined();
    expect(first?.headers["x-tc-version"]).toBe("2018-04-12");
    expect(first?.headers["x-tc-language"]).toBe("en-US");
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.headers.authorization).toContain(SANDBOX_CREDENTIALS.secretId);
    expect(Math.abs((first?.at ?? 0) - Date.now())).toBeLessThan(5000);
    expect(second).toMatchObject({ action: "DescribeTaskInfo", errorCode: "InvalidParameter.InvalidParameter" });
    expect(third).toMatchObject({ signatureVerified: false, errorCode: "AuthFailure.SignatureFailure" });
    fake.inject("*", { kind: "error", code: "InternalError" });
    fake.reset();
    expect(fake.count()).toBe(0);
    expect((await client.DescribeInstances({})).TotalCount).toBe(5);
  });
});

describe("rate limit", () => {
  it("answers RequestLimitExceeded above the limit per action per sliding second", async () => {
    const base = Date.now();
    let offset = 0;
    const fake = await FakeCloud.start({ rateLimit: 2, now: () => base + offset });
    try {
      const client = sdkClient(fake);
      await client.DescribeInstances({});
      offset += 400;
      await client.DescribeInstances({});
      expect(await errorCode(client.DescribeInstances({}))).toBe("RequestLimitExceeded");
      // Another action has its own window.
      expect((await client.DescribeInstanceBackups({ InstanceId: IDS.orders })).TotalCount).toBe(2);
      offset += 601; // the first request left the window
      expect((await client.DescribeInstances({})).TotalCount).toBe(5);
      expect(await errorCode(client.DescribeInstances({}))).toBe("RequestLimitExceeded");
      expect(fake.requests.map((r) => r.errorCode ?? "-")).toEqual([
        "-",
        "-",
        "RequestLimitExceeded",
        "-",
        "-",
        "RequestLimitExceeded",
      ]);
    } finally {
      await fake.close();
    }
  });
});

describe("close", () => {
  it("closes promptly with a hanging request and idle connections", async () => {
    const fake = await FakeCloud.start();
    fake.inject("DescribeInstances", { kind: "hang", phase: "before" });
    const pending = rejection(sdkClient(fake, { reqTimeout: 30 }).DescribeInstances({}));
    while (fake.count() === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await fake.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect((await pending).message).toMatch(/socket hang up|ECONNRESET/);
    await fake.close(); // idempotent
  });

  it("an empty seed has no instances", async () => {
    const fake = await FakeCloud.start({ seed: "empty" });
    try {
      expect((await sdkClient(fake).DescribeInstances({})).TotalCount).toBe(0);
      expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
      expect(fake.endpoint).toBe(`redis.tencentcloudapi.com:${fake.port}`);
    } finally {
      await fake.close();
    }
  });
});

describe("faults on the clone route (a lost answer of an action that buys or moves)", () => {
  let fake: FakeCloud;
  let client: RedisClient;
  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 0, runningMs: 0, cloneMs: 0 });
    client = sdkClient(fake, { reqTimeout: 0.3 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const named = (name: string) => fake.state.listInstances().filter((i) => i.InstanceName === name);
  const clone = (name: string) => client.CloneInstances(cloneRequestFor(fake, IDS.catalog, { InstanceName: name }));

  it.each([
    ["drop", /socket hang up|ECONNRESET/],
    ["hang", /network timeout/],
  ] as const)("CloneInstances, %s after: no answer, but the clone was bought", async (kind, message) => {
    fake.inject("CloneInstances", { kind, phase: "after" }, 1);
    const name = `lost-${kind}`;
    expect((await rejection(clone(name))).message).toMatch(message);
    expect(named(name)).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ action: "CloneInstances", fault: kind });
  });

  it("CloneInstances, hang before or an error: nothing was bought", async () => {
    fake.inject("CloneInstances", { kind: "hang", phase: "before" }, 1);
    expect((await rejection(clone("never-1"))).message).toMatch(/network timeout/);
    fake.inject("CloneInstances", { kind: "error", code: "FailedOperation.PayFailed" }, 1);
    expect(await errorCode(clone("never-2"))).toBe("FailedOperation.PayFailed");
    expect([...named("never-1"), ...named("never-2")]).toEqual([]);
  });

  it.each(["drop", "hang"] as const)(
    "ModifyNetworkConfig, %s after: no answer, but the move was started",
    async (kind) => {
      const before = fake.state.getInstance(IDS.events)?.WanIp;
      fake.inject("ModifyNetworkConfig", { kind, phase: "after" }, 1);
      await rejection(client.ModifyNetworkConfig({ InstanceId: IDS.events, Operation: "changeVip" }));
      const [task] = fake.state.listTasks(IDS.events);
      expect(task?.TaskType).toBe("FLOW_CHANGEVIP");
      expect((await client.DescribeTaskInfo({ TaskId: task?.TaskId ?? 0 })).Status).toBe("succeed");
      expect(fake.state.getInstance(IDS.events)?.WanIp).not.toBe(before);
    },
  );
});
