import { z } from "zod";
import { beijingToIso, defineTool, regionSchema, resolveRegion, withError } from "./shared.js";

export const TASK_STATUSES = ["preparing", "running", "succeed", "failed", "error"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
const FINAL: ReadonlySet<string> = new Set(["succeed", "failed", "error"]);

export const taskIdSchema = z
  .union([
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    z.string().regex(/^[1-9]\d{0,15}$/, "must be a positive integer or a string of digits"),
  ])
  .transform((v) => Number(v))
  .describe("Task ID returned by restore_instance (integer, or a string of digits)");

const output = z.object({
  taskId: z.number().int(),
  status: z.enum(TASK_STATUSES).describe("preparing (queued), running, succeed, failed or error"),
  done: z.boolean().describe("True once the task reached a final state (succeed, failed, error)"),
  succeeded: z.boolean(),
  taskType: z.string(),
  instanceId: z.string(),
  startTime: z.string().describe("When the task started (ISO 8601)"),
  message: z.string().describe("The API's TaskMessage: the error text when it failed, else empty"),
  requestId: z.string(),
});

export const checkTask = defineTool({
  name: "check_task",
  title: "Check a restore task",
  description:
    "Reports the status of a Tencent Cloud Redis task, such as the restore started by restore_instance: " +
    "preparing, running, succeed, failed or error, and whether it is done. Call it again until done is true. Read-only.",
  inputSchema: z.strictObject({
    taskId: taskIdSchema,
    region: regionSchema,
  }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, ctx, extra) {
    const region = resolveRegion(args.region, ctx.config);
    const res = await ctx.api.describeTaskInfo({ TaskId: args.taskId }, { region, signal: extra.signal });
    const status = (TASK_STATUSES as readonly string[]).includes(res.Status) ? (res.Status as TaskStatus) : "error";
    const structured: z.infer<typeof output> = {
      taskId: args.taskId,
      status,
      done: FINAL.has(status),
      succeeded: status === "succeed",
      taskType: res.TaskType ?? "",
      instanceId: res.InstanceId ?? "",
      startTime: beijingToIso(res.StartTime),
      message: res.TaskMessage || (status === res.Status ? "" : `Unknown task status "${res.Status}"`),
      requestId: res.RequestId,
    };
    const text = `Task ${args.taskId} on ${structured.instanceId}: ${status}${structured.done ? " (done)" : " (not done: check again)"}${
      structured.message ? ` - ${structured.message}` : ""
    }`;
    return { structured, text };
  },
});
