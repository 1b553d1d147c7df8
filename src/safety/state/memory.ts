import type { Budget } from "../../cloud/budget.js";
import { RateLimiter } from "../../cloud/limiter.js";
import type { Config } from "../../config.js";
import { type Binding, ConfirmTokens } from "../confirm.js";
import { InflightLocks } from "../inflight.js";
import { type ApprovalStore, MemoryApprovals } from "./approvals.js";
import { type DrillLedger, MemoryDrills } from "./drills.js";
import { MemoryLedger, MemoryOperations } from "./ledger.js";
import type {
  HeldLock,
  LockDetails,
  LockStore,
  OperationLedger,
  RecordStore,
  SafetyState,
  TaskLedger,
  TokenStore,
} from "./types.js";

/**
 * The safety state in this process's memory (no TENCENTCLOUD_REDIS_STATE_URL): tokens, locks, the 20/s
 * budget and the task ledger hold for this process only. Always available.
 */
export class MemoryState implements SafetyState {
  readonly kind = "memory";
  readonly tokens: TokenStore;
  readonly locks: LockStore;
  readonly budget: Budget;
  readonly tasks: TaskLedger = new MemoryLedger();
  readonly approvals: ApprovalStore;
  readonly operations: OperationLedger = new MemoryOperations();
  readonly records: RecordStore = memoryRecords();
  readonly drills: DrillLedger = new MemoryDrills();

  constructor(config: Pick<Config, "confirmTtlMs" | "rateLimit">, now: () => number = Date.now) {
    const tokens = new ConfirmTokens(config.confirmTtlMs, now);
    const locks = new InflightLocks();
    this.tokens = {
      issue: async (binding: Binding) => tokens.issue(binding),
      consume: async (token: string, binding: Binding) => tokens.consume(token, binding),
    };
    this.locks = {
      async acquire(region: string, instanceId: string, details: LockDetails): Promise<HeldLock> {
        const release = locks.acquire(region, instanceId, details);
        return { assertHeld: async () => {}, release: async () => release() };
      },
    };
    this.budget = new RateLimiter(config.rateLimit);
    this.approvals = new MemoryApprovals(now);
  }

  assertAvailable(): void {}

  async close(): Promise<void> {}
}

/** Records in this process's memory, each forgotten after its time to live. */
function memoryRecords(now: () => number = Date.now): RecordStore {
  const records = new Map<string, { value: string; expiresAt: number }>();
  return {
    async put(key, value, ttlMs) {
      records.set(key, { value: JSON.stringify(value), expiresAt: now() + ttlMs });
    },
    async get(key) {
      const found = records.get(key);
      if (found && found.expiresAt <= now()) records.delete(key);
      return found && found.expiresAt > now() ? (JSON.parse(found.value) as Record<string, unknown>) : undefined;
    },
    async delete(key) {
      records.delete(key);
    },
  };
}
