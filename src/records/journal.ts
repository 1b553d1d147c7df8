import { randomUUID } from "node:crypto";
import type { Logger } from "../base/log.js";
import { CloudError } from "../cloud/errors.js";
import type { AuditLog, AuditRecord, ChangeMethod } from "./audit.js";
import { keepBounded } from "./store/memory-ledger.js";
import type { OperationLedger } from "./store/types.js";

/** The kinds of change journaled (docs/crash-safety.md), each with the one request it sends and its own settler. */
export const ACTION_OF = {
  restore: "RestoreInstance",
  backup: "ManualBackupInstance",
  clone: "CloneInstances",
  switch: "ModifyNetworkConfig",
  destroy: "DestroyPostpaidInstance",
} as const satisfies Readonly<Record<string, ChangeMethod>>;

export type OperationKind = keyof typeof ACTION_OF;

// Every request that changes the cloud is journaled as a kind: naming here any ChangeMethod left out.
type Unjournaled = Exclude<ChangeMethod, (typeof ACTION_OF)[OperationKind]>;
export const EVERY_METHOD_JOURNALED: [Unjournaled] extends [never] ? true : { unjournaled: Unjournaled } = true;

/** The kind of each request: ACTION_OF read the other way. */
const KIND_OF: ReadonlyMap<ChangeMethod, OperationKind> = new Map(
  Object.entries(ACTION_OF).map(([kind, action]) => [action, kind as OperationKind]),
);

export const kindOf = (intent: AuditRecord): OperationKind | undefined =>
  intent.action ? KIND_OF.get(intent.action) : undefined;

/** One write-ahead operation: its intent and, once known, its last outcome. */
export interface Operation {
  intent: AuditRecord & { operationId: string; time: string };
  outcome?: AuditRecord;
}

/** The outcomes after which the operation's request reached the cloud and took effect. */
const SENT = new Set(["submitted", "recovered"]);

/**
 * Where a crash is simulated, in the sandbox only (TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT; config.ts refuses it
 * against any other cloud): the process kills itself with SIGKILL there, as a crash would.
 */
export type CrashPoint = "after-intent" | "after-answer";

/** How far back `sentMatching` reads the shared ledger. */
const LOOKBACK_MS = 24 * 3600_000;

/** Operations kept in this process's memory (from the audit log's tail and its own). */
const KEPT = 1000;

/**
 * The write-ahead journal of every change to the cloud (docs/crash-safety.md): `begin` appends an `intent` record with a
 * unique operationId to the audit log (fsynced) and to the shared ledger before the request is sent; `finish`
 * appends its outcome with the same operationId. An intent without an outcome is in doubt (its server stopped
 * before it knew): the reconciler settles it against the cloud. At start only the audit log's tail is read (bounded).
 */
export class Journal {
  private readonly ops = new Map<string, Operation>();
  /** Operations whose own call runs in this process: never in doubt while it does. */
  private readonly running = new Set<string>();

