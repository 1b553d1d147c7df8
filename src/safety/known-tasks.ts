import type { ApiBackup, RedisApi } from "../cloud/api.js";
import { ALL_BACKUP_STATUSES, beijingToMs, parseTaskId, type TaskKind, taskKindOf, toBeijing } from "../cloud/views.js";

/** What this server knows of a task: it started it, or learned its kind once. */
export interface KnownTask {
  kind: TaskKind;
  region: string;
  instanceId: string;
  /** For a backup this server started: the Remark it was sent with (check_task names the new backup by it). */
  remark?: string;
}

/** Tasks remembered at once; the oldest go first beyond this. */
const MAX_TASKS = 1000;

/**
 * The tasks whose kind this server knows, in memory: the restores and backups it started, and the tasks it
 * looked up once with DescribeTaskList (check_task on a task started elsewhere: another server, the console).
 */
export class KnownTasks {
  private readonly tasks = new Map<string, KnownTask>();
  private readonly lookups = new Map<string, Promise<TaskKind | "unknown">>();

  remember(taskId: number, task: KnownTask): void {
    const key = `${task.region}/${taskId}`;
    this.tasks.delete(key);
    while (this.tasks.size >= MAX_TASKS) this.tasks.delete(this.tasks.keys().next().value as string);
    this.tasks.set(key, task);
  }

  get(taskId: number, region: string): KnownTask | undefined {
    return this.tasks.get(`${region}/${taskId}`);
  }

  /**
   * The task's kind: remembered, else from `lookUp`, run once for concurrent calls and remembered when found.
   */
  async kindOf(
    taskId: number,
    where: { region: string; instanceId: string },
    lookUp: () => Promise<TaskKind | "unknown">,
  ): Promise<TaskKind | "unknown"> {
    const known = this.get(taskId, where.region);
    if (known) return known.kind;
    const key = `${where.region}/${taskId}`;
    let pending = this.lookups.get(key);
    if (!pending) {
      pending = lookUp()
        .then((kind) => {
          if (kind !== "unknown") this.remember(taskId, { kind, region: where.region, instanceId: where.instanceId });
          return kind;
        })
        .finally(() => this.lookups.delete(key));
      this.lookups.set(key, pending);
    }
    return pending;
  }
}

/** How far around a task's StartTime DescribeTaskList is searched for it (clock skew, seconds precision). */
const TASK_WINDOW_MS = 2 * 60_000;
/** How long before its task's StartTime a new backup may have started (the API stamps them separately). */
const BACKUP_SKEW_MS = 10 * 60_000;

/**
 * The kind of a task this server did not start: DescribeTaskList (type codes) for the task's instance around its
 * StartTime. DescribeTaskInfo's own TaskType is free text and is not read. "unknown" when it cannot be found.
 */
export async function lookUpTaskKind(
  api: RedisApi,
  where: { region: string; instanceId: string; taskId: number; startMs: number; signal?: AbortSignal },
): Promise<TaskKind | "unknown"> {
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
    if (found) return taskKindOf(found.TaskType);
    offset += tasks.length;
    if (tasks.length === 0 || offset >= (res.TotalCount ?? 0)) break;
  }
  return "unknown";
}

/**
 * The backup a finished backup task made: for a backup_instance task, the newest manual backup of the instance
 * with its remark; for a backup task started elsewhere (no remark known), the newest backup started with it.
 */
export async function findNewBackup(
  api: RedisApi,
  where: { region: string; instanceId: string; remark?: string; startMs: number; signal?: AbortSignal },
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
    // a backup_instance task: its manual backup, by remark; a task started elsewhere: any backup started with it
    if (where.remark !== undefined && (String(b.BackupType) !== "0" || (b.Remark ?? "") !== where.remark)) continue;
    best = b;
    bestMs = ms;
  }
  return best;
}
