// A restore drill's clone (docs/drill.md): its unique name, its tag (naming the source, the backup and the drill),
// the newest usable backup when none is named, and the check made before anything is destroyed: the instance is
// the one the drill's ledger record names, and carries the drill's tag and name.
import { createHash } from "node:crypto";
import type { ApiInstance, RedisApi, ResourceTag } from "../../cloud/api.js";
import { CloudError } from "../../cloud/errors.js";
import { ALL_BACKUP_STATUSES, beijingToMs, isRestorable } from "../../cloud/views.js";
import type { DrillRecord } from "../../records/store/drills.js";
import { CLONE_TAG } from "../restore-clone/facts.js";

/** The tag every drill clone carries: `<source instance>/<backup or pit:second>/<drill>`. */
export const DRILL_TAG = "tcrmcp-drill-of";
const NAME_MAX = 59;

/** `<source name>-drill-<time restored, Beijing>-<4 hex of the drill>`, under 60 characters of the allowed ones. */
export function drillCloneName(sourceName: string, restoredTime: string, drillId: string): string {
  const hex = createHash("sha256").update(drillId).digest("hex").slice(0, 4);
  const tail = `-drill-${restoredTime.replace(/\D/g, "").slice(0, 14)}-${hex}`;
  const head = (sourceName.replace(/[^\p{L}\p{N}_-]/gu, "-") || "redis").slice(0, NAME_MAX - tail.length);
  return `${head}${tail}`;
}

export function drillTagValue(sourceId: string, backup: string, drillId: string): string {
  return `${sourceId}/${backup}/${drillId}`;
}

/** The source's tags without the restore clone's, plus the drill's (a drill clone is never a switch target). */
export function drillTags(tags: readonly ResourceTag[], value: string): ResourceTag[] {
  return [...tags.filter((t) => t.TagKey !== CLONE_TAG && t.TagKey !== DRILL_TAG), { TagKey: DRILL_TAG, TagValue: value }];
}

/** The drill an instance was cloned for (by its tag), if it is a drill clone. */
export function drillOf(instance: Pick<ApiInstance, "InstanceTags">): string | undefined {
  const tag = instance.InstanceTags?.find((t) => t.TagKey === DRILL_TAG);
  return tag?.TagValue.split("/").at(-1) || undefined;
}

/** The newest backup of the instance that can be restored (normal, not locked); undefined when it has none. */
export async function newestBackup(
  api: RedisApi,
  req: { region: string; instanceId: string; signal?: AbortSignal },
): Promise<string | undefined> {
  const res = await api.describeInstanceBackups(
    { InstanceId: req.instanceId, Limit: 100, Offset: 0, Status: ALL_BACKUP_STATUSES },
    { region: req.region, signal: req.signal },
  );
  let best: { id: string; at: number } | undefined;
  for (const b of res.BackupSet ?? []) {
    const at = beijingToMs(b.StartTime) ?? 0;
    if (isRestorable(b) && (!best || at > best.at)) best = { id: String(b.BackupId), at };
  }
  return best?.id;
}

/**
 * Before DestroyPostpaidInstance: the instance is the clone the drill's own record names (never its source), and
 * the cloud shows it with the drill's tag and name. Throws ClientError.DrillNotOwned (nothing sent) otherwise;
 * answers the instance as the cloud shows it (undefined: the cloud no longer lists it).
 */
export async function assertOwned(
  api: RedisApi,
  drill: DrillRecord,
  instanceId: string,
): Promise<ApiInstance | undefined> {
  const refuse = (why: string) =>
    new CloudError(
      "ClientError.DrillNotOwned",
      `Refused to destroy ${instanceId}: ${why}. A drill destroys only the clone it created. Nothing was sent.`,
      { notSent: true },
    );
  if (!drill.cloneInstanceId || drill.cloneInstanceId !== instanceId) {
    throw refuse(`drill ${drill.drillId}'s record names ${drill.cloneInstanceId ?? "no clone"}`);
  }
  if (instanceId === drill.sourceInstanceId) throw refuse(`it is the drill's source`);
  const res = await api.describeInstances({ InstanceId: instanceId, Limit: 1 }, { region: drill.region });
  const found = (res.InstanceSet ?? []).find((i) => i.InstanceId === instanceId);
  if (!found) return undefined;
  if (drillOf(found) !== drill.drillId) throw refuse(`it does not carry drill ${drill.drillId}'s tag (${DRILL_TAG})`);
  if (!drill.cloneName || found.InstanceName !== drill.cloneName) {
    throw refuse(`its name is not the drill's clone name (${drill.cloneName ?? "none recorded"})`);
  }
  return found;
}
