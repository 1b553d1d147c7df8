import type { ServerResponse } from "node:http";
import type { Logger } from "../base/log.js";
import { RPC, sendRpcError } from "./respond.js";

/**
 * The sessions one caller may hold at once (TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER), besides the
 * server-wide cap: a caller at its cap has its new session refused (429, `Retry-After`), and only that caller.
 * Its live sessions are counted from the session table, and those being opened here, so nothing leaks.
 */
export class CallerSessionCap {
  private readonly opening = new Map<string, number>();

  constructor(
    readonly max: number,
    private readonly live: () => Iterable<{ callerId: string }>,
    private readonly log: Logger,
  ) {}

  /**
   * Reserves room for a session of `callerId`; when the caller is at its cap, answers 429 on `res` and returns
   * false. A reservation is given back with `settle` once the session is open (or failed to open).
   */
  reserve(callerId: string, res: ServerResponse): boolean {
    let held = this.opening.get(callerId) ?? 0;
    for (const session of this.live()) if (session.callerId === callerId) held++;
    if (held < this.max) {
      this.opening.set(callerId, (this.opening.get(callerId) ?? 0) + 1);
      return true;
    }
    this.log.warning("http session refused: the caller holds its cap of sessions", { caller: callerId, max: this.max });
    sendRpcError(
      res,
      429,
      RPC.serverError,
      `Too many sessions for this caller (TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER=${this.max}): ` +
        "close one (DELETE /mcp with its Mcp-Session-Id) or wait until one is idle long enough to end, then initialize again",
      { "Retry-After": "5" },
    );
    return false;
  }

  settle(callerId: string): void {
    const n = (this.opening.get(callerId) ?? 0) - 1;
    if (n > 0) this.opening.set(callerId, n);
    else this.opening.delete(callerId);
  }
}
