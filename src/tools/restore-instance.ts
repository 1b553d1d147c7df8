import { z } from "zod";
import { CloudError, isOutcomeUnknown, outcomeUnknown } from "../cloud/errors.js";
import { serverPassword } from "../config.js";
import { backupIdSchema, defineTool, instanceIdSchema, regionSchema, resolveRegion, withError } from "./shared.js";

const output = z.object({
  status: z.enum(["submitted"]).describe("submitted: the restore task was created; follow it with check_task"),
  taskId: z.number().int().describe("Pass this to check_task"),
  requestId: z.string(),
  instanceId: z.string(),
  backupId: z.string(),
  region: z.string(),
  passwordSource: z.enum(["env", "argument", "none"]).describe("Where the instance password came from (never the value)"),
});

const UNKNOWN_HINT =
  "The restore may or may not have started: do NOT call restore_instance again. Check the instance with " +
  "list_instances (a running restore shows status task_in_progress) and follow any task with check_task; " +
  "restore again only once you know no restore task exists.";

export const restoreInstance = defineTool({
  name: "restore_instance",
  title: "Restore a Redis instance from a backup",
  description:
    "Restores a Tencent Cloud Redis instance from one of its backups. DESTRUCTIVE: every key of the instance " +
    "is replaced by the backup's data; everything written after the backup was taken is lost. Take instanceId " +
    "from list_instances and backupId from list_backups (same instance). Returns a taskId: follow it with " +
    "check_task until it is done. Never call it twice for the same restore.",
  inputSchema: (config) => {
    const shape = {
      instanceId: instanceIdSchema,
      backupId: backupIdSchema,
      region: regionSchema,
    };
    if (!config.passwordArgument) return z.strictObject(shape);
    return z.strictObject({
      ...shape,
      password: z
        .string()
        .min(1)
        .max(256)
        .optional()
        .describe(
          "Instance password, only if the instance is not password-free and the server has none configured. " +
            "Ask the user; never guess.",
        ),
    });
  },
  outputSchema: withError(output),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async handler(args, ctx, extra) {
    const region = resolveRegion(args.region, ctx.config);
    const fromServer = serverPassword(ctx.config, args.instanceId);
    const argument = (args as { password?: string }).password;
    const passwordSource = fromServer ? "env" : argument ? "argument" : "none";
    const password = fromServer?.reveal() ?? argument;
    let res: Awaited<ReturnType<typeof ctx.api.restoreInstance>>;
    try {
      res = await ctx.api.restoreInstance(
        { InstanceId: args.instanceId, BackupId: args.backupId, Password: password },
        { region, signal: extra.signal },
      );
    } catch (caught) {
      if (caught instanceof CloudError && isOutcomeUnknown(caught)) throw outcomeUnknown(caught, UNKNOWN_HINT);
      throw caught;
    }
    const taskId = toTaskId(res.TaskId);
    const structured: z.infer<typeof output> = {
      status: "submitted",
      taskId,
      requestId: res.RequestId,
      instanceId: args.instanceId,
      backupId: args.backupId,
      region,
      passwordSource,
    };
    return {
      structured,
      text: `Restore of ${args.instanceId} from backup ${args.backupId} submitted as task ${taskId}. Follow it with check_task.`,
    };
  },
});

/** TaskId comes back as a number or a string of digits; anything else is a bad response. */
export function toTaskId(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new CloudError("ClientError.BadResponse", "The API's answer has no valid TaskId", {
      override: { category: "outcome_unknown", retryable: false, hint: UNKNOWN_HINT },
    });
  }
  return n;
}
