// The clone route's actions (Redis 4.0+ and Valkey are restored by cloning a backup into a new instance, then
// moving the address): CloneInstances and DescribeInstanceDealDetail here, ModifyNetworkConfig in address-move.ts,
// DescribeInstanceSecurityGroup, InquiryPriceCreateInstance and DescribeSecondLevelBackupInfo (what the plan reads)
// in clone-plan.ts, validated as the API documents them (api.json of TencentCloud/tencentcloud-cli) with the codes
// the Go SDK lists for each.
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
import { type Instance, type ResourceTag, FAKE_UIN, } from "./model.js";
import { DAY_MS, formatBeijing, NEVER, parseBeijing } from "./time.js";
import { MODIFY_NETWORK_CONFIG } from "./address-move.js";
import { CLONE_TYPES, invalid, MONTHLY_PERIODS, zoneOf } from "./products.js";
import { CLONE_PLAN_ACTIONS, pricePent, secondLevelRange } from "./clone-plan.js";

const PASSWORD_SYMBOLS = "()`~!@#$%^&*-+=_|{}[]:;<>,.?/";
const NAME_PATTERN = /^[\p{Script=Han}A-Za-z0-9_-]*$/u;


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

  ModifyNetworkConfig: MODIFY_NETWORK_CONFIG,

  ...CLONE_PLAN_ACTIONS,
};
