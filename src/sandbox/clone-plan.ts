// What the clone route's plan reads of the fake (DescribeInstanceSecurityGroup, InquiryPriceCreateInstance,
// DescribeSecondLevelBackupInfo), validated as the API documents them; the clone itself is clone.ts.

import {
  type ActionContext,
  type ActionSpec,
  ApiError,
  instanceInRegion,
  isString,
  optArray,
  optBool,
  optInt,
  optString,
  reqInt,
  reqString,
} from "./params.js";
import type { Instance, } from "./model.js";
import { CLUSTER_SHARD_NUMS, CLUSTER_TYPES, MONTHLY_PERIODS, zoneOf } from "./products.js";
import { DAY_MS, formatBeijing, } from "./time.js";

/** The TypeIds InquiryPriceCreateInstance documents (no CKV, no Valkey). */
const PRICED_TYPES: ReadonlySet<number> = new Set([2, 6, 7, 8, 9, 15, 16, 17, 18, 200]);
const SECOND_LEVEL_WINDOW_MS = 7 * DAY_MS;

/**
 * Pay-as-you-go price of one GB of one node for one hour, in pent (0.01 CNY): the published example of
 * InquiryPriceCreateInstance (TypeId 9, 4096 MB, 1 shard, 1 replica, 3 instances: 280.0224 pent) at this rate.
 */
const PENT_PER_GB_NODE_HOUR = 11.6676;
/** Monthly subscription, per GB and node for one month, in pent. */
const PENT_PER_GB_NODE_MONTH = 5600;

/** Price in pent of `goods` instances (4 decimals: HighPrecisionPrice). */
export function pricePent(o: {
  shardMb: number;
  shards: number;
  replicas: number;
  goods: number;
  billingMode: number;
  period: number;
}): number {
  const gbNodes = (o.shardMb / 1024) * o.shards * (o.replicas + 1) * o.goods;
  const price = o.billingMode === 0 ? gbNodes * PENT_PER_GB_NODE_HOUR : gbNodes * PENT_PER_GB_NODE_MONTH * o.period;
  return Math.round(price * 10_000) / 10_000;
}

/** The restorable range (ms): since second-level backup started, at most 7 days back, up to now. */
export function secondLevelRange(ctx: ActionContext, instance: Instance): { start: number; end: number } {
  const now = ctx.state.now();
  return { start: Math.max(instance.secondLevelSince ?? now, now - SECOND_LEVEL_WINDOW_MS), end: now };
}

