// The task ledger in the shared state: check_task on one replica knows the kind and remark of a task another
// replica started; without Redis it still answers, by looking the task up (DescribeTaskList).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import { openState, type SafetyState } from "../../src/records/store/index.js";
import { LEDGER_TTL_MS, MemoryLedger, parseLedgerEntry } from "../../src/records/store/memory-ledger.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { fakeEnv, type Harness, sc, startHarness } from "../helpers/harness.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";

const { orders: ORDERS, sessions: SESSIONS } = SANDBOX_INSTANCE_IDS;
const WEEK_MS = 7 * 24 * 3600_000;

describe("the task ledger shared by two replicas on one redis-server", () => {
  let redis: StateRedis;
  let fake: FakeCloud;
  const states: SafetyState[] = [];
  let A: Harness;
  let B: Harness;
  const env = () => ({ TENCENTCLOUD_REDIS_STATE_URL: redis.url, TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS: "300" });
  const replica = async () => {
    const state = await openState(loadConfig([], fakeEnv(fake, env())), new Logger("error", () => {}));
    expect(state.kind).toBe("redis");
    states.push(state);
    return startHarness({ sharedFake: fake, env: env(), state });
  };

  beforeAll(async () => {
    [redis, fake] = await Promise.all([startStateRedis(), FakeCloud.start({ preparingMs: 50, runningMs: 150 })]);
    A = await replica();
    B = await replica();
  }, 30_000);
  afterAll(async () => {
    await Promise.all([A, B].map((h) => h?.close()));
    await Promise.all(states.map((s) => s.close()));
    await fake?.close();
    await redis?.close();
  });
  beforeEach(() => fake.reset());

  it("a backup started on A: B names its backup by the remark, without a lookup; Redis keeps only plain fields for 7 days", async () => {
    const started = sc(await A.call("backup_instance", { instanceId: SESSIONS, remark: "before migration" }));
    expect(started.status).toBe("submitted");
    // a newer manual backup of the same instance (taken from the console): without the remark it would be named
    const instance = fake.state.getInstance(SESSIONS);
    if (!instance) throw new Error("sandbox seed changed");
    const console = await fake.state.createManualBackup(instance, "from the console");
    fake.state.updateBackup(console.backup.BackupId, { StartTime: new Date(Date.now() + 30_000) });
    fake.reset();

    const checked = sc(await B.call("check_task", { taskId: started.taskId, waitSeconds: 5 }));
    expect(checked).toMatchObject({ taskId: started.taskId, kind: "backup", status: "succeed" });
    const ours = fake.state.listBackups(SESSIONS).find((b) => b.Remark === "before migration");
    expect(checked.backup).toMatchObject({ backupId: ours?.BackupId, remark: "before migration" });
    expect(fake.count("DescribeTaskList")).toBe(0);

    const keys = (await redis.command("KEYS", "*task:*")) as string[];
    expect(keys).toHaveLength(1);
    const key = keys[0] as string;
    expect(key).toContain(`task:ap-guangzhou:${started.taskId}`);
    const entry = JSON.parse((await redis.command("GET", key)) as string);
    expect(Object.keys(entry).sort()).toEqual(["instanceId", "kind", "region", "remark", "startedAt"]);
    expect(entry).toMatchObject({ kind: "backup", region: "ap-guangzhou", instanceId: SESSIONS, remark: "before migration" });
    const ttl = Number(await redis.command("PTTL", key));
    expect(ttl).toBeGreaterThan(WEEK_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(WEEK_MS);
  });

  it("a restore started on B is a restore on A, without a lookup", async () => {
    const backupId = fake.state.listBackups(SESSIONS).find((b) => b.Status === 2)?.BackupId;
    const restored = sc(await B.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(restored.status, JSON.stringify(restored)).toBe("submitted");
    fake.reset();
    const checked = sc(await A.call("check_task", { taskId: restored.taskId, waitSeconds: 5 }));
    expect(checked).toMatchObject({ kind: "restore", status: "succeed" });
    expect(fake.count("DescribeTaskList")).toBe(0);
  });

  it("Redis hanging, then gone: check_task keeps answering by looking tasks up; back: the ledger is shared again", async () => {
    const started = sc(await A.call("backup_instance", { instanceId: ORDERS, remark: "ledger outage" }));
    expect(started.status).toBe("submitted");
    await redis.command("FLUSHALL"); // B cannot read it from Redis: as if A had written it while Redis was away
    fake.reset();
    redis.pause();
    try {
      const hanging = sc(await B.call("check_task", { taskId: started.taskId }));
      expect(hanging.error).toBeUndefined();
      expect(hanging).toMatchObject({ kind: "backup", status: "succeed" });
      expect(fake.count("DescribeTaskList")).toBeGreaterThanOrEqual(1);
    } finally {
      redis.resume();
    }
    await redis.kill();
    await until("both replicas notice Redis is gone", () =>
      states.every((state) => {
        try {
          state.assertAvailable();
          return false;
        } catch {
          return true;
        }
      }),
    );
    const other = sc(await A.call("backup_instance", { instanceId: ORDERS }));
    // a change fails closed: the store is gone, or (the flush above) its replicas are still putting operations back
    expect(["ClientError.StateUnavailable", "ClientError.StateRecovering"]).toContain(other.error?.code);
    fake.reset();
    const gone = sc(await B.call("check_task", { taskId: started.taskId }));
    expect(gone.error).toBeUndefined();
    expect(gone).toMatchObject({ kind: "backup", status: "succeed" });
    // A keeps its own tasks in memory too: the remark still names the backup
    const own = sc(await A.call("check_task", { taskId: started.taskId }));
    const ours = fake.state.listBackups(ORDERS).find((b) => b.Remark === "ledger outage");
    expect(own.backup).toMatchObject({ backupId: ours?.BackupId, remark: "ledger outage" });

    await redis.restart();
    await until(
      "both replicas reconnected",
      () =>
        states.every((state) => {
          try {
            state.assertAvailable();
            return true;
          } catch {
            return false;
          }
        }),
      15_000,
    );
    let again = sc(await A.call("backup_instance", { instanceId: ORDERS, remark: "after the outage" }));
    // Redis came back empty: changes wait (retryable) until the replicas have put their operations back
    for (let i = 0; i < 50 && again.error?.code === "ClientError.StateRecovering"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = sc(await A.call("backup_instance", { instanceId: ORDERS, remark: "after the outage" }));
    }
    expect(again.status).toBe("submitted");
    fake.reset();
    const seen = sc(await B.call("check_task", { taskId: again.taskId, waitSeconds: 5 }));
    expect(seen.backup).toMatchObject({ remark: "after the outage" });
    expect(fake.count("DescribeTaskList")).toBe(0);
  }, 60_000);
});

describe("the task ledger in memory", () => {
  const task = (instanceId: string, startedAt: number) =>
    ({ kind: "backup", region: "ap-guangzhou", instanceId, startedAt }) as const;

  it("is bounded (the oldest go first) and forgets a task after 7 days", async () => {
    let now = 1_000_000;
    const ledger = new MemoryLedger(3, () => now);
    for (let id = 1; id <= 4; id++) await ledger.remember(id, task(`crs-${id}`, now));
    expect(await ledger.get(1, "ap-guangzhou")).toBeUndefined();
    expect(await ledger.get(4, "ap-guangzhou")).toMatchObject({ instanceId: "crs-4" });
    expect(await ledger.get(4, "ap-shanghai")).toBeUndefined();
    now += LEDGER_TTL_MS + 1;
    expect(await ledger.get(4, "ap-guangzhou")).toBeUndefined();
  });

  it("reads back from the store only the ledger's fields, and nothing malformed", () => {
    const entry = parseLedgerEntry(JSON.stringify({ ...task("crs-1", 5), remark: "r", password: "p" }));
    expect(entry).toEqual({ ...task("crs-1", 5), remark: "r" });
    expect(parseLedgerEntry("not json")).toBeUndefined();
    expect(parseLedgerEntry(JSON.stringify({ ...task("crs-1", 5), kind: "drop" }))).toBeUndefined();
    expect(parseLedgerEntry(JSON.stringify({ ...task("crs-1", 5), backupType: "7" }))).toBeUndefined();
    expect(parseLedgerEntry("null")).toBeUndefined();
  });
});
