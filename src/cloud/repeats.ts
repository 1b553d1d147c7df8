// A wait polls the same read-only request until its answer changes (check_task's DescribeTaskInfo, a clone's
// DescribeInstances, each step of switch_address). Within one tool call, a request that repeats the one before
// it and gets the same answer is logged at debug; the first of a wait and any answer that changed (the last, when
// the wait ends because the task ended) stay at info.
import type { Logger } from "../base/log.js";
import { READ_ONLY_ACTIONS } from "./api.js";

/** Per tool call (its logger), the last answer of each request: action, region and parameters. */
const LAST = new WeakMap<Logger, Map<string, unknown>>();
/** More distinct requests than this in one call are simply logged at info. */
const KEPT = 32;

const withoutRequestId = (key: string, value: unknown) => (key === "RequestId" ? undefined : value);

/** True when this read-only request of this call repeats one whose answer was the same (RequestId aside). */
export function repeatsAnswer(
  log: Logger | undefined,
  action: string,
  region: string,
  params: object,
  answer: unknown,
): boolean {
  if (!log || !READ_ONLY_ACTIONS.has(action)) return false;
  const last = LAST.get(log) ?? new Map<string, unknown>();
  LAST.set(log, last);
  const key = `${region} ${action} ${JSON.stringify(params)}`;
  const before = last.get(key);
  if (before === undefined && last.size >= KEPT) return false;
  last.set(key, answer);
  // answers are compared only when the request repeats: a call that asks once pays nothing
  return before !== undefined && JSON.stringify(before, withoutRequestId) === JSON.stringify(answer, withoutRequestId);
}
