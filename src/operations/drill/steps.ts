// A restore drill's steps after CloneInstances (docs/drill.md): the clone followed until it runs, verified
// (src/drill/verify.ts), then destroyed with DestroyPostpaidInstance (journaled with its intent, only after the
// ownership check of facts.ts), followed to its end. Each move is a transition of the drills ledger that one
// caller wins: only the winner verifies or sends the destroy. Used by check_task { drillId } and by the sweep.
import type { ApiInstance, RedisApi } from "../../cloud/api.js";
import { CloudError } from "../../cloud/errors.js";
import { sleep } from "../../cloud/limiter.js";
import type { Config } from "../../config/index.js";
import { Secret } from "../../config/secret.js";
import type { Logger } from "../../base/log.js";
import { verifyClone } from "../../drill/verify.js";
import type { AuditRecord } from "../../records/audit.js";
import type { Journal } from "../../records/journal.js";
import type { DrillLedger, DrillPatch, DrillRecord, DrillStatus } from "../../records/store/drills.js";
import { resolvePassword } from "../password.js";
import { findCloneByName } from "../restore-clone/send.js";
import { errorOf } from "./change.js";
import { assertOwned } from "./facts.js";

/** What the steps work with: a tool call's (check_task) or the process's own (the sweep). */
export interface DrillDeps {
  api: RedisApi;
  journal: Journal;
  drills: DrillLedger;
  log: Logger;
  config: Config;
  /** Who the destroy's audit records name. */
  caller: string;
}

const BACKOFF = 1.5;
const ENDED: ReadonlySet<DrillStatus> = new Set(["completed", "failed"]);

export const drillNotFound = (what: string) =>
  new CloudError("ClientError.DrillNotFound", `No restore drill ${what} is recorded here.`, { notSent: true });

/** The drill's end: completed with a verification, failed without one. */
const endOf = (d: DrillRecord): DrillStatus => (d.verification ? "completed" : "failed");

/**
 * Moves the drill on as far as it can within `waitMs`: answers its record as it then stands. Sends nothing that
 * changes the source; destroys only the drill's own clone.
 */
export async function advanceDrill(
  d: DrillDeps,
  drillId: string,
  options: { waitMs: number; signal?: AbortSignal },
): Promise<DrillRecord> {
  const started = Date.now();
  let interval = d.config.poll.initialMs;
  /** This call won the transition into the drill's current status (it alone verifies or sends the destroy). */
  let owned = false;
  for (;;) {
    const rec = await d.drills.get(drillId);
    if (!rec) throw drillNotFound(drillId);
    if (ENDED.has(rec.status)) return rec;
    const moved = await step(d, rec, owned);
    if (moved) {
      owned = moved.owned;
      continue;
    }
    const left = options.waitMs - (Date.now() - started);
    if (left <= 0) return rec;
    await sleep(Math.min(interval, left), options.signal);
    interval = Math.min(interval * BACKOFF, d.config.poll.maxMs);
  }
}

/** One move of the drill; undefined when it must wait (the clone not running yet, a task not ended). */
async function step(d: DrillDeps, rec: DrillRecord, owned: boolean): Promise<{ owned: boolean } | undefined> {
  const won = async (from: DrillStatus, patch: DrillPatch) =>
    (await d.drills.transition(rec.drillId, [from], patch)) ? { owned: true } : { owned: false };
  switch (rec.status) {
    case "cloning": {
      if (!rec.cloneInstanceId) {
        const found = rec.cloneName
          ? await findCloneByName(d.api, rec.region, rec.cloneName, d.log, d.config.poll.initialMs)
          : undefined;
        if (found) return won("cloning", { cloneInstanceId: found.InstanceId });
        return undefined;
      }
      const clone = await look(d.api, rec.region, rec.cloneInstanceId);
      if (clone?.Status === 2) return won("cloning", { status: "verifying", times: { running: Date.now() } });
      if (!clone || clone.Status < 0) {
        const why = clone ? `the clone is ${clone.Status === -2 ? "isolated" : "being deleted"}` : "the clone is not listed";
        return won("cloning", { status: "destroying", error: abandoned(`${why}: it never ran`) });
      }
      return undefined;
    }
    case "verifying": {
      if (!owned) return undefined;
      const verification = await verify(d, rec);
      const now = Date.now();
      return won("verifying", { status: "destroying", verification, times: { verified: now } });
    }
    case "destroying": {
      if (rec.destroyTaskId !== undefined) return followDestroy(d, rec);
      if (!owned) return undefined;
      const after = await sendDestroy(d, rec);
      return after.destroyTaskId !== undefined || ENDED.has(after.status) ? { owned: false } : undefined;
    }
    default:
      return undefined;
  }
}

async function look(api: RedisApi, region: string, instanceId: string): Promise<ApiInstance | undefined> {
  const res = await api.describeInstances({ InstanceId: instanceId, Limit: 1 }, { region });
  return (res.InstanceSet ?? []).find((i) => i.InstanceId === instanceId);
}

