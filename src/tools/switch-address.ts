import { z } from "zod";
import { switchChange } from "../operations/switch-address/change.js";
import { switchOutput } from "../operations/switch-address/output.js";
import { changeArguments, changeCall, defineTool, instanceIdSchema, regionSchema, withError } from "./shared.js";

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
      ...changeArguments(config, "Leave it out first; after the user agrees to the plan, call again with it (single use)"),
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
    const { region, instanceId, toInstanceId } = args;
    return changeCall(
      { args, ctx, extra },
      { event: "switch_address", region, instanceId, toInstanceId },
      (outcome) => ctx.metrics.switchAddress(outcome),
      switchChange,
    );
  },
});
