import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { CloudError } from "../cloud/errors.js";
import type { ConfirmMode } from "../config/index.js";
import type { Logger } from "../base/log.js";
import type { RestoreMethod } from "../config/restore-method.js";

/** Where a restore's instance password came from (never the value). */
export type PasswordSource = "env" | "argument" | "none";
import { appendWhole } from "./durable-write.js";

/**
 * planned: a confirmation token was issued (token mode, nothing sent); intent: the request is about to be sent
 * (written and fsynced before it is, docs/crash-safety.md); submitted: RestoreInstance (or ManualBackupInstance) answered a
 * TaskId; recovered: its answer was lost (or its server stopped) but the task was found; refused: stopped before
 * the request was sent; failed: the API answered an error; outcome_unknown: sent, no answer (and no task found
 * yet); not_sent: an in-doubt operation settled: the cloud shows it never took effect; unknown: an in-doubt
 * operation settled as "nothing can tell".
 */
export type AuditOutcome =
  | "planned"
  | "intent"
  | "submitted"
  | "recovered"
  | "refused"
  | "failed"
  | "outcome_unknown"
  | "not_sent"
  | "unknown";

/**
 * The tools whose calls are audited (every call that changes an instance), and the approval's events:
 * a call that asked for an approval (approval_requested: nothing sent) and an approver's decision.
 */
export type AuditEvent =
  | "restore_instance"
  | "backup_instance"
  | "switch_address"
  | "drill_restore"
  | "approval_requested"
  | "approval_decided";

/** The requests that change the cloud: each is journaled (an intent before it, an outcome after). */
export type ChangeMethod =
  | "RestoreInstance"
  | "ManualBackupInstance"
  | "CloneInstances"
  | "ModifyNetworkConfig"
  | "DestroyPostpaidInstance";

/** One line of the audit log. Only these fields are written: never a password, key or token. */
export interface AuditRecord {
  /** When it was written (ISO 8601); now unless given. */
  time?: string;
  /** The one write-ahead operation this record belongs to: its intent and its outcome carry the same one. */
  operationId?: string;
  /** The API action of the operation (on intents and their outcomes). */
  action?: ChangeMethod;
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
  // Approval by a second person (docs/approval.md)
  /** approval_*: the tool the approval is for. */
  tool?: string;
  approvalId?: string;
  /** Who asked for the approval, and who gave it (or denied it). */
  requester?: string;
  approver?: string;
  /** approval_decided: approved or denied, and the approver's reason. */
  decision?: "approved" | "denied";
  reason?: string;
  // The restore method and the clone route, and switch_address
  /** restore_instance: in_place or clone, and why (the edition table, or TENCENTCLOUD_REDIS_RESTORE_METHOD). */
  method?: RestoreMethod;
  methodWhy?: string;
  /** The clone route: the new instance, its order, and the second restored (point in time). */
  cloneInstanceId?: string;
  dealName?: string;
  pointInTime?: string;
  /** drill_restore (and the destroy of its clone): the drill (src/records/store/drills.ts). */
  drillId?: string;
  /** switch_address: the instance given the address, the address, the step reached and each step's task. */
  toInstanceId?: string;
  address?: string;
  switchStep?: string;
  switchTaskIds?: number[];
  // The write-ahead journal
  /** On a clone's intent: the new instance's unique name (how a lost clone is found). */
  instanceName?: string;
  /** An in-doubt operation settled at start or before a change (not by its own call): what was found. */
  reconciled?: boolean;
  found?: string;
  /** On an intent: when its server stops waiting for the answer (its request timeout). */
  deadline?: string;
  /** On a restore's intent: the instance's restore tasks that existed before it (never taken for it). */
  knownTasks?: number[];
}

/** An approver's decision (approval_decided): its outcome is the decision. */
export type DecisionRecord = Omit<AuditRecord, "event" | "outcome"> & {
  event: "approval_decided";
  outcome: "decided";
};

/** How much of the end of the audit log is read at start (docs/crash-safety.md): the work does not grow with the file. */
export const AUDIT_TAIL_BYTES = 1024 * 1024;

/** The fields of a record, in the order they are written; nothing else (never a secret) reaches the file. */
const FIELDS = [
  "operationId",
  "action",
  "caller",
  "region",
  "instanceId",
  "backupId",
  "confirm",
  "remark",
  "storageDays",
  "instanceName",
  "outcome",
  "reconciled",
  "found",
  "errorCode",
  "message",
  "taskId",
  "requestId",
  "passwordSource",
  "undoBackupId",
  "undoBackupStartTime",
  "tool",
  "approvalId",
  "requester",
  "approver",
  "decision",
  "reason",
  "method",
  "methodWhy",
  "cloneInstanceId",
  "dealName",
  "drillId",
  "pointInTime",
  "toInstanceId",
  "address",
  "switchStep",
  "switchTaskIds",
  "deadline",
  "knownTasks",
] as const satisfies ReadonlyArray<keyof AuditRecord>;

