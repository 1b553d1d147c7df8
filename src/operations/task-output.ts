// check_task's answer: its success shape (the tool lists it with the error shape, src/tools/check-task.ts), and the
// types its three kinds of answer are checked against at compile time: a task's (src/tools/check-task.ts), a
// clone's (restore-clone/follow.ts) and a drill's (drill/follow.ts).
import { z } from "zod";
import { TIME_FORMAT } from "../cloud/views.js";
import { DRILL_STATUSES, type DrillStatus } from "../records/store/drills.js";

export const TASK_STATUSES = ["preparing", "running", "succeed", "failed", "error"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type CloneStatus = "creating" | "running" | "failed";

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

/** The fields check_task's answer gains for a clone. */
const cloneFields = z
  .object({
    address: z.object({ host: z.string(), port: z.number().int() }).describe("A clone: its address (VIP and port) now"),
    dealName: z.string().describe("A clone: its order"),
    dealStatus: z.number().int().describe("A clone: the order's status (DescribeInstanceDealDetail; 5 and above: failed)"),
    next: z.string().describe("What to call next"),
  })
  .partial().shape;

/** The fields check_task's answer gains for a drill. */
const drillFields = z
  .object({
    drillId: z.string().describe("A drill: its ID (drill_restore's answer)"),
    drill: z
      .looseObject({ passed: z.boolean(), cleanedUp: z.boolean() })
      .describe("A drill: its report (backup, clone, times, verification level and results, estimated cost)"),
  })
  .partial().shape;

export const taskOutput = z.object({
  taskId: z.number().int(),
  kind: z
    .enum(["restore", "backup", "other", "unknown", "clone", "drill"])
    .describe("restore, backup (backup_instance or automatic), another kind of task, unknown, clone (instanceId given), or drill"),
  status: z
    .enum([...new Set([...TASK_STATUSES, "creating", ...DRILL_STATUSES])] as [string, ...string[]])
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
  ...cloneFields,
  ...drillFields,
});

/** check_task's answer for a task (taskId). */
export type TaskAnswer = z.input<typeof taskOutput>;

/** What only a task's answer has (a clone and a drill have no task of their own). */
type TaskOnly = "taskId" | "taskType" | "startTime" | "backup";

/** check_task's answer for a clone (instanceId): a task's fields but the task's own, and the clone's. */
export type CloneTaskAnswer = Omit<TaskAnswer, TaskOnly | keyof typeof drillFields | "kind" | "status" | "next"> & {
  kind: "clone";
  status: CloneStatus;
  next: string;
};

/** check_task's answer for a drill (drillId): its report; it polls nothing itself, so it has no RequestId. */
export type DrillTaskAnswer = Omit<
  TaskAnswer,
  TaskOnly | keyof typeof drillFields | "dealName" | "dealStatus" | "address" | "instance" | "pollError" | "requestId" | "kind" | "status" | "next"
> & { kind: "drill"; status: DrillStatus; drillId: string; drill: NonNullable<TaskAnswer["drill"]>; next: string };
