import type { ApiBackup, ApiInstance, RedisApi } from "../cloud/api.js";
import type { ErrorCode } from "../cloud/catalog.js";
import { type Route, routeOf } from "../cloud/editions.js";
import { CloudError } from "../cloud/errors.js";
import { quoted } from "../cloud/price.js";
import { allBackups } from "../cloud/backup-list.js";
import { restoreTaskIds } from "../cloud/task-list.js";
import { backupAge, coveringBackup, instanceStatusWord, toBackup, toBeijing, undoPoint } from "../cloud/views.js";
import type { Config } from "../config/index.js";
import type { AuditRecord } from "../records/audit.js";
import { type DrillLedger, type DrillRecord, lastPassedDrill } from "../records/store/drills.js";
import { type ResolvedPassword, resolvePassword, wherePasswordsGo } from "./password.js";
import { type CloneFacts, type CloneRead, priceRequest } from "./restore-clone/facts.js";

/** How far back the restore tasks known before a restore are listed (clock skew between us and the API). */
const TASK_WINDOW_MS = 15 * 60_000;
/** How far back a point in time may be (DescribeSecondLevelBackupInfo: the last 7 days). */
export const POINT_IN_TIME_MAX_AGE_MS = 7 * 24 * 3600_000;

export interface PreflightRequest {
  region: string;
  instanceId: string;
  /** The backup to restore; or, for the clone route, `pointInTime` (ISO 8601) instead. */
  backupId?: string;
  pointInTime?: string;
  passwordArgument?: string;
  signal?: AbortSignal;
  /** Also list the instance's recent restore tasks, so a lost answer can later be matched to a new task. */
  snapshotTasks: boolean;
  /** Also read the instance's last passed drill from this ledger (the plan's evidence). */
  drills?: DrillLedger;
}

/** What the preflight established: the restore can be sent, and with what. */
export interface Preflight {
  region: string;
  instance: ApiInstance;
  backup: ApiBackup;
  /** The undo point: the newest restorable backup taken after `backup`; none when `backup` is the newest. */
  undo?: ApiBackup;
  password: ResolvedPassword;
  /** How this instance is restored (docs/restore-methods.md): the edition table or the setting. */
  route: Route;
  /** The clone route only: what was read for the new instance (the source's security groups, the price). */
  cloneRead?: CloneRead;
  /** The clone route only: the new instance as its operation makes it, from `cloneRead` (its name, its tags). */
  clone?: CloneFacts;
  /** The DescribeTaskList window (Beijing time) and the restore tasks that existed in it before the restore. */
  tasks?: { beginTime: string; known: ReadonlySet<number> };
  /** The instance's last passed drill, when asked for (undefined too when the ledger could not be read). */
  lastDrill?: DrillRecord;
}

const preflightError = (code: ErrorCode, message: string, hint?: string) =>
  new CloudError(code, `Refused by the preflight check: ${message}. Nothing was sent.`, {
    notSent: true,
    override: hint ? { hint, retryable: true } : undefined,
  });

/**
 * The read phase of a restore (or a drill), then its checks: reads what it depends on in two passes (the drill
 * ledger, the recent restore tasks, the instance and its backups; then, for the clone route, the second restored,
 * the security groups and the price), and refuses what the API would refuse, with the API's own code, before
 * anything is changed. The clone itself is named and tagged by its operation, from `cloneRead`.
 */
