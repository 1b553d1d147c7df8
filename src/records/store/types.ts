import type { Budget } from "../../cloud/budget.js";
import { CloudError } from "../../cloud/errors.js";
import type { TaskKind } from "../../cloud/views.js";
import type { AuditRecord } from "../audit.js";
import type { Binding } from "./memory-tokens.js";
import type { ApprovalStore } from "./approvals.js";
import type { DrillLedger } from "./drills.js";

/** Issues and spends confirmation tokens (TENCENTCLOUD_REDIS_CONFIRM=token). */
export interface TokenStore {
  issue(binding: Binding): Promise<{ token: string; expiresAt: number }>;
  /**
   * Spends the token: of any number of concurrent presentations, on any replica, exactly one gets past this.
   * Throws ClientError.ConfirmationInvalid unless it was alive and bound to exactly `binding`.
   */
  consume(token: string, binding: Binding): Promise<void>;
}

/** Who holds an instance's restore lock: shown to a second caller that is refused. */
export interface LockDetails {
  caller?: string;
  backupId: string;
  confirm: string;
  startedAt: number;
}

export interface HeldLock {
  /** Throws ClientError.StateUnavailable unless the lock is still ours (checked right before sending). */
  assertHeld(): Promise<void>;
  /** Gives the lock back (only if still ours). Never throws. */
  release(): Promise<void>;
}

/** The per-instance restore lock: one restore of an instance in flight at a time, across every replica. */
export interface LockStore {
  /** Takes the lock or throws ResourceUnavailable.InstanceLockedError naming the holder (or StateUnavailable). */
  acquire(region: string, instanceId: string, details: LockDetails): Promise<HeldLock>;
}

/** What the server knows of a task: a replica started it, or one looked up its kind. Never a secret. */
export interface KnownTask {
  kind: TaskKind;
  region: string;
  instanceId: string;
  /** For a backup started by backup_instance: the Remark it was sent with (check_task names the new backup by it). */
  remark?: string;
  /** For a backup task looked up in DescribeTaskList: the type of backup it makes ("0" manual, "1" automatic). */
  backupType?: "0" | "1";
  /** When it was remembered (epoch ms). */
  startedAt: number;
}

/**
 * The task ledger: the tasks the replicas started (and the kinds they looked up), for check_task. A read
 * helper: it never throws; a store that fails answers "not known" and check_task looks the task up instead.
 */
export interface TaskLedger {
  remember(taskId: number, task: KnownTask): Promise<void>;
  get(taskId: number, region: string): Promise<KnownTask | undefined>;
}

/**
 * The write-ahead operations shared by every replica (docs/crash-safety.md): each intent of a change to the cloud, and its
 * outcome once known, so that another replica (or this one after a restart) sees an operation in doubt. The
 * records are audit records (no secret). In memory it only holds for this process.
 */
export interface OperationLedger {
  /** Records an intent before its request is sent; throws ClientError.StateUnavailable when it cannot. */
  begin(intent: AuditRecord): Promise<void>;
  /** Records the outcome of an operation (by its operationId). Never throws: the audit log has it too. */
  settle(outcome: AuditRecord): Promise<void>;
  /** The operations still in doubt, and those whose intent is at most `sinceMs` old (bounded). Never throws. */
  list(sinceMs: number): Promise<Array<{ intent: AuditRecord; outcome?: AuditRecord }>>;
  /** In Redis: the journal whose operations are put back when the state comes back empty (epoch.ts). */
  keepFrom?(source: () => Iterable<{ intent: AuditRecord; outcome?: AuditRecord }>): void;
}

/**
 * Small records kept across calls (and replicas): a clone's order (for check_task) and a switch_address
 * in progress (to resume it). Never a secret.
 */
export interface RecordStore {
  /** Throws ClientError.StateUnavailable when it cannot be written: a change must not go on unrecorded. */
  put(key: string, value: Record<string, unknown>, ttlMs: number): Promise<void>;
  /** Throws ClientError.StateUnavailable when the store cannot be read. */
  get(key: string): Promise<Record<string, unknown> | undefined>;
  delete(key: string): Promise<void>;
}

/**
 * The safety state of a server process: in its own memory, or in Redis and shared by every replica
 * (TENCENTCLOUD_REDIS_STATE_URL). One per process, shared by all of its MCP sessions.
 */
export interface SafetyState {
  readonly kind: "memory" | "redis";
  readonly tokens: TokenStore;
  readonly locks: LockStore;
  /** The tasks started (or looked up) by this process, or by every replica when in Redis. */
  readonly tasks: TaskLedger;
  /** The write-ahead operations (intents and outcomes): this process's, or every replica's in Redis. */
  readonly operations: OperationLedger;
  /** A clone's order, a switch in progress. */
  readonly records: RecordStore;
  /** The API budget the cloud client takes its permits from. */
  readonly budget: Budget;
  /** Approval requests and decisions (docs/approval.md): what a second person approved, used once. */
  readonly approvals: ApprovalStore;
  /** The restore drills: each one's clone, times, verification and cost (drills.ts). */
  readonly drills: DrillLedger;
  /**
   * Throws ClientError.StateUnavailable when the shared state cannot be used right now. Every tool that
   * changes an instance calls it first (fail closed); read tools do not need it.
   */
  assertAvailable(): void;
  close(): Promise<void>;
}

/** The error of a change refused because the shared state store is not answering. Nothing was sent. */
export function stateUnavailable(reason: string): CloudError {
  return new CloudError(
    "ClientError.StateUnavailable",
    `The shared safety state (Redis, TENCENTCLOUD_REDIS_STATE_URL) is not available (${reason}), so this change ` +
      "is refused: without it the guarantees across replicas cannot hold. Nothing was sent.",
    { notSent: true },
  );
}

/** The refusal of a second restore of an instance while one is in flight (on this replica or another). */
export function instanceLocked(instanceId: string, holder: LockDetails, where: "here" | "shared"): CloudError {
  const by = holder.caller ? ` by ${holder.caller}` : "";
  const started = new Date(holder.startedAt).toISOString();
  return new CloudError(
    "ResourceUnavailable.InstanceLockedError",
    `Refused: a restore of ${instanceId} (started${by} at ${started}) is already in progress ` +
      `${where === "here" ? "here" : "on this server or another replica"}. Nothing was sent.`,
    {
      notSent: true,
      override: {
        retryable: true,
        hint:
          `Another restore_instance call for ${instanceId} (backup ${holder.backupId}${by}, confirmation ` +
          `${holder.confirm}, started ${started}) has not finished. Wait for its result and follow its taskId with ` +
          "check_task; only if a restore is still wanted once it has ended, call again.",
      },
    },
  );
}
