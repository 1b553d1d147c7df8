// Nothing left billing (docs/drill.md): at start and every minute, the drills that will not end by themselves have
// their clone destroyed, and only those: a drill past the maximum lifetime (the clone never ran, or nobody followed
// it), a drill stuck in a step (its verifier or destroyer stopped), and a drill the journal shows whose server
// stopped before it ended (the ledger in memory went with it). Every destroy goes through steps.ts's ownership check.
import { CloudError } from "../../cloud/errors.js";
import type { DrillRecord } from "../../records/store/drills.js";
import { ABANDONED, advanceDrill, abandoned, type DrillDeps, sendDestroy } from "./steps.js";

/** A drill in verifying or destroying longer than this has lost its caller (a verification takes 30 s at most). */
export const DRILL_STEP_MS = 5 * 60_000;
export const SWEEP_EVERY_MS = 60_000;

/** One sweep; answers the drills whose clone it destroyed (or found gone). Never throws. */
export async function sweepDrills(d: DrillDeps, now = Date.now()): Promise<string[]> {
  const acted: string[] = [];
  const note = (id: string, caught?: unknown) => {
    if (caught === undefined) acted.push(id);
    else d.log.warning("drill sweep: not cleaned up yet", { drillId: id, code: caught instanceof CloudError ? caught.code : "unexpected" });
  };
  for (const rec of await orphans(d).catch(() => [])) {
    await sendDestroy(d, rec).then(() => note(rec.drillId), (caught: unknown) => note(rec.drillId, caught));
  }
  const lifetime = d.config.drillMaxLifetimeMinutes * 60_000;
  for (const rec of await d.drills.open().catch(() => [] as DrillRecord[])) {
    const old = now - rec.times.requested > lifetime;
    try {
      if (rec.status === "destroying") {
        const since = rec.times.destroyRequested ?? rec.times.verified ?? rec.times.running ?? rec.times.requested;
        if (rec.destroyTaskId !== undefined) await advanceDrill(d, rec.drillId, { waitMs: 0 });
        // abandoned (by a sweep or a stopped runner): nobody else sends its destroy
        else if (now - since > DRILL_STEP_MS || old || rec.error?.code === ABANDONED) await sendDestroy(d, rec);
        else continue;
      } else {
        const stuck = rec.status === "verifying" && now - (rec.times.running ?? rec.times.requested) > DRILL_STEP_MS;
        if (!old && !stuck) continue;
        const why = old ? "it outlived the drills' maximum lifetime" : "its verification stopped";
        const won = await d.drills.transition(rec.drillId, [rec.status], { status: "destroying", error: abandoned(why) });
        if (!won) continue;
        await sendDestroy(d, won);
      }
      note(rec.drillId);
    } catch (caught) {
      note(rec.drillId, caught);
    }
  }
  if (acted.length > 0) d.log.notice("drill sweep: clones of unended drills destroyed", { drills: acted.join(", ") });
  return acted;
}

/**
 * The drills the journal shows (their CloneInstances' intent and outcome) that no one can follow: the ledger does not
 * know them (a server with its ledger in memory stopped before they ended: recorded again as destroying, unless
 * their clone was never made or a destroy of it was already sent), or their CloneInstances was settled by
 * reconciliation (its server stopped before answering, so no agent has the drill's ID).
 */
async function orphans(d: DrillDeps): Promise<DrillRecord[]> {
  const found: DrillRecord[] = [];
  for (const op of await d.journal.operationsOfKind("clone")) {
    const drillId = op.intent.drillId;
    const out = op.outcome;
    if (!drillId || !out) continue;
    const cloneId = out.cloneInstanceId ?? (out.reconciled && out.outcome === "recovered" ? out.found : undefined);
    const known = await d.drills.get(drillId);
    if (known) {
      // settled by reconciliation: its call never answered, so nobody has the drill's ID to follow it
      if (!out.reconciled || !cloneId || !["cloning", "verifying"].includes(known.status)) continue;
      const patch = { status: "destroying" as const, cloneInstanceId: cloneId, error: abandoned("its server stopped before it answered") };
      const won = await d.drills.transition(drillId, ["cloning", "verifying"], patch);
      if (won) found.push(won);
      continue;
    }
    if (!cloneId) continue; // never made (not_sent, failed): nothing bills
    const destroys = await d.journal.operationsOf("destroy", { region: op.intent.region, instanceId: cloneId });
    if (destroys.some((x) => x.outcome?.outcome === "submitted" || x.outcome?.outcome === "recovered")) continue;
    const rec: DrillRecord = {
      drillId,
      region: op.intent.region ?? d.config.region ?? "",
      sourceInstanceId: op.intent.instanceId,
      ...(op.intent.backupId ? { backupId: op.intent.backupId } : {}),
      ...(op.intent.instanceName ? { cloneName: op.intent.instanceName } : {}),
      cloneInstanceId: cloneId,
      times: { requested: Date.parse(op.intent.time) },
      status: "destroying",
      error: abandoned("its server stopped before the drill ended"),
      ...(op.intent.caller ? { caller: op.intent.caller } : {}),
    };
    await d.drills.create(rec);
    found.push(rec);
  }
  return found;
}

/** Sweeps now (after `ready`: the operations in doubt settled) and every SWEEP_EVERY_MS; answers the stop. */
export function startDrillSweep(d: DrillDeps, ready: Promise<unknown>): () => void {
  let running: Promise<unknown> = ready.then(() => sweepDrills(d));
  const timer = setInterval(() => {
    running = running.then(() => sweepDrills(d));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** A drill whose runner stops (the CLI's SIGTERM): its clone destroyed now, unless another caller already ends it. */
export async function abandonDrill(d: DrillDeps, drillId: string, why: string): Promise<DrillRecord | undefined> {
  const won = await d.drills.transition(drillId, ["cloning", "verifying"], { status: "destroying", error: abandoned(why) });
  if (won) await sendDestroy(d, won);
  return advanceDrill(d, drillId, { waitMs: 30_000 });
}
