// The fake's in-memory model of Tencent Cloud Redis: instances, backups and tasks. Deterministic: the clock is
// injected and a task's status is derived from the time elapsed since it was created (no timers).

import { formatBeijing } from "./time.js";

export type InstanceStatus = 0 | 1 | 2 | -2 | -3;
export type BackupStatus = 1 | 2 | -1 | 3 | 4;
export type TaskType = "FLOW_RESTOREBACKUP" | "FLOW_BACKUPINSTANCE" | "FLOW_AUTOBACKUP" | "FLOW_CHANGEVIP" | "FLOW_CLOSE";

/**
 * How the API names a task type: DescribeTaskList answers numeric code strings (the published CLI example shows
 * "037"; the SDK's docs list FLOW_RESTOREBACKUP "010", FLOW_BACKUPINSTANCE "012", FLOW_AUTOBACKUP "017"), while
 * DescribeTaskInfo answers free text (its published example: "redis缓存清空流程"). The labels below are written in
 * the style of that example; the real ones are not published.
 */
export const TASK_TYPE_CODES: Readonly<Record<TaskType, string>> = {
  FLOW_RESTOREBACKUP: "010",
  FLOW_BACKUPINSTANCE: "012",
  FLOW_AUTOBACKUP: "017",
  // the SDK's docs: FLOW_CHANGEVIP "027", 改变vip地址 (ModifyNetworkConfig changeVip)
  FLOW_CHANGEVIP: "027",
  // the SDK's docs: FLOW_CLOSE "003", 关闭实例 (DestroyPostpaidInstance isolates the instance)
  FLOW_CLOSE: "003",
};
export const TASK_TYPE_LABELS: Readonly<Record<TaskType, string>> = {
  FLOW_RESTOREBACKUP: "redis备份恢复流程",
  FLOW_BACKUPINSTANCE: "redis手动备份流程",
  FLOW_AUTOBACKUP: "redis自动备份流程",
  FLOW_CHANGEVIP: "redis修改vip流程",
  FLOW_CLOSE: "redis按量计费实例销毁流程",
};
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
const BACKUP_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** "YYYYMMDD" of a time, in Beijing time (the first digits of an order number). */
function formatDay(ms: number): string {
  return formatBeijing(ms).slice(0, 10).replaceAll("-", "");
}

const isFinal = (s: TaskStatus): s is TaskOutcome => s === "succeed" || s === "failed" || s === "error";

export class CloudState {
  readonly now: () => number;
  preparingMs: number;
  runningMs: number;
  restoreBackend: RestoreBackend | undefined;
  backupBackend: BackupBackend | undefined;
  /** When set, every restore is followed at once by an automatic backup of the same instance (a newer task). */
  autoBackupOnRestore = false;
  cloneMs: number;
  cloneBackend: CloneBackend | undefined;
  networkBackend: NetworkBackend | undefined;
  destroyBackend: DestroyBackend | undefined;
  /** The first two octets of every subnet ("10.0"; a real-data sandbox moves it to a loopback "127.N"). */
  networkBase = "10.0";

  private readonly instances = new Map<string, Instance>();
  private readonly backups = new Map<string, Backup>();
  private readonly tasks = new Map<number, Task>();
  private nextTaskId = FIRST_TASK_ID;
  private nextInstanceSerial = 1;
  private nextBackupSerial = 8_362_901;
  private readonly restoreOutcomes: { outcome: "failed" | "error"; message: string }[] = [];
  private readonly deliveryFailures: string[] = [];
  private readonly deals = new Map<string, Deal>();
  private readonly subnets = new Map<string, Subnet>();
  private readonly securityGroups = new Map<string, SecurityGroup>();
  private readonly retained: Array<{ ip: string; instanceId: string; until: number }> = [];
  private nextDealSerial = 297_021_530_591_847;

