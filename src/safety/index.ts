import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { AuditLog } from "./audit.js";
import { MemoryState } from "./state/memory.js";
import type { LockStore, SafetyState, TokenStore } from "./state/types.js";

/** The safety state of one server: confirmation tokens, per-instance restore locks, the audit log. */
export interface Safety {
  tokens: TokenStore;
  locks: LockStore;
  audit: AuditLog;
  /** Where tokens and locks live (memory, or Redis shared by replicas); changes call assertAvailable first. */
  state: SafetyState;
}

export function createSafety(config: Config, log: Logger, state: SafetyState = new MemoryState(config)): Safety {
  return {
    tokens: state.tokens,
    locks: state.locks,
    audit: new AuditLog(config.auditLogPath, log),
    state,
  };
}
