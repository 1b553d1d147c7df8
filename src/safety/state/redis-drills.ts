import type { StateConfig } from "../../config.js";
import {
  applyPatch,
  DRILL_RETENTION_MS,
  type DrillLedger,
  type DrillPatch,
  type DrillRecord,
  type DrillStatus,
  listLimit,
  matches,
  OPEN_DRILL_STATUSES,
  parseDrill,
} from "./drills.js";

/** The part of RedisState the drills need: commands that fail closed (ClientError.StateUnavailable). */
export interface DrillLink {
  command<T>(operation: string, args: string[]): Promise<T>;
  eval<T>(operation: string, script: string, keys: string[], args: Array<string | number>): Promise<T>;
}

/** A new drill: its record (unless one has its ID), in the index of all drills, of its source, and the open set. */
const DRILL_CREATE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
return 1
`;

/** Compare and set: the record is replaced only if it is still exactly what was read; the open set follows. */
const DRILL_CAS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if ARGV[6] == '1' then redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4]) else redis.call('ZREM', KEYS[2], ARGV[4]) end
return 1
`;

/** Attempts of a transition that lost a race (another replica wrote between the read and the write). */
const CAS_ATTEMPTS = 8;
/** Without a source to narrow it, a list reads at most this many of the newest drills before filtering. */
const SCAN_MAX = 1000;

/**
 * Drills in Redis, shared by every replica: one JSON string per drill (`<prefix>drill:<id>`, kept
 * DRILL_RETENTION_MS), sorted sets of IDs by request time (all drills, each source's, the open ones). A
 * transition is a compare-and-set (DRILL_CAS) retried on a lost race, so it applies to the status it checked.
 */
export class RedisDrills implements DrillLedger {
  constructor(
    private readonly link: DrillLink,
    private readonly state: Pick<StateConfig, "prefix">,
    private readonly now: () => number = Date.now,
  ) {}

  async create(record: DrillRecord): Promise<void> {
    const created = await this.link.eval<number>(
      "drill_create",
      DRILL_CREATE,
      [this.key(record.drillId), this.index(), this.bySource(record.region, record.sourceInstanceId), this.openSet()],
      [
        JSON.stringify(record),
        DRILL_RETENTION_MS,
        record.times.requested,
        record.drillId,
        this.now() - DRILL_RETENTION_MS,
      ],
    );
    if (created !== 1) throw new Error(`drill ${record.drillId} already exists`);
  }

  async transition(drillId: string, from: readonly DrillStatus[], patch: DrillPatch): Promise<DrillRecord | undefined> {
    for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
      const text = await this.link.command<string | null>("drill_read", ["GET", this.key(drillId)]);
      const record = parseDrill(text);
      if (!text || !record || !from.includes(record.status)) return undefined;
      const next = applyPatch(record, patch);
      const open = OPEN_DRILL_STATUSES.includes(next.status) ? "1" : "0";
      const written = await this.link.eval<number>(
        "drill_transition",
        DRILL_CAS,
        [this.key(drillId), this.openSet()],
        [text, JSON.stringify(next), DRILL_RETENTION_MS, drillId, next.times.requested, open],
      );
      if (written === 1) return next;
    }
    throw new Error(`drill ${drillId}: ${CAS_ATTEMPTS} concurrent writes in a row`);
  }

  async get(drillId: string): Promise<DrillRecord | undefined> {
    return parseDrill(await this.link.command<string | null>("drill_read", ["GET", this.key(drillId)]));
  }

  async list(filter: { region?: string; sourceInstanceId?: string; limit?: number } = {}): Promise<DrillRecord[]> {
    const limit = listLimit(filter);
    const narrow = filter.region !== undefined && filter.sourceInstanceId !== undefined;
    const index = narrow ? this.bySource(filter.region ?? "", filter.sourceInstanceId ?? "") : this.index();
    const ids = await this.link.command<string[]>("drill_list", [
      ...["ZRANGE", index, "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0"],
      String(narrow ? limit : SCAN_MAX),
    ]);
    const records = await this.read(ids);
    return records.filter((d) => matches(d, filter)).slice(0, limit);
  }

  async open(): Promise<DrillRecord[]> {
    const ids = await this.link.command<string[]>("drill_open", ["ZRANGE", this.openSet(), "0", "-1"]);
    const records = await this.read(ids);
    const gone = ids.filter((id) => !records.some((d) => d.drillId === id));
    if (gone.length > 0) await this.link.command("drill_open", ["ZREM", this.openSet(), ...gone]);
    return records.filter((d) => OPEN_DRILL_STATUSES.includes(d.status));
  }

  private async read(ids: readonly string[]): Promise<DrillRecord[]> {
    if (ids.length === 0) return [];
    const texts = await this.link.command<Array<string | null>>("drill_read", [
      "MGET",
      ...ids.map((id) => this.key(id)),
    ]);
    return texts.flatMap((t) => parseDrill(t) ?? []);
  }

  private key(drillId: string): string {
    return `${this.state.prefix}drill:${drillId}`;
  }

  private index(): string {
    return `${this.state.prefix}drills`;
  }

  private bySource(region: string, sourceInstanceId: string): string {
    return `${this.state.prefix}drills:${region}:${sourceInstanceId}`;
  }

  private openSet(): string {
    return `${this.state.prefix}drills:open`;
  }
}