  constructor(options: CloudStateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.preparingMs = options.preparingMs ?? DEFAULT_PREPARING_MS;
    this.runningMs = options.runningMs ?? DEFAULT_RUNNING_MS;
    this.restoreBackend = options.restoreBackend;
    this.backupBackend = options.backupBackend;
    this.autoBackupOnRestore = options.autoBackupOnRestore ?? false;
    this.cloneMs = options.cloneMs ?? DEFAULT_CLONE_MS;
    // The account's network: one VPC per region; Guangzhou has a second subnet (to show a refused move).
    this.addSubnet({
      UniqSubnetId: "subnet-sbx00001",
      SubnetId: 2001,
      UniqVpcId: "vpc-sbx00001",
      VpcId: 1001,
      Region: "ap-guangzhou",
      octet: 1,
    });
    this.addSubnet({
      UniqSubnetId: "subnet-sbx00002",
      SubnetId: 2002,
      UniqVpcId: "vpc-sbx00001",
      VpcId: 1001,
      Region: "ap-guangzhou",
      octet: 2,
    });
    this.addSubnet({
      UniqSubnetId: "subnet-sbx00003",
      SubnetId: 2003,
      UniqVpcId: "vpc-sbx00002",
      VpcId: 1002,
      Region: "ap-shanghai",
      octet: 3,
    });
    const created = new Date(this.now() - 400 * 24 * 60 * 60 * 1000);
    this.addSecurityGroup({
      SecurityGroupId: "sg-sbx00001",
      SecurityGroupName: "redis-default",
      Region: "ap-guangzhou",
      ProjectId: 0,
      CreateTime: created,
    });
    this.addSecurityGroup({
      SecurityGroupId: "sg-sbx00002",
      SecurityGroupName: "redis-ops",
      Region: "ap-guangzhou",
      ProjectId: 0,
      CreateTime: created,
    });
    this.addSecurityGroup({
      SecurityGroupId: "sg-sbx00003",
      SecurityGroupName: "redis-default",
      Region: "ap-shanghai",
      ProjectId: 0,
      CreateTime: created,
    });
  }

  // ---- network ----

  addSubnet(subnet: Subnet): Subnet {
    this.subnets.set(subnet.UniqSubnetId, subnet);
    return subnet;
  }

  getSubnet(uniqSubnetId: string): Subnet | undefined {
    return this.subnets.get(uniqSubnetId);
  }

  listSubnets(): Subnet[] {
    return [...this.subnets.values()];
  }

  /** "a.b.c": the first three octets of the subnet's addresses. */
  subnetPrefix(subnet: Subnet): string {
    return `${this.networkBase}.${subnet.octet}`;
  }

  /** The instance's subnet (the region's first one by default; one is made for a region without any). */
  subnetOf(instance: Instance): Subnet {
    const own = instance.UniqSubnetId ? this.subnets.get(instance.UniqSubnetId) : undefined;
    if (own) return own;
    const first = this.listSubnets().find((s) => s.Region === instance.Region);
    if (first) return first;
    const octet = Math.max(0, ...this.listSubnets().map((s) => s.octet)) + 1;
    const n = 2000 + octet;
    return this.addSubnet({
      UniqSubnetId: `subnet-sbx${String(octet).padStart(5, "0")}`,
      SubnetId: n,
      UniqVpcId: `vpc-sbx${String(octet).padStart(5, "0")}`,
      VpcId: n - 1000,
      Region: instance.Region,
      octet,
    });
  }

  addSecurityGroup(group: SecurityGroup): SecurityGroup {
    this.securityGroups.set(group.SecurityGroupId, group);
    return group;
  }

  getSecurityGroup(id: string, region?: string): SecurityGroup | undefined {
    const group = this.securityGroups.get(id);
    return group && (region === undefined || group.Region === region) ? group : undefined;
  }

  securityGroupsOf(instance: Instance): SecurityGroup[] {
    const ids = instance.SecurityGroupIds ?? [this.listSecurityGroups(instance.Region)[0]?.SecurityGroupId ?? ""];
    return ids.flatMap((id) => this.getSecurityGroup(id) ?? []);
  }

  listSecurityGroups(region: string): SecurityGroup[] {
    return [...this.securityGroups.values()].filter((g) => g.Region === region);
  }

  /**
   * Moves every subnet (and every instance's VIP) to `base` ("127.N"): a real-data sandbox listens on each VIP,
   * and Linux routes all of 127/8 to the loopback interface.
   */
  relocateNetwork(base: string): void {
    const old = this.networkBase;
    this.networkBase = base;
    for (const i of this.instances.values()) {
      if (i.WanIp.startsWith(`${old}.`)) i.WanIp = `${base}.${i.WanIp.slice(old.length + 1)}`;
    }
  }

