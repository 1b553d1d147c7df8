/**
 * The narrow interface the tools use to talk to Tencent Cloud Redis (API 2018-04-12). Field names are the
 * API's own; only the fields this server reads are typed. `client.ts` is the one implementation.
 */

import type { Logger } from "../log.js";

export interface CallOptions {
  region: string;
  signal?: AbortSignal;
  /** The logger of the tool call this request is for (see RedisApi.forCall); else the process's. */
  log?: Logger;
}

export interface ApiInstance {
  InstanceId: string;
  InstanceName: string;
  Status: number;
  NoAuth?: boolean;
  /** The edition (api.json's enumeration): 2/5 Redis 2.8, 3/4 CKV, 6-9 and 15-18 Redis 4.0-7.0, 19-22 Valkey, 200 Memcached. */
  Type?: number;
  /** The VPC address (VIP) and its port: what clients connect to. */
  WanIp?: string;
  Port?: number;
  ZoneId?: number;
  VpcId?: number;
  SubnetId?: number;
  /** The `vpc-…` / `subnet-…` names that CloneInstances takes as VpcId/SubnetId. */
  UniqVpcId?: string;
  UniqSubnetId?: string;
  ProjectId?: number;
  /** MB in all (a cluster: shards x RedisShardSize). */
  Size?: number;
  RedisShardSize?: number;
  RedisShardNum?: number;
  RedisReplicasNum?: number;
  ProductType?: string;
  /** "SecondLevelBackup" when point-in-time restore (second-level backup) is on. */
  BackupMode?: string;
  InstanceTags?: Array<{ TagKey: string; TagValue: string }>;
  /** Multi-AZ layout: one entry per node. */
  InstanceNodeInfo?: unknown;
  NodeSet?: Array<{ NodeId?: number; NodeType: number; ZoneId?: number; ZoneName?: string }>;
  RegionId?: number;
  Region?: string;
  Engine?: string;
  Createtime?: string;
}

export interface ApiBackup {
  BackupId: string;
  StartTime: string;
  EndTime?: string;
  BackupType: string;
  Status: number;
  Locked: number;
  Remark?: string | null;
  InstanceId?: string;
  InstanceName?: string;
  Region?: string;
  FileType?: string;
  ExpireTime?: string;
  BackupSize?: number;
}

export interface ApiTaskInfo {
  Status: string;
  StartTime: string;
  /** Free text (the published example: "redis缓存清空流程"), not a code. */
  TaskType: string;
  InstanceId: string;
  TaskMessage?: string;
  RequestId: string;
}

export interface ApiTaskListItem {
  TaskId: number | string;
  /** A code string ("010" restore, "012" manual backup, "017" automatic backup), not a FLOW_ name. */
  TaskType: string;
  StartTime: string;
  Result: number;
  Progress?: number;
  InstanceId: string;
}

export interface DescribeInstancesRequest {
  InstanceId?: string;
  SearchKey?: string;
  Limit?: number;
  Offset?: number;
}
export interface DescribeInstancesResponse {
  TotalCount: number;
  InstanceSet: ApiInstance[];
  RequestId: string;
}

export interface DescribeInstanceBackupsRequest {
  InstanceId: string;
  Limit?: number;
  Offset?: number;
  BeginTime?: string;
  EndTime?: string;
  Status?: number[];
}
export interface DescribeInstanceBackupsResponse {
  TotalCount: number;
  BackupSet: ApiBackup[];
  RequestId: string;
}

export interface RestoreInstanceRequest {
  InstanceId: string;
  BackupId: string;
  Password?: string;
}
export interface RestoreInstanceResponse {
  /** The API documents an integer; an older sample shows a string of digits. */
  TaskId: number | string;
  RequestId: string;
}

export interface ManualBackupInstanceRequest {
  InstanceId: string;
  Remark?: string;
  StorageDays?: number;
}
export interface ManualBackupInstanceResponse {
  /** The SDK types an integer; the published example shows a string of digits ("6954227"). */
  TaskId: number | string;
  RequestId: string;
}

export interface DescribeTaskListRequest {
  InstanceId?: string;
  Limit?: number;
  Offset?: number;
  BeginTime?: string;
  EndTime?: string;
  TaskTypes?: string[];
}
export interface DescribeTaskListResponse {
  TotalCount: number;
  Tasks: ApiTaskListItem[];
  RequestId: string;
}

