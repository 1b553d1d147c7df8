import { randomBytes } from "node:crypto";
import { z } from "zod";
import { CloudError, isOutcomeUnknown, outcomeUnknown } from "../cloud/errors.js";
import { parseTaskId, toUndoBackup, undoBackupSchema, undoText } from "../cloud/views.js";
import { approvalInUse } from "../config.js";
import { type Messages, messages } from "../i18n/index.js";
import type { AuditRecord } from "../safety/audit.js";
import { cloneName } from "../safety/clone.js";
import { elicitConfirmation } from "../safety/confirm.js";
import { passwordErrorWithSource } from "../safety/password.js";
import { type Preflight, planView, preflight } from "../safety/preflight.js";
import { findSubmittedTask } from "../safety/recover.js";
import { assertInstanceAllowed } from "../safety/scope.js";
import { approvalArguments, approvalOutput, approvalStep } from "./approval-step.js";
import { routeOf } from "../cloud/editions.js";
import type { Operation } from "../safety/journal.js";
import { clonePlanText, cloneOutput, submitClone, withCloneRouteHint } from "./restore-clone.js";
import {
  audited,
  backupIdSchema,
  callerOf,
  defineTool,
  type Extra,
  inFlightSchema,
  inFlightView,
  instanceIdSchema,
  type Progress,
  regionSchema,
  resolveRegion,
  type ToolContext,
  type ToolOutput,
  withError,
  withInFlight,
} from "./shared.js";

const output = z.object({
  status: z
    .enum(["submitted", "cloning", "confirmation_required", "approval_required"])
    .describe(
      "submitted: the restore task was created, follow taskId with check_task. cloning: see next. confirmation_required: nothing " +
        "was restored; show the plan (instance, backup, warning) to the user and, if they agree, call again with confirmToken. " +
        "approval_required: nothing was restored; a second person must approve, then call again with approvalId",
    ),
  taskId: z.number().int().optional().describe("When submitted: pass this to check_task"),
  requestId: z.string().optional().describe("When submitted: the RestoreInstance RequestId"),
  instanceId: z.string(),
  backupId: z.string(),
  region: z.string(),
  passwordSource: z
    .enum(["env", "argument", "none"])
    .describe("Where the instance password came from (never the value)"),
  recovered: z
    .boolean()
    .optional()
    .describe("True: an earlier RestoreInstance (answer lost, server stopped, or a repeat) was found, not resent"),
  sentAt: z.string().optional().describe("When recovered: when that restore was sent"),
  operationId: z.string().optional().describe("The restore's operation in the audit log"),
  inFlight: inFlightSchema,
  note: z.string().optional(),
  confirmToken: z
    .string()
    .optional()
    .describe("When confirmation_required: pass it back, with the same arguments, to restore"),
  expiresAt: z.string().optional().describe("When the confirmToken (or approvalId) stops working (ISO 8601)"),
  ...approvalOutput,
  instance: z
    .object({
      instanceId: z.string(),
      name: z.string(),
      status: z.string(),
      statusCode: z.number().int(),
      noAuth: z.boolean(),
      region: z.string(),
    })
    .optional(),
  backup: z
    .object({
      backupId: z.string(),
      startTime: z.string().describe("When the backup was taken: the instance's data goes back to this moment"),
      type: z.string(),
      ageMinutes: z.number().int(),
      age: z.string(),
      remark: z.string().optional(),
    })
    .optional(),
  undoBackup: undoBackupSchema.optional(),
  price: z.string().optional().describe("When approval_required by clone: what the new instance costs, as the approvers see it"),
  warning: z.string().optional().describe("What will be lost, and how to undo: show it to the user before confirming"),
  ...cloneOutput,
});
type Output = z.infer<typeof output>;

const UNKNOWN_HINT =
  "The restore may or may not have started, and no new restore task was found: do NOT call restore_instance " +
  "again. Check the instance with list_instances (a running restore shows status task_in_progress) and follow any " +
  "task with check_task; restore again only once you know no restore task exists.";

