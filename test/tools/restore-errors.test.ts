import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { RESTORE_INSTANCE_CODES } from "../helpers/reference.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;

describe("RestoreInstance errors come back structured, with one request each", () => {
  let h: Harness;
  let backupId: string;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.5" } });
    backupId = restorable(sc(await h.call("list_backups", { instanceId: ORDERS })).backups);
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it.each(RESTORE_INSTANCE_CODES)("%s", async (code) => {
    h.fake.inject("RestoreInstance", { kind: "error", code, message: `injected ${code}` });
    // the preflight passes (right password, restorable backup): the error comes from RestoreInstance itself
    const r = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: "sandbox-orders-pass" });
    expect(r.isError).toBe(true);
    const error = sc(r).error;
    expect(error.code).toBe(code);
    expect(error.message).toBe(`injected ${code}`);
    expect(typeof error.retryable).toBe("boolean");
    expect(error.category).toMatch(/^[a-z_]+$/);
    expect(error.hint.length).toBeGreaterThan(20);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(r)).not.toContain("undefined");
    expect(JSON.stringify(r)).not.toMatch(/at \S+\.(js|ts):\d+/);
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it("a wrong password is the API's PasswordError, with a hint not to guess", async () => {
    const r = await h.call("restore_instance", { instanceId: SANDBOX_INSTANCE_IDS.sessions, backupId: "nope-1" });
    expect(sc(r).error.code).toBe("InvalidParameterValue.BackupNotExists");
    const pw = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: "wrong-password" });
    // a server-side password (none here) would win; the argument is used and is wrong
    expect(sc(pw).error).toMatchObject({ code: "InvalidParameterValue.PasswordError", category: "auth", retryable: false });
    expect(sc(pw).error.hint).toMatch(/never guess/i);
    expect(JSON.stringify(pw)).not.toContain("wrong-password");
  });

  it("an isolated instance is InstanceStatusAbnormal", async () => {
    const archiveBackups = sc(await h.call("list_backups", { instanceId: SANDBOX_INSTANCE_IDS.archive })).backups;
    const r = await h.call("restore_instance", {
      instanceId: SANDBOX_INSTANCE_IDS.archive,
      backupId: archiveBackups[0]?.backupId ?? "x-1",
      password: "sandbox-archive-pass",
    });
    expect(sc(r).error.code).toBe("ResourceUnavailable.InstanceStatusAbnormal");
  });

  it.each([
    ["HTTP 502 with an HTML page", { kind: "status", status: 502 }, "ClientError.HttpStatus"],
    ["HTTP 200 with HTML", { kind: "body", body: "<html>gateway</html>", contentType: "text/html" }, "ClientError.BadResponse"],
    ["truncated JSON", { kind: "body", body: '{"Response": {"TaskId": 12' }, "ClientError.BadResponse"],
    ["an empty body", { kind: "body", body: "" }, "ClientError.BadResponse"],
    ["no Response object", { kind: "body", body: "{}" }, "ClientError.BadResponse"],
  ] as const)("%s: outcome unknown, not retried, no task found", async (_label, fault, code) => {
    h.fake.inject("RestoreInstance", fault as never);
    const r = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: "sandbox-orders-pass" });
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({ code, category: "outcome_unknown", retryable: false });
    expect(sc(r).error.hint).toMatch(/do NOT call restore_instance again/);
    expect(h.fake.count("RestoreInstance")).toBe(1);
    await waitIdle(h);
  });

  it.each([
    ["a hang past the timeout", { kind: "hang", phase: "after" }],
    ["a connection dropped after the request", { kind: "drop", phase: "after" }],
  ] as const)("%s, after the fake ran it: not resent, the task is recovered", async (_label, fault) => {
    h.fake.inject("RestoreInstance", fault);
    const r = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: "sandbox-orders-pass" });
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "submitted", recovered: true });
    expect(h.fake.state.getTask(sc(r).taskId)?.InstanceId).toBe(ORDERS);
    expect(h.fake.count("RestoreInstance")).toBe(1);
    await waitIdle(h);
  });

  it("read-only actions report the same faults with their ClientError code", async () => {
    h.fake.inject("DescribeTaskInfo", { kind: "status", status: 503 }, 10);
    const r = await h.call("check_task", { taskId: 1 });
    expect(sc(r).error).toMatchObject({ code: "ClientError.HttpStatus", category: "unavailable", retryable: true });
    expect(sc(r).error.message).toContain("503");
    expect(sc(r).error.attempts).toBe(4);
    expect(h.fake.count("DescribeTaskInfo")).toBe(4);
  });
});

describe("ClientError cases without a working API", () => {
  it("NetworkError when nothing listens at the endpoint", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_ENDPOINT: "http://127.0.0.1:9", TENCENTCLOUD_REDIS_MAX_RETRIES: "0" } });
    try {
      const r = await h.call("list_instances", {});
      expect(sc(r).error).toMatchObject({ code: "ClientError.NetworkError", category: "unavailable", retryable: true });
      expect(sc(r).error.message).toMatch(/ECONNREFUSED/);
    } finally {
      await h.close();
    }
  });

  it("CredentialsMissing names the variables to set", async () => {
    const home = mkdtempSync(join(tmpdir(), "no-creds-"));
    const previous = process.env.HOME;
    const previousProxy = process.env.http_proxy;
    process.env.HOME = home;
    // the chain ends with the CVM metadata service, which the SDK fetches through http_proxy: a closed loopback
    // port, so that nothing is sent beyond loopback
    process.env.http_proxy = "http://127.0.0.1:9";
    const h = await startHarness({ env: { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" } });
    try {
      const r = await h.call("list_instances", {});
      expect(sc(r).error.code).toBe("ClientError.CredentialsMissing");
      expect(sc(r).error.message).toContain("TENCENTCLOUD_SECRET_ID");
      expect(sc(r).error.hint).toContain("TENCENTCLOUD_SECRET_KEY");
      expect(h.fake.count()).toBe(0);
    } finally {
      process.env.HOME = previous;
      if (previousProxy === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = previousProxy;
      await h.close();
    }
  });

  it("an unknown SecretId and a wrong SecretKey are the API's AuthFailure codes", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_SECRET_ID: "AKIDunknown", TENCENTCLOUD_SECRET_KEY: "x" } });
    const h2 = await startHarness({ sharedFake: h.fake, env: { TENCENTCLOUD_SECRET_KEY: "not-the-key" } });
    try {
      expect(sc(await h.call("list_instances", {})).error.code).toBe("AuthFailure.SecretIdNotFound");
      expect(sc(await h2.call("list_instances", {})).error).toMatchObject({
        code: "AuthFailure.SignatureFailure",
        category: "auth",
      });
    } finally {
      await h2.close();
      await h.close();
    }
  });
});

function restorable(backups: Array<{ restorable: boolean; backupId: string }>): string {
  const found = backups.find((b) => b.restorable);
  if (!found) throw new Error("no restorable backup in the seed");
  return found.backupId;
}

async function waitIdle(h: Harness): Promise<void> {
  for (let i = 0; i < 300 && h.fake.state.hasRestoreInFlight(ORDERS); i++) await new Promise((r) => setTimeout(r, 10));
}
