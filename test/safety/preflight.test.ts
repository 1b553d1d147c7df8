import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { DAY_MS } from "../../src/sandbox/time.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { restorableBackup, waitIdle } from "./helpers.js";

const { orders: ORDERS, sessions: SESSIONS, archive: ARCHIVE } = SANDBOX_INSTANCE_IDS;
const ORDERS_PASSWORD = "sandbox-orders-pass";

type Backup = { backupId: string; status: string; locked: boolean };

describe("the preflight refuses what the API would refuse, with its code, and sends no RestoreInstance", () => {
  let h: Harness;
  let ordersBackups: Backup[];
  beforeAll(async () => {
    h = await startHarness();
    ordersBackups = sc(await h.call("list_backups", { instanceId: ORDERS })).backups;
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  const refused = async (args: Record<string, unknown>, code: string, message: RegExp) => {
    const r = await h.call("restore_instance", args);
    expect(r.isError).toBe(true);
    expect(sc(r).error.code).toBe(code);
    expect(sc(r).error.message).toMatch(/^Refused by the preflight check: /);
    expect(sc(r).error.message).toMatch(message);
    expect(h.fake.count("RestoreInstance")).toBe(0);
    return sc(r).error;
  };
  const backup = (pred: (b: Backup) => boolean) => ordersBackups.find(pred)?.backupId ?? "missing";

  it("an instance that does not exist", async () => {
    await refused({ instanceId: "crs-nothere1", backupId: "b-1" }, "ResourceNotFound.InstanceNotExists", /does not exist/);
    expect(h.fake.requests.map((r) => r.action)).toContain("DescribeInstances");
  });

  it("an instance that is not running names its status", async () => {
    const archiveBackup = sc(await h.call("list_backups", { instanceId: ARCHIVE })).backups[0].backupId;
    const error = await refused(
      { instanceId: ARCHIVE, backupId: archiveBackup, password: "x" },
      "ResourceUnavailable.InstanceStatusAbnormal",
      /is isolated \(status -2\)/,
    );
    expect(error.retryable).toBe(false);
  });

  it("an instance busy with a task: retryable, with a hint to wait", async () => {
    h.fake.state.setInstanceStatus(ORDERS, 1);
    try {
      const error = await refused(
        { instanceId: ORDERS, backupId: backup((b) => b.status === "normal"), password: ORDERS_PASSWORD },
        "ResourceUnavailable.InstanceStatusAbnormal",
        /task_in_progress \(status 1\)/,
      );
      expect(error).toMatchObject({ retryable: true });
      expect(error.hint).toMatch(/wait/);
    } finally {
      h.fake.state.setInstanceStatus(ORDERS, 2);
    }
  });

  it("a backup of another instance", async () => {
    const other = await restorableBackup(h, SESSIONS);
    await refused(
      { instanceId: ORDERS, backupId: other, password: ORDERS_PASSWORD },
      "InvalidParameterValue.BackupNotExists",
      new RegExp(`${other} is not one of the backups of instance ${ORDERS}`),
    );
  });

  it("a locked backup", async () => {
    await refused(
      { instanceId: ORDERS, backupId: backup((b) => b.locked), password: ORDERS_PASSWORD },
      "ResourceUnavailable.BackupLockedError",
      /locked/,
    );
  });

  it("an expired backup", async () => {
    await refused(
      { instanceId: ORDERS, backupId: backup((b) => b.status === "expired"), password: ORDERS_PASSWORD },
      "ResourceUnavailable.BackupStatusAbnormal",
      /expired \(status -1\), not normal/,
    );
  });

  it("a password-protected instance and no password anywhere: says where to configure one", async () => {
    const error = await h.call("restore_instance", { instanceId: ORDERS, backupId: backup((b) => b.status === "normal") });
    expect(sc(error).error.code).toBe("ClientError.PasswordMissing");
    expect(sc(error).error.message).toContain("TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE");
    expect(sc(error).error.message).toContain("password argument");
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });

  it("finds a backup beyond the first page of 100", async () => {
    const now = h.fake.state.now();
    let oldest = "";
    for (let i = 0; i < 130; i++) {
      oldest = h.fake.state.addBackup({ InstanceId: SESSIONS, StartTime: new Date(now - (20 + i) * DAY_MS), BackupType: "1" }).BackupId;
    }
    await waitIdle(h, SESSIONS);
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId: oldest });
    expect(sc(r)).toMatchObject({ status: "submitted", backupId: oldest });
    const pages = h.fake.requests.filter((q) => q.action === "DescribeInstanceBackups").map((q) => q.params);
    expect(pages).toEqual([
      { InstanceId: SESSIONS, Limit: 100, Offset: 0, Status: [2, 1, -1, 3, 4] },
      { InstanceId: SESSIONS, Limit: 100, Offset: 100, Status: [2, 1, -1, 3, 4] },
    ]);
  });

  it("an API error during the preflight is reported as is, and nothing is restored", async () => {
    h.fake.inject("DescribeInstances", { kind: "error", code: "UnauthorizedOperation.NoCAMAuthed" });
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId: await restorableBackup(h, SESSIONS) });
    expect(sc(r).error.code).toBe("UnauthorizedOperation.NoCAMAuthed");
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });
});

describe("passwords kept on the server", () => {
  it("a server-side password wins over the argument, and the result says where it came from", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: ORDERS_PASSWORD } });
    try {
      const backupId = await restorableBackup(h, ORDERS);
      const r = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: "a-wrong-guess" });
      expect(sc(r)).toMatchObject({ status: "submitted", passwordSource: "env" });
      const sent = h.fake.requests.find((q) => q.action === "RestoreInstance")?.params as { Password?: string };
      expect(sent.Password).toBe(ORDERS_PASSWORD);
      expect(JSON.stringify(r)).not.toContain(ORDERS_PASSWORD);
    } finally {
      await h.close();
    }
  });

  it("a wrong server-side password: the PasswordError hint names the variable", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_PASSWORD: "wrong-for-all" } });
    try {
      const backupId = await restorableBackup(h, ORDERS);
      const r = await h.call("restore_instance", { instanceId: ORDERS, backupId });
      expect(sc(r).error).toMatchObject({ code: "InvalidParameterValue.PasswordError", retryable: false });
      expect(sc(r).error.hint).toContain("TENCENTCLOUD_REDIS_PASSWORD");
      expect(sc(r).error.hint).toMatch(/operator/);
      expect(JSON.stringify(r)).not.toContain("wrong-for-all");
    } finally {
      await h.close();
    }
  });

  it("TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT=false removes the argument", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT: "false" } });
    try {
      const tool = (await h.client.listTools()).tools.find((t) => t.name === "restore_instance");
      expect(Object.keys(tool?.inputSchema.properties ?? {})).not.toContain("password");
      const backupId = await restorableBackup(h, ORDERS);
      const withArg = await h.call("restore_instance", { instanceId: ORDERS, backupId, password: ORDERS_PASSWORD });
      expect(withArg.isError).toBe(true);
      const r = await h.call("restore_instance", { instanceId: ORDERS, backupId });
      expect(sc(r).error.code).toBe("ClientError.PasswordMissing");
      expect(sc(r).error.message).toContain("TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT=false");
      expect(h.fake.count("RestoreInstance")).toBe(0);
    } finally {
      await h.close();
    }
  });
});
