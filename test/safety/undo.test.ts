// The undo point of every restore: named in the plan, the form and the result; required by policy when set.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { readAudit, waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const text = (r: { content: unknown }) => (r.content as Array<{ text: string }>)[0]?.text ?? "";

/** The seeded backups of the instance, newest first: a manual one 1 h old, then an automatic one 1 day old. */
function seeded(h: Harness) {
  const backups = h.fake.state.listBackups(SESSIONS).filter((b) => b.Status === 2);
  const [hourOld, dayOld] = backups;
  if (!hourOld || !dayOld) throw new Error("the sandbox seed changed: expected two normal backups");
  return { hourOld, dayOld };
}

describe("the undo point in the plan and the result (token confirmation)", () => {
  let h: Harness;
  let audit: string;
  beforeAll(async () => {
    audit = join(mkdtempSync(join(tmpdir(), "undo-")), "audit.jsonl");
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_REDIS_AUDIT_LOG: audit } });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await waitIdle(h, SESSIONS);
    h.fake.reset();
  });

  it("names the newest restorable backup taken after the one restored, in the plan, the result and the audit log", async () => {
    const { hourOld, dayOld } = seeded(h);
    const args = { instanceId: SESSIONS, backupId: dayOld.BackupId };
    const plan = await h.call("restore_instance", args);
    const p = sc(plan);
    expect(p.status).toBe("confirmation_required");
    expect(p.undoBackup).toEqual({
      backupId: hourOld.BackupId,
      startTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
      age: "1 h 0 min",
      ageMinutes: 60,
      remark: hourOld.Remark,
    });
    const line = `Undo: restore backup ${hourOld.BackupId}, taken 1 h 0 min ago; writes after it are lost.`;
    expect(text(plan)).toContain(line);
    expect(p.warning).toContain(`Undo: restore backup ${hourOld.BackupId}, taken 1 h 0 min ago; writes after it are lost.`);
    expect(p.warning).not.toMatch(/cannot be undone/);

    const done = await h.call("restore_instance", { ...args, confirmToken: p.confirmToken });
    expect(sc(done)).toMatchObject({ status: "submitted", undoBackup: { backupId: hourOld.BackupId } });
    expect(text(done)).toContain(`To undo it: restore backup ${hourOld.BackupId}`);
    const records = readAudit(audit);
    expect(records.map((r) => [r.outcome, r.undoBackupId])).toEqual([
      ["planned", hourOld.BackupId],
      ["intent", hourOld.BackupId], // written before RestoreInstance is sent (docs/crash-safety.md)
      ["submitted", hourOld.BackupId],
    ]);
    expect(records[2]?.undoBackupStartTime).toBe(p.undoBackup.startTime);
  });

  it("restoring the newest backup has no undo backup: the plan says so and teaches backup_instance then check_task", async () => {
    const { hourOld } = seeded(h);
    const plan = await h.call("restore_instance", { instanceId: SESSIONS, backupId: hourOld.BackupId });
    const p = sc(plan);
    expect(p.status).toBe("confirmation_required");
    expect(p).not.toHaveProperty("undoBackup");
    expect(p.warning).toMatch(/current data cannot be brought back/);
    expect(p.warning).toMatch(/backup_instance, then check_task/);
    expect(text(plan)).toMatch(/backup_instance, then check_task/);
  });

  it("a locked or expired newer backup is no undo point", async () => {
    const { hourOld, dayOld } = seeded(h);
    h.fake.state.updateBackup(hourOld.BackupId, { Status: 1, Locked: 1 });
    try {
      const p = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId: dayOld.BackupId }));
      expect(p.status).toBe("confirmation_required");
      expect(p).not.toHaveProperty("undoBackup");
    } finally {
      h.fake.state.updateBackup(hourOld.BackupId, { Status: 2, Locked: 0 });
    }
  });
});

describe("the undo point in the elicitation form", () => {
  it("the form shows how to undo", async () => {
    const h = await startHarness({
      env: { TENCENTCLOUD_REDIS_CONFIRM: "elicit" },
      client: { capabilities: { elicitation: {} } },
    });
    try {
      const asked: string[] = [];
      h.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push((request.params as { message: string }).message);
        return { action: "decline" };
      });
      const { hourOld, dayOld } = seeded(h);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId: dayOld.BackupId });
      expect(sc(r).error.code).toBe("ClientError.ConfirmationDeclined");
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(`Undo: restore backup ${hourOld.BackupId}, taken 1 h 0 min ago; writes after it are lost`);
      expect(h.fake.count("RestoreInstance")).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe("TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: no restore without a recent undo point", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: "30" } });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await waitIdle(h, SESSIONS);
    h.fake.reset();
  });

  it("refuses at the plan when the undo point is too old, and when there is none; nothing is sent", async () => {
    const { hourOld, dayOld } = seeded(h);
    for (const backupId of [dayOld.BackupId, hourOld.BackupId]) {
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
      expect(r.isError).toBe(true);
      const error = sc(r).error;
      expect(error).toMatchObject({ code: "ClientError.NoUndoPoint", category: "conflict", retryable: false });
      expect(error.hint).toMatch(/backup_instance[\s\S]*check_task/);
      expect(error.message).toMatch(/at most 30 min old/);
      expect(error.message).toMatch(/Nothing was sent/);
    }
    expect(h.fake.count("RestoreInstance")).toBe(0);
    expect(h.fake.requests.map((q) => q.action).every((a) => a.startsWith("Describe"))).toBe(true);
  });

  it("allows the restore after backup_instance and check_task, and checks again right before sending", async () => {
    const { dayOld } = seeded(h);
    const b = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "undo point for policy" }));
    const t = sc(await h.call("check_task", { taskId: b.taskId, waitSeconds: 5 }));
    expect(t).toMatchObject({ kind: "backup", status: "succeed" });
    const args = { instanceId: SESSIONS, backupId: dayOld.BackupId };
    const plan = sc(await h.call("restore_instance", args));
    expect(plan.status).toBe("confirmation_required");
    expect(plan.undoBackup).toMatchObject({ backupId: t.backup.backupId, ageMinutes: 0, remark: "undo point for policy" });
    const done = sc(await h.call("restore_instance", { ...args, confirmToken: plan.confirmToken }));
    expect(done).toMatchObject({ status: "submitted", undoBackup: { backupId: t.backup.backupId } });
    expect(h.fake.count("RestoreInstance")).toBe(1);

    // the undo point disappears between the plan and the confirmation: refused right before sending
    await waitIdle(h, SESSIONS);
    h.fake.reset();
    const again = sc(await h.call("restore_instance", args));
    expect(again.status).toBe("confirmation_required");
    h.fake.state.updateBackup(t.backup.backupId, { Status: -1 });
    const refused = sc(await h.call("restore_instance", { ...args, confirmToken: again.confirmToken }));
    expect(refused.error?.code).toBe("ClientError.NoUndoPoint");
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });
});
