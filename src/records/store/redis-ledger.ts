import { LEDGER_TTL_MS, ledgerFields, MemoryLedger, parseLedgerEntry } from "./memory-ledger.js";
import type { AuditRecord } from "../audit.js";
import type { RedisConnection } from "./redis-link.js";
import { OP_BEGIN, OP_LIST, OP_SETTLE } from "./scripts.js";
import { storedRecord } from "./stored-record.js";
import { type KnownTask, type OperationLedger, stateUnavailable, type TaskLedger } from "./types.js";

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
    this.link.commandFailed(operation, error, "task ledger command failed; check_task looks the task up instead", { taskId });
  }

  private key(taskId: number, region: string): string {
    return `${this.prefix}task:${region}:${taskId}`;
  }
}

/** How long an operation is kept in Redis (its intent and its outcome). */
const OPERATION_TTL_MS = LEDGER_TTL_MS;
/** At most this many operations are read back at once. */
const OPERATIONS_READ = 200;

/**
 * The write-ahead operations in Redis, shared by every replica (docs/crash-safety.md): `<prefix>op:<id>` (the intent) and
 * `<prefix>op:<id>:outcome`, the set `<prefix>ops:indoubt` of those without an outcome, and `<prefix>ops:recent`
 * (by intent time). Only audit records are stored: never a secret.
 */
export class RedisOperations implements OperationLedger {
  constructor(
    private readonly link: RedisConnection,
    private readonly prefix: string,
  ) {}

  async begin(intent: AuditRecord): Promise<void> {
    const id = intent.operationId ?? "";
    const ms = Date.parse(intent.time ?? "") || Date.now();
    if (!this.link.ready) throw stateUnavailable(this.link.why);
    try {
      await this.link.eval(
        OP_BEGIN,
        [this.key(id), `${this.prefix}ops:indoubt`, `${this.prefix}ops:recent`],
        [id, JSON.stringify(intent), ms, OPERATION_TTL_MS],
      );
    } catch (error) {
      this.failed("operation_begin", error, id);
      throw stateUnavailable("a Redis command failed; the server's log names the cause");
    }
  }

  async settle(outcome: AuditRecord): Promise<void> {
    const id = outcome.operationId ?? "";
    if (!this.link.ready) return;
    try {
      await this.link.eval(
        OP_SETTLE,
        [`${this.key(id)}:outcome`, `${this.prefix}ops:indoubt`],
        [id, JSON.stringify(outcome), OPERATION_TTL_MS],
      );
    } catch (error) {
      this.failed("operation_settle", error, id);
    }
  }

  async list(sinceMs: number): Promise<Array<{ intent: AuditRecord; outcome?: AuditRecord }>> {
    if (!this.link.ready) return [];
    try {
      const flat = await this.link.eval<string[]>(
        OP_LIST,
        [`${this.prefix}ops:indoubt`, `${this.prefix}ops:recent`],
        [this.key(""), Math.floor(sinceMs), OPERATIONS_READ],
      );
      const entries: Array<{ intent: AuditRecord; outcome?: AuditRecord }> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const intent = parseRecord(flat[i] ?? "");
        const outcome = parseRecord(flat[i + 1] ?? "");
        if (intent) entries.push(outcome ? { intent, outcome } : { intent });
      }
      return entries;
    } catch (error) {
      this.failed("operation_list", error, "");
      return [];
    }
  }

  private failed(operation: string, error: unknown, operationId: string): void {
    this.link.commandFailed(operation, error, "operation ledger command failed", { operationId });
  }

  private key(operationId: string): string {
    return `${this.prefix}op:${operationId}`;
  }
}

function parseRecord(text: string): AuditRecord | undefined {
  return storedRecord<AuditRecord>(text, (r) => typeof r.operationId === "string" && typeof r.instanceId === "string");
}
