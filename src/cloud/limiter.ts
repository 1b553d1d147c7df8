/**
 * Client-side rate limit: at most `perSecond` requests start in any sliding second, per action, shared by
 * every tool and concurrent call of this server. Calls beyond it wait their turn (first come, first served);
 * they never fail for it. A small margin absorbs the jitter between when a request starts here and when it
 * reaches the API, which counts by arrival.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly windowMs: number;

  constructor(
    private readonly perSecond: number,
    marginMs = 25,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowMs = 1000 + marginMs;
  }

  /** Resolves when a request for `key` may start; rejects with the signal's reason if aborted while waiting. */
  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const slot = this.reserve(key);
    const wait = slot - this.now();
    if (wait <= 0) return;
    try {
      await sleep(wait, signal);
    } catch (error) {
      this.release(key, slot);
      throw error;
    }
  }

  /** Books the earliest start time for `key` that keeps the window's count at or under the limit. */
  private reserve(key: string): number {
    const starts = this.windows.get(key) ?? [];
    this.windows.set(key, starts);
    const now = this.now();
    const budget = Math.max(1, Math.floor(this.perSecond));
    // With `budget` starts booked, the next one may start one window after the budget-th last one.
    const earliest = starts.length < budget ? now : (starts[starts.length - budget] as number) + this.windowMs;
    const slot = Math.max(now, earliest);
    starts.push(slot);
    if (starts.length > budget) starts.splice(0, starts.length - budget);
    return slot;
  }

  private release(key: string, slot: number): void {
    const starts = this.windows.get(key);
    const i = starts?.lastIndexOf(slot) ?? -1;
    if (starts && i >= 0) starts.splice(i, 1);
  }
}

/** setTimeout as a promise that an AbortSignal can cut short (rejecting with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
