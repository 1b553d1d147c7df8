// The API's shapes in our words: status words, backup views, Beijing time. Tools and safety both use this;
// it knows nothing of either.
import { z } from "zod";
import type { ApiBackup, DescribeSecondLevelBackupInfoResponse } from "./api.js";

/** How the tools give a time, said in their output schemas. */
export const TIME_FORMAT = "ISO 8601, Beijing time with its +08:00 offset, as the API's own times";

// ---- Instances -------------------------------------------------------------------------------------------

export const INSTANCE_STATUS: Readonly<Record<number, string>> = {
  0: "initializing",
  1: "task_in_progress",
  2: "running",
  [-2]: "isolated",
  [-3]: "pending_deletion",
};

export const instanceStatusWord = (code: number): string => INSTANCE_STATUS[code] ?? "unknown";

// ---- Backups ---------------------------------------------------------------------------------------------

/**
 * Every backup status. The API's default is [2] (normal only); asking for all of them lets an agent see, and
 * be told why it cannot use, a locked or expired backup.
 */
export const ALL_BACKUP_STATUSES = [2, 1, -1, 3, 4];

const BACKUP_TYPES: Readonly<Record<string, string>> = {
  "0": "manual",
  "1": "automatic",
  "2": "before_config_change",
};
const BACKUP_STATUS: Readonly<Record<number, string>> = {
  1: "locked",
  2: "normal",
  [-1]: "expired",
  3: "exporting",
  4: "exported",
};

export const backupSchema = z.object({
  backupId: z.string().describe("Pass this to restore_instance"),
  startTime: z.string().describe(`When the backup was taken (${TIME_FORMAT}); a restore brings the data back to this moment`),
  endTime: z.string().optional(),
  type: z.string().describe("manual, automatic or before_config_change"),
  typeCode: z.string().describe("The API's BackupType"),
  status: z.string().describe("normal, locked, expired, exporting or exported"),
  statusCode: z.number().int().describe("The API's Status: 2 normal, 1 locked, -1 expired, 3 exporting, 4 exported"),
  locked: z.boolean(),
  restorable: z.boolean().describe("Whether restore_instance can use it now (normal and not locked)"),
  remark: z.string().optional(),
  expireTime: z.string().optional(),
});
export type Backup = z.infer<typeof backupSchema>;

export function toBackup(b: ApiBackup): Backup {
  const locked = b.Locked === 1 || b.Status === 1;
  const backup: Backup = {
    backupId: String(b.BackupId),
    startTime: beijingToIso(b.StartTime),
    type: BACKUP_TYPES[b.BackupType] ?? "other",
    typeCode: String(b.BackupType),
    status: BACKUP_STATUS[b.Status] ?? "unknown",
    statusCode: b.Status,
    locked,
    restorable: b.Status === 2 && !locked,
  };
  if (b.EndTime) backup.endTime = beijingToIso(b.EndTime);
  if (b.Remark) backup.remark = b.Remark;
  if (b.ExpireTime) backup.expireTime = beijingToIso(b.ExpireTime);
  return backup;
}

