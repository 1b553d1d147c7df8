// The API actions the fake implements: parameter checks and response shapes, on top of the model (state.ts).

import { CLONE_ACTIONS } from "./clone.js";
import { CLUSTER_TYPES, IN_PLACE_TYPES } from "./products.js";
import { DESTROY_ACTIONS } from "./destroy.js";
import {
  type ActionContext,
  type ActionResult,
  type ActionSpec,
  ApiError,
  instanceInRegion,
  isInt,
  isString,
  optArray,
  optInt,
  optString,
  optTime,
  type Params,
  page,
  reqInt,
  reqString,
} from "./params.js";
import type { Backup, Instance, Task, TaskStatus } from "./model.js";
import { FAKE_APPID, TASK_TYPES, ZONES } from "./model.js";
import type { CloudState } from "./state.js";
import { formatBeijing, NEVER } from "./time.js";

export { ApiError, type ActionContext, type ActionResult, type Params } from "./params.js";

// ---- response shapes ----

const REGION_IDS: Readonly<Record<string, number>> = {
  "ap-guangzhou": 1,
  "ap-shanghai": 4,
  "ap-hongkong": 5,
  "na-toronto": 6,
  "ap-shanghai-fsi": 7,
  "ap-beijing": 8,
  "ap-singapore": 9,
  "ap-shenzhen-fsi": 11,
  "na-siliconvalley": 15,
  "ap-chengdu": 16,
  "eu-frankfurt": 17,
  "ap-seoul": 18,
  "ap-chongqing": 19,
  "ap-mumbai": 21,
  "na-ashburn": 22,
  "ap-bangkok": 23,
  "ap-tokyo": 25,
  "ap-nanjing": 33,
  "ap-jakarta": 72,
  "sa-saopaulo": 74,
};

/** Regions the fake accepts in X-TC-Region (the reference's list); others get UnsupportedRegion. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(REGION_IDS);

function instanceView(i: Instance, state: CloudState): ActionResult {
  const shards = i.RedisShardNum ?? 1;
  const subnet = state.subnetOf(i);
  return {
    InstanceName: i.InstanceName,
    InstanceId: i.InstanceId,
    Appid: FAKE_APPID,
    ProjectId: i.ProjectId ?? 0,
    RegionId: REGION_IDS[i.Region] ?? 0,
    ZoneId: i.ZoneId ?? ZONES[i.Region]?.[0]?.ZoneId ?? 100003,
    VpcId: subnet.VpcId,
    SubnetId: subnet.SubnetId,
    Status: i.Status,
    WanIp: i.WanIp,
    Port: i.Port,
    Createtime: formatBeijing(i.Createtime.getTime()),
    Size: i.Size,
    SizeUsed: 0,
    Type: i.Type,
    AutoRenewFlag: 0,
    DeadlineTime: NEVER,
    Engine: i.Engine,
    ProductType: CLUSTER_TYPES.has(i.Type) ? "cluster" : "standalone",
    UniqVpcId: subnet.UniqVpcId,
    UniqSubnetId: subnet.UniqSubnetId,
    BillingMode: i.BillingMode ?? 0,
    OfflineTime: NEVER,
    SubStatus: 0,
    Tags: [],
    InstanceTags: (i.Tags ?? []).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
    RedisShardSize: Math.floor(i.Size / shards),
    RedisShardNum: shards,
    RedisReplicasNum: i.RedisReplicasNum ?? 1,
    ProjectName: i.ProjectId ? `project-${i.ProjectId}` : "Default Project",
    NoAuth: i.NoAuth,
    PasswordFree: i.NoAuth ? 1 : 0,
    ReadOnly: 0,
    Region: i.Region,
    ProductVersion: "local",
    BackupMode: i.BackupMode ?? "NormalLevelBackup",
    ...(i.NodeSet ? { NodeSet: i.NodeSet.map((n) => ({ ...n })) } : {}),
  };
}

function backupView(b: Backup, i: Instance): ActionResult {
  return {
    StartTime: formatBeijing(b.StartTime.getTime()),
    BackupId: b.BackupId,
    BackupType: b.BackupType,
    Status: b.Status,
    Remark: b.Remark,
    Locked: b.Locked,
    BackupSize: b.BackupSize,
    FullBackup: 0,
    InstanceType: i.Type,
    InstanceId: i.InstanceId,
    InstanceName: i.InstanceName,
    Region: i.Region,
    EndTime: formatBeijing(b.EndTime.getTime()),
    FileType: b.FileType,
    ExpireTime: formatBeijing(b.ExpireTime.getTime()),
    // The SDK model declares Encrypted as boolean.
    Encrypted: false,
  };
}

/** DescribeTaskList's Result: 0 init, 1 running, 2 done, 4 failed. */
const RESULT_OF: Readonly<Record<TaskStatus, number>> = { preparing: 0, running: 1, succeed: 2, failed: 4, error: 4 };

