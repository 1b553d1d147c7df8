/**
 * The drills ledger: one record per restore drill (a clone of a backup or a point in time, verified, then
 * destroyed), kept in the safety state so that every replica, the sweeper that destroys what a crash left
 * behind, and the restore plan ("backup X restored in 4 min 12 s on <date>, data verified") read the same
 * history. A record holds no secret: IDs, times, the verification's findings, the estimated cost.
 *
 * Writes are transitions: `transition(id, from, patch)` applies the patch only while the drill's status is one
 * of `from`, atomically across replicas, so of a drill and a sweeper both moving a drill to "destroying" exactly
 * one wins (and only the winner sends the destroy).
 */
import { storedRecord } from "./stored-record.js";

/** cloning: CloneInstances sent, the clone not running yet; verifying: running, being verified; destroying:
 * DestroyPostpaidInstance sent (or about to be); completed: the clone destroyed, the verification recorded;
 * failed: ended without a verification (the clone never ran, or was destroyed after an error). */
export const DRILL_STATUSES = ["cloning", "verifying", "destroying", "completed", "failed"] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];
/** The statuses in which a clone may still exist and bill: the sweeper's work. */
export const OPEN_DRILL_STATUSES: readonly DrillStatus[] = ["cloning", "verifying", "destroying"];

export type VerifyLevel = "data" | "cloud";
/** verified: every check passed; failed: one failed; inconclusive: none failed, but one could not be made. */
export type VerifyVerdict = "verified" | "failed" | "inconclusive";
export type CheckStatus = "pass" | "fail" | "unknown";
export type CheckName = "ping" | "min_keys" | "required_key" | "running" | "memory";
/** Why the level was reached: the address answered PING; answered but refused (a password, NOAUTH); accepted a
 * connection and said nothing; did not answer at all (then the cloud level). */
export type VerifyWhy = "answered" | "refused" | "silent" | "unreachable";

export interface VerifyCheck {
  name: CheckName;
  status: CheckStatus;
  /** What was seen, in English (for the report and the model); never the password. */
  detail: string;
  /** required_key: the key probed. */
  key?: string;
  /** min_keys: the keys found; memory: the bytes used. */
  observed?: number;
  /** min_keys: the fewest allowed; memory: the backup's size (bytes). */
  expected?: number;
  /** ping: AUTH was sent first (false: a password-free instance). */
  auth?: boolean;
}

export interface KeyspaceEntry {
  keys: number;
  expires: number;
}

/** What a drill's verification found (src/drill/verify.ts makes it). */
export interface DrillVerification {
  level: VerifyLevel;
  verdict: VerifyVerdict;
  why: VerifyWhy;
  /** The same in English, with what was seen (the server's or the network's error). */
  reason: string;
  checks: VerifyCheck[];
  /** Data level: the keys in all databases. */
  keys?: number;
  /** Data level: INFO keyspace, by database ("db0"). */
  keyspace?: Record<string, KeyspaceEntry>;
  /** Data level: INFO memory's used_memory; cloud level: the memory the cloud reports used (bytes). */
  memoryUsedBytes?: number;
  durationMs: number;
}

/** When each step happened (epoch ms). */
export interface DrillTimes {
  /** CloneInstances sent. */
  requested: number;
  /** The clone seen running. */
  running?: number;
  /** The verification ended. */
  verified?: number;
  /** DestroyPostpaidInstance sent. */
  destroyRequested?: number;
  /** The destroy's task ended (the clone isolated: it bills no more). */
  destroyed?: number;
}

export interface DrillRecord {
  drillId: string;
  region: string;
  sourceInstanceId: string;
  /** The backup cloned; with a point in time, the backup it starts from (when known). */
  backupId?: string;
  /** A point-in-time drill: the second cloned (ISO 8601). */
  pointInTime?: string;
  /** The clone's unique name (how a clone whose answer was lost is found, and checked before it is destroyed). */
  cloneName?: string;
  /** Known once CloneInstances answered. */
  cloneInstanceId?: string;
  /** The clone's order (DescribeInstanceDealDetail). */
  dealName?: string;
  /** The destroy's task. */
  destroyTaskId?: number;
  times: DrillTimes;
  verification?: DrillVerification;
  /** The estimated cost of the clone for the drill's expected time, CNY. */
  estimatedCostCny?: number;
  status: DrillStatus;
  /** Why the drill failed, or why a step was retried (a code of the catalog and its message). */
  error?: { code: string; message: string };
  /** Who asked for it (the caller's name), when known. */
  caller?: string;
}

/** What a transition may change: any field but the identity; `times` is merged into the record's. */
export type DrillPatch = Partial<Omit<DrillRecord, "drillId" | "region" | "sourceInstanceId" | "times">> & {
  times?: Partial<DrillTimes>;
};

