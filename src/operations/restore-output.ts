// restore_instance's answer: its success shape (the tool lists it with the error shape, src/tools/restore-instance.ts),
// the type every answer of the restore change is checked against at compile time.
import { z } from "zod";
import { type AdmittingApproval, approvalOutput } from "../approval/step.js";
import { RESTORE_METHODS } from "../config/restore-method.js";
import { TIME_FORMAT, undoBackupSchema } from "../cloud/views.js";
import { inFlightSchema } from "./context.js";
import { recoveredOutput } from "./recovered.js";

/** The fields restore_instance's answer gains for the clone route. */
export const cloneOutput = z
  .object({
    method: z
      .enum(RESTORE_METHODS)
      .describe("in_place: RestoreInstance; clone: a new instance, then switch_address"),
    methodReason: z.string().describe("Why this method (the edition, or TENCENTCLOUD_REDIS_RESTORE_METHOD)"),
    clone: z
      .looseObject({ name: z.string(), price: z.looseObject({}) })
      .describe(
        "Clone route plan: the new instance (name, zone, VPC, subnet, security groups, port, type, size) and its price",
      ),
    cloneInstanceId: z.string().describe("When cloning: follow it with check_task { instanceId }, then switch_address"),
    dealName: z.string().describe("When cloning: the order (DescribeInstanceDealDetail)"),
    pointInTime: z.string().describe(`Point in time: the exact second restored (${TIME_FORMAT})`),
    next: z.string().describe("What to call next"),
  })
  .partial().shape;

export const restoreOutput = z.object({
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
  ...recoveredOutput({
    recovered: "True: an earlier RestoreInstance (answer lost, server stopped, or a repeat) was found, not resent",
    sent: "that restore",
    operation: "restore",
  }),
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

/** An answer of restore_instance (its success shape, admitting the approval step's fields). */
export type RestoreAnswer = AdmittingApproval<z.input<typeof restoreOutput>>;
