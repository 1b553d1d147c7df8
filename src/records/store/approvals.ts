// Approval records (docs/approval.md): the types every store shares, and the store in this process's memory. The Redis
// store (redis-approvals.ts) follows the same rules in Lua, so that a decision and a use are atomic across replicas.

/** pending: waiting for an approver; approved / denied: decided; used: the change ran; expired: not used in time. */
export const APPROVAL_STATUSES = ["pending", "approved", "denied", "used", "expired"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What an approval is bound to: it is good for exactly this change, asked for by exactly this caller. */
export interface ApprovalBinding {
  /** The caller who asked (token:<name>, oauth:<sub>, anonymous, local): never its own approver. */
  requester: string;
  /** The tool that runs the change (restore_instance, switch_address). */
  tool: string;
  region: string;
  instanceId: string;
  /** The backup restored, when the change restores one. */
  backupId?: string;
  /** The point in time restored to (ISO 8601), when the change restores to one. */
  pointInTime?: string;
  /** How the change is made (restore_instance: in_place or clone; switch_address: its own word). */
  method: string;
}

/** One approval request and what became of it. Never holds a secret. */
export interface Approval extends ApprovalBinding {
  /** `ap_` and 32 random characters: unguessable. */
  id: string;
  status: ApprovalStatus;
  createdAt: number;
  expiresAt: number;
  instanceName: string;
  /** The plan shown to the approver (the fields of a confirmation_required answer), as JSON. */
  plan: Record<string, unknown>;
  /**
   * The operation of an earlier identical change, within the dedup window (docs/crash-safety.md), that the plan named: once
   * approved, the change is sent again deliberately (as a fresh token plan naming it allows), not answered as its repeat.
   */
  acknowledges?: string;
  decidedBy?: string;
  decidedAt?: number;
  reason?: string;
  usedAt?: number;
  /** Whether the webhook was told: sent, failed (after its retries) or none (no webhook configured). */
  notification?: "sent" | "failed" | "none";
}

export type Decision = "approve" | "deny";

/** A decision refused: unknown ID, the requester approving itself, already decided (or used), expired. */
export type DecideRefusal = "unknown" | "self" | "decided" | "expired";
export type DecideResult = { ok: true; approval: Approval } | { ok: false; why: DecideRefusal; approval?: Approval };

/** A use refused: unknown, not (or no longer) approved, expired, or another change than the one approved. */
export type UseResult = { ok: true; approval: Approval } | { ok: false; why: "unknown" | "expired" | "mismatch" | ApprovalStatus };

/** Approval records: in memory (one process) or Redis (every replica, and the `approvals` command line). */
export interface ApprovalStore {
  create(approval: Approval): Promise<void>;
  /** The record, its status `expired` once pending or approved past expiresAt; undefined when unknown (or forgotten). */
  get(id: string): Promise<Approval | undefined>;
  /** Every record still kept (until a day after its expiry), newest first. */
  list(): Promise<Approval[]>;
  /** pending -> approved or denied, atomically, unless expired or `by` is the requester. */
  decide(id: string, decision: Decision, by: string, reason?: string): Promise<DecideResult>;
  /** approved -> used, atomically (one use, whatever the number of replicas), only for exactly `binding`. */
  use(id: string, binding: ApprovalBinding): Promise<UseResult>;
  /** Records whether the webhook was told. */
  noteNotification(id: string, notification: NonNullable<Approval["notification"]>): Promise<void>;
}

/** Records kept in memory at most; the oldest go first beyond this (each request costs a preflight: bound it). */
const MAX_IN_MEMORY = 1000;

/** How long a record is kept after it expires (to show it, and for the CLI's list). */
export const APPROVAL_RETENTION_MS = 24 * 3600_000;

/** The binding as one string, fields in a fixed order: what a use is compared with. */
export function bindingKey(b: ApprovalBinding): string {
  return JSON.stringify([b.requester, b.tool, b.region, b.instanceId, b.backupId ?? "", b.pointInTime ?? "", b.method]);
}

/** The status as of `now`: pending and approved records expire. */
export function withExpiry(a: Approval, now: number): Approval {
  if ((a.status === "pending" || a.status === "approved") && now >= a.expiresAt) return { ...a, status: "expired" };
  return a;
}

/** The approval records in this process's memory. */
export class MemoryApprovals implements ApprovalStore {
  private readonly records = new Map<string, Approval>();

  constructor(private readonly now: () => number = Date.now) {}

  async create(approval: Approval): Promise<void> {
    this.forget();
    while (this.records.size >= MAX_IN_MEMORY) this.records.delete(this.records.keys().next().value as string);
    this.records.set(approval.id, { ...approval });
  }

  async get(id: string): Promise<Approval | undefined> {
    const found = this.records.get(id);
    return found ? withExpiry({ ...found }, this.now()) : undefined;
  }

  async list(): Promise<Approval[]> {
    this.forget();
    const now = this.now();
    return [...this.records.values()].map((a) => withExpiry({ ...a }, now)).sort((a, b) => b.createdAt - a.createdAt);
  }

  async decide(id: string, decision: Decision, by: string, reason?: string): Promise<DecideResult> {
    const found = this.records.get(id);
    if (!found) return { ok: false, why: "unknown" };
    const now = this.now();
    if (found.status !== "pending") return { ok: false, why: "decided", approval: withExpiry({ ...found }, now) };
    if (now >= found.expiresAt) return { ok: false, why: "expired", approval: withExpiry({ ...found }, now) };
    if (found.requester === by) return { ok: false, why: "self", approval: { ...found } };
    Object.assign(found, { status: decision === "approve" ? "approved" : "denied", decidedBy: by, decidedAt: now });
    if (reason !== undefined) found.reason = reason;
    return { ok: true, approval: { ...found } };
  }

  async use(id: string, binding: ApprovalBinding): Promise<UseResult> {
    const found = this.records.get(id);
    if (!found) return { ok: false, why: "unknown" };
    const now = this.now();
    if (found.status !== "approved") return { ok: false, why: found.status };
    if (now >= found.expiresAt) return { ok: false, why: "expired" };
    if (bindingKey(found) !== bindingKey(binding)) return { ok: false, why: "mismatch" };
    Object.assign(found, { status: "used", usedAt: now });
    return { ok: true, approval: { ...found } };
  }

  async noteNotification(id: string, notification: NonNullable<Approval["notification"]>): Promise<void> {
    const found = this.records.get(id);
    if (found) found.notification = notification;
  }

  /** Drops what expired more than a day ago (a plan costs nothing: bound the memory). */
  private forget(): void {
    const now = this.now();
    for (const [id, a] of this.records) if (a.expiresAt + APPROVAL_RETENTION_MS <= now) this.records.delete(id);
  }
}
