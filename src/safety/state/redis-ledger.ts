import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import { LEDGER_TTL_MS, ledgerFields, MemoryLedger, parseLedgerEntry } from "./ledger.js";
import type { RedisConnection } from "./redis-link.js";
import type { KnownTask, TaskLedger } from "./types.js";

/**
 * The task ledger in Redis, shared by every replica: one key per task (`<prefix>task:<region>:<taskId>`, a JSON
 * of the non-secret fields of KnownTask) kept LEDGER_TTL_MS. This process's own entries are also kept in memory,
 * so a Redis that is absent or slow only costs a DescribeTaskList lookup for tasks of other replicas. Never throws.
 */
export class RedisLedger implements TaskLedger {
  private readonly local = new MemoryLedger();

  constructor(
    private readonly link: RedisConnection,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  async remember(taskId: number, task: KnownTask): Promise<void> {
    const entry = ledgerFields(task);
    this.local.set(taskId, entry);
    if (!this.link.ready) return;
    try {
      const key = this.key(taskId, entry.region);
      await this.link.command(["SET", key, JSON.stringify(entry), "PX", String(LEDGER_TTL_MS)]);
    } catch (error) {
      this.failed("task_remember", error, taskId);
    }
  }

  async get(taskId: number, region: string): Promise<KnownTask | undefined> {
    const mine = this.local.peek(taskId, region);
    if (mine || !this.link.ready) return mine;
    try {
      const text = await this.link.command<string | null>(["GET", this.key(taskId, region)]);
      return text === null ? undefined : parseLedgerEntry(text);
    } catch (error) {
      this.failed("task_get", error, taskId);
      return undefined;
    }
  }

  private failed(operation: string, error: unknown, taskId: number): void {
    this.metrics.stateError(operation);
    this.log.warning("task ledger command failed; check_task looks the task up instead", {
      operation,
      taskId,
      reason: this.link.reason(error),
    });
  }

  private key(taskId: number, region: string): string {
    return `${this.prefix}task:${region}:${taskId}`;
  }
}
