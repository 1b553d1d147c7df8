import type { Messages } from "../i18n/index.js";
import type { Extra } from "./request.js";

/**
 * notifications/progress while check_task waits, when the request carries a progress token: one per poll and
 * a heartbeat whenever `everyMs` passed without one (a slow, retried or throttled request), so that a client
 * resetting its timeout on progress never gives up. `progress` is the seconds waited, strictly growing; there
 * is no `total` (the task may end before the wait does).
 */
export class Progress {
  private readonly token: string | number | undefined;
  private last = 0;
  private status = "checking";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly extra: Extra,
    private readonly taskId: number,
    private readonly waitSeconds: number,
    private readonly everyMs: number,
    private readonly started: number,
    private readonly t: Messages,
    private readonly text?: (status: string, seconds: number) => string,
  ) {
    this.token = waitSeconds > 0 ? extra._meta?.progressToken : undefined;
    this.arm();
  }

  report(status: string = this.status): void {
    if (this.token === undefined || this.extra.signal.aborted) return;
    this.status = status;
    const seconds = (performance.now() - this.started) / 1000;
    this.last = Math.max(Math.round(seconds * 1000) / 1000, this.last + 0.001);
    this.extra
      .sendNotification({
        method: "notifications/progress",
        params: {
          progressToken: this.token,
          progress: this.last,
          message:
            this.text?.(status, Math.round(seconds * 10) / 10) ??
            this.t.progress({
              taskId: this.taskId,
              status,
              seconds: Math.round(seconds * 10) / 10,
              waitSeconds: this.waitSeconds,
            }),
        },
      })
      .catch(() => {});
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.token === undefined) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.report(), this.everyMs);
  }
}
