import type { RedisApi } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import { sleep } from "../cloud/limiter.js";
import type { Logger } from "../base/log.js";
import type { AuditRecord } from "../records/audit.js";
import { type Journal, kindOf, type Operation, type OperationKind } from "../records/journal.js";
import { settleBackup } from "./backup-settle.js";
import { settleClone } from "./restore-clone/settle.js";
import { settleDestroy } from "./drill/settle.js";
import { settleRestore } from "./restore-in-place/settle.js";
import type { SettleContext, Settlement } from "./settlement.js";
import { settleSwitch } from "./switch-address/settle.js";

/**
 * One settler per kind of operation, each beside its operation (docs/crash-safety.md). Each reads the cloud only; it returns the
 * settlement, or undefined when it cannot tell yet (the intent is too recent: looked at again later), and
 * throws when the cloud cannot be read (the operation stays in doubt).
 */
export const SETTLERS: Readonly<Record<OperationKind, (c: SettleContext) => Promise<Settlement | undefined>>> = {
  restore: settleRestore,
  backup: settleBackup,
  clone: settleClone,
  switch: settleSwitch,
  destroy: settleDestroy,
};

/**
 * Settles the operations in doubt (docs/crash-safety.md): at start (in the background, the first MAX_AT_START of them) and
 * before a change to an instance is planned or sent. A settled operation gets its outcome record (same
 * operationId, `reconciled: true`); one that cannot be settled refuses changes to its instance.
 */
export class Reconciler {
  private readonly pending = new Map<string, Promise<Operation | undefined>>();

  constructor(
    private readonly api: RedisApi,
    private readonly journal: Journal,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** At start: settles what the audit log's tail and the shared ledger leave in doubt. Never throws. */
  async atStart(): Promise<void> {
    const ops = (await this.journal.inDoubt().catch(() => [])).slice(0, MAX_AT_START);
    if (ops.length > 0) this.log.notice("operations in doubt found at start: settling them", { count: ops.length });
    const own = { api: this.api, log: this.log };
    await Promise.all(ops.map((op) => this.settle(op, false, own).catch(() => undefined)));
  }

  /**
   * Before a change to the instance: settles every operation on it in doubt, waiting (up to the request
   * timeout) for a recent one. Throws ClientError.OperationInDoubt when one cannot be settled. Returns the
   * operations on the instance that were settled by reconciliation (what was in flight). `call`: the tool
   * call's API view and logger, so that the reads and the record of a settlement carry its caller.
   */
  async before(where: { region: string; instanceId: string }, call: SettleCall): Promise<Operation[]> {
    for (const op of await this.journal.inDoubt(where)) {
      let settled: Operation | undefined;
      try {
        settled = await this.settle(op, true, call);
      } catch (caught) {
        throw inDoubt(op, caught instanceof CloudError ? caught.code : "the cloud could not be read");
      }
      if (!settled) {
        const after = new Date(ripeTime(op.intent)).toISOString();
        throw inDoubt(op, `nothing tells yet whether it was sent; it can be settled after ${after}`);
      }
    }
    return this.journal.settledOn(where);
  }

  /** Settles one operation (once at a time in this process); undefined when it cannot tell yet. */
  private settle(op: Operation, wait: boolean, call: SettleCall): Promise<Operation | undefined> {
    const id = op.intent.operationId;
    let pending = this.pending.get(id);
    if (!pending) {
      pending = this.run(op, wait, call).finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private async run(op: Operation, wait: boolean, call: SettleCall): Promise<Operation | undefined> {
    const kind = kindOf(op.intent);
    if (!kind) return undefined;
    const ripeAt = ripeTime(op.intent);
    const look = () =>
      SETTLERS[kind]({
        api: call.api,
        intent: op.intent,
        claimed: this.journal.claimedTasks(),
        old: this.now() >= ripeAt,
      });
    let found = await look();
    if (!found && wait && ripeAt - this.now() <= MAX_WAIT_MS) {
      await sleep(Math.max(0, ripeAt - this.now()));
      found = await look();
    }
    if (!found) return undefined;
    const outcome: AuditRecord = {
      ...op.intent,
      time: undefined,
      deadline: undefined, // the intent's own
      knownTasks: undefined,
      outcome: found.outcome,
      reconciled: true,
      message: found.message,
      ...(found.taskId === undefined ? {} : { taskId: found.taskId }),
      ...(found.found === undefined ? {} : { found: found.found }),
    };
    this.journal.finish(outcome);
    call.log.notice("operation in doubt settled", {
      operationId: op.intent.operationId,
      action: op.intent.action,
      instanceId: op.intent.instanceId,
      outcome: found.outcome,
      taskId: found.taskId,
    });
    return { intent: op.intent, outcome };
  }
}

/** Whose reads settle an operation and who logs it: a tool call's API view and logger, or the process's at start. */
export interface SettleCall {
  api: RedisApi;
  log: Logger;
}

/** A call waits at most this long for a recent operation in doubt to become old enough to settle. */
const MAX_WAIT_MS = 10_000;
/** After its sender's deadline, the cloud has had this long to show what the request did. */
const GRACE_MS = 2000;

/**
 * When an intent is old enough that "nothing found" means "it did not take effect": its server stopped waiting
 * for the answer at its deadline (its request timeout), plus a grace. An intent without one: a minute.
 */
export function ripeTime(intent: Operation["intent"]): number {
  const deadline = Date.parse(intent.deadline ?? "");
  return (Number.isNaN(deadline) ? Date.parse(intent.time) + 60_000 : deadline) + GRACE_MS;
}

/** At most this many operations are settled at start (the rest before a change to their instance). */
const MAX_AT_START = 20;

/** The refusal of a change while an operation on the instance is in doubt. Nothing was sent. */
function inDoubt(op: Operation, why: string): CloudError {
  const i = op.intent;
  const what = i.action === "RestoreInstance" ? `restore of ${i.instanceId} from backup ${i.backupId}` : `${i.action} of ${i.instanceId}`;
  return new CloudError(
    "ClientError.OperationInDoubt",
    `Refused: a ${what} (operation ${i.operationId}, by ${i.caller} at ${i.time}) was in flight when its server ` +
      `stopped, and it could not be settled yet (${why}). Nothing was sent.`,
    { notSent: true },
  );
}
