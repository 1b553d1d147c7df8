import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { newRestoreTask, until } from "../helpers/follow.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const ORDERS_PASSWORD = SANDBOX_PASSWORDS[ORDERS] ?? "";

describe("logging: capability, logging/setLevel, what each API call logs, and what it never logs", () => {
  let h: Harness;
  const messages: LoggingMessageNotification["params"][] = [];
  beforeAll(async () => {
    // a server-side instance password, so a restore carries a secret in its request body
    h = await startHarness({
      env: { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: ORDERS_PASSWORD },
      fake: { preparingMs: 0, runningMs: 0 },
    });
    h.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.reset();
    messages.length = 0;
  });

  it("declares the logging capability", () => {
    expect(h.client.getServerCapabilities()?.logging).toEqual({});
  });

  it("logs every API call with action, region, RequestId, attempt and duration, to stderr and to the client", async () => {
    await h.client.setLoggingLevel("info");
    expect((await h.call("list_instances")).isError).toBeFalsy();
    const line = h.logLines.find((l) => l.includes("INFO api call action=DescribeInstances"));
    expect(line).toMatch(/INFO api call action=DescribeInstances region=ap-guangzhou requestId=[0-9a-f-]{36} attempt=1 ms=\d+/);
    expect(await until(() => messages.some((m) => (m.data as { msg?: string }).msg === "api call"))).toBe(true);
    const record = messages.find((m) => (m.data as { msg?: string }).msg === "api call");
    expect(record).toMatchObject({ level: "info", logger: "tencentcloud-redis-mcp" });
    expect(record?.data).toMatchObject({
      action: "DescribeInstances",
      region: "ap-guangzhou",
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      attempt: 1,
      ms: expect.any(Number),
    });
  });

  it("honours logging/setLevel: at warning, an info record is not sent, a warning is", async () => {
    await h.client.setLoggingLevel("warning");
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    h.fake.inject("DescribeTaskInfo", { kind: "status", status: 503 }, 1);
    const r = await h.call("check_task", { taskId });
    expect(r.isError).toBeFalsy();
    expect(await until(() => messages.length > 0)).toBe(true);
    expect(messages.map((m) => [m.level, (m.data as { msg: string }).msg])).toEqual([["warning", "retrying API call"]]);
    // stderr keeps the server's own level (debug in the harness)
    expect(h.logLines.filter((l) => l.includes("INFO api call"))).not.toHaveLength(0);
    await h.client.setLoggingLevel("info");
  });

  it("never logs a secret or a request body (a whole session, failures included)", async () => {
    await h.client.setLoggingLevel("debug");
    const backups = sc(await h.call("list_backups", { instanceId: ORDERS })).backups as Array<{ restorable: boolean; backupId: string }>;
    const backupId = backups.find((b) => b.restorable)?.backupId ?? "";
    const restored = await h.call("restore_instance", { instanceId: ORDERS, backupId });
    expect(restored.isError).toBeFalsy();
    const body = h.fake.requests.find((q) => q.action === "RestoreInstance")?.params as Record<string, unknown>;
    expect(body.Password).toBe(ORDERS_PASSWORD); // the secret did travel, signed, to the API
    await h.call("check_task", { taskId: sc(restored).taskId, waitSeconds: 5 });
    // a broken answer carrying the secret, to a poll that reaches the API (an ended task's answer is remembered)
    const running = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    h.fake.inject("DescribeTaskInfo", { kind: "body", body: `{"Response": {"Password": "${ORDERS_PASSWORD}"` }, 1);
    h.fake.inject("RestoreInstance", { kind: "status", status: 502, body: `<p>${ORDERS_PASSWORD}</p>` }, 1);
    await h.call("check_task", { taskId: running });
    await h.call("restore_instance", { instanceId: ORDERS, backupId });

    const everything = [h.logLines.join(""), JSON.stringify(messages)].join("\n");
    expect(everything).toContain("code=ClientError.BadResponse");
    expect(everything).toContain("httpStatus=502");
    for (const secret of [SANDBOX_CREDENTIALS.secretKey, ORDERS_PASSWORD]) expect(everything).not.toContain(secret);
    for (const bodyMark of ['"Password"', '"BackupId"', '"InstanceId"', "TC3-HMAC-SHA256", "Signature=", "Authorization"]) {
      expect(everything).not.toContain(bodyMark);
    }
  });
});
