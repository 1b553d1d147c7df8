import type { AuditRecord } from "../audit.js";
import { storedRecord } from "./stored-record.js";
import type { KnownTask, OperationLedger, TaskLedger } from "./types.js";

/** Tasks remembered at once in memory; the oldest go first beyond this. */
export const LEDGER_MAX_TASKS = 1000;
/** How long a task is remembered (in Redis by its TTL, in memory on reading). */
export const LEDGER_TTL_MS = 7 * 24 * 3600_000;

/** The task ledger in this process's memory: bounded, entries older than LEDGER_TTL_MS forgotten. */
export class MemoryLedger implements TaskLedger {
  private readonly tasks = new Map<string, KnownTask>();

  constructor(
    private readonly max = LEDGER_MAX_TASKS,
    private readonly now: () => number = Date.now,
  ) {}

  async remember(taskId: number, task: KnownTask): Promise<void> {
    this.set(taskId, task);
  }

  async get(taskId: number, region: string): Promise<KnownTask | undefined> {
    return this.peek(taskId, region);
  }

  set(taskId: number, task: KnownTask): void {
    const key = `${task.region}/${taskId}`;
    this.tasks.delete(key);
    while (this.tasks.size >= this.max) this.tasks.delete(this.tasks.keys().next().value as string);
    this.tasks.set(key, task);
  }

  peek(taskId: number, region: string): KnownTask | undefined {
    const key = `${region}/${taskId}`;
    const task = this.tasks.get(key);
    if (task && this.now() - task.startedAt > LEDGER_TTL_MS) {
      this.tasks.delete(key);
      return undefined;
    }
    return task;
  }
}

/** Only the ledger's own fields, so nothing else (and never a secret) is written or read back. */
export function ledgerFields(task: KnownTask): KnownTask {
  return {
    kind: task.kind,
    region: task.region,
    instanceId: task.instanceId,
    startedAt: task.startedAt,
    ...(task.remark === undefined ? {} : { remark: task.remark }),
    ...(task.backupType === undefined ? {} : { backupType: task.backupType }),
  };
}

/** A ledger entry read from the store, checked field by field; undefined when it is not one. */
export function parseLedgerEntry(text: string): KnownTask | undefined {
  const task = storedRecord<KnownTask>(
    text,
    ({ kind, region, instanceId, remark, backupType, startedAt }) =>
      (kind === "restore" || kind === "backup" || kind === "other") &&
      typeof region === "string" &&
      typeof instanceId === "string" &&
      typeof startedAt === "number" &&
      (remark === undefined || typeof remark === "string") &&
      (backupType === undefined || backupType === "0" || backupType === "1"),
  );
  return task && ledgerFields(task);
}

/** Operations remembered at once in memory (intents with their outcomes). */
export const OPERATIONS_MAX = 1000;

export interface OperationEntry {
  intent: AuditRecord;
  outcome?: AuditRecord;
}

/** The operations in this process's memory: bounded, the oldest settled ones go first. */
export class MemoryOperations implements OperationLedger {
  private readonly entries = new Map<string, OperationEntry>();

  async begin(intent: AuditRecord): Promise<void> {
    this.put({ intent });
  }

  async settle(outcome: AuditRecord): Promise<void> {
    const entry = outcome.operationId ? this.entries.get(outcome.operationId) : undefined;
    if (entry) entry.outcome = outcome;
  }

  async list(sinceMs: number): Promise<OperationEntry[]> {
    return [...this.entries.values()].filter((e) => !e.outcome || Date.parse(e.intent.time ?? "") >= sinceMs);
  }

  /** Adds (or replaces) an entry; beyond the bound the oldest settled entry goes. */
  put(entry: OperationEntry): void {
    const id = entry.intent.operationId ?? "";
    this.entries.delete(id);
    keepBounded(this.entries, id, entry, OPERATIONS_MAX);
  }
}

/** Sets `id` in a map of operations; at `max` entries the oldest settled one goes first (never one in doubt). */
export function keepBounded<T extends { outcome?: unknown }>(map: Map<string, T>, id: string, value: T, max: number): void {
  if (map.size >= max) {
    for (const [key, old] of map) {
      if (old.outcome) {
        map.delete(key);
        break;
      }
    }
  }
  map.set(id, value);
}
