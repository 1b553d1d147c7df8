import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { AuditLog } from "./audit.js";
import { ConfirmTokens } from "./confirm.js";
import { CallerGate } from "./fairness.js";
import { InflightLocks } from "./inflight.js";

/**
 * The safety state of one server process: confirmation tokens, per-instance restore locks, the audit log, and
 * (HTTP) the per-caller fairness gate. Shared by every session of the process.
 */
export interface Safety {
  tokens: ConfirmTokens;
  locks: InflightLocks;
  audit: AuditLog;
  gate?: CallerGate;
}

export function createSafety(config: Config, log: Logger, options: { maxInflightPerCaller?: number } = {}): Safety {
  return {
    tokens: new ConfirmTokens(config.confirmTtlMs),
    locks: new InflightLocks(),
    audit: new AuditLog(config.auditLogPath, log),
    ...(options.maxInflightPerCaller !== undefined ? { gate: new CallerGate(options.maxInflightPerCaller) } : {}),
  };
}