/** The backup's age relative to now, in whole minutes and in words ("3 h 12 min"). */
export function backupAge(backup: Pick<ApiBackup, "StartTime">, now = Date.now()): { ageMinutes: number; age: string } {
  const started = beijingToMs(backup.StartTime) ?? now;
  const minutes = Math.max(0, Math.floor((now - started) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = days > 0 ? [`${days} d`, `${hours} h`] : hours > 0 ? [`${hours} h`, `${mins} min`] : [`${mins} min`];
  return { ageMinutes: minutes, age: parts.join(" ") };
}

export const undoBackupSchema = z
  .object({
    backupId: z.string(),
    startTime: z.string().describe("Restoring this backup undoes the restore, except for writes made after this time"),
    age: z.string(),
    ageMinutes: z.number().int(),
    remark: z.string().optional(),
  })
  .describe("The undo point: the newest restorable backup taken after the one restored");
export type UndoBackup = z.infer<typeof undoBackupSchema>;

export function toUndoBackup(b: ApiBackup, now = Date.now()): UndoBackup {
  const undo: UndoBackup = { backupId: String(b.BackupId), startTime: beijingToIso(b.StartTime), ...backupAge(b, now) };
  if (b.Remark) undo.remark = b.Remark;
  return undo;
}

/** How to undo a restore, in one line ("restore backup …, taken … ago; writes after it are lost"). */
export function undoText(undo: UndoBackup): string {
  return `restore backup ${undo.backupId}, taken ${undo.age} ago; writes after it are lost`;
}

/** Whether a backup can be restored now (normal and not locked). */
export const isRestorable = (b: ApiBackup): boolean => b.Status === 2 && b.Locked !== 1;

/** The newest restorable backup taken after `target`: restoring it undoes a restore of `target`. */
export function undoPoint(backups: readonly ApiBackup[], target: ApiBackup): ApiBackup | undefined {
  const after = beijingToMs(target.StartTime) ?? Number.POSITIVE_INFINITY;
  let best: ApiBackup | undefined;
  let bestMs = after;
  for (const b of backups) {
    const ms = beijingToMs(b.StartTime);
    if (ms === undefined || ms <= bestMs || String(b.BackupId) === String(target.BackupId) || !isRestorable(b))
      continue;
    best = b;
    bestMs = ms;
  }
  return best;
}

/**
 * The backup that covers a second (unix time), from DescribeSecondLevelBackupInfo's answer (its StartTime: that
 * second, Beijing time), or why none does.
 */
export function coveringBackup(
  res: DescribeSecondLevelBackupInfoResponse,
  second: number,
): { backup: ApiBackup } | { why: string } {
  if (second < res.StartTimestamp) {
    return { why: `the earliest second that can be restored is ${isoTime(res.StartTimestamp * 1000)}` };
  }
  const gap = (res.MissingTimestamps ?? []).find((m) => second >= m.StartTimeStamp && second <= m.EndTimeStamp);
  if (gap) {
    return {
      why: `no backup covers it (a gap from ${isoTime(gap.StartTimeStamp * 1000)} to ${isoTime(gap.EndTimeStamp * 1000)})`,
    };
  }
  if (!res.BackupId) return { why: "DescribeSecondLevelBackupInfo named no backup for it" };
  const StartTime = toBeijing(second * 1000);
  return { backup: { BackupId: res.BackupId, StartTime, BackupType: "point_in_time", Status: 2, Locked: 0 } };
}

// ---- Tasks -----------------------------------------------------------------------------------------------

export type TaskKind = "restore" | "backup" | "other";

/**
 * DescribeTaskList's TaskType: a numeric code (the SDK's docs: FLOW_RESTOREBACKUP "010", FLOW_BACKUPINSTANCE
 * "012", FLOW_AUTOBACKUP "017"); the names are accepted too, should some region answer with them.
 * DescribeTaskInfo's TaskType is free text and is never read for this.
 */
const TASK_KINDS: ReadonlyMap<string, TaskKind> = new Map([
  ["010", "restore"],
  ["FLOW_RESTOREBACKUP", "restore"],
  ["012", "backup"],
  ["FLOW_BACKUPINSTANCE", "backup"],
  ["017", "backup"],
  ["FLOW_AUTOBACKUP", "backup"],
]);

export const taskKindOf = (taskType: string | undefined): TaskKind =>
  TASK_KINDS.get(String(taskType ?? "").trim()) ?? "other";

/** The BackupType a backup task's DescribeTaskList TaskType makes: "0" manual ("012"), "1" automatic ("017"). */
const BACKUP_TYPE_OF_TASK: ReadonlyMap<string, "0" | "1"> = new Map([
  ["012", "0"],
  ["FLOW_BACKUPINSTANCE", "0"],
  ["017", "1"],
  ["FLOW_AUTOBACKUP", "1"],
]);

export const backupTypeOfTask = (taskType: string | undefined): "0" | "1" | undefined =>
  BACKUP_TYPE_OF_TASK.get(String(taskType ?? "").trim());

/** A TaskId as the API answers it (an integer or a string of digits) as a number, else undefined. */
export function parseTaskId(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

// ---- Times -----------------------------------------------------------------------------------------------

const BEIJING_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** The API's "YYYY-MM-DD hh:mm:ss" (Beijing time, UTC+8) as ISO 8601 with its offset; other text unchanged. */
export function beijingToIso(text: string | undefined | null): string {
  if (!text) return "";
  const m = BEIJING_RE.exec(text);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00` : text;
}

/** Milliseconds since the epoch for the API's Beijing-time text, or undefined. */
export function beijingToMs(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(beijingToIso(text));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The tools' one form of a time they make themselves (an expiry, a time in an error), the form beijingToIso gives
 * the API's times: ISO 8601 in Beijing time with its offset, to the second ("2026-12-02T01:40:05+08:00").
 */
export function isoTime(ms: number): string {
  return `${toBeijing(ms).replace(" ", "T")}+08:00`;
}

/** A Date as the API's Beijing-time text. */
export function toBeijing(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return d.toISOString().slice(0, 19).replace("T", " ");
}
