import { approvalStep } from "../approval/step.js";
import type { Extra } from "../base/request.js";
import type { Answer, Change, Earlier } from "../gates/gate.js";
import { throughGates } from "../gates/order.js";
import type { AuditRecord } from "../records/audit.js";
import { approvalParts, type Progress, type ToolContext } from "./context.js";

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
