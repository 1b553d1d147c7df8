import { z } from "zod";
import type { ApiBackup } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import {
  beijingToIso,
  defineTool,
  instanceIdSchema,
  regionSchema,
  resolveRegion,
  toBeijing,
  withError,
} from "./shared.js";

/**
 * Every backup status. The API's default is [2] (normal only); asking for all of them lets an agent see, and
 * be told why it cannot use, a locked or expired backup.
 */
export const ALL_BACKUP_STATUSES = [2, 1, -1, 3, 4];

const BACKUP_TYPES: Readonly<Record<string, string>> = {
  "0": "manual",
  "1": "automatic",
  "2": "before_config_change",
};
const BACKUP_STATUS: Readonly<Record<number, string>> = {
  1: "locked",
  2: "normal",
  [-1]: "expired",
  3: "exporting",
  4: "exported",
};

export const backupSchema = z.object({
  backupId: z.string().describe("Pass this to restore_instance"),
  startTime: z.string().describe("When the backup was taken (ISO 8601); a restore brings the data back to this moment"),
  endTime: z.string().optional(),
  type: z.string().describe("manual, automatic or before_config_change"),
  typeCode: z.string().describe("The API's BackupType"),
  status: z.string().describe("normal, locked, expired, exporting or exported"),
  statusCode: z.number().int().describe("The API's Status: 2 normal, 1 locked, -1 expired, 3 exporting, 4 exported"),
  locked: z.boolean(),
  restorable: z.boolean().describe("Whether restore_instance can use it now (normal and not locked)"),
  remark: z.string().optional(),
  expireTime: z.string().optional(),
});
export type Backup = z.infer<typeof backupSchema>;

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
  );

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
  async handler(args, ctx, extra) {
    const region = resolveRegion(args.region, ctx.config);
    const res = await ctx.api.describeInstanceBackups(
      {
        InstanceId: args.instanceId,
        Limit: args.limit,
        Offset: args.offset,
        Status: ALL_BACKUP_STATUSES,
        BeginTime: args.beginTime === undefined ? undefined : apiTime(args.beginTime, "beginTime"),
        EndTime: args.endTime === undefined ? undefined : apiTime(args.endTime, "endTime"),
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

export function toBackup(b: ApiBackup): Backup {
  const locked = b.Locked === 1 || b.Status === 1;
  const backup: Backup = {
    backupId: String(b.BackupId),
    startTime: beijingToIso(b.StartTime),
    type: BACKUP_TYPES[b.BackupType] ?? "other",
    typeCode: String(b.BackupType),
    status: BACKUP_STATUS[b.Status] ?? "unknown",
    statusCode: b.Status,
    locked,
    restorable: b.Status === 2 && !locked,
  };
  if (b.EndTime) backup.endTime = beijingToIso(b.EndTime);
  if (b.Remark) backup.remark = b.Remark;
  if (b.ExpireTime) backup.expireTime = beijingToIso(b.ExpireTime);
  return backup;
}

/** An argument time (Beijing time unless it carries an offset) as the API's Beijing-time text. */
function apiTime(text: string, field: string): string {
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  const iso = text.length === 10 ? `${text}T00:00:00` : text.replace(" ", "T");
  const ms = Date.parse(hasOffset ? iso : `${iso}+08:00`);
  if (Number.isNaN(ms)) {
    throw new CloudError("InvalidParameterValue", `${field} is not a valid time: "${text}"`, { notSent: true });
  }
  return toBeijing(ms);
}
