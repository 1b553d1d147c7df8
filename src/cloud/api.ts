/**
 * The narrow interface the tools use to talk to Tencent Cloud Redis (API 2018-04-12). Field names are the
 * API's own; only the fields this server reads are typed. `client.ts` is the one implementation.
 */

export interface CallOptions {
  region: string;
  signal?: AbortSignal;
}

export interface ApiInstance {
  InstanceId: string;
  InstanceName: string;
  Status: number;
  NoAuth?: boolean;
  Type?: number;
  RegionId?: number;
  Region?: string;
  WanIp?: string;
  Port?: number;
  Engine?: string;
  Size?: number;
  Createtime?: string;
  ProductType?: string;
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
  /** Releases sockets (keep-alive pool). */
  close(): void;
}

/** Actions that change nothing: safe to resend after a network error or a 5xx. */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  "DescribeInstances",
  "DescribeInstanceBackups",
  "DescribeTaskInfo",
  "DescribeTaskList",
]);
