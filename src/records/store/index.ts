import type { Config } from "../../config/index.js";
import type { Logger } from "../../base/log.js";
import type { Metrics } from "../../base/metrics.js";
import { MemoryState } from "./memory.js";
import type { SafetyState } from "./types.js";

export type { HeldLock, KnownTask, LockDetails, LockStore, SafetyState, TaskLedger, TokenStore } from "./types.js";
export { MemoryState } from "./memory.js";

/**
 * The safety state of this process: in Redis when TENCENTCLOUD_REDIS_STATE_URL is set (shared by every replica),
 * else in memory. The Redis client is only loaded when it is used.
 */
export async function openState(config: Config, log: Logger, metrics?: Metrics): Promise<SafetyState> {
  if (!config.state) return new MemoryState(config);
  const { RedisState } = await import("./redis-state.js");
  return RedisState.connect(config, config.state, log, metrics);
}
