// The crash matrix: the BUILT server (dist/) as a child process, killed with SIGKILL at each point of
// a change, then a new server on the same audit log (and, in a second run, a second replica on the same real
// Redis) makes the same call. Asserted on what the fake cloud (in this process) received: no request is sent
// twice; the audit has the intent and a settled outcome for each operation; the answer names what was in flight.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { alive, eventually } from "../helpers/redis.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";
import { startStdio } from "../helpers/stdio.js";
import { readAudit } from "../safety/helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
type Point = "after the intent, before sending" | "on the wire, unanswered" | "after the answer, before the outcome";
const POINTS: Point[] = ["after the intent, before sending", "on the wire, unanswered", "after the answer, before the outcome"];
const METHOD = { restore_instance: "RestoreInstance", backup_instance: "ManualBackupInstance" } as const;

interface Server {
  pid: number;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  stderr(): string;
  close(): Promise<void>;
}

async function start(env: Record<string, string>): Promise<Server> {
  const s = await startStdio([], env);
  const pid = s.transport.pid;
  if (pid === null) throw new Error("no pid");
  return { pid, call: s.call, stderr: s.stderr, close: () => s.close().catch(() => {}) };
}

for (const shared of [false, true]) {
  describe(shared ? "crash matrix: two replicas on one real redis-server" : "crash matrix: a new server on the same audit log", () => {
    let fake: FakeCloud;
    let redis: StateRedis | undefined;
    let dir: string;
    let backupId: string;
    let run = 0;
    const env = (audit: string, extra: Record<string, string> = {}) =>
      fakeEnv(fake, {
        TENCENTCLOUD_REDIS_AUDIT_LOG: audit,
        TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "1",
        TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30", // the default (fakeEnv turns it off for older tests)
        ...(redis ? { TENCENTCLOUD_REDIS_STATE_URL: redis.url, TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS: "2" } : {}),
        ...extra,
      });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "tcrmcp-crash-"));
      fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
      if (shared) redis = await startStateRedis();
      backupId = fake.state.listBackups(SESSIONS).find((b) => b.Status === 2 && b.Locked !== 1)?.BackupId ?? "";
      expect(backupId).not.toBe("");
    });
    afterAll(async () => {
      await fake?.close();
      await redis?.close();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await until("no restore in flight on the fake", () => !fake.state.hasRestoreInFlight(SESSIONS), 20_000);
      fake.reset();
      await redis?.command("FLUSHALL"); // each row its own shared state (a restore of a row is no repeat of another's)
    });

    for (const tool of ["restore_instance", "backup_instance"] as const) {
      for (const point of POINTS) {
        it(`${tool}: killed ${point}`, async () => {
          run += 1;
          const first = join(dir, `${run}-a.jsonl`);
          // one audit log for both servers, or one per replica (each replica has its own, as a team runs them)
          const second = shared ? join(dir, `${run}-b.jsonl`) : first;
          const args: Record<string, unknown> =
            tool === "restore_instance" ? { instanceId: SESSIONS, backupId } : { instanceId: SESSIONS, remark: `crash ${run}` };
          const method = METHOD[tool];
          const crashAt =
            point === "after the intent, before sending"
              ? "after-intent"
              : point === "after the answer, before the outcome"
                ? "after-answer"
                : undefined;
          const doomed = await start(env(first, crashAt ? { TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: crashAt } : {}));
          // a replica that is already running when the other dies
          const other = shared ? await start(env(second)) : undefined;
          try {
            if (!crashAt) fake.inject(method, { kind: "hang", phase: "after" }, 1); // executed, never answered
            const lost = doomed.call(tool, args).then(
              () => "answered",
              () => "connection lost",
            );
            if (!crashAt) {
              await until("the request is on the wire", () => fake.count(method) === 1);
              process.kill(doomed.pid, "SIGKILL");
            }
            expect(await lost).toBe("connection lost"); // the agent never got its answer
            expect(await eventually(() => !alive(doomed.pid))).toBe(true);
            expect(fake.count(method)).toBe(crashAt === "after-intent" ? 0 : 1);
            const before = readAudit(first);
            const intent = before.at(-1);
            expect(intent).toMatchObject({ outcome: "intent", action: method, instanceId: SESSIONS });
            expect(before.filter((l) => l.operationId === intent?.operationId)).toHaveLength(1); // in doubt

            // the agent calls again, on a new server (same audit log) or the other replica
            const next = other ?? (await start(env(second)));
            try {
              const again = sc(await next.call(tool, args));
              expect(again.error).toBeUndefined();
              expect(again.status).toBe("submitted");
              // never twice: what the fake received
              expect(fake.count(method)).toBe(1);
              const inFlight = again.inFlight as Array<Record<string, unknown>>;
              expect(inFlight).toContainEqual(
                expect.objectContaining({ operationId: intent?.operationId, action: method, sentAt: intent?.time }),
              );
              if (crashAt === "after-intent") {
                expect(inFlight.find((o) => o.operationId === intent?.operationId)?.outcome).toBe("not_sent");
                expect(again.recovered).toBeUndefined(); // sent now, once
                expect(again.operationId).not.toBe(intent?.operationId);
              } else {
                expect(again).toMatchObject({ recovered: true, operationId: intent?.operationId, sentAt: intent?.time });
                expect(again.note).toMatch(/was NOT sent again/);
                const kind = tool === "restore_instance" ? "FLOW_RESTOREBACKUP" : "FLOW_BACKUPINSTANCE";
                const task = fake.state.listTasks(SESSIONS).find((t) => t.TaskType === kind); // the newest
                expect(again.taskId).toBe(task?.TaskId);
              }
              // every operation in the audit logs has its intent and a settled outcome
              const lines = [...new Set([first, second])].flatMap(readAudit);
              const ops = new Set(lines.filter((l) => l.outcome === "intent").map((l) => l.operationId));
              expect(ops.size).toBe(crashAt === "after-intent" ? 2 : 1);
              for (const op of ops) {
                const outcomes = lines.filter((l) => l.operationId === op && l.outcome !== "intent");
                expect(outcomes.length, `operation ${op} is settled`).toBeGreaterThanOrEqual(1);
                expect(["submitted", "recovered", "not_sent"]).toContain(outcomes.at(-1)?.outcome);
              }
              const settled = lines.find((l) => l.operationId === intent?.operationId && l.reconciled === true);
              expect(settled).toMatchObject({
                outcome: crashAt === "after-intent" ? "not_sent" : "recovered",
                action: method,
                instanceId: SESSIONS,
                caller: "local",
              });
              if (shared) expect(readAudit(second)).toContainEqual(settled); // the replica that settled it wrote it
            } finally {
              await next.close();
            }
          } finally {
            await doomed.close();
          }
        }, 60_000);
      }
    }
  });
}