export interface DrillLedger {
  /** Records a new drill; throws ClientError.StateUnavailable when it cannot (a drill must not go on unrecorded). */
  create(record: DrillRecord): Promise<void>;
  /**
   * Applies `patch` if the drill's status is one of `from` (atomically, across replicas); answers the new record,
   * or undefined when the drill is unknown or in another status. Throws ClientError.StateUnavailable.
   */
  transition(drillId: string, from: readonly DrillStatus[], patch: DrillPatch): Promise<DrillRecord | undefined>;
  get(drillId: string): Promise<DrillRecord | undefined>;
  /** The drills of one source instance (or all), newest first, at most `limit` (default 50). */
  list(filter?: { region?: string; sourceInstanceId?: string; limit?: number }): Promise<DrillRecord[]>;
  /** The drills whose clone may still exist (cloning, verifying, destroying), oldest first. */
  open(): Promise<DrillRecord[]>;
}

/** How long a drill is kept (audits ask for a year of restore tests). */
export const DRILL_RETENTION_MS = 400 * 24 * 3600_000;
/** Drills kept at once in memory; the oldest ended ones go first. */
export const DRILLS_MAX = 1000;
const LIST_DEFAULT = 50;

/** The record after a patch: the identity kept, `times` merged. */
export function applyPatch(record: DrillRecord, patch: DrillPatch): DrillRecord {
  const { times, ...rest } = patch;
  return { ...record, ...rest, times: { ...record.times, ...times } };
}

/** A drill of the last successful kind for an instance: completed, verified, its clone destroyed. */
export function isPassed(record: DrillRecord): boolean {
  return (
    record.status === "completed" && record.verification?.verdict === "verified" && record.times.destroyed !== undefined
  );
}

/** The newest passed drill of an instance (the restore plan's evidence), or undefined. */
export async function lastPassedDrill(
  ledger: DrillLedger,
  region: string,
  sourceInstanceId: string,
): Promise<DrillRecord | undefined> {
  return (await ledger.list({ region, sourceInstanceId })).find(isPassed);
}

/** A drill read back from the store, checked for its identity and status; undefined when it is not one. */
export function parseDrill(text: string | null | undefined): DrillRecord | undefined {
  return storedRecord<DrillRecord>(
    text,
    (value) =>
      typeof value.drillId === "string" &&
      typeof value.region === "string" &&
      typeof value.sourceInstanceId === "string" &&
      typeof value.times?.requested === "number" &&
      (DRILL_STATUSES as readonly unknown[]).includes(value.status),
  );
}

export function matches(record: DrillRecord, filter: { region?: string; sourceInstanceId?: string }): boolean {
  return (
    (filter.region === undefined || record.region === filter.region) &&
    (filter.sourceInstanceId === undefined || record.sourceInstanceId === filter.sourceInstanceId)
  );
}

export const listLimit = (filter?: { limit?: number }) => Math.max(1, filter?.limit ?? LIST_DEFAULT);

/** The drills ledger in this process's memory: bounded, records older than DRILL_RETENTION_MS forgotten. */
export class MemoryDrills implements DrillLedger {
  private readonly drills = new Map<string, DrillRecord>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly max = DRILLS_MAX,
  ) {}

  async create(record: DrillRecord): Promise<void> {
    this.forgetOld();
    if (this.drills.has(record.drillId)) throw new Error(`drill ${record.drillId} already exists`);
    if (this.drills.size >= this.max) {
      const oldest = [...this.drills.values()].find((d) => !OPEN_DRILL_STATUSES.includes(d.status));
      if (oldest) this.drills.delete(oldest.drillId);
    }
    this.drills.set(record.drillId, structuredClone(record));
  }

  async transition(drillId: string, from: readonly DrillStatus[], patch: DrillPatch): Promise<DrillRecord | undefined> {
    const record = this.drills.get(drillId);
    if (!record || !from.includes(record.status)) return undefined;
    const next = applyPatch(record, structuredClone(patch));
    this.drills.set(drillId, next);
    return structuredClone(next);
  }

  async get(drillId: string): Promise<DrillRecord | undefined> {
    this.forgetOld();
    const record = this.drills.get(drillId);
    return record && structuredClone(record);
  }

  async list(filter: { region?: string; sourceInstanceId?: string; limit?: number } = {}): Promise<DrillRecord[]> {
    this.forgetOld();
    return [...this.drills.values()]
      .filter((d) => matches(d, filter))
      .sort((a, b) => b.times.requested - a.times.requested)
      .slice(0, listLimit(filter))
      .map((d) => structuredClone(d));
  }

  async open(): Promise<DrillRecord[]> {
    return [...this.drills.values()]
      .filter((d) => OPEN_DRILL_STATUSES.includes(d.status))
      .sort((a, b) => a.times.requested - b.times.requested)
      .map((d) => structuredClone(d));
  }

  /** Ended drills past the retention go; a drill whose clone may exist is never forgotten. */
  private forgetOld(): void {
    const limit = this.now() - DRILL_RETENTION_MS;
    for (const [id, d] of this.drills) {
      if (d.times.requested < limit && !OPEN_DRILL_STATUSES.includes(d.status)) this.drills.delete(id);
    }
  }
}
