// The shapes of the fake's model of Tencent Cloud Redis (instances, backups, tasks, orders, the network) and its
// constants; the model itself is CloudState (state.ts), built on instances.ts and tasks.ts.

import { formatBeijing } from "./time.js";

export type InstanceStatus = 0 | 1 | 2 | -2 | -3;
export type BackupStatus = 1 | 2 | -1 | 3 | 4;
/**
 * Each task type and how the API names it: DescribeTaskList answers numeric code strings (the published CLI example
 * shows "037"; the SDK's docs list FLOW_RESTOREBACKUP "010", FLOW_BACKUPINSTANCE "012", FLOW_AUTOBACKUP "017"), while
 * DescribeTaskInfo answers free text, the label (its published example: "redis缓存清空流程"). The labels are written in
 * the style of that example; the real ones are not published.
 */
export const TASK_TYPES = {
  FLOW_RESTOREBACKUP: { code: "010", label: "redis备份恢复流程" },
  FLOW_BACKUPINSTANCE: { code: "012", label: "redis手动备份流程" },
  FLOW_AUTOBACKUP: { code: "017", label: "redis自动备份流程" },
  // the SDK's docs: FLOW_CHANGEVIP "027", 改变vip地址 (ModifyNetworkConfig changeVip)
  FLOW_CHANGEVIP: { code: "027", label: "redis修改vip流程" },
  // the SDK's docs: FLOW_CLOSE "003", 关闭实例 (DestroyPostpaidInstance isolates the instance)
  FLOW_CLOSE: { code: "003", label: "redis按量计费实例销毁流程" },
} as const satisfies Readonly<Record<string, { code: string; label: string }>>;
export type TaskType = keyof typeof TASK_TYPES;
export type TaskOutcome = "succeed" | "failed" | "error";
export type TaskStatus = "preparing" | "running" | TaskOutcome;

export interface Instance {
  InstanceId: string;
  InstanceName: string;
  Region: string;
  /** 0 awaiting initialisation, 1 task in progress, 2 running, -2 isolated, -3 awaiting deletion. */
  Status: InstanceStatus;
  /** Password-free instance. */
  NoAuth: boolean;
  password?: string;
  /** api.json's enumeration: 2/5 Redis 2.8, 3/4 CKV 3.2, 6/7 Redis 4.0, 8/9 5.0, 15/16 6.2, 17/18 7.0, 19-22 Valkey. */
  Type: number;
  Engine: string;
  RedisShardNum?: number;
  /** Default 1. */
  RedisReplicasNum?: number;
  /** MB in all (a cluster: shards x shard size). */
  Size: number;
  /** The instance's VIP in its subnet ("" while it has none); with Port, the address clients connect to. */
  WanIp: string;
  Port: number;
  Createtime: Date;
  /** Default: the region's first zone. */
  ZoneId?: number;
  /** Default: the region's first subnet. */
  UniqSubnetId?: string;
  ProjectId?: number;
  Tags?: ResourceTag[];
  /** Default "NormalLevelBackup". */
  BackupMode?: "NormalLevelBackup" | "SecondLevelBackup";
  /** Multi-AZ instances only: one entry per node (NodeType 0 primary, 1 replica). */
  NodeSet?: Array<{ NodeId: number; NodeType: number; ZoneId: number; ZoneName: string }>;
  /** Default: the region's default security group. */
  SecurityGroupIds?: string[];
  /** SecondLevelBackup: when it started (ms); points in time before it cannot be restored. */
  secondLevelSince?: number;
  /** SecondLevelBackup: ranges (ms) the scenario declares without backup (MissingTimestamps). */
  secondLevelGaps?: Array<{ from: number; to: number }>;
  /** 0 pay-as-you-go (the default), 1 monthly. */
  BillingMode?: 0 | 1;
  /** Isolated (-2) by DestroyPostpaidInstance: when it goes offline and leaves the account (ms). */
  offlineAt?: number;
}

export interface ResourceTag {
  TagKey: string;
  TagValue: string;
}

/** A VPC subnet of the sandbox account: a /24 whose first three octets are `prefix`. */
export interface Subnet {
  UniqSubnetId: string;
  SubnetId: number;
  UniqVpcId: string;
  VpcId: number;
  Region: string;
  /** The subnet's number inside the sandbox network (the third octet). */
  octet: number;
}

export interface SecurityGroup {
  SecurityGroupId: string;
  SecurityGroupName: string;
  Region: string;
  ProjectId: number;
  CreateTime: Date;
}

