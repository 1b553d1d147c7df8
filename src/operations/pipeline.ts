import { approvalStep } from "../approval/step.js";
import type { Extra } from "../base/request.js";
import type { Answer, Change, Earlier } from "../gates/gate.js";
import { throughGates } from "../gates/order.js";
import type { AuditRecord } from "../records/audit.js";
import type { RestoreOutcome } from "../base/metrics.js";
import { CloudError } from "../cloud/errors.js";
import type { OperationKind } from "../records/journal.js";
import { approvalParts, callerOf, type ToolContext } from "./context.js";

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
    sent: async (kind, where, same, window) => {
      const { journal } = safety;
      if (window === "day") return journal.sentMatching(kind, where, same);
      const op = await journal.lastSent(kind, where, same);
      return op ? [op] : [];
    },
    region: "",
    settled: [],
    approval: { kind: "none" },
    held: [],
  });
}

/** What an operation is given for one call besides its arguments: the call's context, its audit record and progress. */
export interface ChangeCall {
  ctx: ToolContext;
  extra: Extra;
  record: AuditRecord;
  progress: Progress;
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

/** Where a call that changes an instance stands: `intent` writes the operation's intent right before sending. */
export interface Progress {
  /** The request may have reached the API. */
  sent: boolean;
  /** Journals the intent (audit log fsynced, shared ledger), then counts the request as sent. */
  intent(kind: OperationKind, only?: Partial<AuditRecord>): Promise<void>;
}

/**
 * Runs a call that changes an instance so that its audit record is written, and its outcome counted, whatever
 * happens. `run` calls `progress.intent(kind)` right before its request: from then on the call is one
 * write-ahead operation (docs/crash-safety.md) and its record is the operation's outcome (same operationId). A failure
 * after it is `failed` (the API answered an error) or `outcome_unknown`, before it the record stays `refused`.
 */
export async function audited<T>(
  ctx: ToolContext,
  record: AuditRecord,
  count: (outcome: RestoreOutcome) => void,
  run: (progress: Progress) => Promise<T>,
): Promise<T> {
  const { journal, audit } = ctx.services.safety;
  const progress: Progress = {
    sent: false,
    async intent(kind, only) {
      await journal.begin(record, kind, only);
      progress.sent = true;
    },
  };
  const end = () => {
    if (record.operationId) journal.finish(record);
    else audit.write(record);
    count(record.outcome as RestoreOutcome);
  };
  try {
    const out = await run(progress);
    if (record.operationId) journal.crash("after-answer");
    end();
    return out;
  } catch (caught) {
    const error = caught instanceof CloudError ? caught : undefined;
    if (progress.sent) record.outcome = error?.entry.category === "outcome_unknown" ? "outcome_unknown" : "failed";
    record.errorCode = error?.code ?? "ClientError.Internal";
    record.message = error?.message;
    record.requestId = error?.requestId;
    end();
    throw caught;
  }
}