/**
 * The audit log (TENCENTCLOUD_REDIS_AUDIT_LOG): one JSON line per restore_instance and backup_instance call,
 * appended and fsync'ed before the call returns, and (docs/crash-safety.md) an `intent` line fsync'ed before each request
 * that changes the cloud. The file is created with mode 0600. A change is refused when the log cannot be
 * written (the intent is written right before the request is sent), so none goes unrecorded. A partly written
 * last line (a crash in the middle of a write) is reported once and left as it is: the next record starts on a
 * line of its own, so every complete line stays one JSON object.
 */
export class AuditLog {
  private warnedMode = false;
  private reportedTornAt = -1;

  constructor(
    private readonly path: string | undefined,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.path !== undefined;
  }

  /** Proves the file can be opened for appending (creating it); throws ClientError.AuditLogUnavailable. */
  assertWritable(change: "restore" | "backup" | "switch" | "drill" = "restore"): void {
    if (!this.path) return;
    try {
      closeSync(this.open(this.path));
    } catch (caught) {
      throw this.unavailable(change, caught);
    }
  }

  /** Appends one record and flushes it to disk. A failure is logged as an error, never silent. */
  write(record: AuditRecord | DecisionRecord): boolean {
    try {
      this.append(record);
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
        operationId: record.operationId,
        taskId: record.taskId,
        requestId: record.requestId,
      });
      return false;
    }
  }

  /** Appends and flushes an intent, before its request is sent; throws ClientError.AuditLogUnavailable. */
  writeIntent(record: AuditRecord, change: "restore" | "backup" | "clone" | "switch" | "destroy"): void {
    try {
      this.append(record);
    } catch (caught) {
      throw this.unavailable(change, caught);
    }
  }

  /**
   * The complete records of the last AUDIT_TAIL_BYTES of the file (oldest first): a line cut by the window's
   * start, a torn last line and any line that is not a JSON object are skipped (the torn one reported once).
   */
  tail(maxBytes = AUDIT_TAIL_BYTES): AuditRecord[] {
    if (!this.path) return [];
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch (caught) {
      if ((caught as { code?: string }).code !== "ENOENT") {
        this.log.error("audit log cannot be read", { path: this.path, reason: reason(caught) });
      }
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - maxBytes);
      const buffer = Buffer.alloc(size - start);
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, start + read);
        if (n === 0) break;
        read += n;
      }
      const lines = buffer.subarray(0, read).toString("utf8").split("\n");
      if (start > 0) lines.shift(); // cut by the window
      const last = lines.pop() ?? ""; // after the final newline: empty, unless the last write was torn
      if (last !== "") this.reportTorn(size, last.length);
      const records: AuditRecord[] = [];
      for (const line of lines) {
        const value = parseLine(line);
        if (value) records.push(value);
      }
      return records;
    } finally {
      closeSync(fd);
    }
  }

  private append(record: AuditRecord | DecisionRecord): void {
    if (!this.path) return;
    const fields: Record<string, unknown> = {
      time: record.time ?? new Date().toISOString(),
      event: record.event ?? "restore_instance",
    };
    for (const key of FIELDS) fields[key] = record[key];
    if (typeof fields.message === "string") fields.message = fields.message.slice(0, 500);
    if (typeof fields.reason === "string") fields.reason = fields.reason.slice(0, 500);
    let line = `${JSON.stringify(fields)}\n`;
    const fd = this.open(this.path);
    try {
      const size = fstatSync(fd).size;
      if (size > 0) {
        const lastByte = Buffer.alloc(1);
        readSync(fd, lastByte, 0, 1, size - 1);
        if (lastByte[0] !== 0x0a) {
          this.reportTorn(size);
          line = `\n${line}`; // the torn line stays as it is; this record gets a line of its own
        }
      }
      appendWhole(fd, line, size); // whole or not at all (a short write on a full disk is cut back, and throws)
    } finally {
      closeSync(fd);
    }
  }

  private reportTorn(size: number, length?: number): void {
    if (this.reportedTornAt === size) return;
    this.reportedTornAt = size;
    this.log.warning(
      "audit log: its last line was partly written (a crash in the middle of a write); it is skipped when read, " +
        "left as it is, and new records start on a line of their own",
      { path: this.path, bytes: length },
    );
  }

  private unavailable(change: string, caught: unknown): CloudError {
    const verb = change === "backup" ? "back up" : change;
    this.log.error(`audit log cannot be written: refusing to ${verb}`, { path: this.path, reason: reason(caught) });
    return new CloudError(
      "ClientError.AuditLogUnavailable",
      `The audit log cannot be written (${reason(caught)}), so the ${change} is refused. Nothing was sent.`,
      { notSent: true },
    );
  }

  private open(path: string): number {
    // a+: appends, and the last byte can be read (to find a torn line)
    const fd = openSync(path, "a+", 0o600);
    if (!this.warnedMode && (fstatSync(fd).mode & 0o077) !== 0) {
      this.warnedMode = true;
      this.log.warning("audit log file is readable by others; it was created before with a wider mode", { path });
    }
    return fd;
  }
}

/** One line of the log as a record; undefined unless it is a JSON object. */
function parseLine(line: string): AuditRecord | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as AuditRecord) : undefined;
  } catch {
    return undefined;
  }
}

function reason(caught: unknown): string {
  const code = (caught as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : caught instanceof Error ? caught.message.slice(0, 200) : "unknown error";
}