// The clone route's two changes: a CloneInstances on the wire, and a switch killed between its two
// ModifyNetworkConfig steps (right after the first one's answer, before its outcome was written).
const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const CATALOG_PASSWORD = { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "" };

for (const shared of [false, true]) {
  describe(shared ? "crash matrix, clone route: two replicas on one real redis-server" : "crash matrix, clone route: a new server on the same audit log", () => {
    let fake: FakeCloud;
    let redis: StateRedis | undefined;
    let dir: string;
    let backupId: string;
    const env = (audit: string, extra: Record<string, string> = {}) =>
      fakeEnv(fake, {
        ...CATALOG_PASSWORD,
        TENCENTCLOUD_REDIS_AUDIT_LOG: audit,
        TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "1",
        TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30",
        ...(redis ? { TENCENTCLOUD_REDIS_STATE_URL: redis.url, TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS: "2" } : {}),
        ...extra,
      });
    const logs = () => ({ first: join(dir, "a.jsonl"), second: join(dir, shared ? "b.jsonl" : "a.jsonl") });
    /** Every operation in the logs has its intent and a settled outcome; returns the one settled by reconciliation. */
    const assertSettled = (operationId: string, outcome: string) => {
      const { first, second } = logs();
      const lines = [...new Set([first, second])].flatMap(readAudit);
      for (const op of new Set(lines.filter((l) => l.outcome === "intent").map((l) => l.operationId))) {
        const outcomes = lines.filter((l) => l.operationId === op && l.outcome !== "intent");
        expect(outcomes.length, `operation ${op} is settled`).toBeGreaterThanOrEqual(1);
      }
      const settled = lines.find((l) => l.operationId === operationId && l.reconciled === true);
      expect(settled).toMatchObject({ outcome });
      if (shared) expect(readAudit(second)).toContainEqual(settled);
    };

    beforeAll(async () => {
      fake = await FakeCloud.start({ preparingMs: 20, runningMs: 60, cloneMs: 100 });
      if (shared) redis = await startStateRedis();
      backupId = fake.state.listBackups(CATALOG).find((b) => b.Status === 2 && b.Locked !== 1)?.BackupId ?? "";
      expect(backupId).not.toBe("");
    });
    afterAll(async () => {
      await fake?.close();
      await redis?.close();
    });
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "tcrmcp-crash-clone-"));
      fake.reset();
      await redis?.command("FLUSHALL");
    });

    it("restore_instance (clone route): killed during a clone (CloneInstances on the wire, unanswered)", async () => {
      const { first, second } = logs();
      const doomed = await start(env(first));
      const other = shared ? await start(env(second)) : undefined;
      try {
        fake.inject("CloneInstances", { kind: "hang", phase: "after" }, 1); // the clone is bought, never answered
        const lost = doomed.call("restore_instance", { instanceId: CATALOG, backupId }).then(
          () => "answered",
          () => "connection lost",
        );
        await until("CloneInstances is on the wire", () => fake.count("CloneInstances") === 1);
        process.kill(doomed.pid, "SIGKILL");
        expect(await lost).toBe("connection lost");
        const intent = readAudit(first).at(-1);
        expect(intent).toMatchObject({ outcome: "intent", action: "CloneInstances", instanceId: CATALOG, backupId });
        const clone = fake.state.listInstances().find((i) => i.InstanceName === intent?.instanceName);
        expect(clone).toBeDefined();

        const next = other ?? (await start(env(second)));
        try {
          const again = sc(await next.call("restore_instance", { instanceId: CATALOG, backupId }));
          expect(again.error).toBeUndefined();
          expect(again).toMatchObject({
            status: "cloning",
            recovered: true,
            cloneInstanceId: clone?.InstanceId,
            operationId: intent?.operationId,
          });
          expect(again.note).toMatch(/was NOT sent again/);
          expect(again.inFlight).toContainEqual(
            expect.objectContaining({ operationId: intent?.operationId, action: "CloneInstances", outcome: "recovered" }),
          );
          expect(fake.count("CloneInstances")).toBe(1); // one clone bought, never two
          assertSettled(intent?.operationId, "recovered");
        } finally {
          await next.close();
        }
      } finally {
        await doomed.close();
      }
    }, 60_000);

    it("switch_address: killed between the two steps of a switch", async () => {
      const { first, second } = logs();
      const setup = await start(env(join(dir, "setup.jsonl")));
      let cloneId: string;
      try {
        const cloned = sc(await setup.call("restore_instance", { instanceId: CATALOG, backupId }));
        expect(cloned.status, JSON.stringify(cloned)).toBe("cloning");
        cloneId = cloned.cloneInstanceId;
        const follow = sc(await setup.call("check_task", { instanceId: cloneId, waitSeconds: 60 }));
        expect(follow).toMatchObject({ status: "running", done: true });
      } finally {
        await setup.close();
      }
      const original = { ...fake.state.getInstance(CATALOG) };
      fake.reset();
      const pair = { instanceId: CATALOG, toInstanceId: cloneId };
      const doomed = await start(env(first, { TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: "after-answer" }));
      const other = shared ? await start(env(second)) : undefined;
      try {
        const lost = await doomed.call("switch_address", pair).then(
          () => "answered",
          () => "connection lost",
        );
        expect(lost).toBe("connection lost");
        expect(fake.count("ModifyNetworkConfig")).toBe(1); // step 1 made (its answer came), step 2 not sent
        const intent = readAudit(first).at(-1);
        expect(intent).toMatchObject({ outcome: "intent", action: "ModifyNetworkConfig", switchStep: "off" });
        // the step's task ends on the cloud's side: the address is then on neither instance
        await until("step 1 ended on the fake", () => fake.state.getInstance(CATALOG)?.WanIp !== original.WanIp);

        const next = other ?? (await start(env(second)));
        try {
          // with a shared state the dead replica's locks hold until they lapse (2 s here): refused, nothing sent
          let again = sc(await next.call("switch_address", pair));
          await until(
            "the dead replica's locks lapse",
            async () => {
              if (again.error?.code !== "ResourceUnavailable.InstanceLockedError") return true;
              expect(fake.count("ModifyNetworkConfig")).toBe(1);
              again = sc(await next.call("switch_address", pair));
              return false;
            },
            15_000,
          );
          expect(again.error, JSON.stringify(again)).toBeUndefined();
          expect(again).toMatchObject({ status: "switched", resumed: true });
          expect(again.inFlight).toContainEqual(
            expect.objectContaining({ operationId: intent?.operationId, action: "ModifyNetworkConfig", outcome: "recovered" }),
          );
          const sent = fake.requests
            .filter((q) => q.action === "ModifyNetworkConfig")
            .map((q) => (q.params as { InstanceId: string }).InstanceId);
          expect(sent).toEqual([CATALOG, cloneId]); // each step once: step 1 never resent
          expect(fake.state.getInstance(cloneId)?.WanIp).toBe(original.WanIp);
          assertSettled(intent?.operationId, "recovered");
        } finally {
          await next.close();
        }
      } finally {
        await doomed.close();
      }
    }, 90_000);
  });
}
