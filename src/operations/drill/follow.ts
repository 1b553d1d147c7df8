// check_task { drillId } (or { instanceId } of a drill's clone): moves the drill on (steps.ts) for up to
// waitSeconds and answers its report (src/drill/report.ts), which the audit log records once the drill ends.
import type { Extra } from "../../base/request.js";
import { drillReport, renderDrillReport } from "../../drill/report.js";
import { DRILL_TEXTS } from "../../i18n/drill.js";
import type { DrillRecord } from "../../records/store/drills.js";
import type { Answer } from "../../gates/gate.js";
import type { ToolContext } from "../context.js";
import { callerOf } from "../context.js";
import type { DrillTaskAnswer } from "../task-output.js";
import { advanceDrill, type DrillDeps, drillNotFound } from "./steps.js";

/** The drill whose clone this is (by the ledger), if any. */
export async function drillOfClone(ctx: ToolContext, region: string, instanceId: string): Promise<string | undefined> {
  const drills = await ctx.services.safety.state.drills.list({ region, limit: 1000 });
  return drills.find((d) => d.cloneInstanceId === instanceId)?.drillId;
}

export function drillDeps(ctx: ToolContext, caller: string): DrillDeps {
  const { journal, state } = ctx.services.safety;
  return { api: ctx.api, journal, drills: state.drills, log: ctx.log, config: ctx.config, caller };
}

export async function followDrill(
  args: { drillId: string; waitSeconds: number },
  region: string,
  ctx: ToolContext,
  extra: Extra,
): Promise<Answer<DrillTaskAnswer>> {
  const drills = ctx.services.safety.state.drills;
  const before = await drills.get(args.drillId);
  if (!before || before.region !== region) throw drillNotFound(`${args.drillId} in region ${region}`);
  const who = callerOf(extra, ctx);
  const caller = who.id;
  const started = performance.now();
  // moving a drill on sends its destroy: a read-only server, or a caller without redis:restore, only reads it
  const mayChange = !ctx.config.readOnly && who.scopes.includes("redis:restore");
  const rec = mayChange
    ? await advanceDrill(drillDeps(ctx, caller), args.drillId, { waitMs: args.waitSeconds * 1000, signal: extra.signal })
    : before;
  const ended = rec.status === "completed" || rec.status === "failed";
  if (ended && before.status !== rec.status) audit(ctx, rec, caller);
  const report = drillReport(rec);
  const next = ended
    ? report.passed
      ? "The drill passed: its times tell how long a restore of this backup takes. Nothing is left billing."
      : `The drill did not pass: read drill.verification and drill.error.${report.cleanedUp ? "" : " Its clone may still exist: the server's sweep destroys it; look at list_instances."}`
    : mayChange
      ? `Not ended: call check_task { drillId: "${rec.drillId}", waitSeconds: 300 } again.`
      : "Not ended. This server (read-only) or this caller (no redis:restore scope) only reads drills: a caller with that scope moves it on, or the server's sweep destroys its clone.";
  const structured: DrillTaskAnswer = {
    kind: "drill",
    drillId: rec.drillId,
    instanceId: rec.cloneInstanceId ?? rec.sourceInstanceId,
    status: rec.status,
    done: ended,
    succeeded: report.passed,
    message: rec.error ? `${rec.error.code}: ${rec.error.message}` : "",
    drill: { ...report }, // the report (an interface) as the schema's open object
    next,
  };
  if (args.waitSeconds > 0) structured.waitedSeconds = Math.round((performance.now() - started) / 100) / 10;
  if (!ended) structured.nextCheckAfterSeconds = Math.max(1, Math.ceil(ctx.config.poll.maxMs / 1000));
  const text = renderDrillReport(report, DRILL_TEXTS[ctx.config.language]).join("\n");
  return { structured, text: `${text}\n${next}` };
}

/** The drill's end in the audit log: its report's facts (never a password). */
function audit(ctx: ToolContext, rec: DrillRecord, caller: string): void {
  const report = drillReport(rec);
  ctx.services.safety.audit.write({
    event: "drill_restore",
    caller,
    region: rec.region,
    instanceId: rec.sourceInstanceId,
    ...(rec.backupId ? { backupId: rec.backupId } : {}),
    ...(rec.cloneInstanceId ? { cloneInstanceId: rec.cloneInstanceId } : {}),
    drillId: rec.drillId,
    outcome: report.passed ? "submitted" : "failed",
    message:
      `drill ${rec.status}: ${report.passed ? "passed" : "not passed"}; verification ` +
      `${rec.verification ? `${rec.verification.level} level, ${rec.verification.verdict}` : "none"}; restore ` +
      `${report.durations.restoreMs ?? "-"} ms, total ${report.durations.totalMs ?? "-"} ms; clone ` +
      `${report.cleanedUp ? "destroyed" : "not destroyed"}${rec.estimatedCostCny !== undefined ? `; estimated ${rec.estimatedCostCny} CNY` : ""}`,
  });
}
