import { z } from "zod";
import type { Config } from "../config/index.js";
import type { ToolContext, ToolOutput } from "../operations/context.js";
import type { Extra } from "../base/request.js";
import { restoreOutput } from "../operations/restore-output.js";
import { restoreChange } from "../operations/restore.js";
import {
  backupIdSchema,
  changeArguments,
  changeCall,
  defineTool,
  instanceIdSchema,
  offeredText,
  regionSchema,
  withError,
} from "./shared.js";

/** restore_instance's arguments, for this server's configuration. */
function restoreInput(config: Config) {
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
  const confirmToken =
    "Leave it out on the first call: the server then checks the instance and backup and answers with " +
    "status confirmation_required, a plan and this token. After the user agrees, call again with the same " +
    `instanceId, backupId and region plus the token. Single use, valid ${Math.round(config.confirmTtlMs / 60_000)} min.`;
  return z
    .strictObject({
      ...shape,
      ...(config.passwordArgument ? { password } : {}),
      ...changeArguments(config, confirmToken),
    })
    .superRefine((a, issues) => {
      if ((a.backupId === undefined) === (a.pointInTime === undefined)) {
        const path = a.backupId === undefined ? "backupId" : "pointInTime";
        issues.addIssue({ code: "custom", path: [path], message: "give exactly one of backupId and pointInTime" });
      }
    });
}

export const restoreInstance = defineTool({
  name: "restore_instance",
  title: "Restore a Redis instance from a backup",
  description:
    "DESTRUCTIVE: restores a Redis instance from a backup (instanceId from list_instances, backupId from " +
    "list_backups). In place (2.8, CKV): first make an undo point with backup_instance, then check_task until done; " +
    "follow the taskId with check_task. Clone (4.0+, Valkey; restoreMethod): a new instance, follow it with " +
    "check_task instanceId, then switch_address. confirmation_required: show the warning to the user; if they " +
    "agree, call again adding confirmToken. Never call twice for one restore.",
  inputSchema: restoreInput,
  outputSchema: withError(restoreOutput),
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
  handler: restoreHandler,
});

/** One call of restore_instance: its audit record, then the restore change through the gates. */
async function restoreHandler(
  args: z.output<ReturnType<typeof restoreInput>>,
  ctx: ToolContext,
  extra: Extra,
): Promise<ToolOutput> {
  const { region, instanceId, backupId, pointInTime } = args;
  return changeCall(
    { args, ctx, extra },
    { region, instanceId, backupId, pointInTime },
    (outcome) => ctx.metrics.restore(outcome),
    (request, call) => restoreChange({ ...request, password: offeredText(args.password) }, call),
  );
}