interface RestoreArgs {
  instanceId: string;
  backupId?: string;
  pointInTime?: string;
  region?: string;
  password?: string;
  confirmToken?: string;
  approvalId?: string;
  waitSeconds?: number;
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
  inputSchema: (config) => {
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
    const confirmToken = z
      .string()
      .regex(/^ct_[A-Za-z0-9_-]{16,64}$/, "must be the confirmToken of a confirmation_required answer")
      .optional()
      .describe(
        "Leave it out on the first call: the server then checks the instance and backup and answers with " +
          "status confirmation_required, a plan and this token. After the user agrees, call again with the same " +
          `instanceId, backupId and region plus the token. Single use, valid ${Math.round(config.confirmTtlMs / 60_000)} min.`,
      );
    return z
      .strictObject({
        ...shape,
        ...(config.passwordArgument ? { password } : {}),
        ...(config.confirmMode === "token" ? { confirmToken } : {}),
        ...(approvalInUse(config) ? approvalArguments : {}),
      })
      .superRefine((a, issues) => {
        if ((a.backupId === undefined) === (a.pointInTime === undefined)) {
          const path = a.backupId === undefined ? "backupId" : "pointInTime";
          issues.addIssue({ code: "custom", path: [path], message: "give exactly one of backupId and pointInTime" });
        }
      });
  },
  outputSchema: withError(output),
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
  async handler(args, ctx, extra) {
    const record: AuditRecord = {
      caller: callerOf(extra, ctx).id,
      region: args.region ?? ctx.config.region,
      instanceId: args.instanceId,
      backupId: args.backupId,
      pointInTime: args.pointInTime,
      confirm: ctx.config.confirmMode,
      outcome: "refused",
    };
    return audited(
      ctx,
      record,
      (outcome) => ctx.metrics.restore(outcome),
      (progress) => restore(args as RestoreArgs, ctx, extra, record, progress),
    );
  },
});

