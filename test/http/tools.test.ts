// Every tool through a real MCP client over Streamable HTTP (loopback), with bearer tokens: confirmation by
// token (bound to the caller, usable from another session of the same caller), progress, cancellation,
// logging/setLevel, and the caller in the audit log and in the logs of each call.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { newRestoreTask, pause, progressLog, until } from "../helpers/follow.js";
import { sc } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { readAudit, restorableBackup, waitIdle } from "../safety/helpers.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("every tool over Streamable HTTP, token confirmation bound to the caller", () => {
  let h: HttpHarness;
  const audit = join(mkdtempSync(join(tmpdir(), "http-audit-")), "audit.jsonl");
  beforeAll(async () => {
    h = await startHttpHarness({
      env: { TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_REDIS_AUDIT_LOG: audit },
      tokens: {
        ops: { token: "tk_ops_AAAAAAAAAAAAAAAAAAAAAAAA", scopes: ["redis:read", "redis:restore"] },
        oncall: { token: "tk_oncall_BBBBBBBBBBBBBBBBBBBBBB", scopes: ["redis:read", "redis:restore"] },
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await waitIdle(h, SESSIONS);
    h.fake.reset();
  });

  it("lists the public tools and answers list_instances and list_backups", async () => {
    const c = await h.connect(h.tokens.ops?.token);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(PUBLIC_TOOLS);
    const instances = await c.call("list_instances");
    expect(instances.isError).toBeFalsy();
    expect(sc(instances).instances.map((i: { instanceId: string }) => i.instanceId)).toContain(SESSIONS);
    const backups = await c.call("list_backups", { instanceId: SESSIONS });
    expect(sc(backups).backups.length).toBeGreaterThan(0);
  });

  it("plans in one session and confirms from another session of the same caller; check_task follows it", async () => {
    const first = await h.connect(h.tokens.ops?.token);
    const backupId = await restorableBackup(first, SESSIONS);
    const plan = sc(await first.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(plan.status).toBe("confirmation_required");
    await first.close(); // the agent reconnects
    const second = await h.connect(h.tokens.ops?.token);
    const done = await second.call("restore_instance", {
      instanceId: SESSIONS,
      backupId,
      confirmToken: plan.confirmToken,
    });
    expect(sc(done)).toMatchObject({ status: "submitted" });
    expect(h.fake.count("RestoreInstance")).toBe(1);
    const progress = progressLog();
    const followed = await second.client.callTool(
      { name: "check_task", arguments: { taskId: sc(done).taskId, waitSeconds: 30 } },
      undefined,
      { onprogress: progress.onprogress },
    );
    expect(sc(followed as never)).toMatchObject({ status: "succeed", done: true });
    expect(progress.seen.length).toBeGreaterThanOrEqual(1);
    const records = readAudit(audit).slice(-3);
    expect(records.map((r) => [r.caller, r.outcome])).toEqual([
      ["token:ops", "planned"],
      ["token:ops", "intent"], // before RestoreInstance was sent (docs/crash-safety.md)
      ["token:ops", "submitted"],
    ]);
  });

  it("another caller presenting the token is refused, and nothing is sent", async () => {
    const ops = await h.connect(h.tokens.ops?.token);
    const oncall = await h.connect(h.tokens.oncall?.token);
    const backupId = await restorableBackup(ops, SESSIONS);
    const plan = sc(await ops.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const stolen = await oncall.call("restore_instance", {
      instanceId: SESSIONS,
      backupId,
      confirmToken: plan.confirmToken,
    });
    expect(stolen.isError).toBe(true);
    expect(sc(stolen).error).toMatchObject({ code: "ClientError.ConfirmationInvalid" });
    expect(sc(stolen).error.message).toMatch(/issued to another caller/);
    expect(h.fake.count("RestoreInstance")).toBe(0);
    expect(readAudit(audit).at(-1)).toMatchObject({ caller: "token:oncall", outcome: "refused" });
  });

  it("logs each call with its caller (stderr), and sends a session's records to that session only", async () => {
    const ops = await h.connect(h.tokens.ops?.token);
    const oncall = await h.connect(h.tokens.oncall?.token);
    const seen: Record<string, LoggingMessageNotification["params"][]> = { ops: [], oncall: [] };
    ops.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.ops?.push(n.params));
    oncall.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.oncall?.push(n.params));
    await ops.client.setLoggingLevel("debug");
    await oncall.client.setLoggingLevel("debug");
    expect((await ops.call("list_instances")).isError).toBeFalsy();
    expect(await until(() => (seen.ops ?? []).some((m) => (m.data as { msg?: string }).msg === "api call"))).toBe(true);
    await pause(100);
    expect(seen.oncall).toEqual([]);
    const apiCall = seen.ops?.find((m) => (m.data as { msg?: string }).msg === "api call");
    expect(apiCall?.data).toMatchObject({ action: "DescribeInstances", caller: "token:ops", tool: "list_instances" });
    expect(
      h.logLines.some((l) => /INFO api call action=DescribeInstances .*caller=token:ops tool=list_instances/.test(l)),
    ).toBe(true);
    expect(
      h.logLines.some((l) => /INFO tool call outcome=ok ms=\d+ caller=token:ops tool=list_instances/.test(l)),
    ).toBe(true);

    // logging/setLevel is per session: at error, ops gets no info record while oncall still does
    await ops.client.setLoggingLevel("error");
    seen.ops = [];
    expect((await ops.call("list_instances")).isError).toBeFalsy();
    expect((await oncall.call("list_instances")).isError).toBeFalsy();
    expect(
      await until(() => (seen.oncall ?? []).some((m) => (m.data as { caller?: string }).caller === "token:oncall")),
    ).toBe(true);
    expect(seen.ops).toEqual([]);
    expect(seen.oncall?.every((m) => (m.data as { caller?: string }).caller === "token:oncall")).toBe(true);
  });

  it("cancellation over HTTP stops a check_task wait", async () => {
    const c = await h.connect(h.tokens.ops?.token);
    const taskId = newRestoreTask(h, { preparingMs: 60_000, runningMs: 60_000 });
    const controller = new AbortController();
    const progress = progressLog();
    const call = c.client.callTool({ name: "check_task", arguments: { taskId, waitSeconds: 60 } }, undefined, {
      signal: controller.signal,
      onprogress: progress.onprogress,
    });
    expect(await until(() => progress.seen.length >= 1)).toBe(true);
    controller.abort("gave up");
    await expect(call).rejects.toThrow();
    expect(
      await until(() =>
        h.logLines.some(
          (l) => l.includes("check_task wait ended") && l.includes("ended=cancelled") && l.includes("caller=token:ops"),
        ),
      ),
    ).toBe(true);
    const count = h.fake.count("DescribeTaskInfo");
    await pause(300);
    expect(h.fake.count("DescribeTaskInfo")).toBe(count);
  });
});
