// The fake's tasks: created with the time they prepare and run, their status derived from the clock (no timers),
// and the backends (real data) a task or an order waits for.

import {
  DEFAULT_PREPARING_MS,
  DEFAULT_RUNNING_MS,
  FIRST_TASK_ID,
  isFinal,
  type Task,
  type TaskStatus,
  type TaskType,
} from "./model.js";

/** The tasks of the model, and the clock they run on. */
export class TaskModel {
  readonly now: () => number;
  preparingMs: number;
  runningMs: number;
  protected readonly tasks = new Map<number, Task>();
  private nextTaskId = FIRST_TASK_ID;

  constructor(options: { now?: () => number; preparingMs?: number; runningMs?: number }) {
    this.now = options.now ?? Date.now;
    this.preparingMs = options.preparingMs ?? DEFAULT_PREPARING_MS;
    this.runningMs = options.runningMs ?? DEFAULT_RUNNING_MS;
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

  protected newTask(instanceId: string, type: TaskType, preparingMs: number, runningMs: number): Task {
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

  protected track(task: Task, run: () => Promise<unknown> | undefined): void {
    this.trackSettle(task, run, "failed");
  }

  /** Runs a backend for a task or an order: it stays unfinished until the backend settles; a rejection fails it. */
  protected trackSettle(
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
