import type { RedisApi } from "../../cloud/api.js";
import { CloudError } from "../../cloud/errors.js";
import { sleep } from "../../cloud/limiter.js";
import type { Logger } from "../../base/log.js";
import type { Preflight } from "../preflight.js";
import { restoreTaskIds } from "../../cloud/task-list.js";

const LOOKUPS = 3;

/**
 * After a RestoreInstance whose answer was lost (timeout, dropped connection, unreadable reply), looks for the
 * restore task it may have created instead of resending it: a restore task (type "010") of this instance, in
 * the preflight's window, that was not there before the request; never a task of another type. Tries a few times (the task may appear late).
 * Returns its TaskId, or undefined when none is found (the caller reports outcome_unknown).
 */
export async function findSubmittedTask(
  api: RedisApi,
  pf: Preflight,
  log: Logger,
  pauseMs: number,
): Promise<number | undefined> {
  if (!pf.tasks) return undefined;
  const { beginTime, known } = pf.tasks;
  const instanceId = pf.instance.InstanceId;
  for (let lookup = 1; lookup <= LOOKUPS; lookup++) {
    try {
      const ids = await restoreTaskIds(api, pf.region, instanceId, beginTime);
      const fresh = [...ids].filter((id) => !known.has(id)).sort((a, b) => b - a);
      if (fresh[0] !== undefined) {
        log.notice("restore task recovered after a lost answer", { instanceId, taskId: fresh[0], lookup });
        return fresh[0];
      }
    } catch (caught) {
      log.warning("restore task lookup failed", {
        instanceId,
        lookup,
        code: caught instanceof CloudError ? caught.code : "unexpected",
      });
    }
    if (lookup < LOOKUPS) await sleep(pauseMs);
  }
  return undefined;
}
