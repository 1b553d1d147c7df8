import type { ApiTaskListItem, RedisApi } from "./api.js";
import { parseTaskId, taskKindOf } from "./views.js";

const PAGE = 100;
const MAX_PAGES = 50;

/** A restore from backup, as DescribeTaskList names it (the one table of task types is views.ts's). */
export function isRestoreTask(task: Pick<ApiTaskListItem, "TaskType">): boolean {
  return taskKindOf(task.TaskType) === "restore";
}

/**
 * The IDs of the instance's restore tasks started since `beginTime`. Reads every task of the instance in the
 * window, page by page and without a TaskTypes filter (which form the filter takes is not documented), and
 * keeps the restores itself: an automatic backup started in the same window is never taken for one.
 */
export async function restoreTaskIds(
  api: RedisApi,
  region: string,
  instanceId: string,
  beginTime: string,
  signal?: AbortSignal,
): Promise<Set<number>> {
  const tasks = await tasksSince(api, region, instanceId, beginTime, signal);
  return new Set(tasks.filter(isRestoreTask).map((t) => t.taskId));
}

/** Every task of the instance started since `beginTime` (Beijing time), with its ID parsed, page by page. */
export async function tasksSince(
  api: RedisApi,
  region: string,
  instanceId: string,
  beginTime: string,
  signal?: AbortSignal,
): Promise<Array<ApiTaskListItem & { taskId: number }>> {
  const found: Array<ApiTaskListItem & { taskId: number }> = [];
  for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
    const res = await api.describeTaskList(
      { InstanceId: instanceId, BeginTime: beginTime, Limit: PAGE, Offset: offset },
      { region, signal },
    );
    const tasks = res.Tasks ?? [];
    for (const t of tasks) {
      const taskId = parseTaskId(t.TaskId);
      if (t.InstanceId === instanceId && taskId !== undefined) found.push({ ...t, taskId });
    }
    offset += tasks.length;
    if (tasks.length === 0 || offset >= (res.TotalCount ?? 0)) break;
  }
  return found;
}
