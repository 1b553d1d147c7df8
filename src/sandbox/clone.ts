// The clone route's actions (Redis 4.0+ and Valkey are restored by cloning a backup into a new instance, then
// moving the address): CloneInstances, DescribeInstanceDealDetail, ModifyNetworkConfig,
// DescribeInstanceSecurityGroup, InquiryPriceCreateInstance and DescribeSecondLevelBackupInfo, validated as the
// API documents them (api.json of TencentCloud/tencentcloud-cli) with the codes the Go SDK lists for each.
//
// For a test: a clone stays in status 0 (order status 3) for `cloneMs` (FakeCloudOptions/CloudState; default
// 5 s, set it short) and until its redis-server serves, then runs (status 2, order 4); an address move is a
// FLOW_CHANGEVIP task timed by preparingMs/runningMs. `state.failNextDelivery()` makes the next order fail
// (status 5, the clone is not bought), `state.updateInstance(id, { secondLevelGaps })` declares missing ranges.
// Reach an instance's data at its address (DescribeInstances WanIp:Port, a listener of its own in a real-data
// sandbox: see redis.ts).

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
  type Params,
  reqInt,
  reqString,
} from "./params.js";
import { type Instance, type ResourceTag, FAKE_UIN, ZONES } from "./state.js";
import { DAY_MS, formatBeijing, NEVER, parseBeijing } from "./time.js";

/** Types Tencent restores in place (RestoreInstance): Redis 2.8 (2, 5) and CKV 3.2 (3, 4). */
export const IN_PLACE_TYPES: ReadonlySet<number> = new Set([2, 3, 4, 5]);
/** Types CloneInstances clones: Redis 4.0-7.0 and Valkey 8.0. */
export const CLONE_TYPES: ReadonlySet<number> = new Set([6, 7, 8, 9, 15, 16, 17, 18, 19, 20, 21, 22]);
export const CLUSTER_TYPES: ReadonlySet<number> = new Set([4, 7, 9, 16, 18, 20, 22]);
/** The TypeIds InquiryPriceCreateInstance documents (no CKV, no Valkey). */
const PRICED_TYPES: ReadonlySet<number> = new Set([2, 6, 7, 8, 9, 15, 16, 17, 18, 200]);
const CLUSTER_SHARD_NUMS = [1, 3, 5, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128];
const MONTHLY_PERIODS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60];
const RECYCLE_DAYS = [0, 1, 2, 3, 7, 15];
const PASSWORD_SYMBOLS = "()`~!@#$%^&*-+=_|{}[]:;<>,.?/";
const NAME_PATTERN = /^[\p{Script=Han}A-Za-z0-9_-]*$/u;
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

const invalid = (message: string) => new ApiError("InvalidParameterValue.CheckNotPass", message);

