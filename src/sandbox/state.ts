// The fake's in-memory model of Tencent Cloud Redis: instances, backups and tasks. Deterministic: the clock is
// injected and a task's status is derived from the time elapsed since it was created (no timers).

export type InstanceStatus = 0 | 1 | 2 | -2 | -3;
export type BackupStatus = 1 | 2 | -1 | 3 | 4;
export type TaskType = "FLOW_RESTOREBACKUP" | "FLOW_BACKUPINSTANCE" | "FLOW_AUTOBACKUP";

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
};
export const TASK_TYPE_LABELS: Readonly<Record<TaskType, string>> = {
  FLOW_RESTOREBACKUP: "redis备份恢复流程",
  FLOW_BACKUPINSTANCE: "redis手动备份流程",
  FLOW_AUTOBACKUP: "redis自动备份流程",
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
  /** e.g. 6 = Redis 4.0 standard, 7 = Redis 4.0 cluster, 8 = Redis 5.0 standard. */
  Type: number;
  Engine: string;
  RedisShardNum?: number;
  /** MB. */
  Size: number;
  WanIp: string;
  Port: number;
  Createtime: Date;
  /** DescribeInstances' InstanceTags (InstanceTagInfo: TagKey, TagValue). */
  InstanceTags?: Array<{ TagKey: string; TagValue: string }>;
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
}

/** Makes a restore real, e.g. by loading the backup into a redis-server. Reject to fail the task. */
export interface RestoreBackend {
  restore(instance: Instance, backup: Backup, password: string | undefined): Promise<void>;
}

/** Takes the data of a new manual backup, e.g. by saving a redis-server's RDB. Reject to fail the backup. */
export interface BackupBackend {
  snapshot(instance: Instance, backup: Backup): Promise<void>;
}

export interface CloudStateOptions {
  now?: () => number;
  preparingMs?: number;
  runningMs?: number;
  restoreBackend?: RestoreBackend;
  backupBackend?: BackupBackend;
  /** Follow every restore with an automatic backup of the same instance (see CloudState.autoBackupOnRestore). */
  autoBackupOnRestore?: boolean;
}

export const FIRST_TASK_ID = 1_000_001;
export const DEFAULT_PREPARING_MS = 1000;
export const DEFAULT_RUNNING_MS = 3000;
/** The (fake) account's APPID, part of backup ids as on the real service ("<appid>-<n>-<unix time>"). */
export const FAKE_APPID = 1250000000;
const BACKUP_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

const isFinal = (s: TaskStatus): s is TaskOutcome => s === "succeed" || s === "failed" || s === "error";

export class CloudState {
  readonly now: () => number;
  preparingMs: number;
  runningMs: number;
  restoreBackend: RestoreBackend | undefined;
  backupBackend: BackupBackend | undefined;
  /** When set, every restore is followed at once by an automatic backup of the same instance (a newer task). */
  autoBackupOnRestore = false;

  private readonly instances = new Map<string, Instance>();
  private readonly backups = new Map<string, Backup>();
  private readonly tasks = new Map<number, Task>();
  private nextTaskId = FIRST_TASK_ID;
  private nextInstanceSerial = 1;
  private nextBackupSerial = 8_362_901;
  private readonly restoreOutcomes: { outcome: "failed" | "error"; message: string }[] = [];

  constructor(options: CloudStateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.preparingMs = options.preparingMs ?? DEFAULT_PREPARING_MS;
    this.runningMs = options.runningMs ?? DEFAULT_RUNNING_MS;
    this.restoreBackend = options.restoreBackend;
    this.backupBackend = options.backupBackend;
    this.autoBackupOnRestore = options.autoBackupOnRestore ?? false;
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
      Type: 6,
      Engine: "Redis",
      Size: 1024,
      WanIp: `10.0.0.${serial % 250}`,
      Port: 6379,
      Createtime: new Date(this.now()),
      ...partial,
    };
    if (this.instances.has(instance.InstanceId)) throw new Error(`instance ${instance.InstanceId} already exists`);
    this.instances.set(instance.InstanceId, instance);
    return instance;
  }

  /** The instance, optionally only if it lives in `region`. */
  getInstance(instanceId: string, region?: string): Instance | undefined {
    const instance = this.instances.get(instanceId);
    return instance && (region === undefined || instance.Region === region) ? instance : undefined;
  }

  listInstances(region?: string): Instance[] {
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

  private track(task: Task, run: () => Promise<void> | undefined): void {
    const backend: { settled: boolean; settledAt?: number } = { settled: false };
    task.backend = backend;
    const settle = (error?: unknown): void => {
      backend.settled = true;
      backend.settledAt = this.now();
      if (error !== undefined) {
        task.outcome = "failed";
        task.message = error instanceof Error ? error.message : String(error);
      }
    };
    try {
      Promise.resolve(run()).then(
        () => settle(),
        (error: unknown) => settle(error ?? "restore failed"),
      );
    } catch (error) {
      settle(error ?? "restore failed");
    }
  }
}
