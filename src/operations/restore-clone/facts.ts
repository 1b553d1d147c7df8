// The clone route of a restore: its facts from what the preflight read (security groups, the price, a point in
// time), the one CloneInstances request built from the source, and the lookup of a clone by its unique name after
// a lost answer. Never sends CloneInstances itself: send.ts does, once.
import { createHash, randomBytes } from "node:crypto";
import type {
  ApiBackup,
  ApiInstance,
  DescribeInstanceSecurityGroupResponse,
  DescribeSecondLevelBackupInfoResponse,
  InquiryPriceCreateInstanceRequest,
  InquiryPriceCreateInstanceResponse,
  ResourceTag,
} from "../../cloud/api.js";
import { EDITIONS } from "../../cloud/editions.js";
import { CloudError } from "../../cloud/errors.js";
import { isoTime, toBeijing } from "../../cloud/views.js";

/** The tag every clone carries: `<source instance>/<backup>`; switch_address recognises a clone by it. */
export const CLONE_TAG = "tcrmcp-restore-of";
/** How far back a point in time may be (DescribeSecondLevelBackupInfo: the last 7 days). */
export const POINT_IN_TIME_MAX_AGE_MS = 7 * 24 * 3600_000;
const NAME_MAX = 59;

/** What the plan shows of the clone, and what CloneInstances is sent with (never the password). */
export interface CloneFacts {
  name: string;
  zoneId: number;
  vpcId?: string;
  subnetId?: string;
  securityGroupIds: string[];
  port: number;
  type: number;
  /** MB in all, and per shard for a cluster edition. */
  sizeMb?: number;
  shardSizeMb?: number;
  shardNum?: number;
  replicasNum?: number;
  projectId?: number;
  tags: ResourceTag[];
  nodeSet?: Array<{ NodeType: number; ZoneId?: number }>;
  /** Point in time only: the second restored, Beijing time `YYYY-MM-DD HH:MM:SS`. */
  cloneTime?: string;
  /** InquiryPriceCreateInstance's quote for it, pay-as-you-go; `error` when it could not be had. */
  price: { amount?: number; currency?: string; unit?: string; error?: string };
}

/**
 * `<source name>-restore-<time restored, Beijing>-<4 hex>`, under 60 characters of the allowed ones. The hex comes
 * from `nonce` (the confirmToken in token mode, so that the plan names the very instance the confirmed call makes).
 */
export function cloneName(sourceName: string, restoredTime: string, nonce: string): string {
  const hex = createHash("sha256").update(nonce).digest("hex").slice(0, 4);
  const tail = `-restore-${restoredTime.replace(/\D/g, "").slice(0, 14)}-${hex}`;
  const head = (sourceName.replace(/[^\p{L}\p{N}_-]/gu, "-") || "redis").slice(0, NAME_MAX - tail.length);
  return `${head}${tail}`;
}

/** The clone tag's value. */
export function cloneTagValue(sourceId: string, backupId: string): string {
  return `${sourceId}/${backupId}`;
}

/** The source a clone was made from (by its tag), if it is one. */
export function cloneSourceOf(instance: Pick<ApiInstance, "InstanceTags">): string | undefined {
  const tag = instance.InstanceTags?.find((t) => t.TagKey === CLONE_TAG);
  return tag?.TagValue.split("/")[0] || undefined;
}

/** The clone route's price request: an instance like the source, pay-as-you-go, one month. */
export function priceRequest(instance: ApiInstance): InquiryPriceCreateInstanceRequest {
  const { type, cluster, shardNum, shardSizeMb } = shapeOf(instance);
  return {
    TypeId: type,
    MemSize: (cluster ? shardSizeMb : instance.Size) ?? 0,
    GoodsNum: 1,
    Period: 1,
    BillingMode: 0,
    ZoneId: instance.ZoneId,
    ...(shardNum !== undefined ? { RedisShardNum: shardNum } : {}),
    ...(instance.RedisReplicasNum !== undefined ? { RedisReplicasNum: instance.RedisReplicasNum } : {}),
  };
}

/** InquiryPriceCreateInstance's answer as the plan shows it: a quote that could not be had is shown, not a refusal. */
export function quoted(
  answer: PromiseSettledResult<InquiryPriceCreateInstanceResponse | undefined>,
  signal: AbortSignal | undefined,
): CloneFacts["price"] {
  if (answer.status === "fulfilled") {
    const p = answer.value;
    return { amount: p?.HighPrecisionPrice ?? p?.Price, currency: p?.Currency, unit: p?.AmountUnit };
  }
  const caught: unknown = answer.reason;
  if (signal?.aborted || !(caught instanceof CloudError)) throw caught;
  return { error: `${caught.code}: ${caught.message}` };
}

function shapeOf(instance: ApiInstance) {
  const type = instance.Type ?? 0;
  const cluster = EDITIONS[type]?.cluster === true;
  const shardNum = instance.RedisShardNum;
  const shardSizeMb =
    instance.RedisShardSize ?? (cluster && shardNum && instance.Size ? instance.Size / shardNum : undefined);
  return { type, cluster, shardNum, shardSizeMb };
}

