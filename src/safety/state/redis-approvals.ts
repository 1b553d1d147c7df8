import type { StateConfig } from "../../config.js";
import {
  APPROVAL_RETENTION_MS,
  type Approval,
  type ApprovalBinding,
  type ApprovalStatus,
  type ApprovalStore,
  bindingKey,
  type DecideRefusal,
  type DecideResult,
  type Decision,
  type UseResult,
  withExpiry,
} from "./approvals.js";
import { APPROVAL_DECIDE, APPROVAL_USE } from "./scripts.js";

/** The part of RedisState an approval store needs: commands that fail closed (ClientError.StateUnavailable). */
export interface ApprovalLink {
  command<T>(operation: string, args: string[]): Promise<T>;
  eval<T>(operation: string, script: string, keys: string[], args: Array<string | number>): Promise<T>;
}

/** The fields a decision or a use changes; the rest of the record is written once, as JSON. */
const MUTABLE = ["status", "decidedBy", "decidedAt", "reason", "usedAt", "notification"] as const;
/** How many records the list reads at most (the newest). */
const LIST_MAX = 200;

/**
 * Approval records in Redis, shared by every replica and the `approvals` command line: one hash per approval
 * (`<prefix>approval:<id>`, kept until a day after its expiry) and a sorted set of IDs by creation. A decision and
 * a use are Lua scripts (APPROVAL_DECIDE, APPROVAL_USE): of any number of concurrent attempts, on any replica,
 * exactly one gets past.
 */
export class RedisApprovals implements ApprovalStore {
  constructor(
    private readonly link: ApprovalLink,
    private readonly state: Pick<StateConfig, "prefix">,
  ) {}

  async create(a: Approval): Promise<void> {
    const { status, decidedBy, decidedAt, reason, usedAt, notification, ...fixed } = a;
    const keepMs = Math.max(1, a.expiresAt - Date.now()) + APPROVAL_RETENTION_MS;
    const fields = ["record", JSON.stringify(fixed), "status", status, "requester", a.requester];
    fields.push("expiresAt", String(a.expiresAt), "binding", bindingKey(a));
    await this.link.command("approval_create", ["HSET", this.key(a.id), ...fields]);
    await this.link.command("approval_create", ["PEXPIRE", this.key(a.id), String(keepMs)]);
    await this.link.command("approval_create", ["ZADD", this.index(), String(a.createdAt), a.id]);
    await this.link.command("approval_create", [
      "ZREMRANGEBYSCORE",
      this.index(),
      "-inf",
      String(Date.now() - APPROVAL_RETENTION_MS - 7 * 86_400_000),
    ]);
  }

  async get(id: string): Promise<Approval | undefined> {
    const values = await this.link.command<Array<string | null>>("approval_get", [
      "HMGET",
      this.key(id),
      "record",
      ...MUTABLE,
    ]);
    return this.parse(values);
  }

  async list(): Promise<Approval[]> {
    const ids = await this.link.command<string[]>("approval_list", [
      "ZRANGE",
      this.index(),
      "+inf",
      "-inf",
      "BYSCORE",
      "REV",
      "LIMIT",
      "0",
      String(LIST_MAX),
    ]);
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((a): a is Approval => a !== undefined);
  }

  async decide(id: string, decision: Decision, by: string, reason?: string): Promise<DecideResult> {
    const status = decision === "approve" ? "approved" : "denied";
    const answer = await this.link.eval<string>("approval_decide", APPROVAL_DECIDE, [this.key(id)], [status, by, reason ?? ""]);
    const approval = await this.get(id);
    if (answer === "ok" && approval) return { ok: true, approval };
    const why = (answer === "ok" ? "unknown" : answer) as DecideRefusal;
    return approval ? { ok: false, why, approval } : { ok: false, why };
  }

  async use(id: string, binding: ApprovalBinding): Promise<UseResult> {
    const answer = await this.link.eval<string>("approval_use", APPROVAL_USE, [this.key(id)], [bindingKey(binding)]);
    if (answer !== "ok") return { ok: false, why: answer as "unknown" | "expired" | "mismatch" | ApprovalStatus };
    const approval = await this.get(id);
    if (!approval) return { ok: false, why: "unknown" };
    return { ok: true, approval };
  }

  async noteNotification(id: string, notification: NonNullable<Approval["notification"]>): Promise<void> {
    await this.link.command("approval_note", ["HSET", this.key(id), "notification", notification]);
  }

  private parse(values: Array<string | null>): Approval | undefined {
    const [record, ...mutable] = values;
    if (!record) return undefined;
    const a = JSON.parse(record) as Approval;
    MUTABLE.forEach((field, i) => {
      const value = mutable[i];
      if (value === null || value === undefined) return;
      if (field === "decidedAt" || field === "usedAt") a[field] = Number(value);
      else Object.assign(a, { [field]: value });
    });
    return withExpiry(a, Date.now());
  }

  private key(id: string): string {
    return `${this.state.prefix}approval:${id}`;
  }

  private index(): string {
    return `${this.state.prefix}approvals`;
  }
}
