import { z } from "zod";
import type { ApiTaskInfo } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import { beijingToIso, beijingToMs, instanceStatusWord } from "../cloud/views.js";
import { messages } from "../i18n/index.js";
import { findNewBackup, lookUpTaskKind, type TaskFacts } from "../records/known-tasks.js";
import { Progress } from "../base/progress.js";
import { followClone } from "../operations/restore-clone/follow.js";
import { drillOfClone, followDrill } from "../operations/drill/follow.js";
import { TASK_STATUSES, type TaskAnswer, type TaskStatus, taskOutput } from "../operations/task-output.js";
import { waitWhile } from "../operations/task-wait.js";
import { defineTool, instanceIdSchema, regionSchema, withError } from "./shared.js";
import type { ToolContext } from "../operations/context.js";
import { resolveRegion } from "../gates/region.js";

const FINAL: ReadonlySet<string> = new Set(["succeed", "failed", "error"]);
export const MAX_WAIT_SECONDS = 600;

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

type Output = TaskAnswer;

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
  outputSchema: withError(taskOutput),
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
    let polls = 0; // the answers DescribeTaskInfo gave
    const describe = async () => {
      const answer = await ctx.api.describeTaskInfo({ TaskId: taskId }, { region, signal: extra.signal });
      polls++;
      return answer;
    };

    let res: ApiTaskInfo;
    let interval = poll.initialMs;
    let ended = "failed";
    let pollError: string | undefined;
    try {
      const going = (task: ApiTaskInfo) => !FINAL.has(task.Status);
      const statusOf = (task: ApiTaskInfo) => task.Status;
      const wait = { look: describe, going, status: statusOf, waitMs, elapsed, poll, progress, signal: extra.signal };
      ({ seen: res, interval, pollError } = await waitWhile(await describe(), wait));
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
