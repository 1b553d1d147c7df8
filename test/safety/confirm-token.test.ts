import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { ConfirmTokens } from "../../src/records/store/memory-tokens.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { restorableBackup, waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const ORDERS = SANDBOX_INSTANCE_IDS.orders;

describe("TENCENTCLOUD_REDIS_CONFIRM=token (the default)", () => {
  let h: Harness;
  let backupId: string;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token" } });
    backupId = await restorableBackup(h, SESSIONS);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await waitIdle(h, SESSIONS);
    h.fake.reset();
  });

  it("is the default mode", () => {
    expect(h.config.confirmMode).toBe("token");
  });

  it("offers confirmToken in the schema, described for the agent", async () => {
    const tool = (await h.client.listTools()).tools.find((t) => t.name === "restore_instance");
    const props = tool?.inputSchema.properties as Record<string, { description?: string }>;
    expect(Object.keys(props).sort()).toEqual(["backupId", "confirmToken", "instanceId", "password", "pointInTime", "region"]);
    expect(props.confirmToken?.description).toMatch(/confirmation_required/);
    expect(tool?.inputSchema.required?.sort()).toEqual(["instanceId"]); // backupId, or pointInTime (clone route)
  });

  it("takes two calls: a plan with the backup time and the warning, then the restore", async () => {
    const first = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(first.isError).toBeFalsy();
    const planned = sc(first);
    expect(planned).toMatchObject({
      status: "confirmation_required",
      instanceId: SESSIONS,
      backupId,
      region: "ap-guangzhou",
      passwordSource: "none",
      instance: { instanceId: SESSIONS, name: "session-store", status: "running", statusCode: 2, noAuth: true },
      backup: { backupId, type: "manual" },
    });
    expect(planned.taskId).toBeUndefined();
    expect(planned.confirmToken).toMatch(/^ct_[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(planned.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(planned.backup.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(planned.backup.ageMinutes).toBeGreaterThanOrEqual(59);
    expect(planned.backup.age).toBe("1 h 0 min");
    expect(planned.warning).toContain(planned.backup.startTime);
    expect(planned.warning).toMatch(/will be lost/);
    const text = (first.content[0] as { text: string }).text;
    expect(text).toContain(planned.backup.startTime);
    expect(text).toContain(planned.confirmToken);
    expect(h.fake.count("RestoreInstance")).toBe(0);
    expect(h.fake.requests.map((r) => r.action).sort()).toEqual(["DescribeInstanceBackups", "DescribeInstances"]);

    h.fake.reset();
    const second = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: planned.confirmToken });
    expect(second.isError).toBeFalsy();
    expect(sc(second)).toMatchObject({ status: "submitted", instanceId: SESSIONS, backupId, passwordSource: "none" });
    expect(typeof sc(second).taskId).toBe("number");
    // the preflight ran again right before the restore
    expect(h.fake.requests.map((r) => r.action).slice(0, 3).sort()).toEqual([
      "DescribeInstanceBackups",
      "DescribeInstances",
      "DescribeTaskList",
    ]);
    expect(h.fake.requests.at(-1)?.action).toBe("RestoreInstance");
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it("a token works once", async () => {
    const { confirmToken } = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken })).status).toBe("submitted");
    await waitIdle(h, SESSIONS);
    const again = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken });
    expect(again.isError).toBe(true);
    expect(sc(again).error).toMatchObject({ code: "ClientError.ConfirmationInvalid", retryable: false });
    expect(sc(again).error.message).toMatch(/already used/);
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it.each([
    ["another backup", () => ({ instanceId: SESSIONS, backupId: "other-backup-1" }), /issued for instance/],
    ["another instance", () => ({ instanceId: ORDERS, password: "sandbox-orders-pass" }), /issued for instance/],
    ["another region", () => ({ region: "ap-shanghai" }), /issued for instance/],
  ] as const)("%s: ConfirmationInvalid, nothing sent, and the token is spent", async (_label, change, message) => {
    const { confirmToken } = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
    h.fake.reset();
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken, ...change() });
    expect(r.isError).toBe(true);
    expect(sc(r).error.code).toBe("ClientError.ConfirmationInvalid");
    expect(sc(r).error.message).toMatch(message);
    expect(sc(r).error.hint).toMatch(/without confirmToken/);
    expect(h.fake.count()).toBe(0);
    // a misused token is void, even for the arguments it was issued for
    const retry = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken });
    expect(sc(retry).error.code).toBe("ClientError.ConfirmationInvalid");
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });

  it("an unknown token: ConfirmationInvalid, nothing sent", async () => {
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: `ct_${"A".repeat(32)}` });
    expect(sc(r).error).toMatchObject({ code: "ClientError.ConfirmationInvalid", category: "invalid_input" });
    expect(sc(r).error.message).toMatch(/unknown/);
    expect(h.fake.count()).toBe(0);
  });

  it("a token that is not of the expected shape is refused by the schema", async () => {
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: "yes" });
    expect(r.isError).toBe(true);
    expect(h.fake.count()).toBe(0);
  });

  it("the plan itself is refused by the preflight like the restore would be", async () => {
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId: "no-such-backup" });
    expect(sc(r).error.code).toBe("InvalidParameterValue.BackupNotExists");
    expect(sc(r).error.message).toMatch(/preflight/);
    expect(sc(r).confirmToken).toBeUndefined();
  });
});

describe("ConfirmTokens", () => {
  const binding = { caller: "token:bot", region: "ap-guangzhou", instanceId: "crs-aaaaaaaa", backupId: "b-1" };

  it("expire", () => {
    let now = 1_000_000;
    const tokens = new ConfirmTokens(300_000, () => now);
    const { token, expiresAt } = tokens.issue(binding);
    expect(expiresAt).toBe(1_300_000);
    now = 1_300_000;
    expect(() => tokens.consume(token, binding)).toThrow(/expired/);
  });

  it("are bound to the caller: another caller presenting one is refused, and the token is spent", () => {
    const tokens = new ConfirmTokens(300_000);
    const { token } = tokens.issue(binding);
    expect(() => tokens.consume(token, { ...binding, caller: "token:other" })).toThrow(/issued to another caller/);
    expect(() => tokens.consume(token, binding)).toThrow(/unknown or was already used/);
    const second = tokens.issue(binding).token;
    expect(() => tokens.consume(second, binding)).not.toThrow();
  });

  it("are random and distinct", () => {
    const tokens = new ConfirmTokens(300_000);
    const seen = new Set(Array.from({ length: 200 }, () => tokens.issue(binding).token));
    expect(seen.size).toBe(200);
  });

  it("keep at most 1000 alive, dropping the oldest", () => {
    const tokens = new ConfirmTokens(300_000);
    const first = tokens.issue(binding).token;
    for (let i = 0; i < 1000; i++) tokens.issue(binding);
    expect(() => tokens.consume(first, binding)).toThrow(/unknown/);
  });
});

describe("other confirmation modes", () => {
  it("none: one call restores, and there is no confirmToken argument", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "none" } });
    try {
      const tool = (await h.client.listTools()).tools.find((t) => t.name === "restore_instance");
      expect(Object.keys(tool?.inputSchema.properties ?? {})).not.toContain("confirmToken");
      const backupId = await restorableBackup(h, SESSIONS);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
      expect(sc(r).status).toBe("submitted");
      expect(h.fake.count("RestoreInstance")).toBe(1);
      const withToken = await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: "ct_AAAAAAAAAAAAAAAAAAAAAAAA" });
      expect(withToken.isError).toBe(true);
      expect(h.fake.count("RestoreInstance")).toBe(1);
    } finally {
      await h.close();
    }
  });
});
