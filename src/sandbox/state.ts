// The fake's in-memory model of Tencent Cloud Redis: instances, backups and tasks. Deterministic: the clock is
// injected and a task's status is derived from the time elapsed since it was created (no timers).

import { InstanceModel } from "./instances.js";
import {
  type Backup,
  type BackupBackend,
  type CloneBackend,
  type CloudStateOptions,
  DEFAULT_CLONE_MS,
  type Deal,
  type DestroyBackend,
  formatDay,
  type Instance,
  isFinal,
  type NetworkBackend,
  POSTPAID_OFFLINE_MS,
  type RestoreBackend,
  type Task,
} from "./model.js";

// the model's shapes, for the tests and tools that know the model by this module
export type { Backup, Instance, RestoreBackend } from "./model.js";
export { FIRST_TASK_ID, POSTPAID_OFFLINE_MS } from "./model.js";

/** The fake's model of Tencent Cloud Redis: instances, backups and network (instances.ts), tasks (tasks.ts), and here
 * restores, backups taken, clones and their orders, address moves, isolations, and how what finished is applied. */
export class CloudState extends InstanceModel {
  restoreBackend: RestoreBackend | undefined;
  backupBackend: BackupBackend | undefined;
  /** When set, every restore is followed at once by an automatic backup of the same instance (a newer task). */
  autoBackupOnRestore = false;
  cloneMs: number;
  cloneBackend: CloneBackend | undefined;
  networkBackend: NetworkBackend | undefined;
  destroyBackend: DestroyBackend | undefined;

  private readonly restoreOutcomes: { outcome: "failed" | "error"; message: string }[] = [];
  private readonly deliveryFailures: string[] = [];
  private readonly deals = new Map<string, Deal>();
  private nextDealSerial = 297_021_530_591_847;

  constructor(options: CloudStateOptions = {}) {
    super(options);
    this.restoreBackend = options.restoreBackend;
    this.backupBackend = options.backupBackend;
    this.autoBackupOnRestore = options.autoBackupOnRestore ?? false;
    this.cloneMs = options.cloneMs ?? DEFAULT_CLONE_MS;
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
  protected settle(): void {
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
}
