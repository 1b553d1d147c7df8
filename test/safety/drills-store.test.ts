// The drills ledger behind the SafetyState interface, in memory and in a real redis-server (two replicas), held to
// the same rules: a drill is created once; a transition applies only from the statuses it names, and of any number
// of concurrent ones exactly one wins (across replicas); the open drills are those whose clone may still bill; the
// restore plan's evidence is the newest drill that verified and destroyed its clone; Redis down fails closed.

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { Logger } from "../../src/log.js";
import { type DrillRecord, isPassed, lastPassedDrill } from "../../src/safety/state/drills.js";
import { MemoryState, openState, type SafetyState } from "../../src/safety/state/index.js";
import { eventually } from "../helpers/redis.js";
import { type StateRedis, startStateRedis } from "../helpers/state-redis.js";

const REGION = "ap-guangzhou";
let clock = Date.parse("2026-12-06T10:00:00Z");

function drill(source = "crs-sbx4ctlg", extra: Partial<DrillRecord> = {}): DrillRecord {
  clock += 1000;
  return {
    drillId: `dr_${randomBytes(9).toString("base64url")}`,
    region: REGION,
    sourceInstanceId: source,
    backupId: "1250000000-8362901-1796500000",
    cloneInstanceId: `crs-${randomBytes(4).toString("hex")}`,
    times: { requested: clock },
    estimatedCostCny: 0.35,
    status: "cloning",
    ...extra,
  };
}

const VERIFIED = {
  level: "data" as const,
  verdict: "verified" as const,
  why: "answered" as const,
  reason: "the clone's address answered PING",
  checks: [{ name: "ping" as const, status: "pass" as const, detail: "PONG, after AUTH" }],
  keys: 27,
  keyspace: { db0: { keys: 27, expires: 0 } },
  memoryUsedBytes: 1_048_576,
  durationMs: 42,
};

let redis: StateRedis;
let replicaA: SafetyState;
let replicaB: SafetyState;
const memory = new MemoryState(loadConfig([], {}));

beforeAll(async () => {
  redis = await startStateRedis();
  const config = loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: redis.url });
  replicaA = await openState(config, new Logger("error", () => {}));
  replicaB = await openState(config, new Logger("error", () => {}));
});
afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await redis?.close();
});

