// The fake's instances, their backups and the account's network (subnets, security groups, addresses).

import {
  BACKUP_RETENTION_MS,
  type Backup,
  type CloudStateOptions,
  FAKE_APPID,
  type Instance,
  type InstanceStatus,
  isFinal,
  type SecurityGroup,
  type Subnet,
} from "./model.js";
import { TaskModel } from "./tasks.js";

/** The instances, backups and network of the model; `settle` applies what finished before they are read. */
export abstract class InstanceModel extends TaskModel {
  /** The first two octets of every subnet ("10.0"; a real-data sandbox moves it to a loopback "127.N"). */
  networkBase = "10.0";

  protected readonly instances = new Map<string, Instance>();
  protected readonly backups = new Map<string, Backup>();
  private nextInstanceSerial = 1;
  private nextBackupSerial = 8_362_901;
  private readonly subnets = new Map<string, Subnet>();
  private readonly securityGroups = new Map<string, SecurityGroup>();
  protected readonly retained: Array<{ ip: string; instanceId: string; until: number }> = [];

  constructor(options: CloudStateOptions) {
    super(options);
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

  /** Applies what finished (orders, moves, isolations) before the model is read. */
  protected abstract settle(): void;

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

  protected mustGetInstance(instanceId: string): Instance {
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

  protected newInstanceId(): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (;;) {
      let id = "crs-";
      for (let k = 0; k < 8; k++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
      if (!this.instances.has(id)) return id;
    }
  }
}
