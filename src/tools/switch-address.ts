import { z } from "zod";
import { approvalArguments, approvalOutput } from "../approval/step.js";
import { approvalInUse } from "../config/index.js";
import { audited, callerOf, inFlightSchema } from "../operations/context.js";
import { runChange } from "../operations/pipeline.js";
import { switchChange } from "../operations/switch-address/change.js";
import type { AuditRecord } from "../records/audit.js";
import { defineTool, instanceIdSchema, offeredNumber, offeredText, regionSchema, withError } from "./shared.js";
import { TIME_FORMAT } from "../cloud/views.js";

const address = z.object({ instanceId: z.string(), host: z.string().optional(), port: z.number().int().optional() });

const output = z.object({
  status: z
    .enum(["switched", "confirmation_required", "approval_required"])
    .describe(
      "switched: toInstanceId has the address now. confirmation_required: nothing was sent; show the plan, then " +
        "confirm. approval_required: nothing was sent; a second person must approve, then call again with approvalId",
    ),
  instanceId: z.string(),
  toInstanceId: z.string(),
  region: z.string(),
  original: z.string().describe("The original instance (the clone's tag names it)"),
  clone: z.string().describe("The clone made by restore_instance"),
  direction: z
    .enum(["restore", "undo"])
    .describe("restore: the original's address goes to the clone. undo: it goes back to the original"),
  address: z.object({ host: z.string(), port: z.number().int() }).describe("The address moved (VIP and port)"),
  addresses: z.array(address).describe("Where each instance's address is now"),
  resumed: z.boolean().optional().describe("True when an interrupted switch of this pair was resumed"),
  resumeStep: z.enum(["off", "on"]).optional().describe("Plan of a resume: the step it resumes from"),
  inFlight: inFlightSchema,
  taskIds: z.array(z.number().int()).optional().describe("The ModifyNetworkConfig tasks of the switch"),
  undo: z.string().optional().describe("The call that switches back (undoes it)"),
  billing: z.string().optional().describe("The original still bills; how to delete an instance no longer needed"),
  warning: z.string().optional().describe("Show it to the user before confirming"),
  confirmToken: z.string().optional().describe("When confirmation_required: pass it back, with the same arguments"),
  expiresAt: z.string().optional().describe(TIME_FORMAT),
  ...approvalOutput,
});
export const switchAddress = defineTool({
  name: "switch_address",
  title: "Move an instance's address to its clone",
  description:
    "DESTRUCTIVE: gives toInstanceId the address (VIP, port) instanceId has now; instanceId gets another. Only " +
    "between an instance and its clone (restore_instance's clone route, running per check_task), same subnet. " +
    "Clients lose the address for a moment. Undo: the two reversed. confirmation_required: show the warning; if " +
    "the user agrees, call again adding confirmToken. Interrupted: call again, it resumes.",
  inputSchema: (config) =>
    z.strictObject({
      instanceId: instanceIdSchema.describe("The instance whose address moves (the original, or the clone to undo)"),
      toInstanceId: instanceIdSchema.describe("The instance that gets the address"),
      region: regionSchema,
      ...(config.confirmMode === "token"
        ? {
            confirmToken: z
              .string()
              .regex(/^ct_[A-Za-z0-9_-]{16,64}$/, "must be the confirmToken of a confirmation_required answer")
              .optional()
              .describe("Leave it out first; after the user agrees to the plan, call again with it (single use)"),
          }
        : {}),
      ...(approvalInUse(config) ? approvalArguments : {}),
    }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  actions: [
    "DescribeInstances",
    "ModifyNetworkConfig",
    "DescribeTaskInfo",
    "DescribeTaskList",
    "DescribeInstanceBackups",
  ],
  async handler(args, ctx, extra) {
    const record: AuditRecord = {
      event: "switch_address",
      caller: callerOf(extra, ctx).id,
      region: args.region ?? ctx.config.region,
      instanceId: args.instanceId,
      toInstanceId: args.toInstanceId,
      confirm: ctx.config.confirmMode,
      outcome: "refused",
    };
    return audited(
      ctx,
      record,
      (outcome) => ctx.metrics.switchAddress(outcome),
      (progress) => {
        const request = {
          ...args,
          confirmToken: offeredText(args.confirmToken),
          approvalId: offeredText(args.approvalId),
          waitSeconds: offeredNumber(args.waitSeconds),
        };
        return runChange(ctx, extra, record, progress, switchChange(request, ctx, extra, record, progress));
      },
    );
  },
});