// ---- The clone route (Redis 4.0+ and Valkey): a new instance from a backup, then the address moved to it ----

export interface ResourceTag {
  TagKey: string;
  TagValue: string;
}

export interface CloneInstancesRequest {
  InstanceId: string;
  GoodsNum: number;
  ZoneId: number;
  BillingMode: number;
  Period: number;
  SecurityGroupIdList: string[];
  BackupId: string;
  NoAuth?: boolean;
  VpcId?: string;
  SubnetId?: string;
  InstanceName?: string;
  Password?: string;
  AutoRenew?: number;
  VPort?: number;
  NodeSet?: Array<{ NodeType: number; ZoneId?: number; ZoneName?: string }>;
  ProjectId?: number;
  ResourceTags?: ResourceTag[];
  TemplateId?: string;
  AlarmPolicyList?: string[];
  /** Second-level backup only: the second to restore, Beijing time `YYYY-MM-DD HH:MM:SS`. */
  CloneTime?: string;
  /** "local" or "localv2"; default: the source's. */
  ProductVersion?: string;
}
export interface CloneInstancesResponse {
  /** Deprecated; a 23-digit string in the published example: never a number. */
  DealId?: string;
  DealName?: string;
  InstanceIds: string[];
  RequestId: string;
}

export interface ModifyNetworkConfigRequest {
  InstanceId: string;
  /** changeVip: the VPC address (and port); changeVpc, changeBaseToVpc, changeVPort. */
  Operation: "changeVip" | "changeVpc" | "changeBaseToVpc" | "changeVPort";
  Vip?: string;
  VpcId?: string;
  SubnetId?: string;
  /** Days the old address is kept for the instance (0: released at once). */
  Recycle?: number;
  VPort?: number;
}
export interface ModifyNetworkConfigResponse {
  /** "Ignore it", says the API. */
  Status?: boolean;
  SubnetId?: string;
  VpcId?: string;
  Vip?: string;
  /** An integer in api.json and in the published example (10086). */
  TaskId?: number | string;
  RequestId: string;
}

export interface SecurityGroupRule {
  /** "ACCEPT" or "DROP". */
  Action: string;
  Ip: string;
  /** A string ("ALL", "6379"). */
  Port: string;
  Proto: string;
}
export interface DescribeInstanceSecurityGroupResponse {
  InstanceSecurityGroupsDetail: Array<{
    InstanceId: string;
    SecurityGroupDetails: Array<{
      SecurityGroupId: string;
      SecurityGroupName?: string;
      SecurityGroupRemark?: string;
      ProjectId?: number;
      CreateTime?: string;
      InboundRule?: SecurityGroupRule[];
      OutboundRule?: SecurityGroupRule[];
    }>;
  }>;
  RequestId: string;
}

export interface InquiryPriceCreateInstanceRequest {
  TypeId: number;
  MemSize: number;
  GoodsNum: number;
  Period: number;
  BillingMode: number;
  ZoneId?: number;
  ZoneName?: string;
  RedisShardNum?: number;
  RedisReplicasNum?: number;
  ReplicasReadonly?: boolean;
  ProductVersion?: string;
}
export interface InquiryPriceCreateInstanceResponse {
  Price?: number;
  HighPrecisionPrice?: number;
  OriginalPrice?: number;
  HighPrecisionOriginalPrice?: number;
  /** "CNY" or "USD". */
  Currency?: string;
  /** "pent" (0.01 of the currency) or "microPent". */
  AmountUnit?: string;
  RequestId: string;
}

export interface DescribeInstanceDealDetailRequest {
  DealIds?: string[];
  DealName?: string;
}
export interface ApiDealDetail {
  DealId?: string;
  DealName?: string;
  ZoneId?: number;
  GoodsNum?: number;
  Creater?: string;
  CreatTime?: string;
  OverdueTime?: string;
  EndTime?: string;
  /** 1 unpaid, 2 paid, 3 delivering, 4 delivered, 5 delivery failed, 6 refunded, 7 closed, 8 expired, 9 invalid, 10 product invalid, 11 payment refused, 12 paying. */
  Status: number;
  Description?: string;
  Price?: number;
  InstanceIds?: string[];
}
export interface DescribeInstanceDealDetailResponse {
  DealDetails: ApiDealDetail[];
  RequestId: string;
}

