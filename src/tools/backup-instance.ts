import { randomBytes } from "node:crypto";
import { z } from "zod";
import { CloudError, isOutcomeUnknown, outcomeUnknown } from "../cloud/errors.js";
import { parseTaskId, toBeijing } from "../cloud/views.js";
import type { AuditRecord } from "../safety/audit.js";
import { BIDI_OR_ZERO_WIDTH, NO_BIDI_OR_ZERO_WIDTH } from "../safety/chat-quote.js";
import { assertInstanceAllowed } from "../safety/scope.js";
import {
  audited,
  callerOf,
  defineTool,
  inFlightSchema,
  inFlightView,
  instanceIdSchema,
  type Progress,
  regionSchema,
  resolveRegion,
  type ToolContext,
  type ToolOutput,
  withError,
  withInFlight,
} from "./shared.js";

/** The API documents no limit for Remark; this one keeps it short, printable and easy to match in list_backups. */
export const REMARK_MAX = 128;
/** ManualBackupInstance's documented StorageDays range. */
export const STORAGE_DAYS_MAX = 1825;

const output = z.object({
  status: z.literal("submitted").describe("The backup task was created: follow taskId with check_task"),
  taskId: z.number().int(),
  instanceId: z.string(),
  region: z.string(),
  remark: z.string().describe("The backup's remark; check_task names the new backup by it"),
  storageDays: z.number().int().optional(),
  requestId: z.string().optional().describe("The ManualBackupInstance RequestId"),
  recovered: z
    .boolean()
    .optional()
    .describe("True: this backup (same remark) was already sent, by a call whose answer was lost; not resent"),
  sentAt: z.string().optional().describe("When recovered: when it was sent"),
  operationId: z.string().optional().describe("The backup's operation in the audit log"),
  note: z.string().optional(),
  inFlight: inFlightSchema,
});
type Output = z.infer<typeof output>;

const unknownHint = (instanceId: string, remark: string) =>
  `The backup may or may not have started; it was not resent. Call list_backups for ${instanceId}: a new manual ` +
  `backup with remark "${remark}" means it was taken (it appears once done). If none appears within a few ` +
  "minutes, call backup_instance again.";

