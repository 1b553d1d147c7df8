import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Logger } from "../../src/base/log.js";
import { AuditLog } from "../../src/records/audit.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { readAudit, restorableBackup, waitIdle } from "./helpers.js";

const { orders: ORDERS, sessions: SESSIONS } = SANDBOX_INSTANCE_IDS;
const PASSWORD = "sandbox-orders-pass";

describe("audit log: one flushed JSON line per restore_instance call", () => {
  let h: Harness;
  let path: string;
  beforeAll(async () => {
    path = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.jsonl");
    h = await startHarness({
      env: {
        TENCENTCLOUD_REDIS_AUDIT_LOG: path,
        TENCENTCLOUD_REDIS_CONFIRM: "token",
        TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: PASSWORD,
        TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30", // the default (docs/crash-safety.md)
      },
    });
  });
  afterAll(() => h.close());

  it("records plans, restores, refusals and API failures, created with mode 0600 and without secrets", async () => {
    const backupId = await restorableBackup(h, ORDERS);
    const plan = sc(await h.call("restore_instance", { instanceId: ORDERS, backupId }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const done = sc(await h.call("restore_instance", { instanceId: ORDERS, backupId, confirmToken: plan.confirmToken }));
    await h.call("restore_instance", { instanceId: ORDERS, backupId, confirmToken: plan.confirmToken });
    await h.call("restore_instance", { instanceId: ORDERS, backupId: "no-such-backup" });
    await waitIdle(h, ORDERS);
    const again = sc(await h.call("restore_instance", { instanceId: ORDERS, backupId }));
    h.fake.inject("RestoreInstance", { kind: "error", code: "ResourceUnavailable.BackupSpecError" }, 1);
    const failed = sc(await h.call("restore_instance", { instanceId: ORDERS, backupId, confirmToken: again.confirmToken }));

    const all = readAudit(path);
    // each request sent is one operation: an intent (fsynced before it) and its outcome, with one operationId
    expect(all.map((l) => l.outcome)).toEqual([
      "planned",
      "intent",
      "submitted",
      "recovered", // the replayed token: answered with the restore it made, not sent again
      "refused",
      "planned",
      "intent",
      "failed",
    ]);
    for (const line of all) {
      expect(line).toMatchObject({ event: "restore_instance", caller: "local", region: "ap-guangzhou", instanceId: ORDERS, confirm: "token" });
      expect(Date.parse(line.time)).toBeGreaterThan(0);
    }
    const [intent1, sent1, intent2, failed2] = [all[1], all[2], all[6], all[7]];
    expect(intent1?.operationId).toMatch(/^op_[0-9a-f-]{36}$/);
    expect(intent1).toMatchObject({ action: "RestoreInstance", backupId, passwordSource: "env" });
    expect(sent1).toMatchObject({ operationId: intent1?.operationId, action: "RestoreInstance" });
    expect(intent2?.operationId).not.toBe(intent1?.operationId);
    expect(failed2?.operationId).toBe(intent2?.operationId);
    expect(all[3]).toMatchObject({ taskId: done.taskId, found: intent1?.operationId });
    expect(all[3]).not.toHaveProperty("operationId"); // nothing sent: no operation of its own
    const lines = all.filter((l) => l.outcome !== "intent" && l.outcome !== "recovered");
    expect(lines[0]).toMatchObject({ backupId, passwordSource: "env" });
    expect(lines[1]).toMatchObject({ backupId, taskId: done.taskId, requestId: done.requestId, passwordSource: "env" });
    expect(lines[2]).toMatchObject({ backupId: "no-such-backup", errorCode: "InvalidParameterValue.BackupNotExists" });
    expect(lines[2]?.message).toMatch(/preflight/);
    expect(lines[4]).toMatchObject({ errorCode: "ResourceUnavailable.BackupSpecError", requestId: failed.error.requestId });
    // the second plan named the restore already sent; confirming it was allowed to restore again
    expect(again.warning).toMatch(/already sent at .*\(task \d+\): confirming this plan restores AGAIN/);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(plan.confirmToken);
    expect(text).not.toContain("sandbox-secret-key");
  });
});

describe("audit log: one flushed JSON line per backup_instance call", () => {
  it("records submitted, refused, API errors and lost answers, with the caller and no secret", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.jsonl");
    const h = await startHarness({
      env: {
        TENCENTCLOUD_REDIS_AUDIT_LOG: path,
        TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: SESSIONS,
        TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: PASSWORD,
      },
    });
    try {
      const done = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "undo point", storageDays: 3 }));
      expect(done.status).toBe("submitted");
      const refused = sc(await h.call("backup_instance", { instanceId: ORDERS }));
      h.fake.inject("ManualBackupInstance", { kind: "error", code: "FailedOperation.CommitFlowError" }, 1);
      const failed = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "fails" }));
      h.fake.inject("ManualBackupInstance", { kind: "drop", phase: "after" }, 1);
      const lost = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "lost answer" }));
      expect(h.fake.count("ManualBackupInstance")).toBe(3);

      const all = readAudit(path);
      expect(all.map((l) => l.outcome)).toEqual([
        "intent",
        "submitted",
        "refused",
        "intent",
        "failed",
        "intent",
        "outcome_unknown",
      ]);
      for (const [intent, outcome] of [
        [all[0], all[1]],
        [all[3], all[4]],
        [all[5], all[6]],
      ]) {
        expect(intent).toMatchObject({ action: "ManualBackupInstance", remark: outcome?.remark });
        expect(outcome?.operationId).toBe(intent?.operationId);
      }
      const lines = all.filter((l) => l.outcome !== "intent");
      for (const line of lines) {
        expect(line).toMatchObject({ event: "backup_instance", caller: "local", region: "ap-guangzhou" });
        expect(line).not.toHaveProperty("backupId");
        expect(line).not.toHaveProperty("confirm");
        expect(Date.parse(line.time)).toBeGreaterThan(0);
      }
      expect(lines[0]).toMatchObject({
        instanceId: SESSIONS,
        remark: "undo point",
        storageDays: 3,
        taskId: done.taskId,
        requestId: done.requestId,
      });
      expect(lines[1]).toMatchObject({ instanceId: ORDERS, errorCode: refused.error.code });
      expect(lines[1]?.remark).toMatch(/^undo point \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [0-9a-f]{4}$/);
      expect(lines[2]).toMatchObject({
        remark: "fails",
        errorCode: "FailedOperation.CommitFlowError",
        requestId: failed.error.requestId,
      });
      expect(lines[3]).toMatchObject({ remark: "lost answer", errorCode: lost.error.code });
      const text = JSON.stringify(lines);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("sandbox-secret-key");
    } finally {
      await h.close();
    }
  });
});