  /** Who holds the IP now: an instance's VIP, an address kept after a move (Recycle > 0) or one a move takes. */
  addressHolder(ip: string): string | undefined {
    this.settle();
    const now = this.now();
    const owner = [...this.instances.values()].find((i) => i.WanIp === ip);
    if (owner) return owner.InstanceId;
    const kept = this.retained.find((r) => r.ip === ip && r.until > now);
    if (kept) return kept.instanceId;
    return [...this.tasks.values()].find(
      (t) => t.change && !t.change.applied && !isFinal(this.taskStatus(t)) && t.change.to.ip === ip,
    )?.InstanceId;
  }

  /** A free address of the subnet (hosts .11 to .254, then .2 to .10), or undefined when it is full. */
  freeAddress(subnet: Subnet): string | undefined {
    const prefix = this.subnetPrefix(subnet);
    const hosts = [...Array.from({ length: 244 }, (_, k) => k + 11), ...Array.from({ length: 9 }, (_, k) => k + 2)];
    return hosts.map((h) => `${prefix}.${h}`).find((ip) => this.addressHolder(ip) === undefined);
  }

  // ---- instances ----

  addInstance(partial: Partial<Instance> = {}): Instance {
    const serial = this.nextInstanceSerial++;
    const instance: Instance = {
      InstanceId: `crs-t${String(serial).padStart(7, "0")}`,
      InstanceName: `instance-${serial}`,
      Region: "ap-guangzhou",
      Status: 2,
      NoAuth: false,
      // Redis 2.8 standard (restored in place): what a test that adds an instance expects to restore
      Type: 2,
      Engine: "Redis",
      Size: 1024,
      WanIp: "",
      Port: 6379,
      Createtime: new Date(this.now()),
      ...partial,
    };
    if (this.instances.has(instance.InstanceId)) throw new Error(`instance ${instance.InstanceId} already exists`);
    if (partial.WanIp === undefined) instance.WanIp = this.freeAddress(this.subnetOf(instance)) ?? "";
    this.instances.set(instance.InstanceId, instance);
    return instance;
  }

  /** The instance, optionally only if it lives in `region`. */
  getInstance(instanceId: string, region?: string): Instance | undefined {
    this.settle();
    const instance = this.instances.get(instanceId);
    return instance && (region === undefined || instance.Region === region) ? instance : undefined;
  }

  listInstances(region?: string): Instance[] {
    this.settle();
    return [...this.instances.values()].filter((i) => region === undefined || i.Region === region);
  }

  setInstanceStatus(instanceId: string, status: InstanceStatus): void {
    this.mustGetInstance(instanceId).Status = status;
  }

  updateInstance(instanceId: string, patch: Partial<Omit<Instance, "InstanceId">>): Instance {
    return Object.assign(this.mustGetInstance(instanceId), patch);
  }

  private mustGetInstance(instanceId: string): Instance {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Error(`no instance ${instanceId}`);
    return instance;
  }

  // ---- backups ----

  addBackup(partial: Partial<Backup> & { InstanceId: string }): Backup {
    this.mustGetInstance(partial.InstanceId);
    const start = partial.StartTime ?? new Date(this.now());
    const backup: Backup = {
      BackupId: `${FAKE_APPID}-${this.nextBackupSerial++}-${Math.floor(start.getTime() / 1000)}`,
      StartTime: start,
      EndTime: new Date(start.getTime() + 42_000),
      BackupType: "0",
      Status: 2,
      Locked: 0,
      Remark: "",
      FileType: "RDB",
      ExpireTime: new Date(start.getTime() + BACKUP_RETENTION_MS),
      BackupSize: 52_428_800,
      ...partial,
    };
    if (this.backups.has(backup.BackupId)) throw new Error(`backup ${backup.BackupId} already exists`);
    this.backups.set(backup.BackupId, backup);
    return backup;
  }

  getBackup(backupId: string): Backup | undefined {
    return this.backups.get(backupId);
  }