export const backupInstance = defineTool({
  name: "backup_instance",
  title: "Back up a Redis instance now",
  description:
    "Takes a backup of an instance's current data: the undo point before restore_instance. Follow the taskId " +
    "with check_task until done; it then names the new backup.",
  inputSchema: z.strictObject({
    instanceId: instanceIdSchema,
    remark: z
      .string()
      .min(1)
      .max(REMARK_MAX)
      .refine((text) => !/\p{Cc}/u.test(text), "must be printable text on one line (no control characters)")
      .refine((text) => !BIDI_OR_ZERO_WIDTH.test(text), NO_BIDI_OR_ZERO_WIDTH)
      .optional()
      .describe("What the backup is for"),
    storageDays: z.number().int().min(0).max(STORAGE_DAYS_MAX).optional().describe("Days to keep it (0-1825)"),
    region: regionSchema,
  }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  // the reads: the settlers of operations in doubt on the instance (issue 18)
  actions: ["ManualBackupInstance", "DescribeInstanceBackups", "DescribeTaskList", "DescribeInstances"],
  async handler(args, ctx, extra) {
    // a short random tail: two undo points taken in the same second still have remarks of their own
    const remark = args.remark ?? `undo point ${toBeijing(Date.now())} ${randomBytes(2).toString("hex")}`;
    const record: AuditRecord = {
      event: "backup_instance",
      caller: callerOf(extra, ctx).id,
      region: args.region ?? ctx.config.region,
      instanceId: args.instanceId,
      remark,
      ...(args.storageDays === undefined ? {} : { storageDays: args.storageDays }),
      outcome: "refused",
    };
    return audited(
      ctx,
      record,
      (outcome) => ctx.metrics.backup(outcome),
      (progress) => backUp(args, remark, ctx, record, progress, args.remark !== undefined),
    );
  },
});

/** Scope, shared state and audit checks, then exactly one ManualBackupInstance. */
async function backUp(
  args: { instanceId: string; storageDays?: number; region?: string },
  remark: string,
  ctx: ToolContext,
  record: AuditRecord,
  progress: Progress,
  explicitRemark: boolean,
): Promise<ToolOutput> {
  const { config, api } = ctx;
  if (config.readOnly) {
    throw new CloudError("ClientError.ReadOnly", "This server is read-only: it does not back up.", { notSent: true });
  }
  assertInstanceAllowed(config, args.instanceId);
  ctx.services.safety.state.assertAvailable(); // a change: fail closed while the shared state is unreachable
  const region = resolveRegion(args.region, config);
  record.region = region;
  // issue 18: settle what a stopped server left in flight on this instance; a backup with this remark already
  // sent (its answer lost) is reported, not taken twice
  const { journal, reconciler } = ctx.services.safety;
  const where = { region, instanceId: args.instanceId };
  const inFlight = (await reconciler.before(where, ctx)).map(inFlightView);
  const earlier = explicitRemark ? await journal.lastSent("backup", where, (i) => i.remark === remark) : undefined;
  if (earlier?.outcome?.taskId !== undefined) {
    const taskId = earlier.outcome.taskId;
    const note =
      `A backup of ${args.instanceId} with remark "${remark}" was already sent at ${earlier.intent.time} as task ` +
      `${taskId} (operation ${earlier.intent.operationId}): it was NOT sent again. Follow it with check_task; for ` +
      "another backup, use another remark.";
    Object.assign(record, { outcome: "recovered", taskId, found: earlier.intent.operationId, message: note });
    const structured: Output = {
      ...submitted(args, region, remark, taskId),
      recovered: true,
      note,
      sentAt: earlier.intent.time,
      operationId: earlier.intent.operationId,
    };
    return withInFlight({ structured, text: note }, inFlight);
  }
  ctx.services.safety.audit.assertWritable("backup"); // no backup goes unrecorded
  const request = {
    InstanceId: args.instanceId,
    Remark: remark,
    ...(args.storageDays === undefined ? {} : { StorageDays: args.storageDays }),
  };
  // Not tied to the call's cancellation (like a restore): once sent, the answer is awaited so the outcome is known.
  let res: Awaited<ReturnType<typeof api.manualBackupInstance>>;
  await progress.intent("backup"); // written and fsynced before the request is sent
  try {
    res = await api.manualBackupInstance(request, { region });
  } catch (caught) {
    if (caught instanceof CloudError && isOutcomeUnknown(caught)) {
      throw outcomeUnknown(caught, unknownHint(args.instanceId, remark));
    }
    throw caught;
  }
  const taskId = parseTaskId(res.TaskId);
  if (taskId === undefined) {
    throw new CloudError("ClientError.BadResponse", "The API's answer has no valid TaskId", {
      requestId: res.RequestId,
      override: { category: "outcome_unknown", retryable: false, hint: unknownHint(args.instanceId, remark) },
    });
  }
  await ctx.services.safety.tasks.remember(taskId, { kind: "backup", region, instanceId: args.instanceId, remark });
  Object.assign(record, { outcome: "submitted", taskId, requestId: res.RequestId });
  const structured: Output = {
    ...submitted(args, region, remark, taskId),
    requestId: res.RequestId,
    operationId: record.operationId,
    ...(args.storageDays === undefined ? {} : { storageDays: args.storageDays }),
  };
  const text =
    `Backup of ${args.instanceId} submitted as task ${taskId} (remark "${remark}"). Follow it with check_task ` +
    "until it is done: it then names the new backup, the undo point.";
  return withInFlight({ structured, text }, inFlight);
}

/** The fields of every submitted answer. */
function submitted(args: { instanceId: string }, region: string, remark: string, taskId: number): Output {
  return { status: "submitted", taskId, instanceId: args.instanceId, region, remark };
}
