// drill_restore's answer: its success shape (the tool lists it with the error shape, src/tools/drill-restore.ts),
// the type the drill's answers are checked against at compile time.
import { z } from "zod";
import { type AdmittingApproval, approvalOutput } from "../../approval/step.js";
import { TIME_FORMAT } from "../../cloud/views.js";
import { inFlightSchema } from "../context.js";

export const drillOutput = z.object({
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

/** An answer of drill_restore (its success shape, admitting the approval step's fields). */
export type DrillAnswer = AdmittingApproval<z.input<typeof drillOutput>>;
