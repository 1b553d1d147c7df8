import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { AuditLog } from "./audit.js";
import { ConfirmTokens } from "./confirm.js";
import { InflightLocks } from "./inflight.js";
import { KnownTasks } from "./known-tasks.js";

/**
 * The safety state of one server: confirmation tokens, per-instance restore locks, the audit log, and the tasks
 * knows (their kind, for check_task).
 */
export interface Safety {
  tokens: ConfirmTokens;
  locks: InflightLocks;
  audit: AuditLog;
  tasks: KnownTasks;
}

export function createSafety(config: Config, log: Logger): Safety {
  return {
    tokens: new ConfirmTokens(config.confirmTtlMs),
    locks: new InflightLocks(),
    audit: new AuditLog(config.auditLogPath, log),
    tasks: new KnownTasks(),
  };
}
