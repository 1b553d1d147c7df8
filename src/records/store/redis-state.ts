import { createHash, randomBytes, randomUUID } from "node:crypto";
import { RateLimiter } from "../../cloud/limiter.js";
import type { Config, StateConfig } from "../../config/index.js";
import type { Logger } from "../../base/log.js";
import { type Metrics, NO_METRICS } from "../../base/metrics.js";
import type { Binding } from "./memory-tokens.js";
import type { ApprovalStore } from "./approvals.js";
import { checkBinding, tokenUnknown } from "./binding.js";
import { type ApprovalLink, RedisApprovals } from "./redis-approvals.js";
import { type DrillLink, RedisDrills } from "./redis-drills.js";
import type { DrillLedger } from "./drills.js";
import { SharedBudget } from "./redis-budget.js";
import { RedisLedger, RedisOperations } from "./redis-ledger.js";
import { RedisConnection } from "./redis-link.js";
import { EPOCH_CHECK_MS, guardedLedger, StateEpoch } from "./epoch.js";
import { LEDGER_TTL_MS } from "./memory-ledger.js";
import { LOCK_ACQUIRE, LOCK_RELEASE, LOCK_RENEW } from "./scripts.js";
import {
  type HeldLock,
  instanceLocked,
  type LockDetails,
  type LockStore,
  type OperationLedger,
  type RecordStore,
  type SafetyState,
  stateUnavailable,
  type TaskLedger,
  type TokenStore,
} from "./types.js";

/**
 * The safety state in Redis (TENCENTCLOUD_REDIS_STATE_URL), shared by every replica: confirmation tokens,
 * per-instance restore locks, the API budget and the task ledger. Every command has a short timeout and none
 * is queued while disconnected (see RedisConnection), so a slow or absent Redis makes changes fail closed
 * (ClientError.StateUnavailable) and reads fall back to a local share of the budget; it never hangs or crashes
 * the server, and full service comes back with Redis, without a restart.
 */
export class RedisState implements SafetyState {
  readonly kind = "redis";
  readonly tokens: TokenStore;
  readonly locks: LockStore;
  readonly budget: SharedBudget;
  readonly tasks: TaskLedger;
  readonly approvals: ApprovalStore;
  readonly drills: DrillLedger;
  readonly operations: OperationLedger;
  readonly records: RecordStore;
  /** Tells a state that came back empty, and has the replicas put their operations back (epoch.ts). */
  readonly epoch: StateEpoch;
  private closed = false;

  private constructor(
    private readonly link: RedisConnection,
    private readonly state: StateConfig,
    config: Config,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    this.tokens = { issue: (b) => this.issue(b, config.confirmTtlMs), consume: (t, b) => this.consume(t, b) };
    this.locks = { acquire: (region, instanceId, details) => this.acquireLock(region, instanceId, details) };
    this.tasks = new RedisLedger(link, state.prefix);
    const failClosed: ApprovalLink & DrillLink = {
      command: (operation, args) => this.run(operation, () => this.command(args)),
      eval: (operation, script, keys, args) => this.run(operation, () => this.eval(script, keys, args)),
    };
    this.approvals = new RedisApprovals(failClosed, state);
    this.drills = new RedisDrills(failClosed, state);
    this.epoch = new StateEpoch(link, state.prefix, log, metrics, {
      recoveryMs: 2 * EPOCH_CHECK_MS + state.commandTimeoutMs + 500,
      windowMs: Math.max(config.restoreDedupMinutes, 30) * 60_000,
      ttlMs: LEDGER_TTL_MS,
    });
    this.operations = guardedLedger(new RedisOperations(link, state.prefix), this.epoch);
    const recordKey = (key: string) => `${state.prefix}record:${key}`;
    this.records = {
      put: async (key, value, ttlMs) => {
        await this.run("record_put", () => this.command(["SET", recordKey(key), JSON.stringify(value), "PX", String(ttlMs)]));
      },
      get: async (key) => {
        const text = await this.run("record_get", () => this.command<string | null>(["GET", recordKey(key)]));
        return text === null ? undefined : (JSON.parse(text) as Record<string, unknown>);
      },
      delete: async (key) => {
        await this.run("record_delete", () => this.command(["DEL", recordKey(key)]));
      },
    };
    const share = Math.max(1, Math.floor(config.rateLimit / config.replicas));
    this.budget = new SharedBudget(link, {
      prefix: state.prefix,
      limit: config.rateLimit,
      holdMs: config.timeoutMs + 2000,
      fallback: new RateLimiter(share),
      share,
      log,
      metrics,
    });
  }

