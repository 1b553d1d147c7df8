// The sandbox account: its credentials and the instances and backups the fake starts with ("default" seed).
// Nothing here is a real secret: the fake accepts these credentials and nothing else by default.

import type { Backup, CloudState, Instance } from "./state.js";
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

/** 36-character AKID-style SecretId, like a real one. */
export const SANDBOX_CREDENTIALS = {
  secretId: "AKIDSANDBOX0000000000000000000000000",
  secretKey: "sandbox-secret-key-not-a-real-key",
} as const satisfies SandboxCredential;

export const SANDBOX_REGION = "ap-guangzhou";
export const SANDBOX_OTHER_REGION = "ap-shanghai";

export const SANDBOX_INSTANCE_IDS = {
  /** "orders-cache", running, password-protected, ap-guangzhou. */
  orders: "crs-sbx1orde",
  /** "session-store", running, password-free (NoAuth), ap-guangzhou. */
  sessions: "crs-sbx2sess",
  /** "archive-legacy", isolated (Status -2), ap-guangzhou. */
  archive: "crs-sbx3arch",
  /** "reports-cluster", running cluster, ap-shanghai. */
  reports: "crs-sbx4rept",
} as const;

/** Password of each password-protected sandbox instance, by InstanceId. */
export const SANDBOX_PASSWORDS: Readonly<Record<string, string>> = {
  [SANDBOX_INSTANCE_IDS.orders]: "sandbox-orders-pass",
  [SANDBOX_INSTANCE_IDS.archive]: "sandbox-archive-pass",
  [SANDBOX_INSTANCE_IDS.reports]: "sandbox-reports-pass",
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
  const instances = [
    state.addInstance({
      InstanceId: ids.orders,
      InstanceName: "orders-cache",
      Region: SANDBOX_REGION,
      Status: 2,
      NoAuth: false,
      password: passwordOf(ids.orders),
      Type: 6,
      Engine: "Redis",
      Size: 2048,
      WanIp: "10.0.1.11",
      Port: 6379,
      Createtime: new Date(now - 120 * DAY_MS),
    }),
    state.addInstance({
      InstanceId: ids.sessions,
      InstanceName: "session-store",
      Region: SANDBOX_REGION,
      Status: 2,
      NoAuth: true,
      Type: 8,
      Engine: "Redis",
      Size: 1024,
      WanIp: "10.0.1.12",
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
      Type: 6,
      Engine: "Redis",
      Size: 512,
      WanIp: "10.0.1.13",
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
      Type: 7,
      Engine: "Redis",
      RedisShardNum: 3,
      Size: 3072,
      WanIp: "10.0.2.21",
      Port: 6379,
      Createtime: new Date(now - 30 * DAY_MS),
    }),
  ];
  const backups = [
    ...addBackupHistory(state, ids.orders, now),
    ...addBackupHistory(state, ids.sessions, now),
    ...addBackupHistory(state, ids.reports, now),
    state.addBackup({ InstanceId: ids.archive, StartTime: new Date(now - 3 * DAY_MS), BackupType: "1" }),
  ];
  return { instances, backups };
}
