import { isoTime } from "../cloud/views.js";
import type { Approval } from "../records/store/approvals.js";

/** What the approval API shows of a record: everything but nothing secret (it holds none), times in ISO 8601. */
export function approvalView(a: Approval, caller?: { id: string }) {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : isoTime(ms));
  return {
    approvalId: a.id,
    status: a.status,
    requester: a.requester,
    tool: a.tool,
    region: a.region,
    instanceId: a.instanceId,
    instanceName: a.instanceName,
    backupId: a.backupId,
    pointInTime: a.pointInTime,
    method: a.method,
    createdAt: iso(a.createdAt),
    expiresAt: iso(a.expiresAt),
    decidedBy: a.decidedBy,
    decidedAt: iso(a.decidedAt),
    reason: a.reason,
    usedAt: iso(a.usedAt),
    notification: a.notification,
    plan: a.plan,
    ...(caller ? { mayDecide: a.status === "pending" && a.requester !== caller.id } : {}),
  };
}
