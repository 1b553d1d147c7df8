import { ALL_BACKUP_STATUSES, beijingToMs, toBeijing } from "../cloud/views.js";
import { firstTask, SKEW_MS, type SettleContext, type Settlement } from "./settlement.js";

/** A backup: the manual backup with its remark, taken after the intent. */
export async function settleBackup({ api, intent, claimed, old }: SettleContext): Promise<Settlement | undefined> {
  const intentMs = Date.parse(intent.time);
  const res = await api.describeInstanceBackups(
    {
      InstanceId: intent.instanceId,
      BeginTime: toBeijing(intentMs - SKEW_MS),
      Limit: 100,
      Offset: 0,
      Status: ALL_BACKUP_STATUSES,
    },
    { region: intent.region ?? "" },
  );
  const backup = (res.BackupSet ?? []).find(
    (b) => String(b.BackupType) === "0" && (b.Remark ?? "") === intent.remark,
  );
  // its task: the backup task started closest to the backup itself
  const task = await firstTask(api, intent, "backup", claimed, backup ? beijingToMs(backup.StartTime) : undefined);
  if (backup) {
    return {
      outcome: "recovered",
      ...(task === undefined ? {} : { taskId: task }),
      found: String(backup.BackupId),
      message: `manual backup ${backup.BackupId} with remark "${intent.remark}" found`,
    };
  }
  if (!old) return undefined;
  if (task !== undefined) {
    return {
      outcome: "unknown",
      taskId: task,
      message: `a backup task (${task}) started after the intent, but no backup has its remark`,
    };
  }
  return { outcome: "not_sent", message: "no backup with its remark and no backup task after the intent: never sent" };
}
