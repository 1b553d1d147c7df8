import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { AuditLog } from "./audit.js";
import { ConfirmTokens } from "./confirm.js";
import { CallerGate } from "./fairness.js";
import { InflightLocks } from "./inflight.js";
import { KnownTasks } from "./known-tasks.js";

/**
 * The safety state of one server process: confirmation tokens, per-instance restore locks, the audit log, the
 * tasks it knows (their kind, for check_task), and (HTTP) the per-caller fairness gate. Shared by every session.
 */
export interface Safety {
  tokens: ConfirmTokens;
  locks: InflightLocks;
  audit: AuditLog;
  tasks: KnownTasks;
  gate?: CallerGate;
}

export function createSafety(config: Config, log: Logger, options: { maxInflightPerCaller?: number } = {}): Safety {
  return {
    tokens: new ConfirmTokens(config.confirmTtlMs),
    locks: new InflightLocks(),
    audit: new AuditLog(config.auditLogPath, log),
    tasks: new KnownTasks(),
    ...(options.maxInflightPerCaller !== undefined ? { gate: new CallerGate(options.maxInflightPerCaller) } : {}),
  };
}
