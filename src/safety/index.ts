import type { RedisApi } from "../cloud/api.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { AuditLog } from "./audit.js";
import { CallerGate } from "./fairness.js";
import { Journal } from "./journal.js";
import { KnownTasks } from "./known-tasks.js";
import { Reconciler } from "./settle.js";
import { MemoryState } from "./state/memory.js";
import type { LockStore, SafetyState, TokenStore } from "./state/types.js";

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
  /** The write-ahead journal of every change to the cloud, and what settles its operations in doubt (issue 18). */
  journal: Journal;
  reconciler: Reconciler;
  gate?: CallerGate;
}

export function createSafety(
  config: Config,
  log: Logger,
  api: RedisApi,
  options: { maxInflightPerCaller?: number; state?: SafetyState } = {},
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
    state,
    tasks: new KnownTasks(state.tasks),
    journal,
    reconciler: new Reconciler(api, journal, log),
    ...(options.maxInflightPerCaller !== undefined ? { gate: new CallerGate(options.maxInflightPerCaller) } : {}),
  };
}
