import type { RedisApi } from "./cloud/api.js";
import { TencentRedisClient } from "./cloud/client.js";
import type { Config } from "./config/index.js";
import type { Logger } from "./base/log.js";
import { type Metrics, NO_METRICS } from "./base/metrics.js";
import { createSafety, type Safety } from "./operations/services.js";
import { MemoryState, type SafetyState } from "./records/store/index.js";

/**
 * What exists once per process, whatever the number of MCP sessions: the cloud client with its 20/s limiter,
 * and the safety state (confirmation tokens, restore locks, the audit log, per-caller fairness). Every
 * McpServer of the process (one per HTTP session, or the one stdio server) shares it.
 */
export interface Runtime {
  api: RedisApi;
  safety: Safety;
  /** Where calls, requests and restores are counted (HTTP mode's /metrics; nothing is kept in stdio mode). */
  metrics: Metrics;
  /** The tool calls running in the process, whatever their session: a shutdown awaits them. */
  calls: CallTracker;
  /** Releases the API's sockets. */
  close(): void;
}

export interface RuntimeOptions {
  api?: RedisApi;
  /** At most this many calls of one caller at once (HTTP); unlimited when absent (stdio). */
  maxInflightPerCaller?: number;
  /**
   * Tokens, locks and the API budget: Redis shared by replicas (safety/state openState), else this process's
   * memory. Its owner closes it (index.ts).
   */
  state?: SafetyState;
  metrics?: Metrics;
}

export function createRuntime(config: Config, log: Logger, options: RuntimeOptions = {}): Runtime {
  const state = options.state ?? new MemoryState(config);
  const metrics = options.metrics ?? NO_METRICS;
  const api = options.api ?? new TencentRedisClient(config, log, { budget: state.budget, metrics });
  return {
    api,
    metrics,
    safety: createSafety(config, log, api, { maxInflightPerCaller: options.maxInflightPerCaller, state, metrics }),
    calls: new CallTracker(),
    close: () => api.close(),
  };
}

/** Counts running calls; `settled()` resolves once none runs (a restore already sent included). */
export class CallTracker {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  track<T>(call: Promise<T>): Promise<T> {
    this.running.add(call);
    const done = () => this.running.delete(call);
    call.then(done, done);
    return call;
  }

  /** Resolves when every call running now, and every call started meanwhile, has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
