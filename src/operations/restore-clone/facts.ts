// The clone route of a restore: its facts from what the preflight read (security groups, the price, the second
// restored), the one CloneInstances request built from the source, and the lookup of a clone by its unique name after
// a lost answer. Never sends CloneInstances itself: send.ts does, once.
import { createHash } from "node:crypto";
import type {
  ApiBackup,
  ApiInstance,
  DescribeInstanceSecurityGroupResponse,
  InquiryPriceCreateInstanceRequest,
  ResourceTag,
} from "../../cloud/api.js";
import { EDITIONS } from "../../cloud/editions.js";
import type { Quote } from "../../cloud/price.js";

/** The tag every clone carries: `<source instance>/<backup>`; switch_address recognises a clone by it. */
export const CLONE_TAG = "tcrmcp-restore-of";
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
  price: Quote;
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

function shapeOf(instance: ApiInstance) {
  const type = instance.Type ?? 0;
  const cluster = EDITIONS[type]?.cluster === true;
  const shardNum = instance.RedisShardNum;
  const shardSizeMb =
    instance.RedisShardSize ?? (cluster && shardNum && instance.Size ? instance.Size / shardNum : undefined);
  return { type, cluster, shardNum, shardSizeMb };
}

/** What the preflight read for a clone: the source's security groups and the price of an instance like it. */
export interface CloneRead {
  groups: DescribeInstanceSecurityGroupResponse | undefined;
  price: Quote;
}

/**
 * The facts of the clone route, from what the preflight read; its name from `nonce` (see cloneName). A point in time
 * restores the second its backup starts at.
 */
export function cloneFacts(instance: ApiInstance, backup: ApiBackup, read: CloneRead, nonce: string): CloneFacts {
  const cloneTime = backup.BackupType === "point_in_time" ? backup.StartTime : undefined;
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
