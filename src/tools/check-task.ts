import { z } from "zod";
import type { ApiTaskInfo } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import { sleep } from "../cloud/limiter.js";
import { beijingToIso, beijingToMs, instanceStatusWord, TIME_FORMAT } from "../cloud/views.js";
import { messages } from "../i18n/index.js";
import { findNewBackup, lookUpTaskKind, type TaskFacts } from "../records/known-tasks.js";
import { Progress } from "../base/progress.js";
import { followClone, followCloneOutput } from "../operations/restore-clone/follow.js";
import { DRILL_TASK_STATUSES, drillOfClone, followDrill, followDrillOutput } from "../operations/drill/follow.js";
import { defineTool, instanceIdSchema, regionSchema, withError } from "./shared.js";
import type { ToolContext } from "../operations/context.js";
import { resolveRegion } from "../gates/region.js";

export const TASK_STATUSES = ["preparing", "running", "succeed", "failed", "error"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
const FINAL: ReadonlySet<string> = new Set(["succeed", "failed", "error"]);
export const MAX_WAIT_SECONDS = 600;
/** Each poll interval is this many times the previous one, up to config.poll.maxMs. */
const BACKOFF = 1.5;

export const taskIdSchema = z
  .union([
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .regex(/^[1-9]\d{0,15}$/, "must be a positive integer or a string of digits")
      .refine((text) => Number.isSafeInteger(Number(text)), "must be at most 9007199254740991 (2^53 - 1)"),
  ])
  .transform((v) => Number(v))
  .describe("taskId from restore_instance or backup_instance");

const instanceAfter = z
  .object({
    instanceId: z.string(),
    status: z.string().optional().describe("running, task_in_progress, initializing, isolated, pending_deletion or unknown"),
    statusCode: z.number().int().optional().describe("The API's Status: 2 running, 1 task in progress, 0 initializing, -2 isolated, -3 pending deletion"),
    name: z.string().optional(),
    lookupError: z
      .string()
      .optional()
      .describe("Set when the instance could not be looked up; the task's own result still stands"),
  })
  .describe("The instance as DescribeInstances shows it after the task succeeded (only when status is succeed)");

const newBackup = z
  .object({
    backupId: z.string().optional(),
    startTime: z.string().optional(),
    remark: z.string().optional(),
    lookupError: z.string().optional().describe("Set when the new backup could not be found yet: see list_backups"),
  })
  .describe("After a backup task succeeded: the new backup (the undo point)");

const output = z.object({
  taskId: z.number().int(),
  kind: z
    .enum(["restore", "backup", "other", "unknown", "clone", "drill"])
    .describe("restore, backup (backup_instance or automatic), another kind of task, unknown, clone (instanceId given), or drill"),
  status: z
    .enum([...new Set([...TASK_STATUSES, "creating", ...DRILL_TASK_STATUSES])] as [string, ...string[]])
    .describe(
      "preparing (queued), running, succeed, failed or error; a clone: creating, running or failed; a drill: cloning, verifying, destroying, completed or failed",
    ),
  done: z.boolean().describe("True once the task reached a final state (succeed, failed, error): stop checking"),
  succeeded: z.boolean(),
  taskType: z.string(),
  instanceId: z.string(),
  startTime: z.string().describe(`When the task started (${TIME_FORMAT})`),
  message: z.string().describe("The API's TaskMessage: the error text when it failed, else empty"),
  requestId: z.string().describe("RequestId of the last DescribeTaskInfo call"),
  waitedSeconds: z.number().optional().describe("How long this call waited (only when waitSeconds was given)"),
  pollError: z
    .string()
    .optional()
    .describe("During a wait: a later poll failed (after its retries), so status is as of the poll before; check again"),
  nextCheckAfterSeconds: z
    .number()
    .int()
    .optional()
    .describe("When not done: call check_task again after this many seconds (or at once with a waitSeconds)"),
  instance: instanceAfter.optional(),
  backup: newBackup.optional(),
  ...followCloneOutput,
  ...followDrillOutput,
});
type Output = z.infer<typeof output>;

export const checkTask = defineTool({
  name: "check_task",
  title: "Check a task",
  description:
    "Status of a restore or backup task (preparing, running, succeed, failed, error) and whether it is done. " +
    "waitSeconds waits here; if not done, call again after nextCheckAfterSeconds. A finished backup_instance " +
    "task names its new backup. instanceId instead of taskId follows a clone until running; drillId a restore drill " +
    "(verified, clone destroyed, reported).",
  inputSchema: z
    .strictObject({
      taskId: taskIdSchema.optional(),
      instanceId: instanceIdSchema.optional().describe("Instead of taskId: a clone's cloneInstanceId from restore_instance"),
      drillId: z
        .string()
        .regex(/^dr_[0-9a-f]{12}$/, "must be the drillId drill_restore answered")
        .optional()
        .describe("Instead of taskId: a restore drill (drill_restore): verifies, destroys the clone, reports"),
      region: regionSchema,
      waitSeconds: z
        .number()
        .int()
        .min(0)
        .max(MAX_WAIT_SECONDS)
        .default(0)
        .describe(
          "Wait up to this many seconds (0-600) for the task to end, with progress notifications; 0 (default) answers at once",
        ),
    })
    .superRefine((a, issues) => {
      const given = [a.taskId, a.instanceId, a.drillId].filter((v) => v !== undefined).length;
      if (given !== 1) {
        const path = a.taskId === undefined ? "taskId" : "instanceId";
        issues.addIssue({ code: "custom", path: [path], message: "give exactly one of taskId, instanceId and drillId" });
      }
    }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  actions: ["DescribeTaskInfo", "DescribeInstances", "DescribeTaskList", "DescribeInstanceBackups", "DescribeInstanceDealDetail"],
  async handler(args, ctx, extra) {
    const region = resolveRegion(args.region, ctx.config);
    const drillId = args.drillId ?? (args.instanceId ? await drillOfClone(ctx, region, args.instanceId) : undefined);
    if (drillId !== undefined) return followDrill({ drillId, waitSeconds: args.waitSeconds }, region, ctx, extra);
    if (args.taskId === undefined) {
      const follow = { instanceId: args.instanceId ?? "", waitSeconds: args.waitSeconds };
      return followClone(follow, region, ctx, extra, Progress);
    }
    const taskId: number = args.taskId;
    const { poll } = ctx.config;
    const waitMs = args.waitSeconds * 1000;
    const { tasks } = ctx.services.safety;
    // a task that ended does not change: its answer (and the backup it made) is given again without a request
    const remembered = tasks.endedAnswer<Output>(taskId, region);
    if (remembered) {
      const again: Output = waitMs > 0 ? { ...remembered, waitedSeconds: 0 } : remembered;
      return { structured: again, text: summary(again) };
    }
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const progress = new Progress(
      extra,
      taskId,
      args.waitSeconds,
      poll.progressEveryMs,
      started,
      messages(ctx.config.language),
    );
    const describe = () => ctx.api.describeTaskInfo({ TaskId: taskId }, { region, signal: extra.signal });

    let res: ApiTaskInfo;
    let interval = poll.initialMs;
    let polls = 0;
    let ended = "failed";
    let pollError: string | undefined;
    try {
      res = await describe();
      for (polls = 1; !FINAL.has(res.Status) && elapsed() < waitMs; polls++) {
        progress.report(res.Status);
        await sleep(Math.min(interval, waitMs - elapsed()), extra.signal);
        interval = Math.min(interval * BACKOFF, poll.maxMs);
        try {
          res = await describe();
        } catch (caught) {
          // a poll that fails (after its retries) mid-wait ends the wait with what is known, not an error
          if (extra.signal.aborted || !(caught instanceof CloudError)) throw caught;
          pollError = `${caught.code}: ${caught.message}`;
          break;
        }
      }
      progress.report(res.Status);
      ended = pollError ? "poll failed" : res.Status;
    } finally {
      progress.stop();
      if (waitMs > 0) {
        if (extra.signal.aborted) ended = "cancelled";
        ctx.log.info("check_task wait ended", { taskId: taskId, ended, polls, ms: Math.round(elapsed()) });
      }
    }

    const status = (TASK_STATUSES as readonly string[]).includes(res.Status) ? (res.Status as TaskStatus) : "error";
    const structured: Output = {
      taskId: taskId,
      kind: "unknown",
      status,
      done: FINAL.has(status),
      succeeded: status === "succeed",
      taskType: res.TaskType ?? "",
      instanceId: res.InstanceId ?? "",
      startTime: beijingToIso(res.StartTime),
      message: res.TaskMessage || (status === res.Status ? "" : `Unknown task status "${res.Status}"`),
      requestId: res.RequestId,
    };
    if (waitMs > 0) structured.waitedSeconds = Math.round(elapsed() / 100) / 10;
    if (pollError) structured.pollError = pollError;
    if (!structured.done) {
      // after a wait, the interval polling had reached; without one, the longest interval (no hammering)
      structured.nextCheckAfterSeconds = Math.max(1, Math.ceil((waitMs > 0 ? interval : poll.maxMs) / 1000));
    }
    const startMs = beijingToMs(res.StartTime);
    const where = { region, instanceId: structured.instanceId, startMs: startMs ?? Date.now(), signal: extra.signal };
    const facts = await tasks.factsOf(taskId, where, () => kindOf(ctx, { ...where, taskId: taskId }, startMs));
    structured.kind = facts.kind;
    if (status === "succeed" && structured.instanceId) {
      structured.instance = await lookUpInstance(ctx, structured.instanceId, region, extra.signal);
      if (facts.kind === "backup") {
        structured.backup = await backupMade(ctx, { ...where, remark: facts.remark, backupType: facts.backupType });
      }
    }
    if (structured.done && !facts.failed && !structured.instance?.lookupError && !structured.backup?.lookupError) {
      const { waitedSeconds: _, ...answer } = structured;
      tasks.rememberEnded(taskId, region, answer);
    }
    return { structured, text: summary(structured) };
  },
});

/** The kind of a task this server did not start (DescribeTaskList); "unknown" when that fails. */
async function kindOf(
  ctx: ToolContext,
  where: Parameters<typeof lookUpTaskKind>[1],
  startMs: number | undefined,
): Promise<TaskFacts> {
  if (!where.instanceId || startMs === undefined) return { kind: "unknown" };
  try {
    return await lookUpTaskKind(ctx.api, where);
  } catch (caught) {
    if (where.signal?.aborted || !(caught instanceof CloudError)) throw caught;
    ctx.log.warning("task kind lookup failed", { taskId: where.taskId, code: caught.code });
    return { kind: "unknown", failed: true };
  }
}

/** The backup a finished backup task made; a failed or empty lookup is reported in `lookupError`. */
async function backupMade(
  ctx: ToolContext,
  where: Parameters<typeof findNewBackup>[1],
): Promise<NonNullable<Output["backup"]>> {
  try {
    const found = await findNewBackup(ctx.api, where);
    if (!found) {
      return { lookupError: `No new backup of ${where.instanceId} is listed yet: look with list_backups` };
    }
    const made: NonNullable<Output["backup"]> = { backupId: String(found.BackupId), startTime: beijingToIso(found.StartTime) };
    if (found.Remark) made.remark = found.Remark;
    return made;
  } catch (caught) {
    if (where.signal?.aborted || !(caught instanceof CloudError)) throw caught;
    return { lookupError: `${caught.code}: ${caught.message}` };
  }
}

/** The instance after the task; a failed lookup is reported in `lookupError`, not thrown (unless cancelled). */
async function lookUpInstance(
  ctx: ToolContext,
  instanceId: string,
  region: string,
  signal: AbortSignal,
): Promise<NonNullable<Output["instance"]>> {
  try {
    const res = await ctx.api.describeInstances({ InstanceId: instanceId, Limit: 1 }, { region, signal });
    const found = res.InstanceSet.find((i) => i.InstanceId === instanceId);
    if (!found) return { instanceId, lookupError: "DescribeInstances did not return the instance" };
    return { instanceId, status: instanceStatusWord(found.Status), statusCode: found.Status, name: found.InstanceName };
  } catch (caught) {
    if (signal.aborted || !(caught instanceof CloudError)) throw caught;
    return { instanceId, lookupError: `${caught.code}: ${caught.message}` };
  }
}

function summary(s: Output): string {
  const waited = s.waitedSeconds === undefined ? "" : ` after waiting ${s.waitedSeconds} s`;
  const label = s.kind === "restore" ? "Restore task" : s.kind === "backup" ? "Backup task" : "Task";
  let text = `${label} ${s.taskId} on ${s.instanceId}: ${s.status}`;
  if (s.done) {
    text += ` (done${waited})`;
    if (s.message) text += ` - ${s.message}`;
    if (s.backup?.backupId) text += `. New backup: ${s.backup.backupId}, taken ${s.backup.startTime} (the undo point)`;
    else if (s.backup?.lookupError) text += `. ${s.backup.lookupError}`;
    if (s.instance?.status) text += `. Instance ${s.instance.instanceId} is now ${s.instance.status}.`;
    else if (s.instance?.lookupError) text += `. The instance's status could not be read: ${s.instance.lookupError}`;
    return text;
  }
  if (s.pollError) text += ` as of the previous poll (the last poll failed: ${s.pollError})`;
  return (
    `${text} (not done${waited}): call check_task again in ${s.nextCheckAfterSeconds} s, ` +
    `or now with waitSeconds (up to ${MAX_WAIT_SECONDS}) to wait here.`
  );
}
