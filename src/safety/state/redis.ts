import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Budget } from "../../cloud/budget.js";
import { RateLimiter } from "../../cloud/limiter.js";
import type { Config, StateConfig } from "../../config.js";
import type { Logger } from "../../log.js";
import { type Metrics, NO_METRICS } from "../../metrics.js";
import type { Binding } from "../confirm.js";
import { checkBinding, tokenUnknown } from "./binding.js";
import { type RedisLink, SharedBudget } from "./redis-budget.js";
import { LOCK_ACQUIRE, LOCK_RELEASE, LOCK_RENEW } from "./scripts.js";
import {
  type HeldLock,
  instanceLocked,
  type LockDetails,
  type LockStore,
  type SafetyState,
  stateUnavailable,
  type TokenStore,
} from "./types.js";

/** The part of the official client (`redis`) this store uses. */
interface RedisClient {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: () => void): unknown;
}

/** How long startup waits for the first connection (not fatal: the store connects later by itself). */
const FIRST_CONNECT_MS = 2000;

/**
 * The safety state in Redis (TENCENTCLOUD_REDIS_STATE_URL), shared by every replica: confirmation tokens,
 * per-instance restore locks and the API budget. Every command has a short timeout and none is queued while
 * disconnected (the client reconnects by itself with backoff), so a slow or absent Redis makes changes fail
 * closed (ClientError.StateUnavailable) and reads fall back to a local share of the budget; it never hangs or
 * crashes the server, and full service comes back with Redis, without a restart.
 */
export class RedisState implements SafetyState, RedisLink {
  readonly kind = "redis";
  readonly tokens: TokenStore;
  readonly locks: LockStore;
  readonly budget: Budget;
  private down: string | undefined = "not connected yet";
  private closed = false;

  private constructor(
    private readonly client: RedisClient,
    private readonly state: StateConfig,
    config: Config,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    this.tokens = { issue: (b) => this.issue(b, config.confirmTtlMs), consume: (t, b) => this.consume(t, b) };
    this.locks = { acquire: (region, instanceId, details) => this.acquireLock(region, instanceId, details) };
    const share = Math.max(1, Math.floor(config.rateLimit / config.replicas));
    this.budget = new SharedBudget(this, {
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
    const { createClient } = await import("redis");
    const client = createClient({
      url: state.url.reveal(),
      disableOfflineQueue: true,
      commandOptions: { timeout: state.commandTimeoutMs },
      pingInterval: 5000,
      socket: {
        connectTimeout: Math.max(500, state.commandTimeoutMs),
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 6), 3000) + Math.random() * 100,
      },
    });
    const store = new RedisState(client as unknown as RedisClient, state, config, log, metrics);
    const ready = new Promise<void>((resolve) => client.once("ready", () => resolve()));
    client.on("ready", () => store.up());
    client.on("error", (error: unknown) => store.failed(error));
    client.connect().catch((error: unknown) => store.failed(error));
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_MS).unref())]);
    return store;
  }

  get ready(): boolean {
    return this.client.isReady;
  }

  assertAvailable(): void {
    if (this.client.isReady) return;
    this.metrics.stateError("unavailable");
    throw stateUnavailable(this.down ?? "not connected");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    (this.budget as SharedBudget).close();
    try {
      if (this.client.isReady) await this.client.close();
      else this.client.destroy();
    } catch {
      this.client.destroy();
    }
  }

  /** One command; a failure is the raw error (see `run` for the fail-closed form). */
  command<T>(args: string[]): Promise<T> {
    return this.client.sendCommand(args) as Promise<T>;
  }

  eval<T>(script: string, keys: string[], args: Array<string | number>): Promise<T> {
    return this.command<T>(["EVAL", script, String(keys.length), ...keys, ...args.map(String)]);
  }

  /** A command of a change: any failure becomes ClientError.StateUnavailable. */
  private async run<T>(operation: string, what: () => Promise<T>): Promise<T> {
    this.assertAvailable();
    try {
      return await what();
    } catch (caught) {
      const reason = this.reason(caught);
      this.metrics.stateError(operation);
      this.log.warning("state store command failed", { operation, reason });
      throw stateUnavailable(reason);
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
    const holder = await this.run("lock_acquire", () => this.eval<string | null>(LOCK_ACQUIRE, [key], [value, ttl]));
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

  private up(): void {
    const was = this.down;
    this.down = undefined;
    if (was === "not connected yet") this.log.notice("state store connected", { store: this.state.where });
    else
      this.log.notice("state store reachable again: shared guarantees and budget restored", {
        store: this.state.where,
      });
  }

  private failed(error: unknown): void {
    const reason = this.reason(error);
    if (this.closed) return;
    if (this.down === undefined || this.down === "not connected yet") {
      this.log.error(
        "state store unreachable: restores are refused until it is back, reads go on with a local share of the budget",
        {
          store: this.state.where,
          reason,
        },
      );
    }
    this.down = reason;
  }

  /** A short reason for logs and errors, with the URL's password (if any) cut out. */
  reason(error: unknown): string {
    const text =
      error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
    const password = new URL(this.state.url.reveal()).password;
    const clean = password
      ? text.split(password).join("[redacted]").split(decodeURIComponent(password)).join("[redacted]")
      : text;
    return clean.slice(0, 200);
  }
}
