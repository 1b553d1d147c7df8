import { approvalStep } from "../approval/step.js";
import type { Extra } from "../base/request.js";
import type { Answer, Change, Earlier } from "../gates/gate.js";
import { throughGates } from "../gates/order.js";
import type { AuditRecord } from "../records/audit.js";
import type { RestoreOutcome } from "../base/metrics.js";
import { approvalParts, audited, callerOf, type Progress, type ToolContext } from "./context.js";

/**
 * The one guarded path of every change (restore in place, restore by clone, switch address, manual backup): the
 * change declares what differs, the gates (src/gates/order.ts) run in their one order, then it is sent.
 */
export function runChange<Pre, E extends Earlier>(
  ctx: ToolContext,
  extra: Extra,
  record: AuditRecord,
  progress: Progress,
  change: Change<Pre, E>,
): Promise<Answer> {
  const safety = ctx.services.safety;
  return throughGates<Pre, E>({
    change,
    config: ctx.config,
    metrics: ctx.metrics,
    record,
    tokens: safety.tokens,
    locks: safety.locks,
    audit: safety.audit,
    state: safety.state,
    settle: (where) => safety.reconciler.before(where, ctx),
    approve: (input) => approvalStep(approvalParts(ctx, record), extra, record, input),
    journal: (kind, only) => progress.intent(kind, only),
    region: "",
    settled: [],
    approval: { kind: "none" },
    held: [],
  });
}

/** What a change's call writes in its audit record before anything else: the event and what the call names. */
export type CallRecord = Omit<AuditRecord, "caller" | "region" | "outcome"> & { region?: string };

/**
 * One call of a change, the same for every tool that makes one: its audit record (the call's caller, the region
 * asked or the server's, `refused` until the change goes further), then the change through the gates, audited
 * whatever happens (once its intent is journaled the record is the operation's outcome).
 */
export function runChangeCall<Pre, E extends Earlier>(
  ctx: ToolContext,
  extra: Extra,
  fields: CallRecord,
  count: (outcome: RestoreOutcome) => void,
  change: (record: AuditRecord, progress: Progress) => Change<Pre, E>,
): Promise<Answer> {
  const { event, region, ...named } = fields;
  const record: AuditRecord = {
    ...(event === undefined ? {} : { event }),
    caller: callerOf(extra, ctx).id,
    region: region ?? ctx.config.region,
    ...named,
    outcome: "refused",
  };
  return audited(ctx, record, count, (progress) => runChange(ctx, extra, record, progress, change(record, progress)));
}