/** Scope, confirmation, lock, preflight, audit check, then exactly one RestoreInstance. */
async function restore(
  args: RestoreArgs,
  ctx: ToolContext,
  extra: Extra,
  record: AuditRecord,
  progress: Progress,
): Promise<ToolOutput> {
  const { config, api } = ctx;
  const { tokens, locks, audit, journal, reconciler } = ctx.services.safety;
  if (config.readOnly) {
    throw new CloudError("ClientError.ReadOnly", "This server is read-only: it does not restore.", { notSent: true });
  }
  assertInstanceAllowed(config, args.instanceId);
  ctx.services.safety.state.assertAvailable(); // fail closed while the shared state is unreachable
  const region = resolveRegion(args.region, config);
  const target = { region, instanceId: args.instanceId, backupId: args.backupId, pointInTime: args.pointInTime };
  const binding = {
    caller: record.caller,
    region,
    instanceId: args.instanceId,
    backupId: args.backupId ?? `pit:${args.pointInTime}`,
  };
  const cloneNonce = args.confirmToken ?? randomBytes(8).toString("hex");
  const check = async (snapshotTasks: boolean) => {
    const pf = await preflight(api, config, {
      ...target,
      cloneNonce,
      passwordArgument: args.password,
      signal: extra.signal,
      snapshotTasks,
    });
    noteMethod(record, pf);
    return pf;
  };
  // issue 18: settle what a stopped server left in flight on this instance, then never send the same restore twice
  const inFlight = (await reconciler.before(target, ctx)).map(inFlightView);
  const earlierRestore = () =>
    args.backupId === undefined
      ? Promise.resolve(undefined) // a point in time: its backup is known only after the preflight
      : Promise.all(
          (["restore", "clone"] as const).map((kind) =>
            journal.lastSent(kind, target, (intent) => intent.backupId === args.backupId && !intent.pointInTime),
          ),
        ).then((ops) => newest(ops.map((op) => op && earlierView(op))));
  let earlier = await earlierRestore();

  const approval = await approvalStep(ctx, extra, record, {
    tool: "restore_instance",
    binding: target,
    // bound to the route too: in place or clone, by the instance's edition (or the setting)
    methodOf: async (pf) => {
      if (pf) return pf.route.method;
      const found = await api.describeInstances({ InstanceId: args.instanceId, Limit: 1 }, { region, signal: extra.signal });
      const instance = found.InstanceSet.find((i) => i.InstanceId === args.instanceId) ?? { InstanceId: args.instanceId };
      return routeOf(instance, config.restoreMethod).method;
    },
    approvalId: args.approvalId,
    waitSeconds: args.waitSeconds,
    acknowledges: earlier?.operationId,
    plan: async () => {
      const pf = await check(false);
      record.passwordSource = pf.password.source;
      noteUndo(record, pf);
      const view = namingEarlier(planView(pf, messages(config.language)), earlier, messages(config.language));
      const { instanceId, backupId } = target;
      const price = view.clone?.price;
      const fields = {
        instanceId,
        backupId,
        region,
        passwordSource: pf.password.source,
        ...view,
        method: pf.route.method,
        ...(price?.amount !== undefined ? { price: `${price.amount} ${price.unit} (${price.currency})` } : {}),
      };
      const text = view.clone ? `Plan: restore by clone (${pf.route.method}). ${view.warning}` : planText(view);
      return { instance: pf.instance, fields, text, pre: pf };
    },
  });
  if (approval.kind === "answer") return approval.answer;
  if (approval.kind === "none" && config.confirmMode === "token" && args.confirmToken === undefined) {
    const pf = approval.pre ?? (await check(false));
    record.passwordSource = pf.password.source;
    noteUndo(record, pf);
    audit.assertWritable(); // refuse now rather than after the human agreed
    const { token, expiresAt } = await tokens.issue({ ...binding, acknowledges: earlier?.operationId });
    if (pf.clone) pf.clone.name = cloneName(pf.instance.InstanceName ?? "", pf.backup.StartTime, token); // as confirmed
    record.outcome = "planned";
    return withInFlight(plan(pf, token, expiresAt, messages(config.language), earlier), inFlight);
  }
  // an approval whose plan named the earlier restore restores again, as a token plan naming it does
  let acknowledged = approval.kind === "approved" ? approval.approval.acknowledges : undefined;
  if (approval.kind === "none" && config.confirmMode === "token") {
    const consumed = tokens.consume(args.confirmToken ?? "", { ...binding, acknowledges: earlier?.operationId });
    // a token whose plan did not name the earlier restore (or one this server does not know) is that restore's repeat
    if (earlier) {
      const ok = await consumed.then(
        () => true,
        (caught: unknown) => {
          if (caught instanceof CloudError && caught.code === "ClientError.ConfirmationInvalid") return false;
          throw caught;
        },
      );
      if (!ok) return withInFlight(repeated(earlier, record, config), inFlight);
      acknowledged = earlier.operationId;
    } else await consumed;
  }

  // a repeat is answered without waiting for the lock (which a stopped server may still hold until it expires)
  if (earlier && earlier.operationId !== acknowledged) return withInFlight(repeated(earlier, record, config), inFlight);
  const lock = await locks
    .acquire(region, args.instanceId, {
      caller: record.caller,
      backupId: binding.backupId,
      confirm: config.confirmMode,
      startedAt: Date.now(),
    })
    .catch((caught: unknown) => {
      if (caught instanceof CloudError && caught.code === "ResourceUnavailable.InstanceLockedError")
        ctx.metrics.lock("refused");
      throw caught;
    });
  ctx.metrics.lock("acquired");
  try {
    earlier = await earlierRestore(); // again under the lock: a restore sent meanwhile, here or on another replica
    if (earlier && earlier.operationId !== acknowledged) return withInFlight(repeated(earlier, record, config), inFlight);
    let pf = await check(true);
    if (approval.kind === "none" && config.confirmMode === "elicit") {
      const t = messages(config.language);
      await elicitConfirmation(ctx.server, extra, planView(pf, t), config.confirmTtlMs, t);
      pf = await check(true); // the human may have taken minutes: check again right before
    }
    record.passwordSource = pf.password.source;
    noteUndo(record, pf);
    audit.assertWritable();
    await lock.assertHeld(); // the preflight (and a human) took time: still ours, right before sending
    if (approval.kind === "approved") await approval.use(); // spent once, right before sending
    // written and fsynced before the request is sent (a restore: with the restore tasks that existed before it)
    if (pf.route.method === "clone") {
      await progress.intent("clone", { instanceName: pf.clone?.name });
      return withInFlight(await submitClone(ctx, pf, record), inFlight);
    }
    await progress.intent("restore", { knownTasks: [...(pf.tasks?.known ?? [])].slice(0, 50) });
    return withInFlight(await submit(ctx, pf, record), inFlight);
  } finally {
    await lock.release();
  }
}

/**
 * Sends RestoreInstance once. Not tied to the call's cancellation: once sent, its answer is awaited (within
 * TENCENTCLOUD_REDIS_TIMEOUT_SECONDS) so the outcome is known and recorded. A lost answer is never resent: the
 * task is looked for instead.
 */
