// A restore (in place, or a clone) of the same instance from the same backup sent within the dedup window: its
// repeat is answered, never sent; a plan names it, and confirming that plan restores again.
import { isoTime, toUndoBackup } from "../cloud/views.js";
import type { Config } from "../config/index.js";
import type { Answer } from "../gates/gate.js";
import type { Messages } from "../i18n/index.js";
import type { AuditRecord } from "../records/audit.js";
import type { Operation } from "../records/journal.js";
import type { planView } from "./plan-view.js";
import type { Preflight } from "./preflight.js";
import type { RestoreAnswer } from "./restore-output.js";

/** The earlier restore: its operation, when it was sent, and what it made. */
export interface EarlierRestore {
  operationId: string;
  sentAt: string;
  /** In place: its restore task. */
  taskId?: number;
  /** The clone route: the clone it made. */
  cloneInstanceId?: string;
}

/** An earlier restore as its repeat's answer names it: its task (in place) or its clone; none known, undefined. */
export function earlierView(op: Operation): EarlierRestore | undefined {
  const { operationId, time: sentAt } = op.intent;
  if (op.intent.action === "CloneInstances") {
    const cloneInstanceId = op.outcome?.cloneInstanceId ?? op.outcome?.found;
    return cloneInstanceId ? { operationId, sentAt, cloneInstanceId } : undefined;
  }
  const taskId = op.outcome?.taskId;
  return taskId === undefined ? undefined : { operationId, sentAt, taskId };
}

/** The plan's warning names a restore of the same backup sent within the dedup window: confirming it restores again. */
export function namingEarlier(view: ReturnType<typeof planView>, earlier: EarlierRestore | undefined, t: Messages) {
  if (earlier) {
    const what = earlier.cloneInstanceId ? { clone: earlier.cloneInstanceId } : { taskId: earlier.taskId ?? 0 };
    view.warning = `${t.restoreAgain({ sentAt: earlier.sentAt, ...what })} ${view.warning}`;
  }
  return view;
}

/** The answer to a repeat of a restore already sent: nothing is sent; the earlier restore (or clone) is reported. */
export function repeatedRestore(
  earlier: EarlierRestore,
  record: AuditRecord,
  config: Config,
  /** The approval it used, when the call repeats that approval. */
  usedApproval: string | undefined,
): Answer<RestoreAnswer> {
  const until = isoTime(Date.parse(earlier.sentAt) + config.restoreDedupMinutes * 60_000);
  const again =
    config.confirmMode === "token"
      ? `after ${until}, or ask for a fresh plan (call without confirmToken): it names this restore, and confirming it restores again`
      : usedApproval
        ? "ask for a new approval (call without approvalId): its plan names this restore, and once approved it restores again"
        : `after ${until} (TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES)`;
  const clone = earlier.cloneInstanceId;
  const what = clone ? `as the clone ${clone}` : `as task ${earlier.taskId}`;
  const follow = clone
    ? `Follow the clone with check_task { instanceId: "${clone}" }, then switch_address.`
    : `Follow task ${earlier.taskId} with check_task.`;
  const sent = `sent at ${earlier.sentAt} ${what} (operation ${earlier.operationId})`;
  const why = usedApproval
    ? `Approval ${usedApproval} was already used: its restore was ${sent}`
    : `This restore was already ${sent}, within the last ${config.restoreDedupMinutes} min`;
  const note = `${why}: it was NOT sent again. ${follow} To restore again deliberately: ${again}.`;
  Object.assign(record, {
    outcome: "recovered",
    found: earlier.operationId,
    message: note,
    ...(clone ? { cloneInstanceId: clone } : { taskId: earlier.taskId }),
  });
  const structured: RestoreAnswer = {
    status: clone ? "cloning" : "submitted",
    ...(clone ? { cloneInstanceId: clone, method: "clone" as const } : { taskId: earlier.taskId }),
    recovered: true,
    sentAt: earlier.sentAt,
    operationId: earlier.operationId,
    note,
    instanceId: record.instanceId,
    backupId: record.backupId ?? "",
    region: record.region ?? "",
    passwordSource: record.passwordSource ?? "none",
  };
  return { structured, text: `Restore of ${record.instanceId} from backup ${record.backupId}: ${note}` };
}

/** The undo point the plan named, for the audit record. */
export function noteUndo(record: AuditRecord, pf: Preflight): void {
  record.undoBackupId = pf.undo ? String(pf.undo.BackupId) : undefined;
  record.undoBackupStartTime = pf.undo ? toUndoBackup(pf.undo).startTime : undefined;
}
