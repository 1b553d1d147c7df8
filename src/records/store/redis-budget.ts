import { randomBytes } from "node:crypto";
import type { Budget, Release } from "../../cloud/budget.js";
import { cancelled, type RateLimiter } from "../../cloud/limiter.js";
import type { Logger } from "../../base/log.js";
import type { Metrics } from "../../base/metrics.js";
import { BUDGET_ACQUIRE, BUDGET_RELEASE } from "./scripts.js";

/** What the shared budget needs of a Redis connection. */
export interface RedisLink {
  readonly ready: boolean;
  command<T>(args: string[]): Promise<T>;
  eval<T>(script: string, keys: string[], args: Array<string | number>): Promise<T>;
  reason(error: unknown): string;
}

export interface SharedBudgetOptions {
  prefix: string;
  /** Requests per window per action, for all replicas together. */
  limit: number;
  /** How long a request without an answer (its replica died?) holds its slot. */
  holdMs: number;
  /** Used while Redis cannot be: this replica's share of the limit. */
  fallback: RateLimiter;
  share: number;
  log: Logger;
  metrics: Metrics;
  windowMs?: number;
}

interface Waiter {
  resolve(release: Release): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  done: boolean;
}

/** Longest pause before asking Redis again while every slot is taken by a request still waiting for its answer. */
const MAX_POLL_MS = 25;
/** After a Redis command failed, the local share is used for this long before Redis is tried again. */
const DEGRADED_MS = 1000;

/**
 * The API budget shared by every replica through Redis: one sorted set per action whose members are the
 * requests holding a slot. A request takes a slot before it is sent; when its answer is in, its slot is kept
 * one more window (the API counts a request when it arrives, so returning the slot at the answer would let a
 * burst through), then it frees. A slot whose answer never comes (its replica died) frees after `holdMs`.
 * So all replicas together never send more than `limit` requests per window per action.
 *
 * Within a replica, waiting calls queue per action (first come, first served) and only the head asks Redis.
 * While Redis cannot answer, permits come from the local fallback (limit / replicas) and a warning says so.
 */
export class SharedBudget implements Budget {
  private readonly lanes = new Map<string, Waiter[]>();
  private readonly pumping = new Set<string>();
  private readonly replica = randomBytes(6).toString("hex");
  private readonly windowMs: number;
  private serial = 0;
  private degradedUntil = 0;
  private warned = false;
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly options: SharedBudgetOptions,
  ) {
    this.windowMs = options.windowMs ?? 1010;
  }

  acquire(action: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (!this.shared()) return this.local(action, signal);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, done: false };
      if (signal) {
        waiter.onAbort = () => {
          if (waiter.done) return;
          waiter.done = true;
          reject(cancelled());
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      const lane = this.lanes.get(action) ?? [];
      lane.push(waiter);
      this.lanes.set(action, lane);
      void this.pump(action);
    });
  }

  mode(): "shared" | "local" {
    return this.link.ready && Date.now() >= this.degradedUntil ? "shared" : "local";
  }

  /** True while permits come from Redis (false: the local share). */
  shared(): boolean {
    if (this.link.ready && Date.now() >= this.degradedUntil) {
      if (this.warned) {
        this.warned = false;
        this.options.log.notice("API budget shared through Redis again");
      }
      return true;
    }
    return false;
  }

  close(): void {
    this.closed = true;
  }

  private local(action: string, signal?: AbortSignal): Promise<Release> {
    if (!this.warned) {
      this.warned = true;
      this.options.log.warning(
        `the shared API budget (Redis) is unavailable: this replica limits itself to ${this.options.share} ` +
          "requests/s per action (TENCENTCLOUD_REDIS_RATE_LIMIT / TENCENTCLOUD_REDIS_REPLICAS) until it is back",
      );
    }
    return this.options.fallback.acquire(action, signal);
  }

  private async pump(action: string): Promise<void> {
    if (this.pumping.has(action)) return;
    this.pumping.add(action);
    const key = `${this.options.prefix}budget:${action}`;
    const lane = this.lanes.get(action) ?? [];
    try {
      while (lane.length > 0 && !this.closed) {
        if ((lane[0] as Waiter).done) {
          lane.shift();
          continue;
        }
        // As many slots as there are waiters: a burst is granted in one round trip, not one by one.
        const wanted = Math.min(lane.filter((w) => !w.done).length, this.options.limit);
        const base = `${this.replica}:${++this.serial}`;
        let granted: number;
        let wait: number;
        try {
          const args = [this.options.limit, base, this.options.holdMs, MAX_POLL_MS, wanted];
          [granted, wait] = await this.link.eval<[number, number]>(BUDGET_ACQUIRE, [key], args);
        } catch (error) {
          this.options.log.warning("shared API budget: Redis did not answer", { reason: this.link.reason(error) });
          this.options.metrics.stateError("budget");
          this.degradedUntil = Date.now() + DEGRADED_MS;
          for (const waiter of lane.splice(0)) this.handOver(waiter, action);
          return;
        }
        if (granted === 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        for (let i = 1; i <= granted; i++) {
          const member = `${base}:${i}`;
          let waiter = lane.shift();
          while (waiter?.done) waiter = lane.shift();
          if (!waiter) {
            // cancelled while Redis granted it: nothing will be sent, give the slot back at once
            this.link.command(["ZREM", key, member]).catch(() => {});
            continue;
          }
          waiter.done = true;
          if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
          waiter.resolve(this.releaser(key, member));
        }
      }
    } finally {
      this.pumping.delete(action);
    }
  }

  /** A waiter whose turn Redis could not give: it waits for the local share instead. */
  private handOver(waiter: Waiter, action: string): void {
    if (waiter.done) return;
    waiter.done = true;
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    this.local(action, waiter.signal).then(waiter.resolve, waiter.reject);
  }

  private releaser(key: string, member: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.link.eval(BUDGET_RELEASE, [key], [member, this.windowMs]).catch(() => {
        // the slot frees by itself after holdMs
      });
    };
  }
}
