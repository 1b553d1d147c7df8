import { randomUUID } from "node:crypto";
import { CloudError } from "../../cloud/errors.js";
import type { Logger } from "../../base/log.js";
import type { Metrics } from "../../base/metrics.js";
import type { AuditRecord } from "../audit.js";
import type { RedisConnection } from "./redis-link.js";
import { storedRecord } from "./stored-record.js";
import { stateUnavailable, type OperationLedger } from "./types.js";

/** How often each replica reads the epoch (besides every change, which reads it too). */
export const EPOCH_CHECK_MS = 200;

/** One operation as a journal knows it. */
export type KnownOperation = { intent: AuditRecord; outcome?: AuditRecord };

/**
 * One operation put back: KEYS[1] its intent's key, KEYS[2] its outcome's key, KEYS[3] the set in doubt, KEYS[4]
 * the recent ones; ARGV[1] operationId, ARGV[2] intent JSON, ARGV[3] outcome JSON or "", ARGV[4] intent ms,
 * ARGV[5] TTL ms. Idempotent and in any order across replicas: an outcome, once there, is never put back in doubt.
 */
const PUT_BACK = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[5], 'NX')
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[5])
  redis.call('SREM', KEYS[3], ARGV[1])
elseif redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SADD', KEYS[3], ARGV[1])
end
redis.call('ZADD', KEYS[4], tonumber(ARGV[4]), ARGV[1])
return 1`;

interface EpochRecord {
  id: string;
  /** When this epoch began (epoch ms): until `since + recoveryMs` every replica puts its operations back. */
  since: number;
}

/**
 * The epoch of the shared state: `<prefix>epoch`, written by the first replica that uses the state and read by
 * every change (and every EPOCH_CHECK_MS). A state Redis that comes back empty (a restart without persistence, a
 * FLUSHALL, a failover to an empty replica) has no epoch, or another one than a replica knew: that replica writes
 * a new one if none is there, puts back every operation of its journal within the window (the dedup window, and
 * every one in doubt), and changes on every replica are refused (ClientError.StateRecovering, retryable) until
 * `recoveryMs` after the new epoch began, time for every live replica to notice and put its own back.
 */
export class StateEpoch {
  private known: string | undefined;
  private recoveringUntil = 0;
  /** When the epoch was last read (epoch ms). */
  private verifiedAt = 0;
  private adopting: Promise<void> | undefined;
  private readonly sources: Array<() => Iterable<KnownOperation>> = [];
  private readonly watcher: NodeJS.Timeout;

  constructor(
    private readonly link: RedisConnection,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly options: { recoveryMs: number; windowMs: number; ttlMs: number; now?: () => number },
  ) {
    this.watcher = setInterval(() => {
      if (this.link.ready) this.verify().catch(() => {});
    }, EPOCH_CHECK_MS);
    this.watcher.unref();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Whether changes wait for a recovery now (as last seen; `verify` reads the store). */
  get recovering(): boolean {
    return this.now() < this.recoveringUntil;
  }

  /** Throws ClientError.StateRecovering while changes wait for a recovery (as last seen, without reading). */
  assertSettled(): void {
    if (this.adopting) throw recovering(this.now() + this.options.recoveryMs);
    if (this.recovering) throw recovering(this.recoveringUntil);
    // the epoch not read for a while (the store was away): not before the watcher has read it again
    if (this.now() - this.verifiedAt > this.options.recoveryMs) {
      throw stateUnavailable("the state store is back but was not checked yet; retry in a moment");
    }
  }

  /** The journal whose operations are put back when the state comes back empty; they are put back at once too. */
  keepFrom(source: () => Iterable<KnownOperation>): void {
    this.sources.push(source);
    if (this.link.ready) this.putBack([source]).catch(() => {});
  }

  /**
   * Reads the epoch: throws ClientError.StateRecovering while a recovery is under way (starting one when the
   * state came back empty), ClientError.StateUnavailable when it cannot be read.
   */
  async verify(): Promise<void> {
    let text: string | null;
    try {
      text = await this.link.command<string | null>(["GET", this.key]);
    } catch (caught) {
      this.metrics.stateError("unavailable");
      throw stateUnavailable(
        /did not answer/.test(this.link.reason(caught))
          ? this.link.reason(caught)
          : "a Redis command failed; the server's log names the cause",
      );
    }
    const epoch = parse(text);
    if (!epoch || epoch.id !== this.known) {
      this.adopting ??= this.adopt(epoch).finally(() => {
        this.adopting = undefined;
      });
      await this.adopting;
    } else {
      this.recoveringUntil = epoch.since + this.options.recoveryMs;
    }
    this.verifiedAt = this.now();
    if (this.recovering) throw recovering(this.recoveringUntil);
  }

  /** Waits (at most one recovery) until changes are taken; used once at start. */
  async settle(): Promise<void> {
    const deadline = this.now() + this.options.recoveryMs + 1000;
    while (this.now() < deadline) {
      try {
        await this.verify();
        return;
      } catch (caught) {
        if (!(caught instanceof CloudError) || caught.code !== "ClientError.StateRecovering") return;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(20, Math.min(EPOCH_CHECK_MS, this.recoveringUntil - this.now()))),
      );
    }
  }

  close(): void {
    clearInterval(this.watcher);
  }

  private get key(): string {
    return `${this.prefix}epoch`;
  }

  /** The state has no epoch, or another one than this replica knew: begin one if none, and put ours back. */
  private async adopt(found: EpochRecord | undefined): Promise<void> {
    const lost = this.known !== undefined;
    let epoch = found;
    if (!epoch) {
      const fresh: EpochRecord = { id: randomUUID(), since: this.now() };
      await this.link.command(["SET", this.key, JSON.stringify(fresh), "NX"]);
      epoch = parse(await this.link.command<string | null>(["GET", this.key])) ?? fresh;
    } else if (lost && this.now() >= epoch.since + this.options.recoveryMs) {
      // this replica notices late (it could not reach the state): the others wait again until ours are back
      epoch = { id: epoch.id, since: this.now() };
      await this.link.command(["SET", this.key, JSON.stringify(epoch), "XX"]);
    }
    if (lost) {
      this.metrics.stateError("state_lost");
      this.log.error(
        "state store came back without this replica's data (a restart without persistence, a flush or a failover): " +
          "putting this replica's recent operations back; changes wait until every replica has",
        { recoverySeconds: this.options.recoveryMs / 1000 },
      );
    }
    const count = await this.putBack(this.sources);
    if (lost) this.log.notice("operations put back into the state store", { count });
    this.known = epoch.id;
    this.recoveringUntil = epoch.since + this.options.recoveryMs;
  }

  private async putBack(sources: ReadonlyArray<() => Iterable<KnownOperation>>): Promise<number> {
    const since = this.now() - this.options.windowMs;
    let count = 0;
    for (const source of sources) {
      for (const op of source()) {
        const id = op.intent.operationId;
        const at = Date.parse(op.intent.time ?? "");
        if (!id || !Number.isFinite(at) || (op.outcome && at < since)) continue;
        await this.link.eval(
          PUT_BACK,
          [
            `${this.prefix}op:${id}`,
            `${this.prefix}op:${id}:outcome`,
            `${this.prefix}ops:indoubt`,
            `${this.prefix}ops:recent`,
          ],
          [id, JSON.stringify(op.intent), op.outcome ? JSON.stringify(op.outcome) : "", at, this.options.ttlMs],
        );
        count++;
      }
    }
    return count;
  }
}

/**
 * The ledger of operations with the epoch checked on every use by a change: after its read (so a read of a state
 * that came back empty is never taken for the truth) and after an intent is written (before it is sent).
 */
export function guardedLedger(
  inner: OperationLedger,
  epoch: StateEpoch,
): OperationLedger & { keepFrom(source: () => Iterable<KnownOperation>): void } {
  return {
    begin: async (intent) => {
      await inner.begin(intent);
      await epoch.verify();
    },
    settle: (outcome) => inner.settle(outcome),
    list: async (sinceMs) => {
      const entries = await inner.list(sinceMs);
      await epoch.verify();
      return entries;
    },
    keepFrom: (source) => epoch.keepFrom(source),
  };
}

function recovering(until: number): CloudError {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  return new CloudError(
    "ClientError.StateRecovering",
    `The shared safety state (Redis) came back without its data; the replicas are putting back their recent ` +
      `operations, and changes wait until that is done (about ${seconds} s). Nothing was sent.`,
    { notSent: true },
  );
}

function parse(text: string | null): EpochRecord | undefined {
  return storedRecord<EpochRecord>(text, (r) => typeof r.id === "string" && typeof r.since === "number");
}
