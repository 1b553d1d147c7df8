import { z } from "zod";
import { TIME_FORMAT, undoBackupSchema } from "../cloud/views.js";
import { approvalInUse } from "../config/index.js";
import { approvalArguments, approvalOutput } from "../approval/step.js";
import type { AuditRecord } from "../records/audit.js";
import { audited, callerOf, inFlightSchema } from "../operations/context.js";
import { runChange } from "../operations/pipeline.js";
import { cloneOutput } from "../operations/restore-clone/send.js";
import { restoreChange } from "../operations/restore.js";
import {
  backupIdSchema,
  defineTool,
  instanceIdSchema,
  offeredNumber,
  offeredText,
  regionSchema,
  withError,
} from "./shared.js";

const output = z.object({
  status: z
    .enum(["submitted", "cloning", "confirmation_required", "approval_required"])
    .describe(
      "submitted: the restore task was created, follow taskId with check_task. cloning: see next. confirmation_required: nothing " +
        "was restored; show the plan (instance, backup, warning) to the user and, if they agree, call again with confirmToken. " +
        "approval_required: nothing was restored; a second person must approve, then call again with approvalId",
    ),
  taskId: z.number().int().optional().describe("When submitted: pass this to check_task"),
  requestId: z.string().optional().describe("When submitted: the RestoreInstance RequestId"),
  instanceId: z.string(),
  backupId: z.string(),
  region: z.string(),
  passwordSource: z
    .enum(["env", "argument", "none"])
    .describe("Where the instance password came from (never the value)"),
  recovered: z
    .boolean()
    .optional()
    .describe("True: an earlier RestoreInstance (answer lost, server stopped, or a repeat) was found, not resent"),
  sentAt: z.string().optional().describe("When recovered: when that restore was sent"),
  operationId: z.string().optional().describe("The restore's operation in the audit log"),
  inFlight: inFlightSchema,
  note: z.string().optional(),
  confirmToken: z
    .string()
    .optional()
    .describe("When confirmation_required: pass it back, with the same arguments, to restore"),
  expiresAt: z.string().optional().describe(`When the confirmToken (or approvalId) stops working (${TIME_FORMAT})`),
  ...approvalOutput,
  instance: z
    .object({
      instanceId: z.string(),
      name: z.string(),
      status: z.string(),
      statusCode: z.number().int(),
      noAuth: z.boolean(),
      region: z.string(),
    })
    .optional(),
  backup: z
    .object({
      backupId: z.string(),
      startTime: z.string().describe("When the backup was taken: the instance's data goes back to this moment"),
      type: z.string(),
      ageMinutes: z.number().int(),
      age: z.string(),
      remark: z.string().optional(),
    })
    .optional(),
  undoBackup: undoBackupSchema.optional(),
  price: z.string().optional().describe("When approval_required by clone: what the new instance costs, as the approvers see it"),
  warning: z.string().optional().describe("What will be lost, and how to undo: show it to the user before confirming"),
  lastDrill: z.string().optional().describe("The plan: the instance's last passed restore drill (drill_restore), how long it took"),
  ...cloneOutput,
});
export const restoreInstance = defineTool({
  name: "restore_instance",
  title: "Restore a Redis instance from a backup",
  description:
    "DESTRUCTIVE: restores a Redis instance from a backup (instanceId from list_instances, backupId from " +
    "list_backups). In place (2.8, CKV): first make an undo point with backup_instance, then check_task until done; " +
    "follow the taskId with check_task. Clone (4.0+, Valkey; restoreMethod): a new instance, follow it with " +
    "check_task instanceId, then switch_address. confirmation_required: show the warning to the user; if they " +
    "agree, call again adding confirmToken. Never call twice for one restore.",
  inputSchema: (config) => {
    const shape = {
      instanceId: instanceIdSchema,
      backupId: backupIdSchema.optional(),
      pointInTime: z.iso
        .datetime({ offset: true })
        .optional()
        .describe("Clone route, point-in-time backup only: the second to restore (ISO 8601), instead of backupId"),
      region: regionSchema,
    };
    const password = z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe(
        "Instance password, only if the instance is not password-free and the server has none configured. " +
          "Ask the user; never guess.",
      );
    const confirmToken = z
      .string()
      .regex(/^ct_[A-Za-z0-9_-]{16,64}$/, "must be the confirmToken of a confirmation_required answer")
      .optional()
      .describe(
        "Leave it out on the first call: the server then checks the instance and backup and answers with " +
          "status confirmation_required, a plan and this token. After the user agrees, call again with the same " +
          `instanceId, backupId and region plus the token. Single use, valid ${Math.round(config.confirmTtlMs / 60_000)} min.`,
      );
    return z
      .strictObject({
        ...shape,
        ...(config.passwordArgument ? { password } : {}),
        ...(config.confirmMode === "token" ? { confirmToken } : {}),
        ...(approvalInUse(config) ? approvalArguments : {}),
      })
      .superRefine((a, issues) => {
        if ((a.backupId === undefined) === (a.pointInTime === undefined)) {
          const path = a.backupId === undefined ? "backupId" : "pointInTime";
          issues.addIssue({ code: "custom", path: [path], message: "give exactly one of backupId and pointInTime" });
        }
      });
  },
  outputSchema: withError(output),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  actions: [
    "DescribeInstances",
    "DescribeInstanceBackups",
    "DescribeTaskList",
    "RestoreInstance",
    "DescribeInstanceSecurityGroup",
    "InquiryPriceCreateInstance",
    "DescribeSecondLevelBackupInfo",
    "CloneInstances",
  ],
  async handler(args, ctx, extra) {
    const record: AuditRecord = {
      caller: callerOf(extra, ctx).id,
      region: args.region ?? ctx.config.region,
      instanceId: args.instanceId,
      backupId: args.backupId,
      pointInTime: args.pointInTime,
      confirm: ctx.config.confirmMode,
      outcome: "refused",
    };
    return audited(
      ctx,
      record,
      (outcome) => ctx.metrics.restore(outcome),
      (progress) => {
        const request = {
          ...args,
          password: offeredText(args.password),
          confirmToken: offeredText(args.confirmToken),
          approvalId: offeredText(args.approvalId),
          waitSeconds: offeredNumber(args.waitSeconds),
        };
        return runChange(ctx, extra, record, progress, restoreChange(request, ctx, extra, record));
      },
    );
  },
});
