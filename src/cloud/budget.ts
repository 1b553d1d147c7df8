/** Gives a permit back once the request it was taken for has its answer (or has failed). Safe to call twice. */
export type Release = () => void;

/**
 * The API budget: how many requests per action may reach Tencent Cloud. The cloud client takes a permit before
 * each request and releases it when the answer is in; the budget decides when the permit is free again (one
 * window after the answer, because the API counts a request when it arrives). `acquire` rejects with
 * ClientError.Cancelled (nothing sent) when the signal aborts while it waits.
 *
 * Implementations: the in-process RateLimiter (limiter.ts) and the budget shared by every replica through
 * Redis (safety/state/redis-budget.ts), which the cloud layer only knows through this interface.
 */
export interface Budget {
  acquire(action: string, signal?: AbortSignal): Promise<Release>;
  /** Where permits come from right now: the budget shared by replicas, or this process's own (the default). */
  mode?(): "shared" | "local";
}
