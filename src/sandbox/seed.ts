// The sandbox account: its credentials and the instances and backups the fake starts with ("default" seed).
// Nothing here is a real secret: the fake accepts these credentials and nothing else by default.

import type { Backup, Instance } from "./model.js";
import type { CloudState } from "./state.js";
import { DAY_MS, HOUR_MS } from "./time.js";

export interface SandboxCredential {
  secretId: string;
  secretKey: string;
  token?: string;
  /** Temporary credentials: refused with AuthFailure.TokenFailure after this time (ms, the fake's clock). */
  expiresAt?: number;
  /** Actions CAM denies to this key (scenario), answered with `deniedCode`. */
  denied?: readonly string[];
  /** Default AuthFailure.UnauthorizedOperation. */
  deniedCode?: string;
}

/** The sandbox account's credentials (kept with the configuration, which recognises them). */
export { SANDBOX_CREDENTIALS } from "../config/sandbox.js";

export const SANDBOX_REGION = "ap-guangzhou";
export const SANDBOX_OTHER_REGION = "ap-shanghai";

export const SANDBOX_INSTANCE_IDS = {
  /** "orders-cache", Redis 2.8 standard (Type 2, restored in place), running, password-protected, ap-guangzhou. */
  orders: "crs-sbx1orde",
  /** "session-store", Redis 2.8 standalone (Type 5, in place), running, password-free (NoAuth), ap-guangzhou. */
  sessions: "crs-sbx2sess",
  /** "archive-legacy", Redis 5.0 standard (Type 8), isolated (Status -2), ap-guangzhou. */
  archive: "crs-sbx3arch",
  /** "reports-cluster", CKV 3.2 cluster (Type 4, in place), 3 shards, running, ap-shanghai. */
  reports: "crs-sbx4rept",
  /**
   * "catalog-v62", Redis 6.2 standard (Type 15, restored by clone), running, password-protected, second-level
   * backup (BackupMode SecondLevelBackup: point in time), tagged, ap-guangzhou.
   */
  catalog: "crs-sbx5cat6",
  /** "events-v70", Redis 7.0 cluster (Type 18, by clone), 2 shards, multi-AZ (NodeSet), NoAuth, project 1001. */
  events: "crs-sbx6evt7",
} as const;

/** Password of each password-protected sandbox instance, by InstanceId. */
export const SANDBOX_PASSWORDS: Readonly<Record<string, string>> = {
  [SANDBOX_INSTANCE_IDS.orders]: "sandbox-orders-pass",
  [SANDBOX_INSTANCE_IDS.archive]: "sandbox-archive-pass",
  [SANDBOX_INSTANCE_IDS.reports]: "sandbox-reports-pass",
  [SANDBOX_INSTANCE_IDS.catalog]: "Sandbox-Catalog-62",
};

/**
 * The keys the sandbox writes into each running instance's redis-server, by InstanceId, oldest generation first.
 * The newest backup holds the last generation (which is also the live data), the backup before it the one
 * before, and so on; older backups hold the first. Restoring an older backup visibly changes the data.
 */
export const SANDBOX_DATA: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>> = {
  [SANDBOX_INSTANCE_IDS.orders]: [
    {
      "orders:1001": '{"customer":"alice","total":"42.00","status":"paid"}',
      "orders:1002": '{"customer":"bob","total":"17.50","status":"paid"}',
      "orders:count": "2",
    },
    {
      "orders:1001": '{"customer":"alice","total":"42.00","status":"shipped"}',
      "orders:1002": '{"customer":"bob","total":"17.50","status":"paid"}',
      "orders:1003": '{"customer":"carol","total":"99.90","status":"paid"}',
      "orders:count": "3",
    },
  ],
  [SANDBOX_INSTANCE_IDS.sessions]: [
    { "session:alice": "cart=3;lang=en" },
    { "session:alice": "cart=1;lang=en", "session:bob": "cart=0;lang=zh" },
  ],
  [SANDBOX_INSTANCE_IDS.catalog]: [
    { "product:1": '{"name":"lamp","price":"19.90"}', "product:count": "1" },
    {
      "product:1": '{"name":"lamp","price":"19.90"}',
      "product:2": '{"name":"desk","price":"149.00"}',
      "product:count": "2",
    },
  ],
  [SANDBOX_INSTANCE_IDS.events]: [
    { "event:1": "signup alice" },
    { "event:1": "signup alice", "event:2": "signup bob" },
  ],
  [SANDBOX_INSTANCE_IDS.reports]: [
    { "report:2024-06-01": "visits=1200" },
    { "report:2024-06-01": "visits=1200", "report:2024-06-02": "visits=1350" },
  ],
};

function passwordOf(instanceId: string): string {
  const password = SANDBOX_PASSWORDS[instanceId];
  if (password === undefined) throw new Error(`no sandbox password for ${instanceId}`);
  return password;
}

/**
 * The usual backup history of a running instance, relative to `now`: a manual backup 1 h ago, automatic
 * ones 1 day ago (normal), 2 days ago (locked by another task) and 8 days ago (expired).
 */