function checkPassword(password: string | undefined): string {
  if (password === undefined || password === "") {
    throw new ApiError("InvalidParameterValue.PasswordEmpty", "A password is required unless NoAuth is true.");
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((r) => r.test(password)).length;
  const symbols = [...password].some((c) => PASSWORD_SYMBOLS.includes(c)) ? 1 : 0;
  const allowed = [...password].every((c) => /[A-Za-z0-9]/.test(c) || PASSWORD_SYMBOLS.includes(c));
  if (password.length < 8 || password.length > 30 || classes + symbols < 2 || !allowed || password.startsWith("/")) {
    throw new ApiError(
      "InvalidParameterValue.PasswordRuleError",
      "The password must have 8-30 characters, at least two of lower case, upper case, digits and ()`~!@#$%^&*-+=_|{}[]:;<>,.?/, and not start with /.",
    );
  }
  return password;
}

function zoneOf(
  ctx: ActionContext,
  zoneId: number | undefined,
  zoneName?: string,
): { ZoneId: number; ZoneName: string } {
  const zone = (ZONES[ctx.region] ?? []).find(
    (z) => z.ZoneId === zoneId || (zoneId === undefined && z.ZoneName === zoneName),
  );
  if (!zone) {
    throw new ApiError(
      "ResourceUnavailable.NoServiceAvailableForThisZoneId",
      `The zone ${zoneId ?? zoneName} offers no Redis service in region ${ctx.region}.`,
    );
  }
  return zone;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function readTags(p: Params): ResourceTag[] {
  const tags = optArray(p, "ResourceTags", isObject, "objects") ?? [];
  return tags.map((t) => {
    if (typeof t.TagKey !== "string" || t.TagKey === "" || typeof t.TagValue !== "string") {
      throw new ApiError("InvalidParameter", "Each of `ResourceTags` needs a TagKey and a TagValue (strings).");
    }
    return { TagKey: t.TagKey, TagValue: t.TagValue };
  });
}

function readNodeSet(p: Params, ctx: ActionContext): Instance["NodeSet"] {
  const nodes = optArray(p, "NodeSet", isObject, "objects");
  if (!nodes) return undefined;
  return nodes.map((n, k) => {
    if (n.NodeType !== 0 && n.NodeType !== 1) {
      throw new ApiError("InvalidParameter", "NodeSet.NodeType must be 0 (primary) or 1 (replica).");
    }
    const zone = zoneOf(
      ctx,
      typeof n.ZoneId === "number" ? n.ZoneId : undefined,
      typeof n.ZoneName === "string" ? n.ZoneName : undefined,
    );
    return { NodeId: k, NodeType: n.NodeType, ZoneId: zone.ZoneId, ZoneName: zone.ZoneName };
  });
}

/** The point in time (ms) of CloneTime, checked against the source's second-level backup. */
function readCloneTime(p: Params, ctx: ActionContext, source: Instance): number | undefined {
  const text = optString(p, "CloneTime");
  if (text === undefined || text === "") return undefined;
  if (source.BackupMode !== "SecondLevelBackup") {
    throw new ApiError(
      "UnsupportedOperation",
      `CloneTime needs second-level backup, which instance ${source.InstanceId} does not have.`,
    );
  }
  const at = parseBeijing(text);
  if (at === undefined) throw invalid('CloneTime must be a Beijing time "YYYY-MM-DD HH:MM:SS".');
  const { start, end } = secondLevelRange(ctx, source);
  if (at < start || at > end) {
    throw invalid(
      `CloneTime ${text} is outside the second-level backup (${formatBeijing(start)} to ${formatBeijing(end)}).`,
    );
  }
  if ((source.secondLevelGaps ?? []).some((g) => at >= g.from && at <= g.to)) {
    throw invalid(`There is no second-level backup at ${text}.`);
  }
  return at;
}

/** The restorable range (ms): since second-level backup started, at most 7 days back, up to now. */
function secondLevelRange(ctx: ActionContext, instance: Instance): { start: number; end: number } {
  const now = ctx.state.now();
  return { start: Math.max(instance.secondLevelSince ?? now, now - SECOND_LEVEL_WINDOW_MS), end: now };
}

const DEAL_DESCRIPTIONS: Readonly<Record<number, string>> = { 3: "发货中", 4: "发货成功", 5: "发货失败" };

export const CLONE_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  CloneInstances: {
    params: [
      ...["InstanceId", "GoodsNum", "ZoneId", "BillingMode", "Period", "SecurityGroupIdList", "BackupId", "NoAuth"],
      ...["VpcId", "SubnetId", "InstanceName", "Password", "AutoRenew", "VPort", "NodeSet", "ProjectId"],
      ...["ResourceTags", "TemplateId", "AlarmPolicyList", "CloneTime", "EncryptPassword", "PasswordPolicy"],
      ...["EnableSSL", "SSLBindPrivateIPv4", "ProductVersion"],
    ],
    handler(p, ctx) {
      const source = instanceInRegion(ctx, reqString(p, "InstanceId"));
      const goods = reqInt(p, "GoodsNum");
      const zoneId = reqInt(p, "ZoneId");
      const billingMode = reqInt(p, "BillingMode");
      const period = reqInt(p, "Period");
      const groups = optArray(p, "SecurityGroupIdList", isString, "strings");
      const backupId = reqString(p, "BackupId");
      if (groups === undefined) throw new ApiError("MissingParameter", "The request is missing `SecurityGroupIdList`.");
      if (groups.length === 0) throw new ApiError("InvalidParameter.EmptyParam", "`SecurityGroupIdList` is empty.");

      if (source.Status === -2 || source.Status === -3) {
        throw new ApiError(
          "ResourceUnavailable.InstanceDeleted",
          `The instance ${source.InstanceId} is isolated or deleted.`,
        );
      }
      if (source.Status !== 2)
        throw invalid(`The instance ${source.InstanceId} is not running (status ${source.Status}).`);
      if (!CLONE_TYPES.has(source.Type)) {
        throw new ApiError(
          "UnsupportedOperation",
          `Instances of type ${source.Type} cannot be cloned (restore them in place).`,
        );
      }
      if (billingMode !== 0 && billingMode !== 1)
        throw invalid("BillingMode must be 0 (pay-as-you-go) or 1 (monthly).");
      if (goods < 1 || goods > (billingMode === 0 ? 30 : 100)) {
        throw new ApiError(
          "LimitExceeded.InvalidParameterGoodsNumNotInRange",
          `GoodsNum must be between 1 and ${billingMode === 0 ? 30 : 100}.`,
        );
      }
      if (period < 1) throw new ApiError("LimitExceeded.PeriodLessThanMinLimit", "Period must be at least 1 month.");
      if (billingMode === 0 ? period !== 1 : !MONTHLY_PERIODS.includes(period)) {
        throw invalid(billingMode === 0 ? "Period must be 1 for pay-as-you-go." : "Period is not a sold duration.");
      }
      const zone = zoneOf(ctx, zoneId);

      const vpcId = optString(p, "VpcId");
      const subnetId = optString(p, "SubnetId");
      if (!vpcId) {
        throw new ApiError(
          "InvalidParameterValue.BaseNetWorkAccessDeny",
          "The sandbox has no basic network: give VpcId and SubnetId.",
        );
      }
      const own = ctx.state.subnetOf(source);
      if (vpcId !== own.UniqVpcId)
        throw new ApiError("InvalidParameterValue.UnVpcIdNotExists", `The VPC ${vpcId} does not exist here.`);
      const subnet = subnetId ? ctx.state.getSubnet(subnetId) : undefined;
      if (!subnet || subnet.UniqVpcId !== vpcId) {
        throw new ApiError(
          "InvalidParameterValue.InvalidSubnetId",
          `The subnet ${subnetId ?? ""} is not in VPC ${vpcId}.`,
        );
      }
      const missing = groups.filter((g) => !ctx.state.getSecurityGroup(g, ctx.region));
      if (missing.length > 0) {
        throw new ApiError(
          "InvalidParameterValue.SecurityGroupIdsNotExists",
          `No such security group: ${missing.join(", ")}.`,
        );
      }
      const backup = ctx.state.getBackup(backupId);
      if (!backup || backup.InstanceId !== source.InstanceId)
        throw invalid(`The backup ${backupId} is not a backup of ${source.InstanceId}.`);
      if (backup.Status !== 2 || backup.Locked === 1)
        throw invalid(`The backup ${backupId} cannot be cloned (status ${backup.Status}).`);

      const name = optString(p, "InstanceName");
      if (name !== undefined && (name.length >= 60 || !NAME_PATTERN.test(name))) {
        throw invalid("InstanceName must be under 60 characters: Chinese, letters, digits, - and _.");
      }
      const noAuth = optBool(p, "NoAuth") ?? false;
      const password = noAuth ? undefined : checkPassword(optString(p, "Password"));
      const port = optInt(p, "VPort", 1024, 65535) ?? 6379;
      const nodeSet = readNodeSet(p, ctx);
      const projectId = optInt(p, "ProjectId", 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const tags = readTags(p);
      optInt(p, "AutoRenew", 0, 2);
      const cloneTime = readCloneTime(p, ctx, source);

      const shards = source.RedisShardNum ?? 1;
      const price = pricePent({
        shardMb: source.Size / shards,
        shards,
        replicas: source.RedisReplicasNum ?? 1,
        goods,
        billingMode,
        period,
      });
      // the sandbox sells one clone per order (the API allows up to 30 pay-as-you-go)
      if (goods > 1)
        throw new ApiError("LimitExceeded.ReachTheAmountLimit", "The sandbox clones one instance per order.");
      const ip = ctx.state.freeAddress(subnet);
      if (!ip) {
        throw new ApiError(
          "ResourceUnavailable.NoEnoughVipInVPC",
          `The subnet ${subnet.UniqSubnetId} has no free address.`,
        );
      }
      const deal = ctx.state.createClones(
        source,
        backup,
        [
          {
            InstanceName: name ?? "",
            BillingMode: billingMode === 1 ? 1 : 0,
            NoAuth: noAuth,
            ...(password === undefined ? {} : { password }),
            WanIp: ip,
            Port: port,
            ZoneId: zone.ZoneId,
            UniqSubnetId: subnet.UniqSubnetId,
            SecurityGroupIds: [...groups],
            ProjectId: projectId,
            Tags: tags,
            ...(nodeSet ? { NodeSet: nodeSet } : {}),
          },
        ],
        { ZoneId: zone.ZoneId, Price: Math.round(price), ...(cloneTime === undefined ? {} : { cloneTime }) },
      );
      return { DealId: deal.DealId, DealName: deal.DealName, InstanceIds: [...deal.InstanceIds] };
    },
  },

  DescribeInstanceDealDetail: {
    params: ["DealIds", "DealName"],
    handler(p, ctx) {
      const ids = optArray(p, "DealIds", isString, "strings") ?? [];
      const name = optString(p, "DealName");
      if (ids.length > 10) throw new ApiError("InvalidParameterValue", "At most 10 DealIds.");
      const wanted = [...ids, ...(name ? [name] : [])];
      if (wanted.length === 0) throw new ApiError("MissingParameter", "Give DealName or DealIds.");
      const deals = [...new Set(wanted.flatMap((id) => ctx.state.getDeal(id) ?? []))];
      return {
        DealDetails: deals.map((d) => {
          const status = ctx.state.dealStatus(d);
          const end = ctx.state.dealEnd(d);
          return {
            DealId: d.DealId,
            DealName: d.DealName,
            ZoneId: d.ZoneId,
            GoodsNum: d.GoodsNum,
            Creater: FAKE_UIN,
            CreatTime: formatBeijing(d.createdAt),
            OverdueTime: formatBeijing(d.createdAt + 15 * DAY_MS),
            EndTime: end === undefined ? NEVER : formatBeijing(end),
            Status: status,
            Description: DEAL_DESCRIPTIONS[status] ?? "",
            Price: d.Price,
            InstanceIds: [...d.InstanceIds],
          };
        }),
      };
    },
  },

  ModifyNetworkConfig: {
    params: ["InstanceId", "Operation", "Vip", "VpcId", "SubnetId", "Recycle", "VPort"],
    handler(p, ctx) {
      const instance = instanceInRegion(ctx, reqString(p, "InstanceId"));
      const operation = reqString(p, "Operation");
      if (!["changeVip", "changeVpc", "changeBaseToVpc", "changeVPort"].includes(operation)) {
        throw new ApiError(
          "InvalidParameter",
          `Operation ${operation} is not one of changeVip, changeVpc, changeBaseToVpc, changeVPort.`,
        );
      }
      if (operation === "changeVpc" || operation === "changeBaseToVpc") {
        throw new ApiError(
          "InvalidParameter.NotSupported",
          `The sandbox has one VPC per region: ${operation} is not supported.`,
        );
      }
      const recycle = optInt(p, "Recycle", 0, 15) ?? 0;
      if (!RECYCLE_DAYS.includes(recycle))
        throw new ApiError("InvalidParameter", "Recycle must be 0, 1, 2, 3, 7 or 15.");
      const vport = optInt(p, "VPort", 1024, 65535);
      let vip = optString(p, "Vip");
      if (instance.Status !== 2) {
        throw new ApiError(
          "ResourceUnavailable.InstanceStatusError",
          `The instance ${instance.InstanceId} is not running (status ${instance.Status}).`,
        );
      }
      if (
        ctx.state.hasNetworkChangeInFlight(instance.InstanceId) ||
        ctx.state.hasRestoreInFlight(instance.InstanceId)
      ) {
        throw new ApiError(
          "ResourceUnavailable.InstanceLockedError",
          `The instance ${instance.InstanceId} is locked by a running task.`,
        );
      }
      const subnet = ctx.state.subnetOf(instance);
      const prefix = ctx.state.subnetPrefix(subnet);
      if (operation === "changeVPort") {
        if (vport === undefined) throw new ApiError("MissingParameter", "changeVPort needs VPort.");
        vip = instance.WanIp;
      } else if (vip === undefined || vip === "") {
        vip = ctx.state.freeAddress(subnet);
        if (!vip)
          throw new ApiError("FailedOperation.SystemError", `The subnet ${subnet.UniqSubnetId} has no free address.`);
      } else {
        const host = vip.startsWith(`${prefix}.`) ? Number(vip.slice(prefix.length + 1)) : Number.NaN;
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(vip))
          throw new ApiError("InvalidParameter", `Vip ${vip} is not an IPv4 address.`);
        if (!Number.isInteger(host) || host < 2 || host > 254) {
          throw invalid(
            `Vip ${vip} is not an address of the instance's subnet ${subnet.UniqSubnetId} (${prefix}.0/24).`,
          );
        }
        const holder = ctx.state.addressHolder(vip);
        if (holder !== undefined && holder !== instance.InstanceId) throw invalid(`Vip ${vip} is in use.`);
      }
      const port = vport ?? instance.Port;
      if (vip === instance.WanIp && port === instance.Port) throw invalid(`The instance already has ${vip}:${port}.`);
      const task = ctx.state.createAddressChange(instance, { ip: vip, port }, vip === instance.WanIp ? 0 : recycle);
      return { Status: true, Vip: vip, VpcId: subnet.UniqVpcId, SubnetId: subnet.UniqSubnetId, TaskId: task.TaskId };
    },
  },

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
