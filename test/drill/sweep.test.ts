// The drill sweep (src/operations/drill/sweep.ts) on the sandbox: drills started through the real MCP client, then
// swept as the server does at start and every minute. Only the clones of drills past the maximum lifetime or stuck
// in a step are destroyed (a clone that never ran too); a young drill, a restore's clone and the source are not.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Logger } from "../../src/base/log.js";
import type { DrillDeps } from "../../src/operations/drill/steps.js";
import { DRILL_STEP_MS, sweepDrills } from "../../src/operations/drill/sweep.js";
import { Journal } from "../../src/records/journal.js";
import { AuditLog } from "../../src/records/audit.js";
import { MemoryState } from "../../src/records/store/memory.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;

describe("the drill sweep", () => {
  let h: Harness;
  const state = new MemoryState({ confirmTtlMs: 300_000, rateLimit: 20 });
  let deps: DrillDeps;
  beforeAll(async () => {
    h = await startHarness({
      state,
      fake: { cloneMs: 100 },
      env: { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "" },
    });
    const log = new Logger("error", () => {});
    const journal = new Journal(new AuditLog(undefined, log), state.operations, log, { dedupMs: 0, timeoutMs: 1000 });
    deps = { api: h.created.api, journal, drills: state.drills, log, config: h.config, caller: "sweep" };
  });
  afterAll(() => h?.close());
  beforeEach(() => h.fake.reset());

  const start = async () => sc(await h.call("drill_restore", { instanceId: CATALOG }));
  const destroyed = () =>
    h.fake.requests.filter((q) => q.action === "DestroyPostpaidInstance").map((q) => (q.params as { InstanceId: string }).InstanceId);
  const status = (id: string) => h.fake.state.getInstance(id)?.Status;
  const running = async (id: string) => {
    for (let i = 0; status(id) !== 2 && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
  };

  it("destroys only the clones of drills past the lifetime or stuck, never a young drill's, a restore's clone or the source", async () => {
    const old = await start();
    const young = await start();
    const stuck = await start();
    const restore = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId: old.backupId }));
    expect(restore.status).toBe("cloning");
    for (const id of [old, young, stuck, restore].map((d) => d.cloneInstanceId)) await running(id);
    const now = Date.now();
    // the first drill outlived the lifetime; the third has been verifying for longer than a step
    await state.drills.transition(old.drillId, ["cloning"], {
      times: { requested: now - h.config.drillMaxLifetimeMinutes * 60_000 - 1000 },
    });
    await state.drills.transition(stuck.drillId, ["cloning"], {
      status: "verifying",
      times: { running: now - DRILL_STEP_MS - 1000 },
    });
    const acted = await sweepDrills(deps);
    expect(acted.sort()).toEqual([old.drillId, stuck.drillId].sort());
    expect(destroyed().sort()).toEqual([old.cloneInstanceId, stuck.cloneInstanceId].sort());
    expect(status(young.cloneInstanceId)).toBe(2);
    expect(status(restore.cloneInstanceId)).toBe(2);
    expect(status(CATALOG)).toBe(2);
    for (const d of [old, stuck]) {
      const rec = await state.drills.get(d.drillId);
      expect(rec).toMatchObject({ status: "destroying", error: { code: "ClientError.DrillAbandoned" } });
    }
    // the next sweep follows their destroys to the end and sends nothing more
    for (let i = 0; i < 50 && (await state.drills.open()).length > 1; i++) {
      await sweepDrills(deps);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(destroyed()).toHaveLength(2);
    expect((await state.drills.get(old.drillId))?.status).toBe("failed");
    expect((await state.drills.open()).map((d) => d.drillId)).toEqual([young.drillId]);
  });

  it("a drill whose clone never ran is cleaned up: past the lifetime, its isolated clone ends it without a request", async () => {
    const d = await start();
    h.fake.state.updateInstance(d.cloneInstanceId, { Status: -2 }); // the order failed, the clone isolated
    const past = Date.now() - h.config.drillMaxLifetimeMinutes * 60_000 - 1000;
    await state.drills.transition(d.drillId, ["cloning"], { times: { requested: past } });
    expect(await sweepDrills(deps)).toContain(d.drillId);
    expect(destroyed()).toEqual([]);
    const rec = await state.drills.get(d.drillId);
    expect(rec).toMatchObject({ status: "failed" });
    expect(rec?.times.destroyed).toBeGreaterThan(0);
  });
});
