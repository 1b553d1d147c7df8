// The clone route with the safety state in Redis, over stdio replicas of the built server: a switch interrupted on
// one replica is resumed on another (never repeating its finished step), the clone's order is known to check_task
// on any replica, and the audit log records the method, the clone and each step of the switch.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type Replica, replicaEnv, startStdioReplica } from "../helpers/replicas.js";
import { type StateRedis, startStateRedis } from "../helpers/state-redis.js";
import { readAudit } from "./helpers.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;

describe("the clone route across two replicas sharing Redis", () => {
  let redis: StateRedis;
  let fake: FakeCloud;
  let dir: string;
  let a: Replica;
  let b: Replica;
  const confirm = async (r: Replica, name: string, args: Record<string, unknown>) => {
    const plan = sc(await r.call(name, args));
    expect(plan.status, JSON.stringify(plan)).toBe("confirmation_required");
    return r.call(name, { ...args, confirmToken: plan.confirmToken });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tcrmcp-clone-"));
    [redis, fake] = await Promise.all([startStateRedis(), FakeCloud.start({ preparingMs: 20, runningMs: 60, cloneMs: 100 })]);
    const env = (n: string) =>
      replicaEnv(fake, redis.url, {
        TENCENTCLOUD_REDIS_AUDIT_LOG: join(dir, `${n}.jsonl`),
        TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
      });
    [a, b] = await Promise.all([startStdioReplica("a", env("a")), startStdioReplica("b", env("b"))]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a, b].map((r) => r?.close().catch(() => {})));
    await fake?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("clones on A, follows on B (its order known), switch interrupted on A resumes on B, audited on each", async () => {
    const backups = sc(await a.call("list_backups", { instanceId: CATALOG })).backups as Array<{ restorable: boolean; backupId: string }>;
    const backupId = backups.find((x) => x.restorable)?.backupId ?? "";
    const cloned = sc(await confirm(a, "restore_instance", { instanceId: CATALOG, backupId }));
    expect(cloned.status, JSON.stringify(cloned)).toBe("cloning");
    const follow = sc(await b.call("check_task", { instanceId: cloned.cloneInstanceId, waitSeconds: 60 }));
    expect(follow).toMatchObject({ kind: "clone", status: "running", dealName: cloned.dealName, dealStatus: 4 });

    const original = { ...fake.state.getInstance(CATALOG) };
    fake.reset();
    fake.inject("DescribeTaskInfo", { kind: "status", status: 503 }, 20);
    const pair = { instanceId: CATALOG, toInstanceId: cloned.cloneInstanceId };
    const interrupted = sc(await confirm(a, "switch_address", pair));
    expect(interrupted.error?.code, JSON.stringify(interrupted)).toBe("ClientError.SwitchInterrupted");
    fake.reset();
    const plan = sc(await b.call("switch_address", pair));
    expect(plan).toMatchObject({ status: "confirmation_required", resumed: true, resumeStep: "off" });
    const resumed = sc(await b.call("switch_address", { ...pair, confirmToken: plan.confirmToken }));
    expect(resumed, JSON.stringify(resumed)).toMatchObject({ status: "switched", resumed: true });
    const sent = fake.requests.filter((q) => q.action === "ModifyNetworkConfig").map((q) => (q.params as { InstanceId: string }).InstanceId);
    expect(sent).toEqual([cloned.cloneInstanceId]); // step 1 finished on A: only step 2 was sent
    expect(fake.state.getInstance(cloned.cloneInstanceId)?.WanIp).toBe(original?.WanIp);
    expect(resumed).toMatchObject({ original: CATALOG, clone: cloned.cloneInstanceId, direction: "restore" });

    // switched on B: on A the two reversed are the undo (the shared state knows the last switch of the pair)
    const back = { instanceId: cloned.cloneInstanceId, toInstanceId: CATALOG };
    const undone = sc(await confirm(a, "switch_address", back));
    expect(undone, JSON.stringify(undone)).toMatchObject({ status: "switched", direction: "undo" });
    expect(fake.state.getInstance(CATALOG)?.WanIp).toBe(original?.WanIp);
    // undone on A: on B the same call is refused again, nothing sent
    const before = fake.count("ModifyNetworkConfig");
    const again = sc(await b.call("switch_address", back));
    expect(again.error?.code).toBe("ClientError.SwitchReversed");
    expect(fake.count("ModifyNetworkConfig")).toBe(before);

    const auditA = readAudit(join(dir, "a.jsonl"));
    const clone = auditA.find((r) => r.event === "restore_instance" && r.outcome === "submitted");
    expect(clone).toMatchObject({ method: "clone", methodWhy: "edition table: Redis 6.2 standard", cloneInstanceId: cloned.cloneInstanceId, dealName: cloned.dealName, backupId });
    const stepOff = auditA.find((r) => r.event === "switch_address" && r.switchStep === "off" && r.outcome === "submitted");
    expect(stepOff).toMatchObject({ instanceId: CATALOG, toInstanceId: cloned.cloneInstanceId, address: `${original?.WanIp}:${original?.Port}` });
    expect(auditA.find((r) => r.event === "switch_address" && r.outcome === "failed")?.errorCode).toBe("ClientError.SwitchInterrupted");
    const auditB = readAudit(join(dir, "b.jsonl"));
    expect(auditB.filter((r) => r.event === "switch_address").map((r) => [r.switchStep ?? null, r.outcome])).toEqual([
      [null, "planned"],
      ["on", "intent"], // fsynced before the step's ModifyNetworkConfig (docs/crash-safety.md)
      ["on", "submitted"],
      ["done", "submitted"],
      [null, "refused"], // the reversed call after the undo
    ]);
    for (const line of [...auditA, ...auditB]) expect(JSON.stringify(line)).not.toContain(SANDBOX_PASSWORDS[CATALOG]);
  }, 120_000);
});