describe.each([
  ["memory", () => [memory, memory] as const],
  ["redis", () => [replicaA, replicaB] as const],
])("the drills ledger in %s", (_kind, states) => {
  it("creates a drill once and reads it back as written", async () => {
    const [a, b] = states();
    const d = drill();
    await a.drills.create(d);
    expect(await b.drills.get(d.drillId)).toEqual(d);
    await expect(b.drills.create({ ...d, status: "failed" })).rejects.toThrow(/already exists/);
    expect((await a.drills.get(d.drillId))?.status).toBe("cloning");
    expect(await a.drills.get("dr_nosuchdrill")).toBeUndefined();
  });

  it("a transition applies only from the statuses it names, and merges the times", async () => {
    const [a, b] = states();
    const d = drill();
    await a.drills.create(d);
    expect(await b.drills.transition(d.drillId, ["verifying"], { status: "destroying" })).toBeUndefined();
    const running = await b.drills.transition(d.drillId, ["cloning"], {
      status: "verifying",
      times: { running: d.times.requested + 252_000 },
    });
    expect(running).toMatchObject({
      status: "verifying",
      times: { requested: d.times.requested, running: d.times.requested + 252_000 },
    });
    const verified = await a.drills.transition(d.drillId, ["verifying"], {
      status: "destroying",
      verification: VERIFIED,
      times: { verified: d.times.requested + 260_000, destroyRequested: d.times.requested + 261_000 },
      destroyTaskId: 6954227,
    });
    expect(verified?.times).toEqual({
      requested: d.times.requested,
      running: d.times.requested + 252_000,
      verified: d.times.requested + 260_000,
      destroyRequested: d.times.requested + 261_000,
    });
    expect(await b.drills.get(d.drillId)).toEqual(verified);
    expect(await a.drills.transition("dr_nosuchdrill", ["cloning"], { status: "failed" })).toBeUndefined();
  });

  it("of concurrent transitions from the same status, exactly one wins (across replicas)", async () => {
    const [a, b] = states();
    const d = drill(undefined, { status: "verifying" });
    await a.drills.create(d);
    const attempts = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? a : b).drills.transition(d.drillId, ["verifying"], {
        status: "destroying",
        caller: `sweeper-${i}`,
        times: { destroyRequested: d.times.requested + i },
      }),
    );
    const won = (await Promise.all(attempts)).filter((r) => r !== undefined);
    expect(won).toHaveLength(1);
    expect(await a.drills.get(d.drillId)).toEqual(won[0]);
  });

  it("lists drills newest first, by source, with a limit; open() holds only drills whose clone may bill", async () => {
    const [a, b] = states();
    const source = `crs-${randomBytes(4).toString("hex")}`;
    const made = [drill(source), drill(source), drill(source), drill("crs-other001")];
    for (const d of made) await a.drills.create(d);
    const listed = await b.drills.list({ region: REGION, sourceInstanceId: source });
    expect(listed.map((d) => d.drillId)).toEqual([made[2], made[1], made[0]].map((d) => d?.drillId));
    expect((await b.drills.list({ region: REGION, sourceInstanceId: source, limit: 1 })).map((d) => d.drillId)).toEqual(
      [made[2]?.drillId],
    );
    expect((await b.drills.list({ sourceInstanceId: source })).map((d) => d.drillId)).toHaveLength(3);
    const first = made[0] as DrillRecord;
    await a.drills.transition(first.drillId, ["cloning"], {
      status: "failed",
      error: { code: "FailedOperation.PayFailed", message: "no balance" },
    });
    const open = (await b.drills.open()).map((d) => d.drillId);
    expect(open).not.toContain(first.drillId);
    expect(open).toEqual(expect.arrayContaining(made.slice(1).map((d) => d.drillId)));
    const opened = await b.drills.open();
    expect(opened.every((d) => ["cloning", "verifying", "destroying"].includes(d.status))).toBe(true);
    // oldest first: the sweeper handles the longest-running clone first
    const times = opened.map((d) => d.times.requested);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it("the restore plan's evidence: the newest drill that verified and destroyed its clone", async () => {
    const [a, b] = states();
    const source = `crs-${randomBytes(4).toString("hex")}`;
    const passed = drill(source);
    const inconclusive = drill(source);
    const stillRunning = drill(source, { status: "verifying" });
    for (const d of [passed, inconclusive, stillRunning]) await a.drills.create(d);
    const end = { status: "completed" as const, times: { destroyed: clock + 5 } };
    await a.drills.transition(passed.drillId, ["cloning"], { ...end, verification: VERIFIED });
    await a.drills.transition(inconclusive.drillId, ["cloning"], {
      ...end,
      verification: { ...VERIFIED, level: "cloud", verdict: "inconclusive" },
    });
    const last = await lastPassedDrill(b.drills, REGION, source);
    expect(last?.drillId).toBe(passed.drillId);
    expect(last && isPassed(last)).toBe(true);
    expect(await lastPassedDrill(b.drills, REGION, "crs-neverdrl")).toBeUndefined();
  });
});

describe("the drills ledger in Redis, beyond the interface", () => {
  it("a value that is not a drill reads as none", async () => {
    const d = drill();
    await replicaA.drills.create(d);
    const [key] = (await redis.command("KEYS", `*drill:${d.drillId}`)) as string[];
    expect(key).toBeDefined();
    await redis.command("SET", String(key), "{not json");
    expect(await replicaA.drills.get(d.drillId)).toBeUndefined();
    await redis.command("SET", String(key), JSON.stringify({ ...d, status: "nope" }));
    expect(await replicaA.drills.get(d.drillId)).toBeUndefined();
    expect((await replicaA.drills.open()).map((o) => o.drillId)).not.toContain(d.drillId);
  });

  it("fails closed when Redis is gone: a drill is not created unrecorded", async () => {
    await redis.kill();
    try {
      expect(
        await eventually(() => {
          try {
            replicaA.assertAvailable();
            return false;
          } catch {
            return true;
          }
        }),
      ).toBe(true);
      await expect(replicaA.drills.create(drill())).rejects.toMatchObject({ code: "ClientError.StateUnavailable" });
    } finally {
      await redis.restart();
    }
  });
});