export const CLONE_PLAN_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  DescribeInstanceSecurityGroup: {
    params: ["InstanceIds"],
    handler(p, ctx) {
      const ids = optArray(p, "InstanceIds", isString, "strings");
      if (ids === undefined) throw new ApiError("MissingParameter", "The request is missing `InstanceIds`.");
      if (ids.length > 100) throw new ApiError("InvalidParameter", "At most 100 InstanceIds.");
      // an instance the account does not have is left out of the answer
      const instances = ids.flatMap((id) => ctx.state.getInstance(id, ctx.region) ?? []);
      const rule = { Action: "ACCEPT", Ip: "0.0.0.0/0", Port: "ALL", Proto: "ALL" };
      return {
        InstanceSecurityGroupsDetail: instances.map((i) => ({
          InstanceId: i.InstanceId,
          SecurityGroupDetails: ctx.state.securityGroupsOf(i).map((g) => ({
            CreateTime: formatBeijing(g.CreateTime.getTime()),
            InboundRule: [{ ...rule }],
            OutboundRule: [{ ...rule }],
            ProjectId: g.ProjectId,
            SecurityGroupId: g.SecurityGroupId,
            SecurityGroupName: g.SecurityGroupName,
            SecurityGroupRemark: "",
          })),
        })),
      };
    },
  },

  InquiryPriceCreateInstance: {
    params: [
      ...["TypeId", "MemSize", "GoodsNum", "Period", "BillingMode", "ZoneId", "RedisShardNum", "RedisReplicasNum"],
      ...["ReplicasReadonly", "ZoneName", "ProductVersion"],
    ],
    handler(p, ctx) {
      const typeId = reqInt(p, "TypeId");
      const memSize = reqInt(p, "MemSize");
      const goods = reqInt(p, "GoodsNum");
      const period = reqInt(p, "Period");
      const billingMode = reqInt(p, "BillingMode");
      const zoneId = optInt(p, "ZoneId", 0, Number.MAX_SAFE_INTEGER);
      const zoneName = optString(p, "ZoneName");
      optBool(p, "ReplicasReadonly");
      optString(p, "ProductVersion");
      const cluster = CLUSTER_TYPES.has(typeId) || typeId === 200;
      const shards = optInt(p, "RedisShardNum", 0, 1024) ?? 1;
      const replicas = optInt(p, "RedisReplicasNum", 0, 1024) ?? 1;
      const spec = (message: string) => new ApiError("InvalidParameterValue.SpecNotExist", message);
      // the Valkey (19-22) and CKV types are not in the documented TypeId list
      if (!PRICED_TYPES.has(typeId)) throw spec(`No instance specification has TypeId ${typeId}.`);
      if (zoneId === undefined && !zoneName) throw new ApiError("MissingParameter", "Give ZoneId or ZoneName.");
      zoneOf(ctx, zoneId, zoneName);
      if (memSize <= 0 || memSize % 1024 !== 0) throw spec("MemSize must be a multiple of 1024 MB.");
      if (cluster ? !CLUSTER_SHARD_NUMS.includes(shards) : shards !== 1) {
        throw spec(cluster ? `A cluster cannot have ${shards} shards.` : "A standard instance has 1 shard.");
      }
      if (replicas < 1 || replicas > 5) throw spec("RedisReplicasNum must be between 1 and 5.");
      if (goods < 1) throw new ApiError("InvalidParameterValue", "GoodsNum must be at least 1.");
      if (billingMode !== 0 && billingMode !== 1)
        throw new ApiError("InvalidParameterValue", "BillingMode must be 0 or 1.");
      if (billingMode === 0 ? period !== 1 : !MONTHLY_PERIODS.includes(period)) {
        throw new ApiError("InvalidParameterValue", "Period must be 1 for pay-as-you-go, or a sold number of months.");
      }
      // MemSize is the whole instance for a standard type, one shard for a cluster type
      const price = pricePent({ shardMb: memSize, shards, replicas, goods, billingMode, period });
      return {
        AmountUnit: "pent",
        Currency: "CNY",
        HighPrecisionOriginalPrice: price,
        HighPrecisionPrice: price,
        OriginalPrice: Math.round(price),
        Price: Math.round(price),
      };
    },
  },

  DescribeSecondLevelBackupInfo: {
    params: ["InstanceId", "BackupTimestamp"],
    handler(p, ctx) {
      const instance = instanceInRegion(ctx, reqString(p, "InstanceId"));
      const now = ctx.state.now();
      const at = optInt(p, "BackupTimestamp", 0, Number.MAX_SAFE_INTEGER) ?? Math.floor(now / 1000);
      if (instance.BackupMode !== "SecondLevelBackup") {
        throw new ApiError(
          "FailedOperation.UnSupportError",
          `The instance ${instance.InstanceId} has no second-level backup.`,
        );
      }
      if (at * 1000 < now - SECOND_LEVEL_WINDOW_MS || at * 1000 > now + 1000) {
        throw new ApiError("InvalidParameter.NotSupported", "BackupTimestamp must be within the last 7 days.");
      }
      const backups = ctx.state.listBackups(instance.InstanceId).filter((b) => b.Status === 2);
      const backup = backups.find((b) => b.StartTime.getTime() <= at * 1000) ?? backups[0];
      if (!backup) throw new ApiError("FailedOperation.SystemError", "The instance has no backup to start from.");
      const { start } = secondLevelRange(ctx, instance);
      const gaps = (instance.secondLevelGaps ?? []).filter((g) => g.to >= start);
      return {
        BackupId: backup.BackupId,
        BackupTimestamp: at,
        MissingTimestamps:
          gaps.length === 0
            ? null
            : gaps.map((g) => ({ StartTimeStamp: Math.floor(g.from / 1000), EndTimeStamp: Math.floor(g.to / 1000) })),
        StartTimestamp: Math.floor(start / 1000),
      };
    },
  },
};
