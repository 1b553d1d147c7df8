import { randomBytes } from "node:crypto";
import type { ApiInstance } from "../cloud/api.js";
import { CloudError } from "../cloud/errors.js";
import type { Config } from "../config/index.js";
import { messages } from "../i18n/index.js";
import type { Logger } from "../base/log.js";
import type { Metrics } from "../base/metrics.js";
import { type ApprovalNotice, noticeOf, sendWebhook } from "./webhook.js";
import type { AuditLog } from "../records/audit.js";
import type { Approval, ApprovalBinding, ApprovalStore, DecideResult, Decision } from "../records/store/approvals.js";
import { isoTime } from "../cloud/views.js";

export const APPROVAL_ID_RE = /^ap_[A-Za-z0-9_-]{32}$/;
/** The longest wait a call may ask for (waitSeconds), and how often the record is read meanwhile. */
export const MAX_APPROVAL_WAIT_SECONDS = 300;
const POLL_MS = 500;

/** The outcomes counted by tcrmcp_approvals_total. */
export type ApprovalOutcome = "requested" | "approved" | "denied" | "used" | "pending" | "invalid" | "expired";

/** Who decides: the caller's ID and whether it holds redis:approve (HTTP), or the command line's person. */
export interface Approver {
  id: string;
  mayApprove: boolean;
}

const invalid = (message: string) =>
  new CloudError("ClientError.ApprovalInvalid", `${message} Nothing was sent.`, { notSent: true });

/**
 * The one approval gate (docs/approval.md) every destructive tool goes through when an approval is needed: the approval
 * mode (TENCENTCLOUD_REDIS_CONFIRM=approval) or the tag policy (TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS). A tool
 * calls `required`, then `request` (first call: records the plan, tells the approvers, nothing is sent) or
 * `await` (a call with approvalId: pending, denied, invalid or approved), and right before sending, `use`.
 * Approvers decide through `decide` (HTTP routes, page, command line): never the requester.
 */