function addBackupHistory(state: CloudState, instanceId: string, now: number): Backup[] {
  const at = (ago: number): Date => new Date(now - ago);
  return [
    state.addBackup({ InstanceId: instanceId, StartTime: at(HOUR_MS), BackupType: "0", Remark: "before release 2.3" }),
    state.addBackup({ InstanceId: instanceId, StartTime: at(DAY_MS), BackupType: "1", Remark: "" }),
    state.addBackup({
      InstanceId: instanceId,
      StartTime: at(2 * DAY_MS),
      BackupType: "1",
      Status: 1,
      Locked: 1,
      Remark: "",
    }),
    state.addBackup({
      InstanceId: instanceId,
      StartTime: at(8 * DAY_MS),
      BackupType: "1",
      Status: -1,
      Remark: "",
      ExpireTime: at(DAY_MS),
    }),
  ];
}

/** Fills `state` with the default sandbox account. Times are relative to the state's clock. */
export function seedDefault(state: CloudState): { instances: Instance[]; backups: Backup[] } {
  const now = state.now();
  const ids = SANDBOX_INSTANCE_IDS;
  const net = state.networkBase;
  const instances = [
    state.addInstance({
      InstanceId: ids.orders,
      InstanceName: "orders-cache",
      Region: SANDBOX_REGION,
      Status: 2,
      NoAuth: false,
      password: passwordOf(ids.orders),
      Type: 2,
      Engine: "Redis",
      Size: 2048,
      WanIp: `${net}.1.11`,
      Port: 6379,
      Createtime: new Date(now - 120 * DAY_MS),
      Tags: [{ TagKey: "team", TagValue: "shop" }],
    }),
    state.addInstance({
      InstanceId: ids.sessions,
      InstanceName: "session-store",
      Region: SANDBOX_REGION,
      Status: 2,
      NoAuth: true,
      Type: 5,
      Engine: "Redis",
      Size: 1024,
      WanIp: `${net}.1.12`,
      Port: 6379,
      Createtime: new Date(now - 60 * DAY_MS),
    }),
    state.addInstance({
      InstanceId: ids.archive,
      InstanceName: "archive-legacy",
      Region: SANDBOX_REGION,
      Status: -2,
      NoAuth: false,
      password: passwordOf(ids.archive),
      Type: 8,
      Engine: "Redis",
      Size: 512,
      WanIp: `${net}.1.13`,
      Port: 6379,
      Createtime: new Date(now - 400 * DAY_MS),
    }),
    state.addInstance({
      InstanceId: ids.reports,
      InstanceName: "reports-cluster",
      Region: SANDBOX_OTHER_REGION,
      Status: 2,
      NoAuth: false,
      password: passwordOf(ids.reports),
      Type: 4,
      Engine: "CKV",
      RedisShardNum: 3,
      Size: 3072,
      WanIp: `${net}.3.21`,
      Port: 6379,
      Createtime: new Date(now - 30 * DAY_MS),
      ZoneId: 200002,
      UniqSubnetId: "subnet-sbx00003",
      SecurityGroupIds: ["sg-sbx00003"],
    }),
    state.addInstance({
      InstanceId: ids.catalog,
      InstanceName: "catalog-v62",
      Region: SANDBOX_REGION,
      Status: 2,
      NoAuth: false,
      password: passwordOf(ids.catalog),
      Type: 15,
      Engine: "Redis",
      Size: 4096,
      WanIp: `${net}.1.14`,
      Port: 6379,
      Createtime: new Date(now - 90 * DAY_MS),
      Tags: [
        { TagKey: "team", TagValue: "catalog" },
        { TagKey: "env", TagValue: "prod" },
      ],
      SecurityGroupIds: ["sg-sbx00001", "sg-sbx00002"],
      BackupMode: "SecondLevelBackup",
      // second-level backup covers the time since the sandbox started: what its redis-server really recorded
      secondLevelSince: now,
    }),
    state.addInstance({
      InstanceId: ids.events,
      InstanceName: "events-v70",
      Region: SANDBOX_REGION,
      Status: 2,
      NoAuth: true,
      Type: 18,
      Engine: "Redis",
      // a cluster's shard count is one of those CreateInstances and InquiryPriceCreateInstance accept (1, 3, 5, 8, …)
      RedisShardNum: 3,
      RedisReplicasNum: 1,
      Size: 3072,
      WanIp: `${net}.1.15`,
      Port: 6380,
      Createtime: new Date(now - 45 * DAY_MS),
      ProjectId: 1001,
      Tags: [{ TagKey: "team", TagValue: "data" }],
      NodeSet: [
        { NodeId: 0, NodeType: 0, ZoneId: 100003, ZoneName: "ap-guangzhou-3" },
        { NodeId: 1, NodeType: 1, ZoneId: 100004, ZoneName: "ap-guangzhou-4" },
      ],
    }),
  ];
  const backups = [
    ...addBackupHistory(state, ids.orders, now),
    ...addBackupHistory(state, ids.sessions, now),
    ...addBackupHistory(state, ids.reports, now),
    ...addBackupHistory(state, ids.catalog, now),
    ...addBackupHistory(state, ids.events, now),
    state.addBackup({ InstanceId: ids.archive, StartTime: new Date(now - 3 * DAY_MS), BackupType: "1" }),
  ];
  return { instances, backups };
}
