// The clone route and switch_address with the state Redis reset mid-way (FLUSHALL, as a restart without
// persistence leaves it): two built replicas over stdio. A clones; the state is flushed; B is asked the same
// restore and does not clone again. A's switch is interrupted after its first step; the state is flushed again;
// B resumes it from the operations A put back and sends only the second step.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type Replica, replicaEnv, startStdioReplica } from "../helpers/replicas.js";
import { type StateRedis, startStateRedis } from "../helpers/state-redis.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;

/** Calls again while the answer is "the state is recovering": what an agent does with that retryable refusal. */
async function settled(call: () => Promise<CallToolResult>) {
  for (let i = 0; i < 100; i++) {
    const answer = sc(await call());
    if ((answer.error as { code?: string } | undefined)?.code !== "ClientError.StateRecovering") return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the state never settled");
}

describe("the clone route and switch_address with the state Redis reset mid-way (two built replicas)", () => {
  let redis: StateRedis;
  let fake: FakeCloud;
  let dir: string;
  let a: Replica;
  let b: Replica;
  const confirm = async (r: Replica, name: string, args: Record<string, unknown>) => {
    const plan = await settled(() => r.call(name, args));
    expect(plan.status, JSON.stringify(plan)).toBe("confirmation_required");
    return settled(() => r.call(name, { ...args, confirmToken: plan.confirmToken }));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tcrmcp-lost-switch-"));
    [redis, fake] = await Promise.all([startStateRedis(), FakeCloud.start({ preparingMs: 20, runningMs: 60, cloneMs: 100 })]);
    const env = (n: string) =>
      replicaEnv(fake, redis.url, {
        TENCENTCLOUD_REDIS_AUDIT_LOG: join(dir, `${n}.jsonl`),
        TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30",
        TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
      });
    [a, b] = await Promise.all([startStdioReplica("a", env("a")), startStdioReplica("b", env("b"))]);
    for (const r of [a, b]) expect((await r.client.listTools()).tools.length).toBeGreaterThan(0);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a, b].map((r) => r?.close().catch(() => {})));
    await fake?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a clone is not made twice and a switch resumes at its second step across a flushed state", async () => {
    const backups = sc(await a.call("list_backups", { instanceId: CATALOG })).backups as Array<{ restorable: boolean; backupId: string }>;
    const backupId = backups.find((x) => x.restorable)?.backupId ?? "";
    const cloned = await confirm(a, "restore_instance", { instanceId: CATALOG, backupId });
    expect(cloned.status, JSON.stringify(cloned)).toBe("cloning");
    expect(fake.count("CloneInstances")).toBe(1);

    await redis.command("FLUSHALL"); // the state loses A's clone
    const again = await settled(() => b.call("restore_instance", { instanceId: CATALOG, backupId }));
    expect(fake.count("CloneInstances")).toBe(1); // B knows of A's clone: no second one is bought
    expect(JSON.stringify(again)).toContain(cloned.cloneInstanceId);

    const original = { ...fake.state.getInstance(CATALOG) };
    fake.reset();
    fake.inject("DescribeTaskInfo", { kind: "status", status: 503 }, 20);
    const pair = { instanceId: CATALOG, toInstanceId: cloned.cloneInstanceId };
    const interrupted = await confirm(a, "switch_address", pair);
    expect(interrupted.error?.code, JSON.stringify(interrupted)).toBe("ClientError.SwitchInterrupted");
    fake.reset();

    await redis.command("FLUSHALL"); // between the two steps: the switch's record is gone with the rest
    const plan = await settled(() => b.call("switch_address", pair));
    expect(plan, JSON.stringify(plan)).toMatchObject({ status: "confirmation_required", resumed: true });
    const resumed = await settled(() => b.call("switch_address", { ...pair, confirmToken: plan.confirmToken }));
    expect(resumed, JSON.stringify(resumed)).toMatchObject({ status: "switched", resumed: true });
    const sent = fake.requests.filter((q) => q.action === "ModifyNetworkConfig").map((q) => (q.params as { InstanceId: string }).InstanceId);
    expect(sent).toEqual([cloned.cloneInstanceId]); // step 1 finished on A: only step 2 was sent
    expect(fake.state.getInstance(cloned.cloneInstanceId)?.WanIp).toBe(original?.WanIp);
    expect(a.stderr()).toMatch(/state store came back without this replica's data/);
  }, 120_000);
});
