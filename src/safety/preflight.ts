import type { ApiBackup, ApiInstance, RedisApi } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import type { Config } from "../config.js";
import { ALL_BACKUP_STATUSES, beijingToMs, instanceStatusWord, toBackup, toBeijing } from "../cloud/views.js";
import { enUS } from "../i18n/en-US.js";
import type { Messages } from "../i18n/index.js";
import { type ResolvedPassword, resolvePassword, wherePasswordsGo } from "./password.js";
import { restoreTaskIds } from "./tasks.js";

const PAGE = 100;
const MAX_PAGES = 100;
/** How far back the restore tasks known before a restore are listed (clock skew between us and the API). */
const TASK_WINDOW_MS = 15 * 60_000;

export interface PreflightRequest {
  region: string;
  instanceId: string;
  backupId: string;
  passwordArgument?: string;
  signal?: AbortSignal;
  /** Also list the instance's recent restore tasks, so a lost answer can later be matched to a new task. */
  snapshotTasks: boolean;
}

/** What the preflight established: the restore can be sent, and with what. */
export interface Preflight {
  region: string;
  instance: ApiInstance;
  backup: ApiBackup;
  password: ResolvedPassword;
  /** The DescribeTaskList window (Beijing time) and the restore tasks that existed in it before the restore. */
  tasks?: { beginTime: string; known: ReadonlySet<number> };
}

const preflightError = (code: string, message: string, hint?: string) =>
  new CloudError(code, `Refused by the preflight check: ${message}. Nothing was sent.`, {
    notSent: true,
    override: hint ? { hint, retryable: true } : undefined,
  });

/**
 * Looks up the instance and its backups in parallel (and, for a restore about to be sent, its recent restore
 * tasks) and refuses what the API would refuse, with the API's own code, before anything is changed.
 */
export async function preflight(api: RedisApi, config: Config, req: PreflightRequest): Promise<Preflight> {
  const opts = { region: req.region, signal: req.signal };
  const beginTime = toBeijing(Date.now() - TASK_WINDOW_MS);
  // Settled, not all: a missing instance is reported as such even when its backup listing failed too.
  const [instances, backups, tasks] = await Promise.allSettled([
    api.describeInstances({ InstanceId: req.instanceId, Limit: 10 }, opts),
    findBackup(api, req),
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
  const backup = settled(backups);
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
  const password = resolvePassword(config, req.instanceId, req.passwordArgument);
  if (instance.NoAuth !== true && password.value === undefined) {
    throw new CloudError(
      "ClientError.PasswordMissing",
      `Refused by the preflight check: instance ${req.instanceId} is not password-free and no password is available. To give one, ${wherePasswordsGo(config, req.instanceId)}. Nothing was sent.`,
      { notSent: true },
    );
  }
  const out: Preflight = { region: req.region, instance, backup, password };
  const known = settled(tasks);
  if (known) out.tasks = { beginTime, known };
  return out;
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

/** Pages through the instance's backups (100 at a time; there is no BackupId filter) until the one is found. */
async function findBackup(api: RedisApi, req: PreflightRequest): Promise<ApiBackup | undefined> {
  for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
    const res = await api.describeInstanceBackups(
      { InstanceId: req.instanceId, Limit: PAGE, Offset: offset, Status: ALL_BACKUP_STATUSES },
      { region: req.region, signal: req.signal },
    );
    const set = res.BackupSet ?? [];
    const found = set.find((b) => String(b.BackupId) === req.backupId);
    if (found) return found;
    offset += set.length;
    if (set.length === 0 || offset >= (res.TotalCount ?? 0)) return undefined;
  }
  return undefined;
}

/** The backup's age relative to now, in whole minutes and in words ("3 h 12 min", in the texts' language). */
export function backupAge(backup: ApiBackup, now = Date.now(), t: Messages = enUS): { ageMinutes: number; age: string } {
  const started = beijingToMs(backup.StartTime) ?? now;
  const minutes = Math.max(0, Math.floor((now - started) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return { ageMinutes: minutes, age: t.duration({ days, hours, minutes: minutes % 60 }) };
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
  const backup = { backupId: b.backupId, startTime: b.startTime, type: b.type, ...backupAge(pf.backup, now, t) };
  const label = instance.name ? `${instance.name} (${instance.instanceId})` : instance.instanceId;
  const warning = t.planWarning({ label, backupId: backup.backupId, startTime: backup.startTime, age: backup.age });
  return { instance, backup: b.remark ? { ...backup, remark: b.remark } : backup, warning };
}
export type PlanView = ReturnType<typeof planView>;
