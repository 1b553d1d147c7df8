// Crash safety in process: torn audit lines, the restore dedup window, an operation in doubt that cannot be settled,
// the bounded read of a large audit log, and the sandbox-only crash point.

import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import { AUDIT_TAIL_BYTES, AuditLog } from "../../src/records/audit.js";
import { Journal } from "../../src/records/journal.js";
import { SETTLERS } from "../../src/operations/settle.js";
import { MemoryOperations } from "../../src/records/store/memory-ledger.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc, startHarness } from "../helpers/harness.js";
import { readAudit, restorableBackup, waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
/** The production default: fakeEnv turns the window off for the tests that restore one backup again and again. */
const DEDUP = { TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30" };
const tmpLog = () => join(mkdtempSync(join(tmpdir(), "crash-safety-")), "audit.jsonl");

/** An intent as a server writes it right before sending, left without an outcome (its server was killed). */
function strandedIntent(backupId: string, minutesAgo = 0): Record<string, unknown> {
  return {
    time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    event: "restore_instance",
    operationId: `op_stranded-${Math.random().toString(16).slice(2)}`,
    action: "RestoreInstance",
    caller: "local",
    region: "ap-guangzhou",
    instanceId: SESSIONS,
    backupId,
    confirm: "none",
    outcome: "intent",
    knownTasks: [],
  };
}

describe("a torn last audit line", () => {
  it("is detected, reported once, and never breaks reading or appending", async () => {
    const path = tmpLog();
    const whole = JSON.stringify({ ...strandedIntent("x"), event: "backup_instance", outcome: "submitted", operationId: undefined });
    const torn = '{"time":"2026-12-01T10:00:00.000Z","event":"restore_instance","operationId":"op_to';
    writeFileSync(path, `${whole}\n${torn}`, { mode: 0o600 });
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_AUDIT_LOG: path } });
    try {
      const first = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "after a torn line" }));
      expect(first.status).toBe("submitted");
      const second = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "and again" }));
      expect(second.status).toBe("submitted");
      const reports = h.logLines.filter((l) => /last line was partly written/.test(l));
      expect(reports).toHaveLength(1);
      const lines = readFileSync(path, "utf8").split("\n");
      expect(lines[0]).toBe(whole);
      expect(lines[1]).toBe(torn); // left as it is, on its own line
      const rest = lines.slice(2).filter((l) => l !== "");
      expect(rest).toHaveLength(4); // two intents, two outcomes
      for (const line of rest) expect(() => JSON.parse(line)).not.toThrow();
      expect(rest.map((l) => JSON.parse(l).outcome)).toEqual(["intent", "submitted", "intent", "submitted"]);
      // read back: the torn line is skipped, every complete record is there
      const read = new AuditLog(path, new Logger("error", () => {})).tail();
      expect(read.map((r) => r.outcome)).toEqual(["submitted", "intent", "submitted", "intent", "submitted"]);
    } finally {
      await h.close();
    }
  });
});

describe("the restore dedup window (TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES)", () => {
  it("a restore sent is not sent again: the answer reports it and how to restore again", async () => {
    const path = tmpLog();
    const h = await startHarness({ env: { ...DEDUP, TENCENTCLOUD_REDIS_AUDIT_LOG: path, TENCENTCLOUD_REDIS_CONFIRM: "none" } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const done = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(done).toMatchObject({ status: "submitted" });
      expect(done.recovered).toBeUndefined();
      await waitIdle(h, SESSIONS);
      const again = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(again).toMatchObject({ status: "submitted", recovered: true, taskId: done.taskId, operationId: done.operationId });
      expect(Date.parse(again.sentAt)).toBeGreaterThan(0);
      expect(again.note).toMatch(/NOT sent again.*To restore again deliberately: after \d{4}-.*RESTORE_DEDUP_MINUTES/);
      expect(h.fake.count("RestoreInstance")).toBe(1);
      expect(readAudit(path).at(-1)).toMatchObject({ outcome: "recovered", taskId: done.taskId, found: done.operationId });
    } finally {
      await h.close();
    }
  });

  it("0 turns it off", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "none", TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "0" } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      expect(sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId })).status).toBe("submitted");
      await waitIdle(h, SESSIONS);
      expect(sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId })).recovered).toBeUndefined();
      expect(h.fake.count("RestoreInstance")).toBe(2);
    } finally {
      await h.close();
    }
  });

  it("token mode: a fresh plan names the earlier restore, and confirming it restores again", async () => {
    const h = await startHarness({ env: { ...DEDUP, TENCENTCLOUD_REDIS_CONFIRM: "token" } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const plan = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      const done = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken }));
      expect(done.status).toBe("submitted");
      await waitIdle(h, SESSIONS);
      const fresh = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(fresh.status).toBe("confirmation_required");
      expect(fresh.warning).toContain(`(task ${done.taskId}): confirming this plan restores AGAIN`);
      const twice = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: fresh.confirmToken }));
      expect(twice.status).toBe("submitted");
      expect(twice.recovered).toBeUndefined();
      expect(twice.taskId).not.toBe(done.taskId);
      expect(h.fake.count("RestoreInstance")).toBe(2);
    } finally {
      await h.close();
    }
  });
});