async function submit(ctx: ToolContext, pf: Preflight, record: AuditRecord): Promise<ToolOutput> {
  const instanceId = pf.instance.InstanceId;
  const backupId = String(pf.backup.BackupId);
  const undo = pf.undo ? toUndoBackup(pf.undo) : undefined;
  const base = {
    instanceId,
    backupId,
    region: pf.region,
    passwordSource: pf.password.source,
    method: "in_place" as const,
    ...(undo ? { undoBackup: undo } : {}),
  };
  const how = undo ? ` To undo it: ${undoText(undo)}.` : ` ${NO_UNDO_AFTER}`;
  const remember = (taskId: number) =>
    ctx.services.safety.tasks.remember(taskId, { kind: "restore", region: pf.region, instanceId });
  try {
    const res = await ctx.api.restoreInstance(
      { InstanceId: instanceId, BackupId: backupId, Password: pf.password.value },
      { region: pf.region },
    );
    const taskId = toTaskId(res.TaskId);
    await remember(taskId);
    Object.assign(record, { outcome: "submitted", taskId, requestId: res.RequestId });
    const structured: Output = {
      status: "submitted",
      taskId,
      requestId: res.RequestId,
      operationId: record.operationId,
      ...base,
    };
    return {
      structured,
      text: `Restore of ${instanceId} from backup ${backupId} submitted as task ${taskId}. Follow it with check_task.${how}`,
    };
  } catch (caught) {
    if (!(caught instanceof CloudError)) throw caught;
    if (caught.code === "InvalidParameterValue.PasswordError")
      throw passwordErrorWithSource(caught, pf.password, instanceId);
    if (!isOutcomeUnknown(caught)) throw withCloneRouteHint(caught, pf);
    const taskId = await findSubmittedTask(ctx.api, pf, ctx.log, ctx.config.poll.initialMs);
    if (taskId === undefined) throw outcomeUnknown(caught, UNKNOWN_HINT);
    const note =
      `RestoreInstance's answer was lost (${caught.code}); it was not resent. Restore task ${taskId} of this ` +
      "instance, created since, was found with DescribeTaskList: follow it with check_task.";
    await remember(taskId);
    Object.assign(record, { outcome: "recovered", taskId, errorCode: caught.code, message: note });
    const structured: Output = { status: "submitted", taskId, recovered: true, note, operationId: record.operationId, ...base };
    return {
      structured,
      text: `Restore of ${instanceId} from backup ${backupId} submitted as task ${taskId}. ${note}${how}`,
    };
  }
}

function plan(
  pf: Preflight,
  confirmToken: string,
  expiresAt: number,
  t: Messages,
  earlier: EarlierRestore | undefined,
): ToolOutput {
  const view = namingEarlier(planView(pf, t), earlier, t);
  const structured: Output = {
    status: "confirmation_required",
    instanceId: view.instance.instanceId,
    backupId: view.backup.backupId,
    region: pf.region,
    passwordSource: pf.password.source,
    confirmToken,
    expiresAt: new Date(expiresAt).toISOString(),
    ...view,
  };
  if (view.clone) return { structured, text: clonePlanText(view, confirmToken, structured.expiresAt ?? "") };
  const text =
    `Nothing was restored yet. ${planText(view)}\nShow this to the user. If they agree, call restore_instance again with the same ` +
    `arguments plus confirmToken "${confirmToken}" (single use, until ${structured.expiresAt}).`;
  return { structured, text };
}

/** The plan's warning names a restore of the same backup sent within the dedup window: confirming it restores again. */
function namingEarlier(view: ReturnType<typeof planView>, earlier: EarlierRestore | undefined, t: Messages) {
  if (earlier) {
    const what = earlier.cloneInstanceId ? { clone: earlier.cloneInstanceId } : { taskId: earlier.taskId ?? 0 };
    view.warning = `${t.restoreAgain({ sentAt: earlier.sentAt, ...what })} ${view.warning}`;
  }
  return view;
}

function planText(view: ReturnType<typeof planView>): string {
  return (
    `Plan: restore ${view.instance.name} (${view.instance.instanceId}, ${view.instance.status}) ` +
    `from backup ${view.backup.backupId} (${view.backup.type}, taken ${view.backup.startTime}, ${view.backup.age} ago).\n` +
    `WARNING: ${view.warning}`
  );
}