  /** Connects (waiting at most a moment: a Redis that is down at start only degrades the service). */
  static async connect(
    config: Config,
    state: StateConfig,
    log: Logger,
    metrics: Metrics = NO_METRICS,
  ): Promise<RedisState> {
    const link = await RedisConnection.connect(state, log, (operation) => metrics.stateError(operation));
    const opened = new RedisState(link, state, config, log, metrics);
    if (link.ready) await opened.epoch.settle(); // a state that came back empty: its recovery ends first
    return opened;
  }

  assertAvailable(): void {
    if (this.link.ready) {
      this.epoch.assertSettled(); // a state that came back empty: changes wait for the replicas' operations
      return;
    }
    this.metrics.stateError("unavailable");
    throw stateUnavailable(this.link.why);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.budget.close();
    this.epoch.close();
    await this.link.close();
  }

  private command<T>(args: string[]): Promise<T> {
    return this.link.command<T>(args);
  }

  private eval<T>(script: string, keys: string[], args: Array<string | number>): Promise<T> {
    return this.link.eval<T>(script, keys, args);
  }

  private reason(error: unknown): string {
    return this.link.reason(error);
  }

  /** A command of a change: any failure becomes ClientError.StateUnavailable. */
  private async run<T>(operation: string, what: () => Promise<T>): Promise<T> {
    this.assertAvailable();
    try {
      return await what();
    } catch (caught) {
      const reason = this.link.commandFailed(operation, caught, "state store command failed");
      // the agent gets the kind of failure; the details (addresses, server messages) stay in the log
      throw stateUnavailable(
        /did not answer/.test(reason) ? reason : "a Redis command failed; the server's log names the cause",
      );
    }
  }

  private async issue(binding: Binding, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    const token = `ct_${randomBytes(24).toString("base64url")}`;
    const expiresAt = Date.now() + ttlMs;
    const value = JSON.stringify({ ...binding, expiresAt });
    await this.run("token_issue", () => this.command(["SET", this.tokenKey(token), value, "PX", String(ttlMs)]));
    return { token, expiresAt };
  }

  private async consume(token: string, binding: Binding): Promise<void> {
    // GETDEL: one presentation gets the value, every other (on any replica) gets nothing.
    const value = await this.run("token_consume", () => this.command<string | null>(["GETDEL", this.tokenKey(token)]));
    if (value === null) throw tokenUnknown();
    checkBinding(JSON.parse(value) as Record<string, unknown>, binding);
  }

  private async acquireLock(region: string, instanceId: string, details: LockDetails): Promise<HeldLock> {
    const key = `${this.state.prefix}lock:${region}:${instanceId}`;
    const value = JSON.stringify({ ...details, owner: randomUUID() });
    const ttl = this.state.lockMs;
    const holder = await this.run("lock_acquire", () => this.eval<string | null>(LOCK_ACQUIRE, [key], [value, ttl])).catch(
      (error: unknown) => {
        // The answer may only be late: if Redis did take the lock for us, this release (behind it on the same
        // connection) gives it back at once instead of at its expiry.
        this.eval(LOCK_RELEASE, [key], [value]).catch(() => {});
        throw error;
      },
    );
    if (holder !== null) throw instanceLocked(instanceId, JSON.parse(holder) as LockDetails, "shared");
    let lost = false;
    const renew = setInterval(
      () => {
        this.eval<number>(LOCK_RENEW, [key], [value, ttl]).then(
          (ok) => {
            if (ok !== 1 && !lost) {
              lost = true;
              this.log.error("restore lock lost: it expired before its call ended", { instanceId });
            }
          },
          (error: unknown) => {
            this.metrics.stateError("lock_renew");
            this.log.warning("restore lock renewal failed", { instanceId, reason: this.reason(error) });
          },
        );
      },
      Math.max(100, Math.floor(ttl / 3)),
    );
    renew.unref();
    return {
      assertHeld: async () => {
        const ok = await this.run("lock_check", () => this.eval<number>(LOCK_RENEW, [key], [value, ttl]));
        if (ok !== 1) throw stateUnavailable(`the restore lock of ${instanceId} expired while the call was prepared`);
      },
      release: async () => {
        clearInterval(renew);
        try {
          await this.eval(LOCK_RELEASE, [key], [value]);
        } catch (error) {
          // it expires by itself
          this.log.warning("restore lock release failed; it expires by itself", {
            instanceId,
            reason: this.reason(error),
          });
        }
      },
    };
  }

  private tokenKey(token: string): string {
    // Only a hash of the token is stored: reading Redis does not give a usable token.
    return `${this.state.prefix}token:${createHash("sha256").update(token).digest("base64url")}`;
  }
}
