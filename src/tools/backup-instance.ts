import { randomBytes } from "node:crypto";
import { z } from "zod";
import { toBeijing } from "../cloud/views.js";
import { backupChange, backupOutput } from "../operations/backup.js";
import { runChangeCall } from "../operations/pipeline.js";
import { defineTool, instanceIdSchema, regionSchema, withError } from "./shared.js";
import { BIDI_OR_ZERO_WIDTH, NO_BIDI_OR_ZERO_WIDTH } from "../approval/chat-quote.js";

/** The API documents no limit for Remark; this one keeps it short, printable and easy to match in list_backups. */
export const REMARK_MAX = 128;
/** ManualBackupInstance's documented StorageDays range. */
export const STORAGE_DAYS_MAX = 1825;

export const backupInstance = defineTool({
  name: "backup_instance",
  title: "Back up a Redis instance now",
  description:
    "Takes a backup of an instance's current data: the undo point before restore_instance. Follow the taskId " +
    "with check_task until done; it then names the new backup.",
  inputSchema: z.strictObject({
    instanceId: instanceIdSchema,
    remark: z
      .string()
      .min(1)
      .max(REMARK_MAX)
      .refine((text) => !/\p{Cc}/u.test(text), "must be printable text on one line (no control characters)")
      .refine((text) => !BIDI_OR_ZERO_WIDTH.test(text), NO_BIDI_OR_ZERO_WIDTH)
      .optional()
      .describe("What the backup is for"),
    storageDays: z.number().int().min(0).max(STORAGE_DAYS_MAX).optional().describe("Days to keep it (0-1825)"),
    region: regionSchema,
  }),
  outputSchema: withError(backupOutput),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  // the reads: the settlers of operations in doubt on the instance (docs/crash-safety.md)
  actions: ["ManualBackupInstance", "DescribeInstanceBackups", "DescribeTaskList", "DescribeInstances"],
  async handler(args, ctx, extra) {
    // a short random tail: two undo points taken in the same second still have remarks of their own
    const remark = args.remark ?? `undo point ${toBeijing(Date.now())} ${randomBytes(2).toString("hex")}`;
    const request = { ...args, remark, explicitRemark: args.remark !== undefined };
    const fields = {
      event: "backup_instance",
      region: args.region,
      instanceId: args.instanceId,
      remark,
      ...(args.storageDays === undefined ? {} : { storageDays: args.storageDays }),
    } as const;
    return runChangeCall(ctx, extra, fields, (outcome) => ctx.metrics.backup(outcome), (record) => backupChange(request, ctx, record));
  },
});
