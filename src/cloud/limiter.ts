import type { Budget, Release } from "./budget.js";
import { CloudError } from "./errors.js";

export type { Release } from "./budget.js";

interface Lane {
  free: number;
  waiting: Array<{ grant: (release: Release) => void }>;
}

/**
 * Client-side rate limit: at most `perSecond` requests per action reach the API in any sliding second, shared
 * by every tool and concurrent call of this server. Calls beyond it wait their turn (first come, first served);
 * they never fail for it.
 *
 * Each action has `perSecond` permits. A request takes one before it is sent and gives it back one window
 * (1 s plus a small margin) after its answer came back. The API counts a request when it arrives, which is
 * somewhere between our send and our receipt of the answer, so any two requests `perSecond` apart arrive more
 * than a second apart, whatever the network's latency or our own event-loop delays: the limit cannot be
 * exceeded. The price is one round trip per window (on a 30 ms link, 20/s becomes about 19.4/s).
 */
export class RateLimiter implements Budget {
  private readonly lanes = new Map<string, Lane>();
  private readonly permits: number;

  constructor(
    perSecond: number,
    private readonly windowMs = 1010,
  ) {
    this.permits = Math.max(1, Math.floor(perSecond));
  }

  /**
   * Resolves with a release function when a request for `key` may be sent; rejects with
   * ClientError.Cancelled (nothing sent) if the signal aborts while it waits.
   */
  acquire(key: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelled());
    const lane = this.lane(key);
    if (lane.free > 0 && lane.waiting.length === 0) {
      lane.free -= 1;
      return Promise.resolve(this.releaser(lane));
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter = {
        grant: (release: Release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = lane.waiting.indexOf(waiter);
        if (i >= 0) lane.waiting.splice(i, 1);
        reject(cancelled());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      lane.waiting.push(waiter);
    });
  }

  /** How many calls wait for a permit of `key` (for logs and tests). */
  queued(key: string): number {
    return this.lanes.get(key)?.waiting.length ?? 0;
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { free: this.permits, waiting: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private releaser(lane: Lane): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const timer = setTimeout(() => {
        const next = lane.waiting.shift();
        if (next) next.grant(this.releaser(lane));
        else lane.free += 1;
      }, this.windowMs);
      timer.unref?.();
    };
  }
}

export function cancelled(): CloudError {
  return new CloudError("ClientError.Cancelled", "The request was cancelled by the client", { notSent: true });
}

/** setTimeout as a promise that an AbortSignal cuts short, rejecting with ClientError.Cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
