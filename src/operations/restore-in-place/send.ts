// restore_instance's in-place route (Redis 2.8, CKV): exactly one RestoreInstance, never resent; a lost answer is
// looked for (find-task.ts), and followed with check_task.
import { CloudError, isOutcomeUnknown, outcomeUnknown } from "../../cloud/errors.js";
import { parseTaskId, toUndoBackup, undoText } from "../../cloud/views.js";
import type { Answer } from "../../gates/gate.js";
import type { AuditRecord } from "../../records/audit.js";
import type { ToolContext } from "../context.js";
import { passwordErrorWithSource } from "../password.js";
import type { Preflight } from "../preflight.js";
import type { RestoreAnswer } from "../restore-output.js";
import { withCloneRouteHint } from "../restore-clone/send.js";
import { findSubmittedTask } from "./find-task.js";

const UNKNOWN_HINT =
  "The restore may or may not have started, and no new restore task was found: do NOT call restore_instance " +
  "again. Check the instance with list_instances (a running restore shows status task_in_progress) and follow any " +
  "task with check_task; restore again only once you know no restore task exists.";

export const NO_UNDO_AFTER =
  "No backup newer than the one restored existed: the data before the restore cannot be brought back.";

/**
 * Sends RestoreInstance once. Not tied to the call's cancellation: once sent, its answer is awaited (within
 * TENCENTCLOUD_REDIS_TIMEOUT_SECONDS) so the outcome is known and recorded. A lost answer is never resent: the
 * task is looked for instead.
 */
export async function submitInPlace(ctx: ToolContext, pf: Preflight, record: AuditRecord): Promise<Answer<RestoreAnswer>> {
  const instanceId = pf.instance.InstanceId;
  const backupId = String(pf.backup.BackupId);
  const undo = pf.undo ? toUndoBackup(pf.undo) : undefined;
  const base = {
    instanceId,
    backupId,
    region: pf.region,
    passwordSource: pf.password.source,
    method: "in_place" as const,
    ...(undo ? { undoBackup: undo } : {}),
  };
  const how = undo ? ` To undo it: ${undoText(undo)}.` : ` ${NO_UNDO_AFTER}`;
  const remember = (taskId: number) =>
    ctx.services.safety.tasks.remember(taskId, { kind: "restore", region: pf.region, instanceId });
  try {
    const res = await ctx.api.restoreInstance(
      { InstanceId: instanceId, BackupId: backupId, Password: pf.password.value },
      { region: pf.region },
    );
    const taskId = toTaskId(res.TaskId);
    await remember(taskId);
    Object.assign(record, { outcome: "submitted", taskId, requestId: res.RequestId });
    const structured: RestoreAnswer = {
      status: "submitted",
      taskId,
      requestId: res.RequestId,
      operationId: record.operationId,
      ...base,
    };
    return {
      structured,
      text: `Restore of ${instanceId} from backup ${backupId} submitted as task ${taskId}. Follow it with check_task.${how}`,
    };
  } catch (caught) {
    if (!(caught instanceof CloudError)) throw caught;
    if (caught.code === "InvalidParameterValue.PasswordError")
      throw passwordErrorWithSource(caught, pf.password, instanceId);
    if (!isOutcomeUnknown(caught)) throw withCloneRouteHint(caught, pf);
    const taskId = await findSubmittedTask(ctx.api, pf, ctx.log, ctx.config.poll.initialMs);
    if (taskId === undefined) throw outcomeUnknown(caught, UNKNOWN_HINT);
    const note =
      `RestoreInstance's answer was lost (${caught.code}); it was not resent. Restore task ${taskId} of this ` +
      "instance, created since, was found with DescribeTaskList: follow it with check_task.";
    await remember(taskId);
    Object.assign(record, { outcome: "recovered", taskId, errorCode: caught.code, message: note });
    const structured: RestoreAnswer = { status: "submitted", taskId, recovered: true, note, operationId: record.operationId, ...base };
    return {
      structured,
      text: `Restore of ${instanceId} from backup ${backupId} submitted as task ${taskId}. ${note}${how}`,
    };
  }
}

/** TaskId comes back as a number or a string of digits; anything else is a bad response. */
export function toTaskId(value: unknown): number {
  const n = parseTaskId(value);
  if (n === undefined) {
    throw new CloudError("ClientError.BadResponse", "The API's answer has no valid TaskId", {
      override: { category: "outcome_unknown", retryable: false, hint: UNKNOWN_HINT },
    });
  }
  return n;
}