  /** Backups of an instance, newest first. */
  listBackups(instanceId: string): Backup[] {
    return [...this.backups.values()]
      .filter((b) => b.InstanceId === instanceId)
      .sort((a, b) => b.StartTime.getTime() - a.StartTime.getTime() || (a.BackupId < b.BackupId ? 1 : -1));
  }

  updateBackup(backupId: string, patch: Partial<Omit<Backup, "BackupId">>): Backup {
    const backup = this.backups.get(backupId);
    if (!backup) throw new Error(`no backup ${backupId}`);
    return Object.assign(backup, patch);
  }

  // ---- tasks ----

  /** The next restore task(s) end with this outcome and message instead of succeeding (queued, one per task). */
  failNextRestore(outcome: "failed" | "error", message: string): void {
    this.restoreOutcomes.push({ outcome, message });
  }

  /** True when a restore task on the instance has not reached a final status. */
  hasRestoreInFlight(instanceId: string): boolean {
    return [...this.tasks.values()].some(
      (t) => t.InstanceId === instanceId && t.TaskType === "FLOW_RESTOREBACKUP" && !isFinal(this.taskStatus(t)),
    );
  }

  /** Creates a restore task. Validation is the caller's (the fake's) job. */
  createRestoreTask(instance: Instance, backup: Backup, password: string | undefined): Task {
    const task = this.newTask(instance.InstanceId, "FLOW_RESTOREBACKUP", this.preparingMs, this.runningMs);
    task.BackupId = backup.BackupId;
    const forced = this.restoreOutcomes.shift();
    if (forced) {
      task.outcome = forced.outcome;
      task.message = forced.message;
    } else if (this.restoreBackend) {
      this.track(task, () => this.restoreBackend?.restore(instance, backup, password));
    }
    if (this.autoBackupOnRestore) this.createAutoBackup(instance);
    return task;
  }

  /** An automatic backup, as the daily schedule starts one: a backup of type "1" and a FLOW_AUTOBACKUP task. */
  createAutoBackup(instance: Instance): { task: Task; backup: Backup } {
    const backup = this.addBackup({ InstanceId: instance.InstanceId, BackupType: "1" });
    const task = this.newTask(instance.InstanceId, "FLOW_AUTOBACKUP", 0, this.runningMs);
    task.BackupId = backup.BackupId;
    return { task, backup };
  }

  /**
   * Takes a manual backup: adds a normal backup, awaits the backup backend (if any) on it, and adds an already
   * finished FLOW_BACKUPINSTANCE task. Rejects (and drops the backup) when the backend does.
   */
  async createManualBackup(instance: Instance, remark: string): Promise<{ task: Task; backup: Backup }> {
    const backup = this.addBackup({ InstanceId: instance.InstanceId, BackupType: "0", Remark: remark });
    try {
      await this.backupBackend?.snapshot(instance, backup);
    } catch (error) {
      this.backups.delete(backup.BackupId);
      throw error;
    }
    const task = this.newTask(instance.InstanceId, "FLOW_BACKUPINSTANCE", 0, 0);
    task.BackupId = backup.BackupId;
    return { task, backup };
  }

  // ---- clones and orders ----

  /** The next order(s) fail to deliver (status 5) with this message instead of delivering. */
  failNextDelivery(message = "the sandbox was told to fail this delivery"): void {
    this.deliveryFailures.push(message);
  }

  /**
   * Creates the clones of an order (status 0 until delivered, then 2) and the order itself. Validation is the
   * caller's job. With a clone backend, the order is delivered once the backend has started every clone.
   */
  createClones(
    source: Instance,
    backup: Backup,
    clones: ReadonlyArray<Partial<Instance>>,
    order: { ZoneId: number; Price: number; cloneTime?: number },
  ): Deal {
    const now = this.now();
    const made = clones.map((c) =>
      this.addInstance({
        ...c,
        InstanceId: c.InstanceId ?? this.newInstanceId(),
        Region: source.Region,
        Status: 0,
        Type: source.Type,
        Engine: source.Engine,
        RedisShardNum: source.RedisShardNum,
        RedisReplicasNum: source.RedisReplicasNum,
        Size: source.Size,
        Createtime: new Date(now),
      }),
    );
    const day = formatDay(now);
    const deal: Deal = {
      DealId: `${day}${this.nextDealSerial++}`,
      DealName: `${day}${this.nextDealSerial++}`,
      InstanceIds: made.map((i) => i.InstanceId),
      ZoneId: order.ZoneId,
      GoodsNum: made.length,
      Price: order.Price,
      createdAt: now,
      deliverMs: this.cloneMs,
      outcome: "delivered",
      message: "",
      applied: false,
    };
    this.deals.set(deal.DealName, deal);
    const failure = this.deliveryFailures.shift();
    if (failure !== undefined) {
      deal.outcome = "failed";
      deal.message = failure;
    } else if (this.cloneBackend) {
      const backend = this.cloneBackend;
      this.trackSettle(deal, () => Promise.all(made.map((m) => backend.clone(m, source, backup, order.cloneTime))));
    }
    return deal;
  }

