// backup_instance as a change: what it declares to the gates (src/gates/order.ts). No approval, confirmation or
// lock (it loses nothing); a backup with the same remark already sent (its answer lost) is reported, not taken twice.
import { z } from "zod";
import { CloudError, isOutcomeUnknown, outcomeUnknown } from "../cloud/errors.js";
import { parseTaskId } from "../cloud/views.js";
import type { Answer, Change, Run } from "../gates/gate.js";
import type { AuditRecord } from "../records/audit.js";
import type { Operation } from "../records/journal.js";
import { inFlightSchema, inFlightView, type ToolContext, withInFlight } from "./context.js";
import { recoveredOutput } from "./recovered.js";

/** backup_instance's answer: its success shape (the tool lists it with the error shape). */
export const backupOutput = z.object({
  status: z.literal("submitted").describe("The backup task was created: follow taskId with check_task"),
  taskId: z.number().int(),
  instanceId: z.string(),
  region: z.string(),
  remark: z.string().describe("The backup's remark; check_task names the new backup by it"),
  storageDays: z.number().int().optional(),
  requestId: z.string().optional().describe("The ManualBackupInstance RequestId"),
  ...recoveredOutput({
    recovered: "True: this backup (same remark) was already sent, by a call whose answer was lost; not resent",
    sent: "it",
    operation: "backup",
  }),
  note: z.string().optional(),
  inFlight: inFlightSchema,
});
type BackupAnswer = z.input<typeof backupOutput>;

/** What backup_instance's arguments give the change (the remark: the argument, or one made up). */
export interface BackupRequest {
  instanceId: string;
  remark: string;
  /** The caller named the remark: a backup with it already sent is that backup. */
  explicitRemark: boolean;
  storageDays?: number;
  region?: string;
}

/** An earlier backup of the same remark, sent and answered with its task. */
interface EarlierBackup {
  operationId: string;
  op: Operation;
  taskId: number;
}

const unknownHint = (instanceId: string, remark: string) =>
  `The backup may or may not have started; it was not resent. Call list_backups for ${instanceId}: a new manual ` +
  `backup with remark "${remark}" means it was taken (it appears once done). If none appears within a few ` +
  "minutes, call backup_instance again.";

/** Exactly one ManualBackupInstance, or the one already sent. */
export function backupChange(
  args: BackupRequest,
  ctx: ToolContext,
  record: AuditRecord,
): Change<undefined, EarlierBackup, BackupAnswer> {
  const { api } = ctx;
  const { remark, instanceId } = args;
  const inFlight = (run: Run<undefined, EarlierBackup>) => run.settled.map(inFlightView);
  const submitted = (region: string, taskId: number): BackupAnswer => ({ status: "submitted", taskId, instanceId, region, remark });
  return {
    verb: "back up",
    instances: [instanceId],
    askedRegion: args.region,
    audit: "backup", // no backup goes unrecorded
    // a remark the caller chose names one backup: the same remark again within the dedup window is its repeat
    ...(args.explicitRemark
      ? {
          sentBefore: {
            kinds: ["backup"] as const,
            same: (intent: AuditRecord) => intent.remark === remark,
            view: (op: Operation) => {
              const taskId = op.outcome?.taskId;
              return taskId === undefined ? undefined : { operationId: op.intent.operationId, op, taskId };
            },
          },
        }
      : {}),
    repeated: (run, { op, taskId }) => {
      const note =
        `A backup of ${instanceId} with remark "${remark}" was already sent at ${op.intent.time} as task ` +
        `${taskId} (operation ${op.intent.operationId}): it was NOT sent again. Follow it with check_task; for ` +
        "another backup, use another remark.";
      Object.assign(record, { outcome: "recovered", taskId, found: op.intent.operationId, message: note });
      const structured: BackupAnswer = {
        ...submitted(run.region, taskId),
        recovered: true,
        note,
        sentAt: op.intent.time,
        operationId: op.intent.operationId,
      };
      return withInFlight({ structured, text: note }, inFlight(run));
    },
    check: async () => undefined,
    intent: () => ({ kind: "backup" }),
    // Not tied to the call's cancellation (like a restore): once sent, the answer is awaited so the outcome is known.
    send: async (run): Promise<Answer<BackupAnswer>> => {
      const { region } = run;
      const request = {
        InstanceId: instanceId,
        Remark: remark,
        ...(args.storageDays === undefined ? {} : { StorageDays: args.storageDays }),
      };
      let res: Awaited<ReturnType<typeof api.manualBackupInstance>>;
      try {
        res = await api.manualBackupInstance(request, { region });
      } catch (caught) {
        if (caught instanceof CloudError && isOutcomeUnknown(caught)) {
          throw outcomeUnknown(caught, unknownHint(instanceId, remark));
        }
        throw caught;
      }
      const taskId = parseTaskId(res.TaskId);
      if (taskId === undefined) {
        throw new CloudError("ClientError.BadResponse", "The API's answer has no valid TaskId", {
          requestId: res.RequestId,
          override: { category: "outcome_unknown", retryable: false, hint: unknownHint(instanceId, remark) },
        });
      }
      await ctx.services.safety.tasks.remember(taskId, { kind: "backup", region, instanceId, remark });
      Object.assign(record, { outcome: "submitted", taskId, requestId: res.RequestId });
      const structured: BackupAnswer = {
        ...submitted(region, taskId),
        requestId: res.RequestId,
        operationId: record.operationId,
        ...(args.storageDays === undefined ? {} : { storageDays: args.storageDays }),
      };
      const text =
        `Backup of ${instanceId} submitted as task ${taskId} (remark "${remark}"). Follow it with check_task ` +
        "until it is done: it then names the new backup, the undo point.";
      return withInFlight({ structured, text }, inFlight(run));
    },
  };
}
