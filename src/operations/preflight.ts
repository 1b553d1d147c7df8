import type { ApiBackup, ApiInstance, RedisApi } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import type { ErrorCode } from "../cloud/catalog.js";
import { type Route, routeOf } from "../cloud/editions.js";
import type { Config } from "../config/index.js";
import { localPrice, priceField } from "../cloud/price.js";
import {
  backupAge,
  beijingToIso,
  beijingToMs,
  instanceStatusWord,
  isRestorable,
  toBackup,
  toBeijing,
  toUndoBackup,
  type UndoBackup,
} from "../cloud/views.js";
import { enUS } from "../i18n/en-US.js";
import type { Messages } from "../i18n/index.js";
import {
  type CloneFacts,
  cloneFacts,
  pointInTimeBackup,
  pointInTimeSecond,
  priceRequest,
  quoted,
} from "./restore-clone/facts.js";
import { type ResolvedPassword, resolvePassword, wherePasswordsGo } from "./password.js";
import { restoreTaskIds } from "../cloud/task-list.js";
import { allBackups } from "../cloud/backup-list.js";

/** How far back the restore tasks known before a restore are listed (clock skew between us and the API). */
const TASK_WINDOW_MS = 15 * 60_000;

export interface PreflightRequest {
  region: string;
  instanceId: string;
  /** The backup to restore; or, for the clone route, `pointInTime` (ISO 8601) instead. */
  backupId?: string;
  pointInTime?: string;
  passwordArgument?: string;
  /** The clone route: what the clone's unique name is derived from (the confirmToken, else one per call). */
  cloneNonce?: string;
  signal?: AbortSignal;
  /** Also list the instance's recent restore tasks, so a lost answer can later be matched to a new task. */
  snapshotTasks: boolean;
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
  /** The clone route only: the new instance (security groups, price, name; the second restored). */
  clone?: CloneFacts;
  /** The DescribeTaskList window (Beijing time) and the restore tasks that existed in it before the restore. */
  tasks?: { beginTime: string; known: ReadonlySet<number> };
}

const preflightError = (code: ErrorCode, message: string, hint?: string) =>
  new CloudError(code, `Refused by the preflight check: ${message}. Nothing was sent.`, {
    notSent: true,
    override: hint ? { hint, retryable: true } : undefined,
  });

/**
 * Reads what a restore depends on, in two passes (the instance, its backups and recent restore tasks; then, for
 * the clone route, the second restored, the security groups and the price) and refuses what the API would refuse,
 * with the API's own code, before anything is changed. Then the route's facts are made from what was read.
 */
