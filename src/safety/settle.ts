import type { RedisApi } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import { sleep } from "../cloud/limiter.js";
import { ALL_BACKUP_STATUSES, beijingToMs, taskKindOf, toBeijing } from "../cloud/views.js";
import type { Logger } from "../log.js";
import type { AuditOutcome, AuditRecord } from "./audit.js";
import { type Journal, kindOf, type Operation, type OperationKind } from "./journal.js";
import { tasksSince } from "./tasks.js";

/** What a settler found: the operation's outcome, and what tells it. */
export interface Settlement {
  outcome: Extract<AuditOutcome, "recovered" | "not_sent" | "unknown">;
  taskId?: number;
  /** The backup, instance or address found. */
  found?: string;
  message: string;
}

/** What a settler is given: the cloud, the intent, the task IDs other operations already have, and the time. */
export interface SettleContext {
  api: RedisApi;
  intent: Operation["intent"];
  claimed: ReadonlySet<number>;
  /** Whether the intent is past its ripe time (ripeTime): a request it sent would show by now. */
  old: boolean;
}

/** How far before the intent's time the cloud's records are searched (clock skew, Beijing seconds). */
const SKEW_MS = 60_000;

/**
 * One settler per kind of operation, in this one place (issue 18). Each reads the cloud only; it returns the
 * settlement, or undefined when it cannot tell yet (the intent is too recent: looked at again later), and
 * throws when the cloud cannot be read (the operation stays in doubt).
 */
export const SETTLERS: Readonly<Record<OperationKind, (c: SettleContext) => Promise<Settlement | undefined>>> = {
  /** A restore: a type-010 task of that instance started after the intent (one no other operation has). */
  async restore({ api, intent, claimed, old }) {
    const task = await firstTask(api, intent, "restore", new Set([...claimed, ...(intent.knownTasks ?? [])]));
    if (task !== undefined) {
      return { outcome: "recovered", taskId: task, message: `restore task ${task} of ${intent.instanceId} found` };
    }
    if (!old) return undefined;
    return { outcome: "not_sent", message: "no restore task of the instance started after the intent: never sent" };
  },

  /** A backup: the manual backup with its remark, taken after the intent. */
  async backup({ api, intent, claimed, old }) {
    const intentMs = Date.parse(intent.time);
    const res = await api.describeInstanceBackups(
      {
        InstanceId: intent.instanceId,
        BeginTime: toBeijing(intentMs - SKEW_MS),
        Limit: 100,
        Offset: 0,
        Status: ALL_BACKUP_STATUSES,
      },
      { region: intent.region ?? "" },
    );
    const backup = (res.BackupSet ?? []).find(
      (b) => String(b.BackupType) === "0" && (b.Remark ?? "") === intent.remark,
    );
    // its task: the backup task started closest to the backup itself
    const task = await firstTask(api, intent, "backup", claimed, backup ? beijingToMs(backup.StartTime) : undefined);
    if (backup) {
      return {
        outcome: "recovered",
        ...(task === undefined ? {} : { taskId: task }),
        found: String(backup.BackupId),
        message: `manual backup ${backup.BackupId} with remark "${intent.remark}" found`,
      };
    }
    if (!old) return undefined;
    if (task !== undefined) {
      return {
        outcome: "unknown",
        taskId: task,
        message: `a backup task (${task}) started after the intent, but no backup has its remark`,
      };
    }
    return { outcome: "not_sent", message: "no backup with its remark and no backup task after the intent: never sent" };
  },

  /** A clone: the new instance by its unique InstanceName (DescribeInstances SearchKey). */
  async clone({ api, intent, old }) {
    const name = intent.instanceName;
    if (!name) return { outcome: "unknown", message: "the intent names no InstanceName to look the clone up by" };
    const res = await api.describeInstances({ SearchKey: name, Limit: 100, Offset: 0 }, { region: intent.region ?? "" });
    const found = (res.InstanceSet ?? []).filter((i) => i.InstanceName === name);
    if (found.length === 1) {
      const id = found[0]?.InstanceId ?? "";
      return { outcome: "recovered", found: id, message: `instance ${id} named "${name}" found` };
    }
    if (found.length > 1) {
      const ids = found.map((i) => i.InstanceId).join(", ");
      return { outcome: "unknown", message: `several instances are named "${name}" (${ids})` };
    }
    if (!old) return undefined;
    return { outcome: "not_sent", message: `no instance is named "${name}": never sent` };
  },

  /**
   * A switch step (ModifyNetworkConfig changeVip), by the two instances' addresses: step "off" moved instanceId
   * off the address when it no longer has it; step "on" gave toInstanceId the address when it has it.
   */
  async switch({ api, intent, old }) {
    const [host, port] = (intent.address ?? "").split(":");
    if (!host || !intent.toInstanceId) return { outcome: "unknown", message: "the intent names no address to check" };
    const region = { region: intent.region ?? "" };
    const [from, to] = await Promise.all(
      [intent.instanceId, intent.toInstanceId].map(async (id) => {
        const res = await api.describeInstances({ InstanceId: id, Limit: 1, Offset: 0 }, region);
        return res.InstanceSet?.find((i) => i.InstanceId === id);
      }),
    );
    const has = (i: typeof from) => i?.WanIp === host && String(i?.Port) === port;
    const where = `${intent.instanceId} ${has(from) ? "has" : "has not"} ${intent.address}, ${intent.toInstanceId} ${has(to) ? "has" : "has not"} it`;
    const moved = intent.switchStep === "on" ? has(to) : from !== undefined && !has(from);
    if (moved) return { outcome: "recovered", found: where, message: `step ${intent.switchStep} was made` };
    if (!old) return undefined;
    const unmoved = intent.switchStep === "on" ? !has(to) : has(from);
    if (unmoved) return { outcome: "not_sent", found: where, message: `step ${intent.switchStep} was not made` };
    return { outcome: "unknown", found: where, message: "the addresses tell neither" };
  },
};

