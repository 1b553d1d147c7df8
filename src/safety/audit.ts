import { closeSync, fstatSync, fsyncSync, openSync, writeSync } from "node:fs";
import { CloudError } from "../cloud/errors.js";
import type { ConfirmMode } from "../config.js";
import type { Logger } from "../log.js";
import type { PasswordSource } from "./password.js";

/**
 * planned: a confirmation token was issued (token mode, nothing sent); submitted: RestoreInstance (or
 * ManualBackupInstance) answered a TaskId; recovered: its answer was lost but the task was found; refused:
 * stopped before the request was sent; failed: the API answered an error; outcome_unknown: sent, no answer (and
 * no task found).
 */
export type AuditOutcome = "planned" | "submitted" | "recovered" | "refused" | "failed" | "outcome_unknown";

/** The tools whose calls are audited: every call that changes an instance. */
export type AuditEvent = "restore_instance" | "backup_instance" | "switch_address";

/** One line of the audit log. Only these fields are written: never a password, key or token. */
export interface AuditRecord {
  /** The tool; restore_instance when not given. */
  event?: AuditEvent;
  /** Who made the call (token:<name>, oauth:<sub>, anonymous, local). */
  caller: string;
  region?: string;
  instanceId: string;
  /** restore_instance: the backup restored. */
  backupId?: string;
  /** restore_instance: how the restore was confirmed. */
  confirm?: ConfirmMode;
  /** backup_instance: the new backup's remark, and how long it is kept. */
  remark?: string;
  storageDays?: number;
  outcome: AuditOutcome;
  errorCode?: string;
  message?: string;
  taskId?: number;
  requestId?: string;
  passwordSource?: PasswordSource;
  /** The undo point the plan named: restoring this backup undoes the restore (writes after it are lost). */
  undoBackupId?: string;
  undoBackupStartTime?: string;
  // Issue 16: the restore method and the clone route, and switch_address
  /** restore_instance: in_place or clone, and why (the edition table, or TENCENTCLOUD_REDIS_RESTORE_METHOD). */
  method?: "in_place" | "clone";
  methodWhy?: string;
  /** The clone route: the new instance, its order, and the second restored (point in time). */
  cloneInstanceId?: string;
  dealName?: string;
  pointInTime?: string;
  /** switch_address: the instance given the address, the address, the step reached and each step's task. */
  toInstanceId?: string;
  address?: string;
  switchStep?: string;
  switchTaskIds?: number[];
}

/**
 * The audit log (TENCENTCLOUD_REDIS_AUDIT_LOG): one JSON line per restore_instance and backup_instance call,
 * appended and fsync'ed before the call returns. The file is created with mode 0600. A change is refused when
 * the log cannot be written (`assertWritable` runs right before the request is sent), so none goes unrecorded.
 */
export class AuditLog {
  private warnedMode = false;

  constructor(
    private readonly path: string | undefined,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.path !== undefined;
  }

  /** Proves the file can be opened for appending (creating it); throws ClientError.AuditLogUnavailable. */
  assertWritable(change: "restore" | "backup" | "switch" = "restore"): void {
    if (!this.path) return;
    try {
      closeSync(this.open(this.path));
    } catch (caught) {
      const verb = change === "backup" ? "back up" : change === "switch" ? "switch an address" : "restore";
      this.log.error(`audit log cannot be written: refusing to ${verb}`, { path: this.path, reason: reason(caught) });
      throw new CloudError(
        "ClientError.AuditLogUnavailable",
        `The audit log cannot be written (${reason(caught)}), so the ${change} is refused. Nothing was sent.`,
        { notSent: true },
      );
    }
  }

  /** Appends one record and flushes it to disk. A failure is logged as an error, never silent. */
  write(record: AuditRecord): boolean {
    if (!this.path) return true;
    const line = `${JSON.stringify({
      time: new Date().toISOString(),
      event: record.event ?? "restore_instance",
      caller: record.caller,
      region: record.region,
      instanceId: record.instanceId,
      backupId: record.backupId,
      confirm: record.confirm,
      remark: record.remark,
      storageDays: record.storageDays,
      outcome: record.outcome,
      errorCode: record.errorCode,
      message: record.message?.slice(0, 500),
      taskId: record.taskId,
      requestId: record.requestId,
      passwordSource: record.passwordSource,
      undoBackupId: record.undoBackupId,
      undoBackupStartTime: record.undoBackupStartTime,
      method: record.method,
      methodWhy: record.methodWhy,
      cloneInstanceId: record.cloneInstanceId,
      dealName: record.dealName,
      pointInTime: record.pointInTime,
      toInstanceId: record.toInstanceId,
      address: record.address,
      switchStep: record.switchStep,
      switchTaskIds: record.switchTaskIds,
    })}\n`;
    let fd: number | undefined;
    try {
      fd = this.open(this.path);
      writeSync(fd, line);
      fsyncSync(fd);
      return true;
    } catch (caught) {
      this.log.error("audit log write failed", {
        path: this.path,
        reason: reason(caught),
        event: record.event ?? "restore_instance",
        caller: record.caller,
        instanceId: record.instanceId,
        backupId: record.backupId,
        outcome: record.outcome,
        taskId: record.taskId,
        requestId: record.requestId,
      });
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private open(path: string): number {
    const fd = openSync(path, "a", 0o600);
    if (!this.warnedMode && (fstatSync(fd).mode & 0o077) !== 0) {
      this.warnedMode = true;
      this.log.warning("audit log file is readable by others; it was created before with a wider mode", { path });
    }
    return fd;
  }
}

function reason(caught: unknown): string {
  const code = (caught as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : caught instanceof Error ? caught.message.slice(0, 200) : "unknown error";
}