export async function preflight(api: RedisApi, config: Config, req: PreflightRequest): Promise<Preflight> {
  const password = resolvePassword(config, req.instanceId, req.passwordArgument);
  const opts = { region: req.region, signal: req.signal };
  const beginTime = toBeijing(Date.now() - TASK_WINDOW_MS);
  // Settled, not all: a missing instance is reported as such even when its backup listing failed too.
  const [instances, backups, tasks] = await Promise.allSettled([
    api.describeInstances({ InstanceId: req.instanceId, Limit: 10 }, opts),
    req.pointInTime === undefined ? allBackups(api, req.region, req.instanceId, req.signal) : [],
    req.snapshotTasks ? restoreTaskIds(api, req.region, req.instanceId, beginTime, req.signal) : undefined,
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
  if (req.pointInTime !== undefined && route.method !== "clone") {
    throw new CloudError(
      "ClientError.PointInTimeRefused",
      `Refused: ${req.instanceId} (${route.edition}) is restored in place, and only the clone route restores a point in time; pass a backupId. Nothing was sent.`,
      { notSent: true },
    );
  }
  const second = req.pointInTime === undefined ? undefined : pointInTimeSecond(instance, req.pointInTime);
  // The clone route's reads, in one pass; each failure counts only where its answer is used (settled, not all).
  const clone = route.method === "clone";
  const [info, groups, price] = await Promise.allSettled([
    second === undefined
      ? undefined
      : api.describeSecondLevelBackupInfo({ InstanceId: instance.InstanceId, BackupTimestamp: second }, opts),
    clone ? api.describeInstanceSecurityGroup({ InstanceIds: [instance.InstanceId] }, opts) : undefined,
    clone ? api.inquiryPriceCreateInstance(priceRequest(instance), opts) : undefined,
  ]);

  const secondInfo = settled(info);
  const pit =
    req.pointInTime === undefined || second === undefined || !secondInfo
      ? undefined
      : pointInTimeBackup(instance, req.pointInTime, second, secondInfo);
  const all = settled(backups);
  const backup = pit?.backup ?? all.find((b) => String(b.BackupId) === req.backupId);
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
  if (config.undoMaxAgeMinutes !== undefined && route.method === "in_place") {
    requireUndoPoint(undo, config.undoMaxAgeMinutes, instance.InstanceId);
  }
  if (instance.NoAuth !== true && password.value === undefined) {
    throw new CloudError(
      "ClientError.PasswordMissing",
      `Refused by the preflight check: instance ${req.instanceId} is not password-free and no password is available. To give one, ${wherePasswordsGo(config, req.instanceId)}. Nothing was sent.`,
      { notSent: true },
    );
  }
  const out: Preflight = { region: req.region, instance, backup, password, route };
  if (undo) out.undo = undo;
  if (clone) {
    const read = { price: quoted(price, req.signal), groups: settled(groups) };
    out.clone = cloneFacts(instance, backup, read, req.cloneNonce, pit?.cloneTime);
  }
  const known = settled(tasks);
  if (known) out.tasks = { beginTime, known };
  return out;
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

/** The newest restorable backup taken after `target`: restoring it undoes a restore of `target`. */
export function undoPoint(backups: readonly ApiBackup[], target: ApiBackup): ApiBackup | undefined {
  const after = beijingToMs(target.StartTime) ?? Number.POSITIVE_INFINITY;
  let best: ApiBackup | undefined;
  let bestMs = after;
  for (const b of backups) {
    const ms = beijingToMs(b.StartTime);
    if (ms === undefined || ms <= bestMs || String(b.BackupId) === String(target.BackupId) || !isRestorable(b)) continue;
    best = b;
    bestMs = ms;
  }
  return best;
}

/** TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: refuses a restore without an undo backup at most `maxMinutes` old. */
function requireUndoPoint(undo: ApiBackup | undefined, maxMinutes: number, instanceId: string): void {
  if (undo && backupAge(undo).ageMinutes <= maxMinutes) return;
  const found = undo
    ? `its newest undo backup, ${undo.BackupId}, was taken ${backupAge(undo).age} ago`
    : "no restorable backup of it is newer than the one to restore";
  throw new CloudError(
    "ClientError.NoUndoPoint",
    `This server restores only with an undo point: a backup of ${instanceId} at most ${maxMinutes} min old ` +
      `that is newer than the one to restore (TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES), but ${found}. Nothing was sent.`,
    { notSent: true },
  );
}

/** What a human is shown before a restore: the instance, the backup, and what will be lost. */
export function planView(pf: Preflight, t: Messages = enUS, now = Date.now()) {
  const b = toBackup(pf.backup);
  const instance = {
    instanceId: pf.instance.InstanceId,
    name: pf.instance.InstanceName ?? "",
    status: instanceStatusWord(pf.instance.Status),
    statusCode: pf.instance.Status,
    noAuth: pf.instance.NoAuth === true,
    region: pf.region,
  };
  const { ageMinutes } = backupAge(pf.backup, now);
  const backup = { backupId: b.backupId, startTime: b.startTime, type: b.type, ageMinutes, age: inWords(ageMinutes, t) };
  const label = instance.name ? `${instance.name} (${instance.instanceId})` : instance.instanceId;
  const undoBackup: UndoBackup | undefined = pf.undo ? toUndoBackup(pf.undo, now) : undefined;
  const undo = undoBackup ? { backupId: undoBackup.backupId, age: inWords(undoBackup.ageMinutes, t) } : undefined;
  const { route } = pf;
  const methodReason = t.clone.method({
    method: route.method,
    edition: route.edition,
    forced: route.why === "setting",
    tableMethod: route.tableMethod,
  });
  const clone = pf.clone ? cloneView(pf.clone, route.edition) : undefined;
  const warning = clone
    ? t.clone.warning({
        label,
        name: clone.name,
        backupId: backup.backupId,
        startTime: backup.startTime,
        price: priceText(clone.price, t),
      })
    : t.planWarning({ label, backupId: backup.backupId, startTime: backup.startTime, age: backup.age, undo });
  const shown = b.remark ? { ...backup, remark: b.remark } : backup;
  const typed = pf.clone?.cloneTime ? { ...shown, type: "point_in_time" } : shown;
  return {
    method: route.method,
    methodReason,
    instance,
    backup: typed,
    warning,
    ...(clone ? { clone } : {}),
    ...(undoBackup ? { undoBackup } : {}),
  };
}

/** The plan's `clone` object: the new instance as it will be made, and its price (never the password). */
function cloneView(c: CloneFacts, edition: string) {
  const view = {
    name: c.name,
    zoneId: c.zoneId,
    ...(c.vpcId ? { vpcId: c.vpcId } : {}),
    ...(c.subnetId ? { subnetId: c.subnetId } : {}),
    securityGroupIds: c.securityGroupIds,
    port: c.port,
    type: c.type,
    edition,
    ...(c.sizeMb !== undefined ? { sizeMb: c.sizeMb } : {}),
    ...(c.shardSizeMb !== undefined ? { shardSizeMb: c.shardSizeMb } : {}),
    ...(c.shardNum !== undefined ? { shardNum: c.shardNum } : {}),
    ...(c.replicasNum !== undefined ? { replicasNum: c.replicasNum } : {}),
    ...(c.cloneTime ? { pointInTime: beijingToIso(c.cloneTime) } : {}),
    price: { ...priceField(c.price), bills: "until someone deletes it" },
  };
  return view;
}

function priceText(price: CloneFacts["price"], t: Messages): string {
  return localPrice(price, t.clone);
}
export type PlanView = ReturnType<typeof planView>;

/** An age in whole minutes, in words of the texts' language ("3 h 12 min"). */
function inWords(minutes: number, t: Messages): string {
  return t.duration({ days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 });
}
