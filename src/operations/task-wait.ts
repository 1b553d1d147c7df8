// check_task's wait (a task, a clone): polls with a growing interval until what it follows ends or the wait is
// over, with a progress notification each poll; a poll that fails mid-wait ends the wait with what is known.
import { CloudError } from "../cloud/errors.js";
import { sleep } from "../cloud/limiter.js";

/** Each poll interval is this many times the previous one, up to config.poll.maxMs. */
const BACKOFF = 1.5;

export interface Wait<T> {
  /** Polls once more (a CloudError mid-wait ends the wait; any other error, or a cancel, is thrown). */
  look: () => Promise<T>;
  /** Not ended yet: poll again. */
  going: (seen: T) => boolean;
  /** What the progress notification names. */
  status: (seen: T) => string;
  waitMs: number;
  elapsed: () => number;
  poll: { initialMs: number; maxMs: number };
  progress: { report(status: string): void };
  signal: AbortSignal;
}

export interface Waited<T> {
  /** The last answer (of the poll before, when a poll failed). */
  seen: T;
  /** The interval polling had reached. */
  interval: number;
  /** `code: message` of the poll that failed mid-wait. */
  pollError?: string;
}

/** Waits from the first answer `first`: see the file's head. */
export async function waitWhile<T>(first: T, w: Wait<T>): Promise<Waited<T>> {
  let seen = first;
  let interval = w.poll.initialMs;
  let pollError: string | undefined;
  while (w.going(seen) && w.elapsed() < w.waitMs) {
    w.progress.report(w.status(seen));
    await sleep(Math.min(interval, w.waitMs - w.elapsed()), w.signal);
    interval = Math.min(interval * BACKOFF, w.poll.maxMs);
    try {
      seen = await w.look();
    } catch (caught) {
      // a poll that fails (after its retries) mid-wait ends the wait with what is known, not an error
      if (w.signal.aborted || !(caught instanceof CloudError)) throw caught;
      pollError = `${caught.code}: ${caught.message}`;
      break;
    }
  }
  w.progress.report(w.status(seen));
  return { seen, interval, pollError };
}
