import { z } from "zod";
import { approvalOutput } from "../approval/step.js";
import { TIME_FORMAT } from "../cloud/views.js";
import { inFlightSchema } from "../operations/context.js";
import { drillChange } from "../operations/drill/change.js";
import {
  backupIdSchema,
  changeArguments,
  changeCall,
  defineTool,
  instanceIdSchema,
  regionSchema,
  withError,
} from "./shared.js";

const output = z.object({
  status: z
    .enum(["cloning", "confirmation_required", "approval_required"])
    .describe(
      "cloning: the drill's clone is being made: follow it with check_task { drillId }. confirmation_required: nothing " +
        "was created; show the plan to the user and, if they agree, call again with confirmToken. approval_required: " +
        "nothing was created; a second person must approve, then call again with approvalId",
    ),
  drillId: z.string().optional().describe("When cloning: pass it to check_task"),
  cloneInstanceId: z.string().optional().describe("When cloning: the drill's clone (destroyed at the end)"),
  cloneName: z.string().optional(),
  instanceId: z.string(),
  backupId: z.string().describe("The backup cloned (the newest usable one when none was named)"),
  region: z.string(),
  pointInTime: z.string().optional().describe(`Point in time: the second cloned (${TIME_FORMAT})`),
  passwordSource: z.enum(["env", "argument", "none"]).describe("Where the password the clone gets came from (never the value)"),
  instance: z.looseObject({ instanceId: z.string() }).optional(),
  backup: z.looseObject({ backupId: z.string() }).optional(),
  clone: z
    .looseObject({ name: z.string() })
    .optional()
    .describe("The clone as it will be made: zone, VPC, subnet, security groups, port as a restore by clone; its price"),
  expectedMinutes: z.number().int().optional().describe("How long the drill is expected to keep its clone"),
  expectedFromDrill: z.string().optional().describe("The earlier drill the expected time comes from"),
  estimatedCostCny: z.number().optional().describe("The clone's estimated cost for the expected time, CNY"),
  warning: z.string().optional().describe("What the drill does and does not touch: show it before confirming"),
  confirmToken: z.string().optional().describe("When confirmation_required: pass it back, with the same arguments"),
  expiresAt: z.string().optional().describe(`When the confirmToken (or approvalId) stops working (${TIME_FORMAT})`),
  ...approvalOutput,
  price: z.string().optional(),
  recovered: z.boolean().optional().describe("True: CloneInstances' answer was lost; the clone was found, not resent"),
  note: z.string().optional(),
  operationId: z.string().optional(),
  inFlight: inFlightSchema,
  next: z.string().optional().describe("What to call next"),
});

export const drillRestore = defineTool({
  name: "drill_restore",
  title: "Restore drill: clone a backup, verify it, destroy the clone",
  description:
    "Proves a backup restores: clones it (newest usable backup unless backupId or pointInTime) into a pay-as-you-go " +
    "instance like a restore by clone, then check_task { drillId } verifies the clone's data, destroys it and reports " +
    "the times. Never changes the source. confirmation_required: show the plan; if the user agrees, call again with confirmToken.",
  inputSchema: (config) =>
    z
      .strictObject({
        instanceId: instanceIdSchema,
        backupId: backupIdSchema.optional(),
        pointInTime: z.iso
          .datetime({ offset: true })
          .optional()
          .describe("Point-in-time backup only: the second to clone (ISO 8601), instead of backupId"),
        region: regionSchema,
        ...changeArguments(
          config,
          "Leave it out first: the answer is the plan and this token; after the user agrees, call again with it",
        ),
      })
      .superRefine((a, issues) => {
        if (a.backupId !== undefined && a.pointInTime !== undefined) {
          issues.addIssue({ code: "custom", path: ["pointInTime"], message: "give at most one of backupId and pointInTime" });
        }
      }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  actions: [
    "DescribeInstances",
    "DescribeInstanceBackups",
    "DescribeTaskList",
    "DescribeInstanceSecurityGroup",
    "InquiryPriceCreateInstance",
    "DescribeSecondLevelBackupInfo",
    "CloneInstances",
    "DescribeTaskInfo",
    "DestroyPostpaidInstance",
  ],
  async handler(args, ctx, extra) {
    const { region, instanceId, backupId, pointInTime } = args;
    const fields = { event: "drill_restore", region, instanceId, backupId, pointInTime } as const;
    return changeCall({ args, ctx, extra }, fields, () => {}, (request, record) => drillChange(request, ctx, extra, record));
  },
});
