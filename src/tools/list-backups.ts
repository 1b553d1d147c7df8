import { z } from "zod";
import { ALL_BACKUP_STATUSES, backupSchema, toBackup, toBeijing } from "../cloud/views.js";
import { defineTool, instanceIdSchema, regionSchema, resolveRegion, withError } from "./shared.js";


const output = z.object({
  instanceId: z.string(),
  region: z.string(),
  totalCount: z.number().int(),
  backups: z.array(backupSchema).describe("Newest first"),
  nextOffset: z.number().int().optional().describe("Pass as offset to get the next page; absent on the last page"),
});

const timeSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/,
    "must be a time like 2026-11-27 08:00:00 (Beijing time) or ISO 8601 with an offset",
  )
  .refine((text) => !Number.isNaN(parseTime(text)), "must be a real date and time");

export const listBackups = defineTool({
  name: "list_backups",
  title: "List an instance's backups",
  description:
    "Lists the backups of one Redis instance (newest first) with when each was taken, its type, and whether it " +
    "can be restored now. Use it to choose the backupId for restore_instance; the instanceId comes from " +
    "list_instances. Read-only.",
  inputSchema: z.strictObject({
    instanceId: instanceIdSchema,
    region: regionSchema,
    beginTime: timeSchema.optional().describe("Only backups taken at or after this time"),
    endTime: timeSchema.optional().describe("Only backups taken at or before this time"),
    limit: z.number().int().min(1).max(100).default(20).describe("Backups per page, 1-100 (default 20)"),
    offset: z.number().int().min(0).max(1_000_000).default(0).describe("Backups to skip, for paging"),
  }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  actions: ["DescribeInstanceBackups"],
  async handler(args, ctx, extra) {
    const region = resolveRegion(args.region, ctx.config);
    const res = await ctx.api.describeInstanceBackups(
      {
        InstanceId: args.instanceId,
        Limit: args.limit,
        Offset: args.offset,
        Status: ALL_BACKUP_STATUSES,
        BeginTime: args.beginTime === undefined ? undefined : apiTime(args.beginTime),
        EndTime: args.endTime === undefined ? undefined : apiTime(args.endTime),
      },
      { region, signal: extra.signal },
    );
    const backups = (res.BackupSet ?? []).map(toBackup);
    const structured: z.infer<typeof output> = {
      instanceId: args.instanceId,
      region,
      totalCount: res.TotalCount ?? backups.length,
      backups,
    };
    const next = args.offset + backups.length;
    if (backups.length > 0 && next < structured.totalCount) structured.nextOffset = next;
    const lines = backups.map(
      (b) => `${b.backupId} taken ${b.startTime} (${b.type}, ${b.status}${b.restorable ? "" : ", not restorable now"})`,
    );
    const text = `${structured.totalCount} backup(s) of ${args.instanceId}${lines.length ? `:\n${lines.join("\n")}` : "."}`;
    return { structured, text };
  },
});

/** An argument time (Beijing time unless it carries an offset) in epoch milliseconds; NaN if not a real time. */
function parseTime(text: string): number {
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  const iso = text.length === 10 ? `${text}T00:00:00` : text.replace(" ", "T");
  return Date.parse(hasOffset ? iso : `${iso}+08:00`);
}

/** An argument time (already checked by the schema) as the API's Beijing-time text. */
function apiTime(text: string): string {
  return toBeijing(parseTime(text));
}