/** An order (CloneInstances): status 3 delivering until its instances run, then 4; 5 when delivery failed. */
export interface Deal {
  DealId: string;
  DealName: string;
  InstanceIds: string[];
  ZoneId: number;
  GoodsNum: number;
  /** Pent. */
  Price: number;
  createdAt: number;
  deliverMs: number;
  outcome: "delivered" | "failed";
  message: string;
  backend?: { settled: boolean; settledAt?: number };
  /** Set once the outcome has been applied to the instances. */
  applied: boolean;
}

/** An address move of a FLOW_CHANGEVIP task, applied to the instance when the task succeeds. */
export interface AddressChange {
  from: { ip: string; port: number };
  to: { ip: string; port: number };
  /** Recycle > 0: the old IP stays taken for the instance until then (ms). */
  retainUntil?: number;
  applied: boolean;
}

export interface Backup {
  BackupId: string;
  InstanceId: string;
  StartTime: Date;
  EndTime: Date;
  /** "0" manual, "1" automatic, "2" before a configuration change. */
  BackupType: "0" | "1" | "2";
  /** 1 locked by another task, 2 normal, -1 expired, 3 being exported, 4 exported. */
  Status: BackupStatus;
  Locked: 0 | 1;
  Remark: string;
  FileType: "RDB";
  ExpireTime: Date;
  /** Bytes. */
  BackupSize: number;
}

export interface Task {
  TaskId: number;
  InstanceId: string;
  TaskType: TaskType;
  BackupId?: string;
  createdAt: number;
  outcome: TaskOutcome;
  message: string;
  preparingMs: number;
  runningMs: number;
  /** Set while a backend runs the task: the task stays "running" until it settles. */
  backend?: { settled: boolean; settledAt?: number };
  /** FLOW_CHANGEVIP only. */
  change?: AddressChange;
  /** FLOW_CLOSE only: set once the isolation has been applied to the instance. */
  close?: { applied: boolean };
}

/** Makes a restore real, e.g. by loading the backup into a redis-server. Reject to fail the task. */
export interface RestoreBackend {
  restore(instance: Instance, backup: Backup, password: string | undefined): Promise<void>;
}

/** Takes the data of a new manual backup, e.g. by saving a redis-server's RDB. Reject to fail the backup. */
export interface BackupBackend {
  snapshot(instance: Instance, backup: Backup): Promise<void>;
}

/** Makes a clone real: a new redis-server loaded from the backup (or the source's data at `cloneTime`, ms). */
export interface CloneBackend {
  clone(clone: Instance, source: Instance, backup: Backup, cloneTime: number | undefined): Promise<void>;
}

/** Ends an instance for real (its process and address) when it is isolated. Reject to fail the task. */
export interface DestroyBackend {
  destroy(instance: Instance): Promise<void>;
}

/** Moves an instance's address for real (e.g. its listener). Reject to fail the task. */
export interface NetworkBackend {
  move(instance: Instance, change: AddressChange): Promise<void>;
}

export interface CloudStateOptions {
  now?: () => number;
  preparingMs?: number;
  runningMs?: number;
  restoreBackend?: RestoreBackend;
  backupBackend?: BackupBackend;
  /** Follow every restore with an automatic backup of the same instance (see CloudState.autoBackupOnRestore). */
  autoBackupOnRestore?: boolean;
  /** How long a clone stays in status 0 (delivering) at least. */
  cloneMs?: number;
}

export const FIRST_TASK_ID = 1_000_001;
export const DEFAULT_PREPARING_MS = 1000;
export const DEFAULT_RUNNING_MS = 3000;
export const DEFAULT_CLONE_MS = 5000;
/** An isolated pay-as-you-go instance goes offline two hours later (api.json: OfflineTime's description). */
export const POSTPAID_OFFLINE_MS = 2 * 60 * 60 * 1000;
/** The account's uin (Creater of an order, CAM resources). */
export const FAKE_UIN = "100000000001";
/** Zones by region: the first is an instance's default. */
export const ZONES: Readonly<Record<string, ReadonlyArray<{ ZoneId: number; ZoneName: string }>>> = {
  "ap-guangzhou": [
    { ZoneId: 100003, ZoneName: "ap-guangzhou-3" },
    { ZoneId: 100004, ZoneName: "ap-guangzhou-4" },
  ],
  "ap-shanghai": [
    { ZoneId: 200002, ZoneName: "ap-shanghai-2" },
    { ZoneId: 200003, ZoneName: "ap-shanghai-3" },
  ],
};
/** The (fake) account's APPID, part of backup ids as on the real service ("<appid>-<n>-<unix time>"). */
export const FAKE_APPID = 1250000000;
export const BACKUP_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** "YYYYMMDD" of a time, in Beijing time (the first digits of an order number). */
export function formatDay(ms: number): string {
  return formatBeijing(ms).slice(0, 10).replaceAll("-", "");
}

export const isFinal = (s: TaskStatus): s is TaskOutcome => s === "succeed" || s === "failed" || s === "error";
