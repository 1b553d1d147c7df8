import type { ApiBackup, RedisApi } from "./api.js";
import { ALL_BACKUP_STATUSES } from "./views.js";

const PAGE = 100;
const MAX_PAGES = 100;

/**
 * Every backup of the instance, 100 a page (there is no BackupId filter, and the undo point is looked for among
 * all of them, whatever order the API lists them in). An instance rarely has more than one page.
 */
export async function allBackups(
  api: RedisApi,
  region: string,
  instanceId: string,
  signal?: AbortSignal,
): Promise<ApiBackup[]> {
  const all: ApiBackup[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api.describeInstanceBackups(
      { InstanceId: instanceId, Limit: PAGE, Offset: all.length, Status: ALL_BACKUP_STATUSES },
      { region, signal },
    );
    const set = res.BackupSet ?? [];
    all.push(...set);
    if (set.length === 0 || all.length >= (res.TotalCount ?? 0)) break;
  }
  return all;
}
