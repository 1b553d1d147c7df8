/**
 * A restore drill's report: what the tool answers, the audit records and the CLI prints (`--json`), made from the
 * drill's record in the ledger; and its text for a person, in the configured language (src/i18n/drill.ts). The
 * restore plan's one line about an instance's last drill comes from here too.
 */

import type { DrillTexts } from "../i18n/drill.js";
import { type DrillRecord, isPassed, OPEN_DRILL_STATUSES } from "../safety/state/drills.js";

/** The record's identity, what was cloned, its status, verification, cost and error, as the ledger has them. */
type Kept = "drillId" | "region" | "sourceInstanceId" | "backupId" | "pointInTime" | "cloneInstanceId" | "status";

export interface DrillReport extends Pick<DrillRecord, Kept | "verification" | "estimatedCostCny" | "error"> {
  /** Verified (every check passed) and its clone destroyed: the only outcome the CLI exits 0 for. */
  passed: boolean;
  /** The clone no longer bills (destroyed), or never existed (the order failed before delivery). */
  cleanedUp: boolean;
  /** ISO 8601 (UTC). */
  times: { requested: string; running?: string; verified?: string; destroyRequested?: string; destroyed?: string };
  /** Milliseconds: clone requested -> running (the restore time), running -> verified, destroy -> destroyed, all. */
  durations: { restoreMs?: number; verifyMs?: number; destroyMs?: number; totalMs?: number };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const span = (from: number | undefined, to: number | undefined) =>
  from === undefined || to === undefined ? undefined : Math.max(0, to - from);

/** Drops the keys whose value is undefined (the report's JSON has no nulls and no empty keys). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function drillReport(d: DrillRecord): DrillReport {
  const t = d.times;
  return defined({
    drillId: d.drillId,
    region: d.region,
    sourceInstanceId: d.sourceInstanceId,
    backupId: d.backupId,
    pointInTime: d.pointInTime,
    cloneInstanceId: d.cloneInstanceId,
    status: d.status,
    passed: isPassed(d),
    cleanedUp: t.destroyed !== undefined || (d.status === "failed" && d.cloneInstanceId === undefined),
    times: defined({
      requested: new Date(t.requested).toISOString(),
      running: iso(t.running),
      verified: iso(t.verified),
      destroyRequested: iso(t.destroyRequested),
      destroyed: iso(t.destroyed),
    }),
    durations: defined({
      restoreMs: span(t.requested, t.running),
      verifyMs: span(t.running, t.verified),
      destroyMs: span(t.destroyRequested, t.destroyed),
      totalMs: span(t.requested, t.destroyed),
    }),
    verification: d.verification,
    estimatedCostCny: d.estimatedCostCny,
    error: d.error,
  });
}

/** The report for a person: a title, then one line per fact, in the texts' language. */
export function renderDrillReport(r: DrillReport, x: DrillTexts): string[] {
  const lines = [x.title(r.drillId, r.sourceInstanceId)];
  lines.push(x.outcome(r.passed ? "passed" : OPEN_DRILL_STATUSES.includes(r.status) ? "running" : "not_passed"));
  lines.push(r.pointInTime ? x.pointInTime(r.pointInTime) : x.backup(r.backupId ?? "-"));
  if (r.cloneInstanceId) lines.push(x.clone(r.cloneInstanceId));
  lines.push(x.requested(r.times.requested));
  if (r.durations.restoreMs !== undefined) lines.push(x.running(x.duration(r.durations.restoreMs)));
  if (r.durations.verifyMs !== undefined) lines.push(x.verified(x.duration(r.durations.verifyMs)));
  if (r.durations.destroyMs !== undefined) lines.push(x.destroyed(x.duration(r.durations.destroyMs)));
  const v = r.verification;
  if (v) {
    lines.push(x.level(v.level, v.verdict, v.why));
    if (v.keys !== undefined) lines.push(x.keys(v.keys));
    if (v.memoryUsedBytes !== undefined) lines.push(x.memory(v.memoryUsedBytes));
    for (const c of v.checks) lines.push(`  ${x.check(c)}`);
  }
  if (r.estimatedCostCny !== undefined) lines.push(x.cost(r.estimatedCostCny));
  lines.push(x.cleanup(r.cleanedUp));
  if (r.error) lines.push(x.error(r.error.code, r.error.message));
  return lines;
}

/** The restore plan's evidence: "backup X restored in 4 min 12 s on <date>, data verified"; undefined if none. */
export function lastDrillLine(d: DrillRecord | undefined, x: DrillTexts): string | undefined {
  if (!d || !isPassed(d) || d.times.running === undefined || !d.verification) return undefined;
  return x.lastDrill({
    what: d.pointInTime ? { pointInTime: d.pointInTime } : { backupId: d.backupId ?? "-" },
    duration: x.duration(d.times.running - d.times.requested),
    date: new Date(d.times.requested).toISOString().slice(0, 10),
    level: d.verification.level,
  });
}