const NO_UNDO_AFTER =
  "No backup newer than the one restored existed: the data before the restore cannot be brought back.";

/** A restore (in place, or a clone) of the same instance from the same backup sent within the dedup window (issue 18). */
interface EarlierRestore {
  operationId: string;
  sentAt: string;
  /** In place: its restore task. */
  taskId?: number;
  /** The clone route: the clone it made. */
  cloneInstanceId?: string;
}

function earlierView(op: Operation): EarlierRestore | undefined {
  const { operationId, time: sentAt } = op.intent;
  if (op.intent.action === "CloneInstances") {
    const cloneInstanceId = op.outcome?.cloneInstanceId ?? op.outcome?.found;
    return cloneInstanceId ? { operationId, sentAt, cloneInstanceId } : undefined;
  }
  const taskId = op.outcome?.taskId;
  return taskId === undefined ? undefined : { operationId, sentAt, taskId };
}

function newest(found: Array<EarlierRestore | undefined>): EarlierRestore | undefined {
  return found.reduce<EarlierRestore | undefined>(
    (best, e) => (e && (!best || Date.parse(e.sentAt) > Date.parse(best.sentAt)) ? e : best),
    undefined,
  );
}

/** The answer to a repeat of a restore already sent: nothing is sent; the earlier restore (or clone) is reported. */
function repeated(earlier: EarlierRestore, record: AuditRecord, config: ToolContext["config"]): ToolOutput {
  const until = new Date(Date.parse(earlier.sentAt) + config.restoreDedupMinutes * 60_000).toISOString();
  const again =
    config.confirmMode === "token"
      ? `after ${until}, or ask for a fresh plan (call without confirmToken): it names this restore, and confirming it restores again`
      : `after ${until} (TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES)`;
  const clone = earlier.cloneInstanceId;
  const what = clone ? `as the clone ${clone}` : `as task ${earlier.taskId}`;
  const follow = clone
    ? `Follow the clone with check_task { instanceId: "${clone}" }, then switch_address.`
    : `Follow task ${earlier.taskId} with check_task.`;
  const note =
    `This restore was already sent at ${earlier.sentAt} ${what} (operation ${earlier.operationId}), within the last ` +
    `${config.restoreDedupMinutes} min: it was NOT sent again. ${follow} To restore again deliberately: ${again}.`;
  Object.assign(record, {
    outcome: "recovered",
    found: earlier.operationId,
    message: note,
    ...(clone ? { cloneInstanceId: clone } : { taskId: earlier.taskId }),
  });
  const structured: Output = {
    status: clone ? "cloning" : "submitted",
    ...(clone ? { cloneInstanceId: clone, method: "clone" as const } : { taskId: earlier.taskId }),
    recovered: true,
    sentAt: earlier.sentAt,
    operationId: earlier.operationId,
    note,
    instanceId: record.instanceId,
    backupId: record.backupId ?? "",
    region: record.region ?? "",
    passwordSource: record.passwordSource ?? "none",
  };
  return { structured, text: `Restore of ${record.instanceId} from backup ${record.backupId}: ${note}` };
}

/** The method (and why), for the audit record. */
function noteMethod(record: AuditRecord, pf: Preflight): void {
  record.method = pf.route.method;
  record.methodWhy =
    pf.route.why === "setting" ? "TENCENTCLOUD_REDIS_RESTORE_METHOD" : `edition table: ${pf.route.edition}`;
  if (record.backupId === undefined) record.backupId = String(pf.backup.BackupId);
}

/** The undo point the plan named, for the audit record. */
function noteUndo(record: AuditRecord, pf: Preflight): void {
  record.undoBackupId = pf.undo ? String(pf.undo.BackupId) : undefined;
  record.undoBackupStartTime = pf.undo ? toUndoBackup(pf.undo).startTime : undefined;
}

/** TaskId comes back as a number or a string of digits; anything else is a bad response. */
export function toTaskId(value: unknown): number {
  const n = parseTaskId(value);
  if (n === undefined) {
    throw new CloudError("ClientError.BadResponse", "The API's answer has no valid TaskId", {
      override: { category: "outcome_unknown", retryable: false, hint: UNKNOWN_HINT },
    });
  }
  return n;
}