describe("an operation in doubt", () => {
  it("refuses changes to its instance while the cloud cannot settle it, then is settled", async () => {
    const path = tmpLog();
    const fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
    const h0 = await startHarness({ sharedFake: fake, env: { TENCENTCLOUD_REDIS_CONFIRM: "none" } });
    const backupId = await restorableBackup(h0, SESSIONS);
    await h0.close();
    const intent = strandedIntent(backupId, 5); // a server was killed 5 minutes ago, with this restore in flight
    writeFileSync(path, `${JSON.stringify(intent)}\n`, { mode: 0o600 });
    // the cloud cannot answer from the start: the settling a server starts with (bounded, in the background) cannot
    // settle the intent before the first call either, however busy the machine
    fake.reset();
    fake.inject("DescribeTaskList", { kind: "error", code: "InternalError" });
    const h = await startHarness({ sharedFake: fake, env: { TENCENTCLOUD_REDIS_AUDIT_LOG: path, TENCENTCLOUD_REDIS_CONFIRM: "none" } });
    try {
      const refused = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(refused.error).toMatchObject({ code: "ClientError.OperationInDoubt", category: "conflict", retryable: true });
      expect(refused.error.message).toContain(intent.operationId as string);
      expect(refused.error.message).toMatch(/Nothing was sent/);
      const backup = sc(await h.call("backup_instance", { instanceId: SESSIONS }));
      expect(backup.error?.code).toBe("ClientError.OperationInDoubt"); // any change to the instance
      expect(h.fake.count("RestoreInstance") + h.fake.count("ManualBackupInstance")).toBe(0);
      h.fake.reset();
      const sent = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(sent.status, JSON.stringify(sent)).toBe("submitted");
      expect(sent.inFlight).toEqual([
        { operationId: intent.operationId, action: "RestoreInstance", sentAt: intent.time, outcome: "not_sent" },
      ]);
      const settled = readAudit(path).find((l) => l.operationId === intent.operationId && l.outcome !== "intent");
      expect(settled).toMatchObject({ outcome: "not_sent", reconciled: true, backupId });
      expect(h.fake.count("RestoreInstance")).toBe(1);
      // settled within the call: its reads and its record carry the call (its caller, its session)
      const record = h.logLines.find((l) => l.includes("operation in doubt settled"));
      expect(record).toContain(`operationId=${intent.operationId}`);
      expect(record).toMatch(/ caller=local tool=restore_instance /);
      expect(
        h.logLines.some((l) => /api call action=DescribeTaskList .* caller=local tool=restore_instance /.test(l)),
      ).toBe(true);
    } finally {
      await h.close();
      await fake.close();
    }
  });
});

