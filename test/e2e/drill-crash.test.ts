// The crash matrix's drill rows (as test/e2e/crash.test.ts does it): the BUILT server killed with SIGKILL during a
// drill, then a new server on the same audit log. After the clone was requested and before its destroy: the next
// start destroys that clone, exactly once, and nothing else. Killed before CloneInstances was sent: nothing to destroy.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { fakeEnv } from "../helpers/harness.js";
import { alive, eventually } from "../helpers/redis.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";
import { startStdio } from "../helpers/stdio.js";
import { readAudit } from "../safety/helpers.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;

for (const shared of [false, true]) {
  describe(
    shared
      ? "crash matrix, restore drill: a new server on the same real redis-server state"
      : "crash matrix, restore drill: a new server on the same audit log",
    () => {
      let fake: FakeCloud;
      let redis: StateRedis | undefined;
      let dir: string;
      let run = 0;
      const env = (audit: string, extra: Record<string, string> = {}) =>
        fakeEnv(fake, {
          TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
          TENCENTCLOUD_REDIS_AUDIT_LOG: audit,
          TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "1",
          ...(redis ? { TENCENTCLOUD_REDIS_STATE_URL: redis.url, TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS: "2" } : {}),
          ...extra,
        });
      const destroys = () =>
        fake.requests
          .filter((q) => q.action === "DestroyPostpaidInstance")
          .map((q) => (q.params as { InstanceId: string }).InstanceId);

      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), "tcrmcp-drill-crash-"));
        fake = await FakeCloud.start({ preparingMs: 20, runningMs: 60, cloneMs: 100 });
        if (shared) redis = await startStateRedis();
      });
      afterAll(async () => {
        await fake?.close();
        await redis?.close();
        rmSync(dir, { recursive: true, force: true });
      });
      beforeEach(async () => {
        fake.reset();
        await redis?.command("FLUSHALL");
      });

      for (const point of ["after-answer", "after-intent"] as const) {
        it(`killed ${point === "after-answer" ? "after the clone was requested, before the destroy" : "after the intent, before CloneInstances"}`, async () => {
          run += 1;
          const audit = join(dir, `${run}.jsonl`);
          const doomed = await startStdio([], env(audit, { TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: point }));
          const pid = doomed.transport.pid ?? 0;
          try {
            const lost = doomed.call("drill_restore", { instanceId: CATALOG }).then(
              () => "answered",
              () => "connection lost",
            );
            expect(await lost).toBe("connection lost");
            expect(await eventually(() => !alive(pid))).toBe(true);
          } finally {
            await doomed.close().catch(() => {});
          }
          expect(fake.count("CloneInstances")).toBe(point === "after-answer" ? 1 : 0);
          const intent = readAudit(audit).at(-1);
          expect(intent).toMatchObject({ outcome: "intent", action: "CloneInstances", instanceId: CATALOG });
          expect(intent?.drillId).toMatch(/^dr_[0-9a-f]{12}$/);
          const clone = fake.state.listInstances().find((i) => i.InstanceName === intent?.instanceName)?.InstanceId;
          expect(clone === undefined).toBe(point === "after-intent");

          const next = await startStdio([], env(audit));
          try {
            if (point === "after-answer") {
              await until("the next start destroyed the clone", () => destroys().length === 1, 20_000);
              expect(destroys()).toEqual([clone]);
              await until("the destroy is in the audit log", () =>
                readAudit(audit).some((l) => l.action === "DestroyPostpaidInstance" && l.outcome === "submitted"),
              );
              const lines = readAudit(audit).filter((l) => l.action === "DestroyPostpaidInstance");
              expect(lines.map((l) => l.outcome)).toEqual(["intent", "submitted"]);
              expect(lines[0]).toMatchObject({ instanceId: clone, drillId: intent?.drillId, caller: "sweep" });
            }
            // a second sweep (a later start) sends nothing more
            await next.close();
            const again = await startStdio([], env(audit));
            try {
              await new Promise((r) => setTimeout(r, 1500));
              expect(destroys()).toEqual(point === "after-answer" ? [clone] : []);
              expect(fake.state.getInstance(CATALOG)?.Status).toBe(2);
              if (clone) expect(fake.state.getInstance(clone)?.Status).toBe(-2);
            } finally {
              await again.close();
            }
          } finally {
            await next.close().catch(() => {});
          }
        }, 60_000);
      }
    },
  );
}