describe("audit log that cannot be written", () => {
  it("refuses the restore (fail closed) and logs why; nothing is sent", async () => {
    const path = join(tmpdir(), "no-such-dir-for-audit", "audit.jsonl");
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_AUDIT_LOG: path } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
      expect(sc(r).error).toMatchObject({ code: "ClientError.AuditLogUnavailable", retryable: false });
      expect(sc(r).error.message).toContain("ENOENT");
      expect(h.fake.count("RestoreInstance")).toBe(0);
      expect(h.logLines.join("")).toMatch(/ERROR audit log cannot be written: refusing to restore .*reason=ENOENT/);
      expect(h.logLines.join("")).toMatch(/ERROR audit log write failed .*outcome=refused/);
    } finally {
      await h.close();
    }
  });

  it("refuses the backup too (fail closed): nothing is sent", async () => {
    const path = join(tmpdir(), "no-such-dir-for-audit", "audit.jsonl");
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_AUDIT_LOG: path } });
    try {
      const r = await h.call("backup_instance", { instanceId: SESSIONS });
      expect(sc(r).error).toMatchObject({ code: "ClientError.AuditLogUnavailable", retryable: false });
      expect(sc(r).error.message).toMatch(/ENOENT.*the backup is refused/);
      expect(h.fake.count("ManualBackupInstance")).toBe(0);
      expect(h.logLines.join("")).toMatch(/ERROR audit log cannot be written: refusing to back up .*reason=ENOENT/);
      expect(h.logLines.join("")).toMatch(/ERROR audit log write failed .*event=backup_instance.*outcome=refused/);
    } finally {
      await h.close();
    }
  });

  it("a failed write is logged as an error, never silent", () => {
    const lines: string[] = [];
    const audit = new AuditLog(mkdtempSync(join(tmpdir(), "audit-dir-")), new Logger("info", (l) => lines.push(l)));
    expect(audit.write({ caller: "local", instanceId: "crs-a", backupId: "b", confirm: "none", outcome: "submitted", taskId: 7 })).toBe(false);
    expect(lines.join("")).toMatch(/ERROR audit log write failed .*reason=EISDIR.*taskId=7/);
  });
});