export class ApprovalGate {
  constructor(
    private readonly config: Config,
    readonly store: ApprovalStore,
    private readonly audit: AuditLog,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Whether a change of this instance needs an approval: the mode, or one of its tags in the policy. */
  required(instance: Pick<ApiInstance, "InstanceTags">): boolean {
    if (this.config.confirmMode === "approval") return true;
    const tags = instance.InstanceTags ?? [];
    return this.config.approval.forTags.some((p) => tags.some((t) => t.TagKey === p.key && t.TagValue === p.value));
  }

  /** Whether an approval may be needed at all (the tool then offers approvalId). */
  get inUse(): boolean {
    return this.config.confirmMode === "approval" || this.config.approval.forTags.length > 0;
  }

  /** The HTTP listener's own MCP URL, once it listens (the page is served there). */
  private listenerUrl: string | undefined;

  /** The HTTP listener tells where it serves: without TENCENTCLOUD_REDIS_PUBLIC_URL the page's links use it. */
  servedAt(mcpUrl: string): void {
    this.listenerUrl = mcpUrl;
  }

  /**
   * The page of an approval, from TENCENTCLOUD_REDIS_PUBLIC_URL's origin (and its path's base, behind a proxy),
   * else from the HTTP listener's own address; none over stdio.
   */
  link(id: string): string | undefined {
    const from = this.config.publicUrl ?? this.listenerUrl;
    if (!from) return undefined;
    const url = new URL(from);
    const base = url.pathname.replace(/\/mcp\/?$/, "").replace(/\/$/, "");
    return `${url.origin}${base}/approvals/${id}`;
  }

  /** Whether the approvals command line reaches this server's requests: only through a shared state. */
  get cliWorks(): boolean {
    return this.config.state !== undefined;
  }

  /**
   * Records a new request for exactly `binding`, with the plan an approver is shown, and tells the approvers
   * (the webhook, retried). Nothing is sent to the cloud. `log`: the requesting call's logger (its caller, its
   * session); `acknowledges`: the earlier identical change the plan names (Approval.acknowledges).
   */
  async request(
    binding: ApprovalBinding,
    instanceName: string,
    plan: Record<string, unknown>,
    log: Logger,
    acknowledges?: string,
  ): Promise<{ approval: Approval; notification: "sent" | "failed" | "none"; link?: string }> {
    const now = Date.now();
    const approval: Approval = {
      ...binding,
      id: `ap_${randomBytes(24).toString("base64url")}`,
      status: "pending",
      createdAt: now,
      expiresAt: now + this.config.approval.ttlMs,
      instanceName,
      plan,
      ...(acknowledges ? { acknowledges } : {}),
    };
    await this.store.create(approval);
    this.metrics.approval("requested");
    const link = this.link(approval.id);
    let notification: "sent" | "failed" | "none" = "none";
    const hook = this.config.approval.webhook;
    if (hook) {
      const t = messages(this.config.language).approval;
      const ok = await sendWebhook(hook.url, hook.format, noticeOf(approval, link ?? (this.cliWorks ? undefined : `/approvals/${approval.id}`)), t, log, this.fetchImpl);
      notification = ok ? "sent" : "failed";
      await this.store.noteNotification(approval.id, notification).catch(() => {});
    }
    log.notice("approval requested", {
      approvalId: approval.id,
      requester: binding.requester,
      tool: binding.tool,
      instanceId: binding.instanceId,
      notification,
    });
    return { approval: { ...approval, notification }, notification, ...(link ? { link } : {}) };
  }

  /**
   * A call with approvalId: waits up to `waitSeconds` for a decision (calling `tick` with the seconds waited
   * at each read), then returns the approved record (not used yet: `use` does that right before sending) or the
   * used one (its requester repeating the call: answered with what it started), or throws ApprovalPending (retryable), ApprovalDenied (with the reason) or ApprovalInvalid.
   */
  async await(
    id: string,
    binding: ApprovalBinding,
    options: { waitSeconds?: number; signal?: AbortSignal; tick?: (seconds: number) => void } = {},
  ): Promise<Approval> {
    if (!APPROVAL_ID_RE.test(id)) throw this.refuse("invalid", "This approvalId is not one this server gave.");
    const started = Date.now();
    const deadline = started + Math.min(options.waitSeconds ?? 0, MAX_APPROVAL_WAIT_SECONDS) * 1000;
    for (;;) {
      const found = await this.store.get(id);
      if (!found) throw this.refuse("invalid", "This approvalId is unknown (or was forgotten a day after it expired).");
      this.assertBound(found, binding);
      if (found.status === "approved") return found;
      if (found.status === "denied") {
        this.metrics.approval("denied");
        throw new CloudError(
          "ClientError.ApprovalDenied",
          `Approval ${id} was denied by ${found.decidedBy ?? "an approver"}${found.reason ? `: "${found.reason}"` : ""}. Nothing was sent.`,
          { notSent: true },
        );
      }
      if (found.status === "used") return found; // the step answers with what it started, or refuses (alreadyUsed)
      if (found.status === "expired") {
        throw this.refuse("expired", `Approval ${id} expired at ${isoTime(found.expiresAt)}.`);
      }
      if (Date.now() >= deadline || options.signal?.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
      options.tick?.((Date.now() - started) / 1000);
    }
    this.metrics.approval("pending");
    const link = this.link(id);
    throw new CloudError(
      "ClientError.ApprovalPending",
      `Approval ${id} is still pending: no approver has decided yet${link ? ` (${link})` : ""}. Nothing was sent.`,
      { notSent: true },
    );
  }

  /** The refusal of an approval already used whose change is not found (it was never sent, or is forgotten). */
  alreadyUsed(id: string): CloudError {
    return this.refuse("invalid", `Approval ${id} was already used (each works once).`);
  }

  /** Spends the approval, right before the change is sent: exactly one call of any replica gets past. */
  async use(id: string, binding: ApprovalBinding): Promise<Approval> {
    const used = await this.store.use(id, binding);
    if (used.ok) {
      this.metrics.approval("used");
      return used.approval;
    }
    if (used.why === "expired") throw this.refuse("expired", `Approval ${id} expired before the change was sent.`);
    throw this.refuse("invalid", `Approval ${id} cannot be used (${used.why}).`);
  }

  /**
   * An approver's decision, from the HTTP routes, the page or the command line: refused without redis:approve
   * and for the requester itself; recorded in the audit log (who, when, reason) and counted.
   */
  async decide(id: string, approver: Approver, decision: Decision, reason?: string): Promise<DecideResult | { ok: false; why: "scope" }> {
    if (!approver.mayApprove) return { ok: false, why: "scope" };
    if (!APPROVAL_ID_RE.test(id)) return { ok: false, why: "unknown" };
    const result = await this.store.decide(id, decision, approver.id, reason);
    if (!result.ok) {
      this.log.warning("approval decision refused", { approvalId: id, approver: approver.id, why: result.why });
      return result;
    }
    const a = result.approval;
    this.metrics.approval(decision === "approve" ? "approved" : "denied");
    this.audit.write({
      event: "approval_decided",
      tool: a.tool,
      caller: approver.id,
      requester: a.requester,
      approver: approver.id,
      approvalId: a.id,
      decision: a.status === "approved" ? "approved" : "denied",
      reason: a.reason,
      region: a.region,
      instanceId: a.instanceId,
      backupId: a.backupId,
      outcome: "decided",
    });
    this.log.notice("approval decided", { approvalId: a.id, approver: approver.id, decision: a.status });
    return result;
  }

  /** For the approvers' list (the pending ones, newest first) and page. */
  async pending(): Promise<Approval[]> {
    return (await this.store.list()).filter((a) => a.status === "pending");
  }

  async get(id: string): Promise<Approval | undefined> {
    return APPROVAL_ID_RE.test(id) ? this.store.get(id) : undefined;
  }

  /** An approval given for another change, or to another caller, is refused (it stays good for its own). */
  private assertBound(found: Approval, binding: ApprovalBinding): void {
    if (found.requester !== binding.requester) {
      throw this.refuse("invalid", `Approval ${found.id} was requested by another caller.`);
    }
    const fields = ["tool", "region", "instanceId", "backupId", "pointInTime", "method"] as const;
    const differs = fields.filter((f) => (found[f] ?? "") !== (binding[f] ?? ""));
    if (differs.length > 0) {
      const what = found.backupId ? `backup ${found.backupId}` : `point in time ${found.pointInTime ?? "-"}`;
      throw this.refuse(
        "invalid",
        `Approval ${found.id} is for ${found.tool} of ${found.instanceId} in ${found.region} (${what}, ${found.method}), ` +
          `not for these arguments (${differs.join(", ")} differ).`,
      );
    }
  }

  private refuse(outcome: "invalid" | "expired", message: string): CloudError {
    this.metrics.approval(outcome);
    return invalid(message);
  }
}

export type { ApprovalNotice };