  /** The order by DealName or DealId. */
  getDeal(id: string): Deal | undefined {
    this.settle();
    return this.deals.get(id) ?? [...this.deals.values()].find((d) => d.DealId === id);
  }

  /** 3 delivering, 4 delivered, 5 delivery failed (TradeDealDetail.Status). */
  dealStatus(deal: Deal): 3 | 4 | 5 {
    const elapsed = this.now() - deal.createdAt;
    if (elapsed < deal.deliverMs || (deal.backend && !deal.backend.settled)) return 3;
    return deal.outcome === "delivered" ? 4 : 5;
  }

  /** When the order reached its final status (ms), or undefined while delivering. */
  dealEnd(deal: Deal): number | undefined {
    if (this.dealStatus(deal) === 3) return undefined;
    return Math.max(deal.createdAt + deal.deliverMs, deal.backend?.settledAt ?? 0);
  }

  // ---- address moves ----

  /** True when a FLOW_CHANGEVIP task of the instance has not reached a final status. */
  hasNetworkChangeInFlight(instanceId: string): boolean {
    return [...this.tasks.values()].some(
      (t) => t.InstanceId === instanceId && t.TaskType === "FLOW_CHANGEVIP" && !isFinal(this.taskStatus(t)),
    );
  }

  /**
   * Moves the instance to `to` (a FLOW_CHANGEVIP task). The new IP is taken at once; the instance keeps its
   * old address until the task succeeds, then the old IP is released (or kept `recycleDays` for the instance).
   */
  createAddressChange(instance: Instance, to: { ip: string; port: number }, recycleDays: number): Task {
    const task = this.newTask(instance.InstanceId, "FLOW_CHANGEVIP", this.preparingMs, this.runningMs);
    task.change = {
      from: { ip: instance.WanIp, port: instance.Port },
      to,
      ...(recycleDays > 0 ? { retainUntil: this.now() + recycleDays * 24 * 60 * 60 * 1000 } : {}),
      applied: false,
    };
    const change = task.change;
    if (this.networkBackend) {
      const backend = this.networkBackend;
      this.track(task, () => backend.move(instance, change));
    }
    return task;
  }

  // ---- destroying (DestroyPostpaidInstance) ----

  /** Isolates the instance (a FLOW_CLOSE task; status 1 meanwhile): -2 once it succeeds, 2 again if it fails. */
  createClose(instance: Instance): Task {
    const task = this.newTask(instance.InstanceId, "FLOW_CLOSE", this.preparingMs, this.runningMs);
    task.close = { applied: false };
    instance.Status = 1;
    if (this.destroyBackend) {
      const backend = this.destroyBackend;
      this.track(task, () => backend.destroy(instance));
    }
    return task;
  }

  /** Applies what finished: delivered orders' instances run, failed ones are gone; finished moves take effect. */
  private settle(): void {
    for (const deal of this.deals.values()) {
      if (deal.applied || this.dealStatus(deal) === 3) continue;
      deal.applied = true;
      for (const id of deal.InstanceIds) {
        if (deal.outcome === "delivered") {
          const instance = this.instances.get(id);
          if (instance) instance.Status = 2;
        } else {
          this.instances.delete(id); // not delivered: nothing was bought
        }
      }
    }
    this.settleCloses();
    for (const task of this.tasks.values()) {
      const change = task.change;
      if (!change || change.applied) continue;
      const status = this.taskStatus(task);
      if (!isFinal(status)) continue;
      change.applied = true;
      if (status !== "succeed") continue;
      const instance = this.instances.get(task.InstanceId);
      if (!instance) continue;
      instance.WanIp = change.to.ip;
      instance.Port = change.to.port;
      if (change.retainUntil !== undefined) {
        this.retained.push({ ip: change.from.ip, instanceId: instance.InstanceId, until: change.retainUntil });
      }
    }
  }

