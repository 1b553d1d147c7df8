// What settling an operation in doubt takes and gives: each operation's settler (restore-in-place/settle.ts,
// restore-clone/settle.ts, switch-address/settle.ts, backup-settle.ts) reads the cloud with these; settle.ts runs them.
import type { RedisApi } from "../cloud/api.js";
import { tasksSince } from "../cloud/task-list.js";
import { beijingToMs, taskKindOf, toBeijing } from "../cloud/views.js";
import type { AuditOutcome } from "../records/audit.js";
import type { Operation } from "../records/journal.js";

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
export const SKEW_MS = 60_000;

/**
 * The earliest task of `kind` of the intent's instance started after the intent (or the one closest to `near`),
 * that no operation has.
 */
export async function firstTask(
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