/**
 * The earliest task of `kind` of the intent's instance started after the intent (or the one closest to `near`),
 * that no operation has.
 */
async function firstTask(
  api: RedisApi,
  intent: Operation["intent"],
  kind: "restore" | "backup",
  claimed: ReadonlySet<number>,
  near?: number,
): Promise<number | undefined> {
  const intentMs = Date.parse(intent.time);
  const tasks = await tasksSince(api, intent.region ?? "", intent.instanceId, toBeijing(intentMs - SKEW_MS));
  let best: { id: number; at: number } | undefined;
  for (const t of tasks) {
    const at = beijingToMs(t.StartTime);
    if (taskKindOf(t.TaskType) !== kind || claimed.has(t.taskId) || at === undefined || at < intentMs - SKEW_MS) {
      continue;
    }
    const score = near === undefined ? at : Math.abs(at - near);
    // a tie (the API's times are in seconds): the earliest for the first after the intent, else the newest
    const better = near === undefined ? t.taskId < (best?.id ?? 0) : t.taskId > (best?.id ?? 0);
    if (!best || score < best.at || (score === best.at && better)) best = { id: t.taskId, at: score };
  }
  return best?.id;
}

/**
 * Settles the operations in doubt (issue 18): at start (in the background, the first MAX_AT_START of them) and
 * before a change to an instance is planned or sent. A settled operation gets its outcome record (same
 * operationId, `reconciled: true`); one that cannot be settled refuses changes to its instance.
 */
export class Reconciler {
  private readonly pending = new Map<string, Promise<Operation | undefined>>();