export const ABANDONED = "ClientError.DrillAbandoned";
export const abandoned = (message: string) => ({ code: ABANDONED, message });

/** The clone verified at the deepest level reachable, with the source's password as the server holds it. */
async function verify(d: DrillDeps, rec: DrillRecord) {
  const clone = await look(d.api, rec.region, rec.cloneInstanceId ?? "");
  const password = clone?.NoAuth === true ? undefined : resolvePassword(d.config, rec.sourceInstanceId, undefined).value;
  return verifyClone(
    { host: clone?.WanIp ?? "", port: clone?.Port ?? 6379, password: password ? new Secret(password) : undefined },
    {
      probes: { requiredKeys: d.config.drillRequiredKeys, minKeys: d.config.drillMinKeys },
      cloud: async () => {
        const now = await look(d.api, rec.region, rec.cloneInstanceId ?? "");
        const backups = await d.api.describeInstanceBackups(
          { InstanceId: rec.sourceInstanceId, Limit: 100, Offset: 0 },
          { region: rec.region },
        );
        const backup = (backups.BackupSet ?? []).find((b) => String(b.BackupId) === rec.backupId);
        const sizeUsed = (now as { SizeUsed?: number } | undefined)?.SizeUsed;
        return {
          status: now?.Status ?? -3,
          ...(typeof sizeUsed === "number" ? { sizeUsedMb: sizeUsed } : {}),
          ...(backup?.BackupSize !== undefined ? { backupSizeBytes: backup.BackupSize } : {}),
        };
      },
    },
  );
}

/**
 * DestroyPostpaidInstance on the drill's clone, once its ownership is checked (refused otherwise: the drill ends
 * failed, nothing sent), journaled like every change. A clone already gone ends the drill without a request; a
 * clone not running yet (busy) is left for the next move.
 */
export async function sendDestroy(d: DrillDeps, rec: DrillRecord): Promise<DrillRecord> {
  const end = async (patch: DrillPatch) =>
    (await d.drills.transition(rec.drillId, ["destroying"], { status: endOf(rec), ...patch })) ?? rec;
  if (!rec.cloneInstanceId) return end({}); // never delivered: nothing bills
  let clone: ApiInstance | undefined;
  try {
    clone = await assertOwned(d.api, rec, rec.cloneInstanceId);
  } catch (caught) {
    if (caught instanceof CloudError && caught.code === "ClientError.DrillNotOwned") {
      d.log.error("drill clone not destroyed: not the drill's own", { drillId: rec.drillId, instanceId: rec.cloneInstanceId });
      await d.drills.transition(rec.drillId, ["destroying"], { status: "failed", error: errorOf(caught) });
    }
    throw caught;
  }
  if (!clone || clone.Status < 0) return end({ times: { destroyed: Date.now() } });
  if (clone.Status !== 2) return rec;
  const record: AuditRecord = {
    event: "drill_restore",
    caller: d.caller,
    region: rec.region,
    instanceId: rec.cloneInstanceId,
    drillId: rec.drillId,
    outcome: "refused",
  };
  await d.journal.begin(record, "destroy");
  const requested = Date.now();
  try {
    const res = await d.api.destroyPostpaidInstance({ InstanceId: rec.cloneInstanceId }, { region: rec.region });
    Object.assign(record, { outcome: "submitted", taskId: Number(res.TaskId), requestId: res.RequestId });
  } catch (caught) {
    const error = caught instanceof CloudError ? caught : undefined;
    Object.assign(record, {
      outcome: error && error.entry.category === "outcome_unknown" ? "outcome_unknown" : "failed",
      errorCode: error?.code ?? "ClientError.Internal",
      message: error?.message,
    });
    d.journal.finish(record);
    await d.drills.transition(rec.drillId, ["destroying"], { error: errorOf(caught), times: { destroyRequested: requested } });
    throw caught;
  }
  d.journal.finish(record);
  const patch = { destroyTaskId: record.taskId, times: { destroyRequested: requested } };
  return (await d.drills.transition(rec.drillId, ["destroying"], patch)) ?? rec;
}

/** The destroy's task: its end ends the drill (a failed task is recorded; the sweep sends again later). */
async function followDestroy(d: DrillDeps, rec: DrillRecord): Promise<{ owned: boolean } | undefined> {
  const task = await d.api.describeTaskInfo({ TaskId: rec.destroyTaskId ?? 0 }, { region: rec.region });
  if (task.Status === "succeed") {
    const done = await d.drills.transition(rec.drillId, ["destroying"], {
      status: endOf(rec),
      times: { destroyed: Date.now() },
    });
    return { owned: done !== undefined };
  }
  if (task.Status === "failed" || task.Status === "error") {
    const message = `the destroy's task ${rec.destroyTaskId} ended ${task.Status}${task.TaskMessage ? `: ${task.TaskMessage}` : ""}`;
    await d.drills.transition(rec.drillId, ["destroying"], { error: { code: "FailedOperation", message } });
    return undefined;
  }
  return undefined;
}