/** Tasks of the request's region (a task is seen through its instance). */
function tasksInRegion(ctx: ActionContext, instanceId?: string): Task[] {
  return ctx.state.listTasks(instanceId).filter((t) => ctx.state.getInstance(t.InstanceId, ctx.region));
}

// ---- actions ----

export const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  DescribeInstances: {
    params: [
      ...["Limit", "Offset", "InstanceId", "OrderBy", "OrderType", "VpcIds", "SubnetIds", "SearchKey", "ProjectIds"],
      ...["InstanceName", "UniqVpcIds", "UniqSubnetIds", "RegionIds", "Status", "TypeVersion", "EngineName"],
      ...["AutoRenew", "BillingMode", "Type", "SearchKeys", "TypeList", "MonitorVersion", "InstanceTags", "TagKeys"],
      ...["ProductVersions", "InstanceIds", "AzMode"],
    ],
    handler(p, ctx) {
      const id = optString(p, "InstanceId");
      const ids = optArray(p, "InstanceIds", isString, "strings");
      const name = optString(p, "InstanceName");
      const key = optString(p, "SearchKey")?.trim();
      const statuses = optArray(p, "Status", isInt, "integers");
      const matches = ctx.state
        .listInstances(ctx.region)
        .filter((i) => !id || i.InstanceId === id)
        .filter((i) => !ids || ids.includes(i.InstanceId))
        .filter((i) => !name || i.InstanceName === name)
        .filter((i) => !key || i.InstanceId.includes(key) || i.InstanceName.includes(key))
        .filter((i) => !statuses || statuses.includes(i.Status))
        .sort((a, b) => b.Createtime.getTime() - a.Createtime.getTime());
      return { TotalCount: matches.length, InstanceSet: page(matches, p, 1000).map((i) => instanceView(i, ctx.state)) };
    },
  },

  DescribeInstanceBackups: {
    params: ["Limit", "Offset", "InstanceId", "BeginTime", "EndTime", "Status", "InstanceName"],
    handler(p, ctx) {
      const instance = instanceInRegion(ctx, reqString(p, "InstanceId"));
      const begin = optTime(p, "BeginTime");
      const end = optTime(p, "EndTime");
      // As the API documents: without Status, only normal backups (Status 2).
      const statuses = optArray(p, "Status", isInt, "integers") ?? [2];
      const matches = ctx.state
        .listBackups(instance.InstanceId)
        .filter((b) => begin === undefined || b.StartTime.getTime() >= begin)
        .filter((b) => end === undefined || b.StartTime.getTime() <= end)
        .filter((b) => statuses.includes(b.Status));
      return { TotalCount: matches.length, BackupSet: page(matches, p, 100).map((b) => backupView(b, instance)) };
    },
  },

  RestoreInstance: {
    params: ["InstanceId", "BackupId", "Password"],
    handler(p, ctx) {
      const instanceId = reqString(p, "InstanceId");
      const backupId = reqString(p, "BackupId");
      const password = optString(p, "Password");
      const instance = instanceInRegion(ctx, instanceId);
      if (instance.Status !== 2) {
        throw new ApiError(
          "ResourceUnavailable.InstanceStatusAbnormal",
          `The instance \`${instanceId}\` is not running (status ${instance.Status}).`,
        );
      }
      // Tencent restores in place only Redis 2.8 and CKV; the others are restored by clone (what the API answers
      // is not published: BackupSpecError, "备份还原规格不支持", is the code RestoreInstance lists for it).
      if (!IN_PLACE_TYPES.has(instance.Type)) {
        throw new ApiError(
          "ResourceUnavailable.BackupSpecError",
          `Backup restore is not supported for instance type ${instance.Type}: clone the backup (CloneInstances).`,
        );
      }
      if (ctx.state.hasRestoreInFlight(instanceId)) {
        throw new ApiError(
          "ResourceUnavailable.InstanceLockedError",
          `The instance \`${instanceId}\` is locked by a running restore task.`,
        );
      }
      const backup = ctx.state.getBackup(backupId);
      if (!backup || backup.InstanceId !== instanceId) {
        throw new ApiError(
          "InvalidParameterValue.BackupNotExists",
          `The backup \`${backupId}\` does not exist for instance \`${instanceId}\`.`,
        );
      }
      if (backup.Locked === 1 || backup.Status === 1) {
        throw new ApiError("ResourceUnavailable.BackupLockedError", `The backup \`${backupId}\` is locked.`);
      }
      if (backup.Status !== 2) {
        throw new ApiError(
          "ResourceUnavailable.BackupStatusAbnormal",
          `The backup \`${backupId}\` cannot be restored (status ${backup.Status}).`,
        );
      }
      if (!instance.NoAuth && password !== instance.password) {
        throw new ApiError("InvalidParameterValue.PasswordError", "The instance password is incorrect.");
      }
      const task = ctx.state.createRestoreTask(instance, backup, password);
      return { TaskId: ctx.taskIdAsString ? String(task.TaskId) : task.TaskId };
    },
  },

  DescribeTaskInfo: {
    params: ["TaskId"],
    handler(p, ctx) {
      const taskId = reqInt(p, "TaskId");
      const task = ctx.state.getTask(taskId);
      if (!task || !ctx.state.getInstance(task.InstanceId, ctx.region)) {
        throw new ApiError("InvalidParameter.InvalidParameter", `The task \`${taskId}\` does not exist.`);
      }
      return {
        Status: ctx.state.taskStatus(task),
        StartTime: formatBeijing(task.createdAt),
        // free text, as in the published example
        TaskType: TASK_TYPES[task.TaskType].label,
        InstanceId: task.InstanceId,
        TaskMessage: ctx.state.taskMessage(task),
      };
    },
  },

  DescribeTaskList: {
    params: [
      ...["InstanceId", "InstanceName", "Limit", "Offset", "ProjectIds", "TaskTypes", "BeginTime", "EndTime"],
      ...["TaskStatus", "Result", "OperatorUin", "OperateUin"],
    ],
    handler(p, ctx) {
      const instanceId = optString(p, "InstanceId") || undefined;
      const name = optString(p, "InstanceName");
      const begin = optTime(p, "BeginTime");
      const end = optTime(p, "EndTime");
      const types = optArray(p, "TaskTypes", isString, "strings");
      const results = optArray(p, "Result", isInt, "integers");
      const { state } = ctx;
      const matches = tasksInRegion(ctx, instanceId)
        .filter((t) => !name || state.getInstance(t.InstanceId)?.InstanceName === name)
        .filter((t) => begin === undefined || t.createdAt >= begin)
        .filter((t) => end === undefined || t.createdAt <= end)
        // which form the filter takes is not documented unambiguously: the fake accepts both
        .filter((t) => !types || types.includes(t.TaskType) || types.includes(TASK_TYPES[t.TaskType].code))
        .filter((t) => !results || results.includes(RESULT_OF[state.taskStatus(t)]));
      const tasks = page(matches, p, 100).map((t) => {
        const status = state.taskStatus(t);
        const final = status !== "preparing" && status !== "running";
        return {
          TaskId: t.TaskId,
          StartTime: formatBeijing(t.createdAt),
          // a code string, as in the published example ("037")
          TaskType: TASK_TYPES[t.TaskType].code,
          InstanceName: state.getInstance(t.InstanceId)?.InstanceName ?? "",
          InstanceId: t.InstanceId,
          ProjectId: 0,
          Progress: state.taskProgress(t),
          EndTime: final
            ? formatBeijing(Math.max(t.createdAt + t.preparingMs + t.runningMs, t.backend?.settledAt ?? 0))
            : NEVER,
          Result: RESULT_OF[status],
        };
      });
      return { TotalCount: matches.length, Tasks: tasks };
    },
  },

  ManualBackupInstance: {
    params: ["InstanceId", "Remark", "StorageDays"],
    async handler(p, ctx) {
      const instance = instanceInRegion(ctx, reqString(p, "InstanceId"));
      const remark = optString(p, "Remark") ?? "";
      optInt(p, "StorageDays", 0, 1825);
      if (instance.Status !== 2) {
        throw new ApiError(
          "ResourceUnavailable.InstanceStatusAbnormal",
          `The instance \`${instance.InstanceId}\` is not running (status ${instance.Status}).`,
        );
      }
      try {
        const { task } = await ctx.state.createManualBackup(instance, remark);
        // a string of digits, as in the published example of 2024 (the 2025 one shows an integer)
        return { TaskId: String(task.TaskId) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new ApiError("FailedOperation.SystemError", `The backup failed: ${message}`);
      }
    },
  },

  ...CLONE_ACTIONS,
  ...DESTROY_ACTIONS,
};

/** Runs an action's handler after rejecting parameters its SDK model does not declare. */
export async function runAction(action: string, params: Params, ctx: ActionContext): Promise<ActionResult> {
  const spec = ACTIONS[action];
  if (!spec) throw new ApiError("InvalidAction", `The action \`${action}\` is not supported by this fake.`);
  const unknown = Object.keys(params).find((k) => !spec.params.includes(k));
  if (unknown !== undefined) {
    throw new ApiError("UnknownParameter", `The parameter \`${unknown}\` is not recognized by ${action}.`);
  }
  return spec.handler(params, ctx);
}