export async function preflight(api: RedisApi, config: Config, req: PreflightRequest): Promise<Preflight> {
  const at = req.pointInTime === undefined ? undefined : pointInTimeAsked(req.instanceId, req.pointInTime);
  const password = resolvePassword(config, req.instanceId, req.passwordArgument);
  const whereToGive = wherePasswordsGo(config, req.instanceId);
  const opts = { region: req.region, signal: req.signal };
  const beginTime = toBeijing(Date.now() - TASK_WINDOW_MS);
  // Settled, not all: a missing instance is reported as such even when its backup listing failed too.
  const [lastDrill, tasks, instances, backups] = await Promise.allSettled([
    req.drills ? lastPassedDrill(req.drills, req.region, req.instanceId).catch(() => undefined) : undefined,
    req.snapshotTasks ? restoreTaskIds(api, req.region, req.instanceId, beginTime, req.signal) : undefined,
    api.describeInstances({ InstanceId: req.instanceId, Limit: 10 }, opts),
    at === undefined ? allBackups(api, req.region, req.instanceId, req.signal) : [],
  ]);

  const instance = settled(instances).InstanceSet?.find((i) => i.InstanceId === req.instanceId);
  if (!instance) {
    throw preflightError(
      "ResourceNotFound.InstanceNotExists",
      `instance ${req.instanceId} does not exist in region ${req.region}`,
    );
  }
  if (instance.Status !== 2) {
    const word = instanceStatusWord(instance.Status);
    const busy =
      instance.Status === 1
        ? `A task is running on ${req.instanceId} (maybe a restore): wait until list_instances shows it running, then try again.`
        : undefined;
    throw preflightError(
      "ResourceUnavailable.InstanceStatusAbnormal",
      `instance ${req.instanceId} is ${word} (status ${instance.Status}), not running; only a running instance can be restored`,
      busy,
    );
  }
  const route = routeOf(instance, config.restoreMethod);
  if (at !== undefined && route.method !== "clone") {
    throw new CloudError(
      "ClientError.PointInTimeRefused",
      `Refused: ${req.instanceId} (${route.edition}) is restored in place, and only the clone route restores a point in time; pass a backupId. Nothing was sent.`,
      { notSent: true },
    );
  }
  if (at !== undefined && instance.BackupMode !== "SecondLevelBackup") {
    const mode = instance.BackupMode || "normal";
    throw at.refused(`its backup mode is ${mode}, not SecondLevelBackup (point-in-time backup is off)`);
  }
  // The clone route's reads, in one pass; each failure counts only where its answer is used (settled, not all).
  const clone = route.method === "clone";
  const [info, groups, price] = await Promise.allSettled([
    at === undefined
      ? undefined
      : api.describeSecondLevelBackupInfo({ InstanceId: instance.InstanceId, BackupTimestamp: at.second }, opts),
    clone ? api.describeInstanceSecurityGroup({ InstanceIds: [instance.InstanceId] }, opts) : undefined,
    clone ? api.inquiryPriceCreateInstance(priceRequest(instance), opts) : undefined,
  ]);

  const secondInfo = settled(info);
  const covering = at && secondInfo ? coveringBackup(secondInfo, at.second) : undefined;
  if (at && covering && "why" in covering) throw at.refused(covering.why);
  const all = settled(backups);
  const backup =
    covering && "backup" in covering ? covering.backup : all.find((b) => String(b.BackupId) === req.backupId);
  if (!backup) {
    throw preflightError(
      "InvalidParameterValue.BackupNotExists",
      `backup ${req.backupId} is not one of the backups of instance ${req.instanceId}`,
    );
  }
  const view = toBackup(backup);
  if (view.locked) {
    throw preflightError("ResourceUnavailable.BackupLockedError", `backup ${req.backupId} is locked by another task`);
  }
  if (backup.Status !== 2) {
    throw preflightError(
      "ResourceUnavailable.BackupStatusAbnormal",
      `backup ${req.backupId} is ${view.status} (status ${backup.Status}), not normal`,
    );
  }
  // the clone route leaves the original untouched: it is the undo point, no undo backup is needed
  const undo = route.method === "in_place" ? undoPoint(all, backup) : undefined;
  const maxMinutes = route.method === "in_place" ? config.undoMaxAgeMinutes : undefined;
  // TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: a restore only with an undo backup at most that old
  const undoAge = undo && backupAge(undo);
  if (maxMinutes !== undefined && !(undoAge && undoAge.ageMinutes <= maxMinutes)) {
    const found = undo
      ? `its newest undo backup, ${undo.BackupId}, was taken ${undoAge?.age} ago`
      : "no restorable backup of it is newer than the one to restore";
    throw new CloudError(
      "ClientError.NoUndoPoint",
      `This server restores only with an undo point: a backup of ${instance.InstanceId} at most ${maxMinutes} min old ` +
        `that is newer than the one to restore (TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES), but ${found}. Nothing was sent.`,
      { notSent: true },
    );
  }
  if (instance.NoAuth !== true && password.value === undefined) {
    throw new CloudError(
      "ClientError.PasswordMissing",
      `Refused by the preflight check: instance ${req.instanceId} is not password-free and no password is available. To give one, ${whereToGive}. Nothing was sent.`,
      { notSent: true },
    );
  }
  const out: Preflight = { region: req.region, instance, backup, password, route };
  if (undo) out.undo = undo;
  if (clone) out.cloneRead = { price: quoted(price, req.signal), groups: settled(groups) };
  const known = settled(tasks);
  if (known) out.tasks = { beginTime, known };
  const drill = settled(lastDrill);
  if (drill) out.lastDrill = drill;
  return out;
}

/** A point in time asked for: its second, and its refusal (ClientError.PointInTimeRefused, nothing sent). */
interface PointInTime {
  second: number;
  refused(why: string): CloudError;
}

/** The point in time of the arguments, checked before anything is read: an ISO 8601 time of the last 7 days. */
function pointInTimeAsked(instanceId: string, at: string, now = Date.now()): PointInTime {
  const refused = (why: string) =>
    new CloudError(
      "ClientError.PointInTimeRefused",
      `Refused: ${instanceId} cannot be restored to ${at}: ${why}. Nothing was sent.`,
      { notSent: true },
    );
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw refused("not an ISO 8601 time");
  if (ms > now) throw refused("that time is in the future");
  if (now - ms > POINT_IN_TIME_MAX_AGE_MS) throw refused("it is older than 7 days");
  return { second: Math.floor(ms / 1000), refused };
}

/** What the audit record names of a preflight: the backup restored (a point in time's too), and where the password came from (never the value). */
export function notePreflight(record: AuditRecord, pf: Preflight): void {
  record.backupId ??= String(pf.backup.BackupId);
  record.passwordSource = pf.password.source;
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}
