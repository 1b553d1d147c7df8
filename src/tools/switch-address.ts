import { z } from "zod";
import { approvalArguments } from "../approval/step.js";
import { approvalInUse } from "../config/index.js";
import { runChangeCall } from "../operations/pipeline.js";
import { switchChange } from "../operations/switch-address/change.js";
import { switchOutput } from "../operations/switch-address/output.js";
import { confirmTokenSchema, defineTool, instanceIdSchema, offeredNumber, offeredText, regionSchema, withError } from "./shared.js";

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
            confirmToken: confirmTokenSchema.describe("Leave it out first; after the user agrees to the plan, call again with it (single use)"),
          }
        : {}),
      ...(approvalInUse(config) ? approvalArguments : {}),
    }),
  outputSchema: withError(switchOutput),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  actions: [
    "DescribeInstances",
    "ModifyNetworkConfig",
    "DescribeTaskInfo",
    "DescribeTaskList",
    "DescribeInstanceBackups",
  ],
  async handler(args, ctx, extra) {
    const request = {
      ...args,
      confirmToken: offeredText(args.confirmToken),
      approvalId: offeredText(args.approvalId),
      waitSeconds: offeredNumber(args.waitSeconds),
    };
    const { region, instanceId, toInstanceId } = args;
    const fields = { event: "switch_address", region, instanceId, toInstanceId, confirm: ctx.config.confirmMode } as const;
    return runChangeCall(
      ctx,
      extra,
      fields,
      (outcome) => ctx.metrics.switchAddress(outcome),
      (record, progress) => switchChange(request, ctx, extra, record, progress),
    );
  },
});