  constructor(
    private readonly api: RedisApi,
    private readonly journal: Journal,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** At start: settles what the audit log's tail and the shared ledger leave in doubt. Never throws. */
  async atStart(): Promise<void> {
    const ops = (await this.journal.inDoubt().catch(() => [])).slice(0, MAX_AT_START);
    if (ops.length > 0) this.log.notice("operations in doubt found at start: settling them", { count: ops.length });
    const own = { api: this.api, log: this.log };
    await Promise.all(ops.map((op) => this.settle(op, false, own).catch(() => undefined)));
  }

  /**
   * Before a change to the instance: settles every operation on it in doubt, waiting (up to the request
   * timeout) for a recent one. Throws ClientError.OperationInDoubt when one cannot be settled. Returns the
   * operations on the instance that were settled by reconciliation (what was in flight). `call`: the tool
   * call's API view and logger, so that the reads and the record of a settlement carry its caller.
   */
  async before(where: { region: string; instanceId: string }, call: SettleCall): Promise<Operation[]> {
    for (const op of await this.journal.inDoubt(where)) {
      let settled: Operation | undefined;
      try {
        settled = await this.settle(op, true, call);
      } catch (caught) {
        throw inDoubt(op, caught instanceof CloudError ? caught.code : "the cloud could not be read");
      }
      if (!settled) {
        const after = new Date(ripeTime(op.intent)).toISOString();
        throw inDoubt(op, `nothing tells yet whether it was sent; it can be settled after ${after}`);
      }
    }
    return this.journal.settledOn(where);
  }

  /** Settles one operation (once at a time in this process); undefined when it cannot tell yet. */
  private settle(op: Operation, wait: boolean, call: SettleCall): Promise<Operation | undefined> {
    const id = op.intent.operationId;
    let pending = this.pending.get(id);
    if (!pending) {
      pending = this.run(op, wait, call).finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private async run(op: Operation, wait: boolean, call: SettleCall): Promise<Operation | undefined> {
    const kind = kindOf(op.intent);
    if (!kind) return undefined;
    const ripeAt = ripeTime(op.intent);
    const look = () =>
      SETTLERS[kind]({
        api: call.api,
        intent: op.intent,
        claimed: this.journal.claimedTasks(),
        old: this.now() >= ripeAt,
      });
    let found = await look();
    if (!found && wait && ripeAt - this.now() <= MAX_WAIT_MS) {
      await sleep(Math.max(0, ripeAt - this.now()));
      found = await look();
    }
    if (!found) return undefined;
    const outcome: AuditRecord = {
      ...op.intent,
      time: undefined,
      deadline: undefined, // the intent's own
      knownTasks: undefined,
      outcome: found.outcome,
      reconciled: true,
      message: found.message,
      ...(found.taskId === undefined ? {} : { taskId: found.taskId }),
      ...(found.found === undefined ? {} : { found: found.found }),
    };
    this.journal.finish(outcome);
    call.log.notice("operation in doubt settled", {
      operationId: op.intent.operationId,
      action: op.intent.action,
      instanceId: op.intent.instanceId,
      outcome: found.outcome,
      taskId: found.taskId,
    });
    return { intent: op.intent, outcome };
  }
}

/** Whose reads settle an operation and who logs it: a tool call's API view and logger, or the process's at start. */
export interface SettleCall {
  api: RedisApi;
  log: Logger;
}

/** A call waits at most this long for a recent operation in doubt to become old enough to settle. */
const MAX_WAIT_MS = 10_000;
/** After its sender's deadline, the cloud has had this long to show what the request did. */
const GRACE_MS = 2000;

/**
 * When an intent is old enough that "nothing found" means "it did not take effect": its server stopped waiting
 * for the answer at its deadline (its request timeout), plus a grace. An intent without one: a minute.
 */
export function ripeTime(intent: Operation["intent"]): number {
  const deadline = Date.parse(intent.deadline ?? "");
  return (Number.isNaN(deadline) ? Date.parse(intent.time) + 60_000 : deadline) + GRACE_MS;
}

/** At most this many operations are settled at start (the rest before a change to their instance). */
const MAX_AT_START = 20;

/** The refusal of a change while an operation on the instance is in doubt. Nothing was sent. */
function inDoubt(op: Operation, why: string): CloudError {
  const i = op.intent;
  const what = i.action === "RestoreInstance" ? `restore of ${i.instanceId} from backup ${i.backupId}` : `${i.action} of ${i.instanceId}`;
  return new CloudError(
    "ClientError.OperationInDoubt",
    `Refused: a ${what} (operation ${i.operationId}, by ${i.caller} at ${i.time}) was in flight when its server ` +
      `stopped, and it could not be settled yet (${why}). Nothing was sent.`,
    { notSent: true },
  );
}