export interface DescribeSecondLevelBackupInfoRequest {
  InstanceId: string;
  /** Unix seconds, within the last 7 days. */
  BackupTimestamp?: number;
}
export interface DescribeSecondLevelBackupInfoResponse {
  BackupId: string;
  BackupTimestamp: number;
  /** null when nothing is missing (the published example). */
  MissingTimestamps: Array<{ StartTimeStamp: number; EndTimeStamp: number }> | null;
  /** The earliest second that can be restored. */
  StartTimestamp: number;
  RequestId: string;
}

export interface DestroyPostpaidInstanceRequest {
  InstanceId: string;
}
export interface DestroyPostpaidInstanceResponse {
  /** api.json types an integer; the published example answers a string of digits ("6954227"). */
  TaskId: number | string;
  RequestId: string;
}

export interface RedisApi {
  describeInstances(req: DescribeInstancesRequest, opts: CallOptions): Promise<DescribeInstancesResponse>;
  describeInstanceBackups(
    req: DescribeInstanceBackupsRequest,
    opts: CallOptions,
  ): Promise<DescribeInstanceBackupsResponse>;
  restoreInstance(req: RestoreInstanceRequest, opts: CallOptions): Promise<RestoreInstanceResponse>;
  manualBackupInstance(req: ManualBackupInstanceRequest, opts: CallOptions): Promise<ManualBackupInstanceResponse>;
  describeTaskInfo(req: { TaskId: number }, opts: CallOptions): Promise<ApiTaskInfo>;
  describeTaskList(req: DescribeTaskListRequest, opts: CallOptions): Promise<DescribeTaskListResponse>;
  cloneInstances(req: CloneInstancesRequest, opts: CallOptions): Promise<CloneInstancesResponse>;
  modifyNetworkConfig(req: ModifyNetworkConfigRequest, opts: CallOptions): Promise<ModifyNetworkConfigResponse>;
  describeInstanceSecurityGroup(
    req: { InstanceIds: string[] },
    opts: CallOptions,
  ): Promise<DescribeInstanceSecurityGroupResponse>;
  inquiryPriceCreateInstance(
    req: InquiryPriceCreateInstanceRequest,
    opts: CallOptions,
  ): Promise<InquiryPriceCreateInstanceResponse>;
  describeInstanceDealDetail(
    req: DescribeInstanceDealDetailRequest,
    opts: CallOptions,
  ): Promise<DescribeInstanceDealDetailResponse>;
  describeSecondLevelBackupInfo(
    req: DescribeSecondLevelBackupInfoRequest,
    opts: CallOptions,
  ): Promise<DescribeSecondLevelBackupInfoResponse>;
  /** Pay-as-you-go (BillingMode 0) instances only: isolates the instance; it goes offline later. */
  destroyPostpaidInstance(
    req: DestroyPostpaidInstanceRequest,
    opts: CallOptions,
  ): Promise<DestroyPostpaidInstanceResponse>;
  /**
   * This API as one tool call sees it: what its requests log goes to `log` (the call's logger: its caller, its
   * session), without a context carried through every promise.
   */
  forCall(log: Logger): RedisApi;
  /** Releases sockets (keep-alive pool). */
  close(): void;
}

/**
 * Every API action the server may call, and whether it changes nothing (then it is safe to resend after a
 * network error or a 5xx). The one list: tools declare which of these they call (`defineTool` `actions`), and
 * doctor's CAM report and the docs' CAM policies are derived from that.
 */
export const CLOUD_ACTIONS = {
  DescribeInstances: { readOnly: true },
  DescribeInstanceBackups: { readOnly: true },
  DescribeTaskInfo: { readOnly: true },
  DescribeTaskList: { readOnly: true },
  DescribeInstanceSecurityGroup: { readOnly: true },
  InquiryPriceCreateInstance: { readOnly: true },
  DescribeInstanceDealDetail: { readOnly: true },
  DescribeSecondLevelBackupInfo: { readOnly: true },
  RestoreInstance: { readOnly: false },
  ManualBackupInstance: { readOnly: false },
  CloneInstances: { readOnly: false },
  ModifyNetworkConfig: { readOnly: false },
  DestroyPostpaidInstance: { readOnly: false },
} as const satisfies Record<string, { readOnly: boolean }>;
export type CloudAction = keyof typeof CLOUD_ACTIONS;

/** Actions that change nothing: safe to resend after a network error or a 5xx. */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set(
  (Object.keys(CLOUD_ACTIONS) as CloudAction[]).filter((a) => CLOUD_ACTIONS[a].readOnly),
);
