import type { RedisApi } from "../cloud/api.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../base/log.js";
import { type Metrics, NO_METRICS } from "../base/metrics.js";
import { ApprovalGate } from "../approval/gate.js";
import { AuditLog } from "../records/audit.js";
import { CallerGate } from "../gates/caller-gate.js";
import { Journal } from "../records/journal.js";
import { KnownTasks } from "../records/known-tasks.js";
import { Reconciler } from "./settle.js";
import { MemoryState } from "../records/store/memory.js";
import type { LockStore, SafetyState, TokenStore } from "../records/store/types.js";

/**
 * The safety state of one server process: confirmation tokens, per-instance restore locks, the audit log, the
 * tasks it knows (their kind, for check_task), and (HTTP) the per-caller fairness gate. Shared by every session.
 */
export interface Safety {
  tokens: TokenStore;
  locks: LockStore;
  audit: AuditLog;
  /** Where tokens and locks live (memory, or Redis shared by replicas); changes call assertAvailable first. */
  state: SafetyState;
  tasks: KnownTasks;
  /** The write-ahead journal of every change to the cloud, and what settles its operations in doubt (docs/crash-safety.md). */
  journal: Journal;
  reconciler: Reconciler;
  gate?: CallerGate;
  /** Approval by a second person (docs/approval.md): the one gate every destructive tool goes through when it applies. */
  approvals: ApprovalGate;
}

export function createSafety(
  config: Config,
  log: Logger,
  api: RedisApi,
  options: { maxInflightPerCaller?: number; state?: SafetyState; metrics?: Metrics } = {},
): Safety {
  const state = options.state ?? new MemoryState(config);
  const audit = new AuditLog(config.auditLogPath, log);
  const journal = new Journal(audit, state.operations, log, {
    dedupMs: config.restoreDedupMinutes * 60_000,
    timeoutMs: config.timeoutMs,
    crashPoint: config.crashPoint,
  });
  return {
    tokens: state.tokens,
    locks: state.locks,
    audit,
    approvals: new ApprovalGate(config, state.approvals, audit, log, options.metrics ?? NO_METRICS),
    state,
    tasks: new KnownTasks(state.tasks),
    journal,
    reconciler: new Reconciler(api, journal, log),
    ...(options.maxInflightPerCaller !== undefined ? { gate: new CallerGate(options.maxInflightPerCaller) } : {}),
  };
}
