import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type Replica, replicaEnv, startStdioReplica } from "../helpers/replicas.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";
import { readAudit } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("three stdio replicas, one Redis, one fake cloud enforcing 20 requests/s per action", () => {
  let redis: StateRedis;
  let fake: FakeCloud;
  let dir: string;
  let replicas: Replica[];
  let backupId: string;
  const env = (name: string) =>
    replicaEnv(fake, redis.url, { TENCENTCLOUD_REDIS_AUDIT_LOG: join(dir, `${name}.jsonl`) });
  const on = (i: number) => (name: string, args?: Record<string, unknown>) => (replicas[i] as Replica).call(name, args);
  const [A, B, C] = [on(0), on(1), on(2)];
  const throttled = () => fake.requests.filter((r) => r.errorCode?.startsWith("RequestLimitExceeded")).length;
  const idle = () => until("no restore in flight on the fake", () => !fake.state.hasRestoreInFlight(SESSIONS));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tcrmcp-replicas-"));
    [redis, fake] = await Promise.all([
      startStateRedis(),
      FakeCloud.start({ rateLimit: 20, preparingMs: 50, runningMs: 150 }),
    ]);
    replicas = await Promise.all(["a", "b", "c"].map((n) => startStdioReplica(n, env(n))));
    const backups = sc(await A("list_backups", { instanceId: SESSIONS })).backups as Array<{
      restorable: boolean;
      backupId: string;
    }>;
    backupId = backups.find((b) => b.restorable)?.backupId ?? "";
    expect(backupId).not.toBe("");
  }, 60_000);
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.close().catch(() => {})));
    await fake?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await idle();
    fake.reset();
  });

  it("a plan made on A is confirmed on B exactly once, then refused on C", async () => {
    const plan = sc(await A("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(plan.status).toBe("confirmation_required");
    const confirmed = sc(
      await B("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken }),
    );
    expect(confirmed.status).toBe("submitted");
    const replay = sc(await C("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken }));
    expect(replay.error).toMatchObject({ code: "ClientError.ConfirmationInvalid" });
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("two confirmations of one instance racing on two replicas send one RestoreInstance", async () => {
    const p1 = sc(await A("restore_instance", { instanceId: SESSIONS, backupId }));
    const p2 = sc(await B("restore_instance", { instanceId: SESSIONS, backupId }));
    fake.inject("RestoreInstance", { kind: "delay", ms: 1500 }, 1); // the first one's answer is slow: a real race
    const [r1, r2] = await Promise.all([
      A("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: p1.confirmToken }),
      B("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: p2.confirmToken }),
    ]);
    const results = [sc(r1), sc(r2)];
    expect(results.filter((r) => r.status === "submitted")).toHaveLength(1);
    const refused = results.find((r) => r.error)?.error;
    expect(refused).toMatchObject({
      code: "ResourceUnavailable.InstanceLockedError",
      category: "conflict",
      retryable: true,
    });
    expect(refused.message).toMatch(/started (by local )?at \d{4}-\d{2}-\d{2}T[\d:.]+Z\) is already in progress/);
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("90 concurrent reads over three replicas are all answered, none throttled", async () => {
    const calls = Array.from({ length: 90 }, (_, i) =>
      i % 2 === 0 ? ["list_instances", {}] : ["list_backups", { instanceId: SESSIONS }],
    );
    const results = await Promise.all(
      calls.map(([tool, args], i) =>
        (replicas[i % 3] as Replica).call(tool as string, args as Record<string, unknown>),
      ),
    );
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(throttled()).toBe(0);
    expect(fake.count("DescribeInstances")).toBeGreaterThanOrEqual(45);
  });

  it("Redis killed: restores refused with nothing sent and audited, reads answered; Redis back: restores work", async () => {
    await redis.kill();
    const refused = await until("a replica notices", async () => {
      const r = sc(await A("restore_instance", { instanceId: SESSIONS, backupId }));
      return r.error?.code === "ClientError.StateUnavailable";
    }).then(() => true);
    expect(refused).toBe(true);
    const before = fake.count();
    const r = sc(await B("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.error).toMatchObject({ code: "ClientError.StateUnavailable", category: "unavailable", retryable: true });
    expect(fake.count()).toBe(before); // nothing sent, not even the preflight
    const backup = sc(await C("backup_instance", { instanceId: SESSIONS }));
    expect(backup.error).toMatchObject({ code: "ClientError.StateUnavailable" }); // any change fails closed
    expect(fake.count()).toBe(before);
    expect(readAudit(join(dir, "b.jsonl")).at(-1)).toMatchObject({
      outcome: "refused",
      errorCode: "ClientError.StateUnavailable",
    });
    const reads = await Promise.all([
      A("list_instances"),
      B("list_backups", { instanceId: SESSIONS }),
      C("list_instances"),
    ]);
    expect(reads.filter((x) => x.isError)).toEqual([]);
    expect((replicas[2] as Replica).stderr()).toMatch(/limits itself to 6 requests\/s/);

    await redis.restart();
    await until(
      "every replica is back",
      async () => {
        const plans = await Promise.all(
          [A, B, C].map((f) => f("restore_instance", { instanceId: SESSIONS, backupId })),
        );
        return plans.every((p) => sc(p).status === "confirmation_required");
      },
      20_000,
    );
    const plan = sc(await C("restore_instance", { instanceId: SESSIONS, backupId }));
    const done = sc(await A("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken }));
    expect(done.status).toBe("submitted");
    expect(fake.count("RestoreInstance")).toBe(1);
  }, 60_000);

  it("a replica SIGKILLed while holding the lock does not block the next restore past the lock's expiry", async () => {
    // its requests time out after 2 s: an intent it leaves in doubt can be settled soon after
    const doomed = await startStdioReplica("doomed", { ...env("doomed"), TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "2" });
    try {
      const plan = sc(await doomed.call("restore_instance", { instanceId: SESSIONS, backupId }));
      fake.inject("RestoreInstance", { kind: "hang", phase: "before" }, 1); // never answered, never executed
      void doomed
        .call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken })
        .catch(() => {});
      await until("the doomed replica sent its restore", () => fake.count("RestoreInstance") === 1);
      doomed.kill();
      // Its restore is in doubt; B settles it (no task: never took effect) once the doomed replica's
      // request would have timed out, and names it; only then may the lock (until it lapses) refuse a restore
      const blocked = sc(await B("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(blocked.status).toBe("confirmation_required"); // planning takes no lock
      expect(blocked.inFlight).toEqual([expect.objectContaining({ action: "RestoreInstance", outcome: "not_sent" })]);
      let submitted = false;
      await until(
        "the lock lapses and B restores",
        async () => {
          const p = sc(await B("restore_instance", { instanceId: SESSIONS, backupId }));
          const r = sc(await B("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: p.confirmToken }));
          if (r.error && r.error.code !== "ResourceUnavailable.InstanceLockedError")
            throw new Error(JSON.stringify(r.error));
          submitted = r.status === "submitted";
          return submitted;
        },
        15_000,
      );
      expect(submitted).toBe(true);
      expect(fake.count("RestoreInstance")).toBe(2);
    } finally {
      await doomed.close().catch(() => {});
    }
  }, 60_000);
});
