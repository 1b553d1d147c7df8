import type { ApiBackup, RedisApi } from "../cloud/api.js";
import {
  ALL_BACKUP_STATUSES,
  backupTypeOfTask,
  beijingToMs,
  parseTaskId,
  type TaskKind,
  taskKindOf,
  toBeijing,
} from "../cloud/views.js";
import { LEDGER_MAX_TASKS } from "./store/memory-ledger.js";
import type { KnownTask, TaskLedger } from "./store/types.js";

export type { KnownTask } from "./store/types.js";

/** What check_task needs of a task: its kind and, for a backup, how to tell the backup it made. */
export interface TaskFacts {
  kind: TaskKind | "unknown";
  /** The Remark of a backup started by backup_instance. */
  remark?: string;
  /** The type of backup a backup task makes ("0" manual, "1" automatic), from DescribeTaskList. */
  backupType?: "0" | "1";
  /** The lookup failed (rather than found nothing): it is not remembered, the next call asks again. */
  failed?: boolean;
}

/** How long a lookup that did not find a task's kind is remembered (DescribeTaskList may show a new task late). */
export const UNKNOWN_KIND_TTL_MS = 10 * 60_000;

/**
 * The tasks whose kind the server knows, kept in the safety state's ledger (this process's memory, or Redis
 * shared by every replica): the restores and backups it started, and the tasks it looked up once with
 * DescribeTaskList (check_task on a task started elsewhere: the console, or before the ledger kept it).
 * Never fails a call: a ledger that cannot answer only means a lookup.
 */
export class KnownTasks {
  private readonly lookups = new Map<string, Promise<TaskFacts>>();
  /** Tasks whose kind DescribeTaskList did not show, and when it was asked: not asked again for a while. */
  private readonly unknownKinds = new Map<string, number>();
  /** check_task's answers for tasks that ended (a final state does not change), this process's own. */
  private readonly ended = new Map<string, object>();

  constructor(
    private readonly ledger: TaskLedger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers a task this server started (only non-secret fields). Never throws. */
  async remember(taskId: number, task: Omit<KnownTask, "startedAt">): Promise<void> {
    await this.ledger.remember(taskId, { ...task, startedAt: this.now() }).catch(() => {});
  }

  get(taskId: number, region: string): Promise<KnownTask | undefined> {
    return this.ledger.get(taskId, region).catch(() => undefined);
  }

  /**
   * What is known of the task: from the ledger, else from `lookUp`, run once for concurrent calls of this
   * process and remembered when found.
   */
  async factsOf(
    taskId: number,
    where: { region: string; instanceId: string },
    lookUp: () => Promise<TaskFacts>,
  ): Promise<TaskFacts> {
    const known = await this.get(taskId, where.region);
    if (known) return known;
    const key = `${where.region}/${taskId}`;
    const unknownSince = this.unknownKinds.get(key);
    if (unknownSince !== undefined && this.now() - unknownSince < UNKNOWN_KIND_TTL_MS) return { kind: "unknown" };
    let pending = this.lookups.get(key);
    if (!pending) {
      pending = lookUp()
        .then(async (facts) => {
          if (facts.kind !== "unknown") {
            const { kind, backupType } = facts;
            await this.remember(taskId, { kind, backupType, region: where.region, instanceId: where.instanceId });
          } else if (!facts.failed) {
            bounded(this.unknownKinds, key, this.now());
          }
          return facts;
        })
        .finally(() => this.lookups.delete(key));
      this.lookups.set(key, pending);
    }
    return pending;
  }

  /** check_task's answer for a task that ended, when this process gave one with nothing left to look up. */
  endedAnswer<T extends object>(taskId: number, region: string): T | undefined {
    return this.ended.get(`${region}/${taskId}`) as T | undefined;
  }

  /** Remembers the answer for a task in a final state, so that asking again costs no request. */
  rememberEnded(taskId: number, region: string, answer: object): void {
    bounded(this.ended, `${region}/${taskId}`, answer);
  }
}

/** Sets `key` in a map kept to LEDGER_MAX_TASKS entries, the oldest dropped first. */
function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  while (map.size >= LEDGER_MAX_TASKS) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** How far around a task's StartTime DescribeTaskList is searched for it (clock skew, seconds precision). */
const TASK_WINDOW_MS = 2 * 60_000;
/** How long before its task's StartTime a new backup may have started (the API stamps them separately). */
const BACKUP_SKEW_MS = 10 * 60_000;

/**
 * The kind of a task this server did not start, and for a backup task the type of backup it makes:
 * DescribeTaskList (type codes) for the task's instance around its StartTime. DescribeTaskInfo's own TaskType is
 * free text and is not read. Kind "unknown" when it cannot be found.
 */
export async function lookUpTaskKind(
  api: RedisApi,
  where: { region: string; instanceId: string; taskId: number; startMs: number; signal?: AbortSignal },
): Promise<TaskFacts> {
  for (let offset = 0, page = 0; page < 3; page++) {
    const res = await api.describeTaskList(
      {
        InstanceId: where.instanceId,
        BeginTime: toBeijing(where.startMs - TASK_WINDOW_MS),
        EndTime: toBeijing(where.startMs + TASK_WINDOW_MS),
        Limit: 100,
        Offset: offset,
      },
      { region: where.region, signal: where.signal },
    );
    const tasks = res.Tasks ?? [];
    const found = tasks.find((t) => parseTaskId(t.TaskId) === where.taskId);
    if (found) {
      const backupType = backupTypeOfTask(found.TaskType);
      return { kind: taskKindOf(found.TaskType), ...(backupType ? { backupType } : {}) };
    }
    offset += tasks.length;
    if (tasks.length === 0 || offset >= (res.TotalCount ?? 0)) break;
  }
  return { kind: "unknown" };
}

/**
 * The backup a finished backup task made: for a backup_instance task, the newest manual backup of the instance
 * with its remark; for a backup task started elsewhere (no remark known), the newest backup of its type (manual
 * or automatic, when DescribeTaskList told it) started with it.
 */
export async function findNewBackup(
  api: RedisApi,
  where: {
    region: string;
    instanceId: string;
    remark?: string;
    backupType?: "0" | "1";
    startMs: number;
    signal?: AbortSignal;
  },
): Promise<ApiBackup | undefined> {
  const res = await api.describeInstanceBackups(
    {
      InstanceId: where.instanceId,
      BeginTime: toBeijing(where.startMs - BACKUP_SKEW_MS),
      Limit: 100,
      Offset: 0,
      Status: ALL_BACKUP_STATUSES,
    },
    { region: where.region, signal: where.signal },
  );
  const earliest = where.startMs - (where.remark === undefined ? 60_000 : BACKUP_SKEW_MS);
  let best: ApiBackup | undefined;
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const b of res.BackupSet ?? []) {
    const ms = beijingToMs(b.StartTime);
    if (ms === undefined || ms < earliest || ms <= bestMs) continue;
    // a backup_instance task: its manual backup, by remark; a task started elsewhere: a backup of its type
    if (where.remark !== undefined && (String(b.BackupType) !== "0" || (b.Remark ?? "") !== where.remark)) continue;
    if (where.remark === undefined && where.backupType !== undefined && String(b.BackupType) !== where.backupType) {
      continue;
    }
    best = b;
    bestMs = ms;
  }
  return best;
}