describe("a large audit log", () => {
  it("is read from its tail only, bounded: an intent beyond the tail is not looked at", () => {
    const path = tmpLog();
    const old = strandedIntent("old-backup", 60 * 24);
    const filler = `${JSON.stringify({ ...strandedIntent("filler"), outcome: "planned", operationId: undefined })}\n`;
    appendFileSync(path, `${JSON.stringify(old)}\n`);
    appendFileSync(path, filler.repeat(Math.ceil((AUDIT_TAIL_BYTES * 3) / filler.length)));
    const recent = strandedIntent("recent-backup");
    appendFileSync(path, `${JSON.stringify(recent)}\n`);
    const audit = new AuditLog(path, new Logger("error", () => {}));
    const tail = audit.tail();
    expect(tail.length).toBeLessThan(Math.ceil(AUDIT_TAIL_BYTES / filler.length) + 2);
    expect(tail.at(-1)).toMatchObject({ operationId: recent.operationId });
    const journal = new Journal(audit, new MemoryOperations(), new Logger("error", () => {}), { dedupMs: 30 * 60_000, timeoutMs: 30_000 });
    return journal.inDoubt().then((ops) => {
      expect(ops.map((o) => o.intent.operationId)).toEqual([recent.operationId]);
    });
  });
});

describe("the crash point (TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT)", () => {
  const base = {
    TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
    TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: "after-intent",
  };
  it("works against the sandbox only", () => {
    expect(loadConfig(["--sandbox"], { TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: "after-answer" }).crashPoint).toBe(
      "after-answer",
    );
    expect(loadConfig([], { ...base, TENCENTCLOUD_REDIS_ENDPOINT: "http://127.0.0.1:9" }).crashPoint).toBe("after-intent");
  });
  it("is refused at start against any other cloud, or with other credentials", () => {
    for (const env of [
      base, // the real endpoint
      { ...base, TENCENTCLOUD_REDIS_ENDPOINT: "https://redis.tencentcloudapi.com" },
      { ...base, TENCENTCLOUD_REDIS_ENDPOINT: "http://127.0.0.1:9", TENCENTCLOUD_SECRET_ID: "AKIDrealaccount" },
    ]) {
      expect(() => loadConfig([], env)).toThrow(ConfigError);
      expect(() => loadConfig([], env)).toThrow(/only works against the sandbox/);
    }
    expect(() => loadConfig(["--sandbox"], { TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: "now" })).toThrow(/after-intent or after-answer/);
  });
});

describe("the settlers of the clone route, against the fake", () => {
  it("a clone never bought and a switch step never made are not_sent; a made step is recovered", async () => {
    const h = await startHarness();
    try {
      const api = h.created.api;
      const instance = h.fake.state.getInstance(SANDBOX_INSTANCE_IDS.catalog);
      const other = h.fake.state.getInstance(SESSIONS);
      if (!instance || !other) throw new Error("no sandbox instances");
      const base = {
        time: new Date(Date.now() - 60_000).toISOString(),
        operationId: "op_settler-test",
        caller: "local",
        region: "ap-guangzhou",
        instanceId: instance.InstanceId,
        outcome: "intent" as const,
      };
      const clone = await SETTLERS.clone({
        api,
        intent: { ...base, action: "CloneInstances", instanceName: "catalog-restore-never-bought" },
        claimed: new Set(),
        old: true,
      });
      expect(clone).toMatchObject({ outcome: "not_sent" });
      const byName = await SETTLERS.clone({
        api,
        intent: { ...base, action: "CloneInstances", instanceName: instance.InstanceName },
        claimed: new Set(),
        old: true,
      });
      expect(byName).toMatchObject({ outcome: "recovered", found: instance.InstanceId });
      const address = `${instance.WanIp}:${instance.Port}`;
      const step = (switchStep: "off" | "on", from = instance, to = other) =>
        SETTLERS.switch({
          api,
          intent: { ...base, action: "ModifyNetworkConfig", instanceId: from.InstanceId, toInstanceId: to.InstanceId, switchStep, address },
          claimed: new Set(),
          old: true,
        });
      expect(await step("off")).toMatchObject({ outcome: "not_sent" }); // the first instance still has the address
      expect(await step("on")).toMatchObject({ outcome: "not_sent" }); // the second has not got it
      expect(await step("on", other, instance)).toMatchObject({ outcome: "recovered" }); // "to" has it: made
      expect(h.fake.requests.every((q) => q.action.startsWith("Describe"))).toBe(true); // settling only reads
    } finally {
      await h.close();
    }
  });
});
