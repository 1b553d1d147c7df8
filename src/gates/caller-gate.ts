import { CloudError } from "../cloud/errors.js";

/** How many calls may wait behind a caller's running ones, per running slot, before more are refused. */
const QUEUE_PER_SLOT = 4;

interface Lane {
  active: number;
  waiting: Array<() => void>;
}

/**
 * Per-caller fairness (TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER): at most `max` calls of one caller run
 * at once. More calls wait in order (at most `max * 4` of them); beyond that they are refused with the
 * retryable ClientError.TooManyCalls before anything is sent. Nothing is dropped silently.
 */
export class CallerGate {
  private readonly lanes = new Map<string, Lane>();

  constructor(readonly max: number) {}

  /** Waits for a slot of `callerId`; returns its release. Throws TooManyCalls, or Cancelled when `signal` aborts. */
  async acquire(callerId: string, signal?: AbortSignal): Promise<() => void> {
    let lane = this.lanes.get(callerId);
    if (!lane) {
      lane = { active: 0, waiting: [] };
      this.lanes.set(callerId, lane);
    }
    if (lane.active >= this.max) {
      if (lane.waiting.length >= this.max * QUEUE_PER_SLOT) {
        throw new CloudError(
          "ClientError.TooManyCalls",
          `${callerId} already has ${lane.active} calls running and ${lane.waiting.length} waiting on this server ` +
            `(at most ${this.max} at once). Nothing was sent.`,
          { notSent: true },
        );
      }
      await this.wait(lane, signal); // a finished call hands its slot over: active stays as it is
    } else {
      lane.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(callerId, lane);
    };
  }

  /** Calls running now for a caller (for tests and logs). */
  active(callerId: string): number {
    return this.lanes.get(callerId)?.active ?? 0;
  }

  /** Calls of a caller waiting for their turn. */
  waiting(callerId: string): number {
    return this.lanes.get(callerId)?.waiting.length ?? 0;
  }

  private wait(lane: Lane, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = lane.waiting.indexOf(wake);
        if (i >= 0) lane.waiting.splice(i, 1);
        reject(
          new CloudError("ClientError.Cancelled", "The call was cancelled while it waited for its turn", {
            notSent: true,
          }),
        );
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      lane.waiting.push(wake);
    });
  }

  private release(callerId: string, lane: Lane): void {
    const next = lane.waiting.shift();
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    lane.active--;
    if (lane.active === 0) this.lanes.delete(callerId);
  }
}