  /** Finished isolations take effect; isolated instances past their offline time leave the account. */
  private settleCloses(): void {
    const now = this.now();
    for (const task of this.tasks.values()) {
      if (!task.close || task.close.applied || !isFinal(this.taskStatus(task))) continue;
      task.close.applied = true;
      const instance = this.instances.get(task.InstanceId);
      if (!instance) continue;
      const ok = this.taskStatus(task) === "succeed";
      instance.Status = ok ? -2 : 2;
      const ended = Math.max(task.createdAt + task.preparingMs + task.runningMs, task.backend?.settledAt ?? 0);
      if (!ok) continue;
      instance.offlineAt = ended + POSTPAID_OFFLINE_MS;
      instance.WanIp = ""; // an isolated instance has no address; its IP is free again
    }
    for (const [id, instance] of this.instances) {
      if (instance.offlineAt !== undefined && instance.offlineAt <= now) this.instances.delete(id);
    }
  }

  private newInstanceId(): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (;;) {
      let id = "crs-";
      for (let k = 0; k < 8; k++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
      if (!this.instances.has(id)) return id;
    }
  }

  getTask(taskId: number): Task | undefined {
    return this.tasks.get(taskId);
  }

  /** Tasks, newest first, optionally of one instance. */
  listTasks(instanceId?: string): Task[] {
    return [...this.tasks.values()]
      .filter((t) => instanceId === undefined || t.InstanceId === instanceId)
      .sort((a, b) => b.TaskId - a.TaskId);
  }

  taskStatus(task: Task): TaskStatus {
    const elapsed = this.now() - task.createdAt;
    if (elapsed < task.preparingMs) return "preparing";
    if (elapsed < task.preparingMs + task.runningMs || (task.backend && !task.backend.settled)) return "running";
    return task.outcome;
  }

  /** 0-100; a finished task (whatever its outcome) reports 100. */
  taskProgress(task: Task): number {
    const status = this.taskStatus(task);
    if (status === "preparing") return 0;
    if (isFinal(status)) return 100;
    if (task.runningMs <= 0) return 99;
    const ran = this.now() - task.createdAt - task.preparingMs;
    return Math.max(1, Math.min(99, Math.floor((ran / task.runningMs) * 100)));
  }

  /** The task's message: empty until it has failed (TaskMessage of DescribeTaskInfo). */
  taskMessage(task: Task): string {
    const status = this.taskStatus(task);
    return status === "failed" || status === "error" ? task.message : "";
  }

  private newTask(instanceId: string, type: TaskType, preparingMs: number, runningMs: number): Task {
    const task: Task = {
      TaskId: this.nextTaskId++,
      InstanceId: instanceId,
      TaskType: type,
      createdAt: this.now(),
      outcome: "succeed",
      message: "",
      preparingMs,
      runningMs,
    };
    this.tasks.set(task.TaskId, task);
    return task;
  }

  private track(task: Task, run: () => Promise<unknown> | undefined): void {
    this.trackSettle(task, run, "failed");
  }

  /** Runs a backend for a task or an order: it stays unfinished until the backend settles; a rejection fails it. */
  private trackSettle(
    target: { backend?: { settled: boolean; settledAt?: number }; outcome: string; message: string },
    run: () => Promise<unknown> | undefined,
    failed = "failed",
  ): void {
    const backend: { settled: boolean; settledAt?: number } = { settled: false };
    target.backend = backend;
    const settle = (error?: unknown): void => {
      backend.settled = true;
      backend.settledAt = this.now();
      if (error !== undefined) {
        target.outcome = failed;
        target.message = error instanceof Error ? error.message : String(error);
      }
    };
    try {
      Promise.resolve(run()).then(
        () => settle(),
        (error: unknown) => settle(error ?? "the task failed"),
      );
    } catch (error) {
      settle(error ?? "the task failed");
    }
  }
}
