import { z } from "zod";
import { drillChange } from "../operations/drill/change.js";
import { drillOutput } from "../operations/drill/output.js";
import {
  backupIdSchema,
  changeArguments,
  changeCall,
  defineTool,
  instanceIdSchema,
  regionSchema,
  withError,
} from "./shared.js";

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
  outputSchema: withError(drillOutput),
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
    return changeCall({ args, ctx, extra }, fields, () => {}, drillChange);
  },
});