  constructor(
    private readonly audit: AuditLog,
    private readonly ledger: OperationLedger,
    private readonly log: Logger,
    private readonly options: { dedupMs: number; timeoutMs: number; crashPoint?: CrashPoint; now?: () => number },
  ) {
    for (const record of audit.tail()) this.note(record);
    ledger.keepFrom?.(() => this.ops.values()); // a shared state that comes back empty gets these back
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Writes the intent (audit log, fsynced, then the shared ledger) right before `kind`'s request is sent;
   * `only` goes into the intent alone (what its settler needs).
   * Throws ClientError.AuditLogUnavailable or StateUnavailable (then nothing is sent). Returns the operationId.
   */
  async begin(record: AuditRecord, kind: OperationKind, only: Partial<AuditRecord> = {}): Promise<string> {
    const operationId = `op_${randomUUID()}`;
    const now = this.now();
    const intent = {
      ...record,
      ...only,
      time: new Date(now).toISOString(),
      deadline: new Date(now + this.options.timeoutMs).toISOString(),
      operationId,
      action: ACTION_OF[kind],
      outcome: "intent",
    } as Operation["intent"];
    for (const key of ["errorCode", "message", "taskId", "requestId"] as const) delete intent[key];
    this.audit.writeIntent(intent, kind);
    this.running.add(operationId);
    this.note(intent);
    try {
      await this.ledger.begin(intent);
    } catch (caught) {
      this.running.delete(operationId);
      // the ledger's own refusal (StateUnavailable, or StateRecovering while a state that lost its data is restored)
      const errorCode = caught instanceof CloudError ? caught.code : "ClientError.StateUnavailable";
      this.finish({ ...record, operationId, action: intent.action, outcome: "refused", errorCode });
      throw caught;
    }
    record.operationId = operationId;
    record.action = intent.action;
    this.crash("after-intent");
    return operationId;
  }

  /** Appends an operation's outcome (same operationId) to the audit log and the shared ledger. */
  finish(outcome: AuditRecord): void {
    const written = { ...outcome, time: outcome.time ?? new Date(this.now()).toISOString() };
    this.audit.write(written);
    this.note(written);
    if (written.operationId) this.running.delete(written.operationId);
    void this.ledger.settle(written);
  }

  /** For the crash matrix: dies here when the sandbox's crash point is this one. */
  crash(point: CrashPoint): void {
    if (this.options.crashPoint !== point) return;
    this.log.warning("sandbox crash point reached: the process kills itself (SIGKILL)", { point });
    process.kill(process.pid, "SIGKILL");
  }

  /** The operations in doubt on an instance (or every one), this process's and every replica's. */
  async inDoubt(where?: { region?: string; instanceId: string }): Promise<Operation[]> {
    await this.merge();
    return [...this.ops.values()].filter(
      (op) =>
        !this.running.has(op.intent.operationId) &&
        !op.outcome &&
        (!where || concerns(op.intent, where)),
    );
  }

  /**
   * The newest operation of `kind` on the instance that reached the cloud within the dedup window and matches
   * `same` (a restore: the same backup), if any.
   */
  async lastSent(
    kind: OperationKind,
    where: { region?: string; instanceId: string },
    same: (intent: AuditRecord) => boolean,
  ): Promise<Operation | undefined> {
    if (this.options.dedupMs <= 0) return undefined;
    await this.merge();
    const since = this.now() - this.options.dedupMs;
    let best: Operation | undefined;
    for (const op of this.ops.values()) {
      const at = Date.parse(op.intent.time);
      if (kindOf(op.intent) !== kind || !op.outcome || !SENT.has(op.outcome.outcome) || at < since) continue;
      if (!concerns(op.intent, where) || !same(op.intent)) continue;
      if (!best || at > Date.parse(best.intent.time)) best = op;
    }
    return best;
  }

  /** The operations of `kind` on the instance this journal knows (the audit log's tail, the ledger), oldest first. */
  async operationsOf(kind: OperationKind, where: { region?: string; instanceId: string }): Promise<Operation[]> {
    await this.merge();
    return [...this.ops.values()]
      .filter((op) => kindOf(op.intent) === kind && concerns(op.intent, where))
      .sort((a, b) => Date.parse(a.intent.time) - Date.parse(b.intent.time));
  }

  /** Every operation of `kind` this journal knows, whatever its instance, oldest first. */
  async operationsOfKind(kind: OperationKind): Promise<Operation[]> {
    await this.merge();
    return [...this.ops.values()]
      .filter((op) => kindOf(op.intent) === kind)
      .sort((a, b) => Date.parse(a.intent.time) - Date.parse(b.intent.time));
  }

  /** Operations settled by reconciliation on the instance within the dedup window: what was in flight. */
  async settledOn(where: { region?: string; instanceId: string }): Promise<Operation[]> {
    const since = this.now() - Math.max(this.options.dedupMs, 30 * 60_000);
    return [...this.ops.values()].filter(
      (op) => op.outcome?.reconciled === true && concerns(op.intent, where) && Date.parse(op.intent.time) >= since,
    );
  }

  /** Task IDs already claimed by an operation (a settler never gives one task to two operations). */
  claimedTasks(): Set<number> {
    const ids = new Set<number>();
    for (const op of this.ops.values()) if (op.outcome?.taskId !== undefined) ids.add(op.outcome.taskId);
    return ids;
  }

  /**
   * The operations of `kind` on the instance that were sent and that `same` picks, newest last, looked up whatever
   * the dedup window (within the last day): what a used approval started, for its repeat.
   */
  async sentMatching(
    kind: OperationKind,
    where: { region?: string; instanceId: string },
    same: (intent: AuditRecord) => boolean,
  ): Promise<Operation[]> {
    await this.merge(this.now() - LOOKBACK_MS);
    return [...this.ops.values()]
      .filter((op) => kindOf(op.intent) === kind && concerns(op.intent, where) && same(op.intent))
      .filter((op) => op.outcome !== undefined && SENT.has(op.outcome.outcome))
      .sort((a, b) => Date.parse(a.intent.time) - Date.parse(b.intent.time));
  }

  /** Brings in the shared ledger's operations (another replica's intents and outcomes). */
  private async merge(from?: number): Promise<void> {
    const since = from ?? this.now() - Math.max(this.options.dedupMs, 0);
    for (const entry of await this.ledger.list(since)) {
      this.note(entry.intent);
      if (entry.outcome) this.note(entry.outcome);
    }
  }

  /** Takes in one record: an intent opens an operation, a later record with its operationId is its outcome. */
  private note(record: AuditRecord): void {
    const id = record.operationId;
    if (!id || typeof record.time !== "string") return;
    const known = this.ops.get(id);
    if (record.outcome === "intent") {
      if (!known) this.keep(id, { intent: record as Operation["intent"] });
      return;
    }
    if (!known) return; // its intent is older than the tail: it was settled long ago
    const later = !known.outcome || Date.parse(record.time) >= Date.parse(known.outcome.time ?? "");
    if (later) known.outcome = record;
  }

  private keep(id: string, op: Operation): void {
    keepBounded(this.ops, id, op, KEPT);
  }
}

/** Whether an intent changes this instance (a switch: either of its two instances). */
function concerns(intent: AuditRecord, where: { region?: string; instanceId: string }): boolean {
  if (where.region !== undefined && intent.region !== undefined && intent.region !== where.region) return false;
  return intent.instanceId === where.instanceId || intent.toInstanceId === where.instanceId;
}