/**
 * The facts of the clone route, from what the preflight read: the source's security groups and the price of an
 * instance like it.
 */
export function cloneFacts(
  instance: ApiInstance,
  backup: Pick<ApiBackup, "BackupId" | "StartTime">,
  read: { groups: DescribeInstanceSecurityGroupResponse | undefined; price: CloneFacts["price"] },
  nonce: string = randomBytes(8).toString("hex"),
  cloneTime?: string,
): CloneFacts {
  const backupId = String(backup.BackupId);
  const { type, cluster, shardNum, shardSizeMb } = shapeOf(instance);
  const detail = read.groups?.InstanceSecurityGroupsDetail?.find((d) => d.InstanceId === instance.InstanceId);
  const zones = new Set((instance.NodeSet ?? []).map((n) => n.ZoneId));
  const facts: CloneFacts = {
    name: cloneName(instance.InstanceName ?? "", backup.StartTime, nonce),
    zoneId: instance.ZoneId ?? 0,
    securityGroupIds: (detail?.SecurityGroupDetails ?? []).map((g) => g.SecurityGroupId),
    port: instance.Port ?? 6379,
    type,
    tags: [
      ...(instance.InstanceTags ?? []).filter((t) => t.TagKey !== CLONE_TAG),
      { TagKey: CLONE_TAG, TagValue: cloneTagValue(instance.InstanceId, backupId) },
    ],
    price: read.price,
  };
  if (instance.UniqVpcId) facts.vpcId = instance.UniqVpcId;
  if (instance.UniqSubnetId) facts.subnetId = instance.UniqSubnetId;
  if (instance.Size !== undefined) facts.sizeMb = instance.Size;
  if (cluster && shardSizeMb !== undefined) facts.shardSizeMb = shardSizeMb;
  if (shardNum !== undefined) facts.shardNum = shardNum;
  if (instance.RedisReplicasNum !== undefined) facts.replicasNum = instance.RedisReplicasNum;
  if (instance.ProjectId !== undefined) facts.projectId = instance.ProjectId;
  if (zones.size > 1) facts.nodeSet = (instance.NodeSet ?? []).map((n) => ({ NodeType: n.NodeType, ZoneId: n.ZoneId }));
  if (cloneTime) facts.cloneTime = cloneTime;
  return facts;
}

const pitRefusal = (instance: ApiInstance, at: string, why: string) =>
  new CloudError(
    "ClientError.PointInTimeRefused",
    `Refused: ${instance.InstanceId} cannot be restored to ${at}: ${why}. Nothing was sent.`,
    {
      notSent: true,
    },
  );

/**
 * The second (unix time) of a point in time, before asking DescribeSecondLevelBackupInfo about it; refuses a time
 * it cannot cover with ClientError.PointInTimeRefused (nothing sent).
 */
export function pointInTimeSecond(instance: ApiInstance, at: string, now = Date.now()): number {
  const refuse = (why: string) => pitRefusal(instance, at, why);
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw refuse("not an ISO 8601 time");
  if (instance.BackupMode !== "SecondLevelBackup") {
    throw refuse(
      `its backup mode is ${instance.BackupMode || "normal"}, not SecondLevelBackup (point-in-time backup is off)`,
    );
  }
  if (ms > now) throw refuse("that time is in the future");
  if (now - ms > POINT_IN_TIME_MAX_AGE_MS) throw refuse("it is older than 7 days");
  return Math.floor(ms / 1000);
}

/**
 * The backup that covers the second, from DescribeSecondLevelBackupInfo's answer; refuses a second outside the
 * covered range with ClientError.PointInTimeRefused (nothing sent).
 */
export function pointInTimeBackup(
  instance: ApiInstance,
  at: string,
  seconds: number,
  res: DescribeSecondLevelBackupInfoResponse,
): { backup: ApiBackup; cloneTime: string } {
  const refuse = (why: string) => pitRefusal(instance, at, why);
  if (seconds < res.StartTimestamp) {
    throw refuse(`the earliest second that can be restored is ${isoTime(res.StartTimestamp * 1000)}`);
  }
  const gap = (res.MissingTimestamps ?? []).find((m) => seconds >= m.StartTimeStamp && seconds <= m.EndTimeStamp);
  if (gap) {
    throw refuse(
      `no backup covers it (a gap from ${isoTime(gap.StartTimeStamp * 1000)} to ${isoTime(gap.EndTimeStamp * 1000)})`,
    );
  }
  if (!res.BackupId) throw refuse("DescribeSecondLevelBackupInfo named no backup for it");
  const cloneTime = toBeijing(seconds * 1000);
  const backup: ApiBackup = {
    BackupId: res.BackupId,
    StartTime: cloneTime,
    BackupType: "point_in_time",
    Status: 2,
    Locked: 0,
  };
  return { backup, cloneTime };
}
