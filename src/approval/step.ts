import { z } from "zod";
import type { ApiInstance } from "../cloud/api.js";
import { type Messages, messages } from "../i18n/index.js";
import type { AuditRecord } from "../records/audit.js";
import { APPROVAL_ID_RE, MAX_APPROVAL_WAIT_SECONDS } from "./gate.js";
import type { Logger } from "../base/log.js";
import type { Extra } from "../base/request.js";
import type { Language } from "../i18n/index.js";
import type { AuditLog } from "../records/audit.js";
import type { Approval, ApprovalBinding } from "../records/store/approvals.js";
import type { ApprovalGate } from "./gate.js";

/** An answer of a tool: its structured content and its text. */
interface Answer<S> {
  structured: S;
  text: string;
}

/** What the step works with: the gate, the audit log, the call's logger and language, the requester (the caller). */
export interface ApprovalParts {
  gate: ApprovalGate;
  audit: AuditLog;
  log: Logger;
  language: Language;
  requester: string;
}
import { isoTime } from "../cloud/views.js";

/** The arguments a destructive tool offers when approvals are in use (approval mode, or a tag policy). */
export const approvalArguments = {
  approvalId: z
    .string()
    .regex(APPROVAL_ID_RE, "must be the approvalId of an approval_required answer")
    .optional()
    .describe("After approval_required: the approvalId, with the same other arguments, once a second person approved"),
  waitSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_APPROVAL_WAIT_SECONDS)
    .optional()
    .describe("With approvalId: wait up to this many seconds for the decision (progress notifications)"),
};

/** The output fields of an approval_required answer (besides the tool's own plan fields). */
export const approvalOutput = {
  approvalId: z.string().optional().describe("When approval_required: pass it back, with the same arguments, once approved"),
  approvalUrl: z.string().optional().describe("The page where an approver decides"),
  notification: z.enum(["sent", "failed", "none"]).optional().describe("Whether the approvers' webhook was told"),
  method: z.string().optional().describe("When approval_required: how the change is made (in_place, clone)"),
};
const approvalFields = z.object(approvalOutput);
type ApprovalFields = z.input<typeof approvalFields>;

/** What the step writes into an approval_required answer (the rest is the tool's plan). */
export type ApprovalRequired = Required<Pick<ApprovalFields, "approvalId" | "notification">> &
  Pick<ApprovalFields, "approvalUrl"> & { status: "approval_required"; expiresAt: string };

/**
 * The plan's fields in an approval_required answer of a tool whose answer (its output schema's type) is S: any of
 * S's fields but the step's own (the tool's schema declares those by spreading `approvalOutput`).
 */
export type ApprovalPlan<S> = Partial<Omit<S, keyof ApprovalRequired>>;

/** An approval_required answer of a tool whose answer is S. */
export type ApprovalAnswer<S> = ApprovalRequired & ApprovalPlan<S>;

/**
 * A tool's answer type S that declares every field the step writes, each taking the step's value (its status admits
 * approval_required); `never` otherwise, so that none of the tool's answers compiles. A tool that answers
 * approval_required declares its answer type through it.
 */
export type AdmittingApproval<S> = {
  [K in keyof ApprovalRequired]-?: K extends keyof S ? (ApprovalRequired[K] extends S[K] ? true : false) : false;
}[keyof ApprovalRequired] extends true
  ? S
  : never;

/** S: the tool's answer (its output schema's type), which the approval_required answer is typed by. */
export interface ApprovalStepInput<P, S extends object = Record<string, unknown>> {
  tool: string;
  /** Everything the approval is bound to but the requester (the call's caller) and the tool. */
  binding: Omit<ApprovalBinding, "requester" | "tool" | "method"> & { method?: string };
  /**
   * How the change is made, when it depends on the instance (restore_instance: in_place or clone by edition): from
   * the plan of a first call, else (a call with approvalId) read again. The approval is bound to it.
   */
  methodOf?: (pre: P | undefined) => Promise<string>;
  approvalId?: string;
  waitSeconds?: number;
  /** The earlier identical change (its operationId) the plan names, within the dedup window: see Approval.acknowledges. */
  acknowledges?: string;
  /** The preflight of a first call: the instance (its tags decide the policy), the plan fields, and what else it made. */
  plan: () => Promise<{ instance: ApiInstance; fields: ApprovalPlan<S>; text: string; pre: P }>;
}

export type ApprovalStep<P, S extends object = Record<string, unknown>> =
  /** No approval applies: go on as before (`pre`: the preflight already made for the policy, if any). */
  | { kind: "none"; pre?: P }
  /** The approval_required answer: return it, nothing was sent. */
  | { kind: "answer"; answer: Answer<ApprovalAnswer<S>> }
  /** Approved: run the change; call `use()` right before sending (it spends the approval, once). */
  | { kind: "approved"; approval: Approval; use: () => Promise<void> }
  /** Used already, by this requester with these arguments: answer with the change it started, else `refusal()`. */
  | { kind: "used"; approval: Approval; refusal: () => Error };

/**
 * The approval step of a destructive tool (docs/approval.md), before its lock: the requester is the call's caller. A call
 * without approvalId whose change needs an approval gets the approval_required answer (the plan recorded, the
 * approvers told); a call with approvalId waits for (up to waitSeconds) and checks the decision.
 */
export async function approvalStep<P, S extends object = Record<string, unknown>>(
  parts: ApprovalParts,
  extra: Extra,
  record: AuditRecord,
  input: ApprovalStepInput<P, S>,
): Promise<ApprovalStep<P, S>> {
  const { gate } = parts;
  if (!gate.inUse) return { kind: "none" };
  const binding: ApprovalBinding = {
    requester: parts.requester,
    tool: input.tool,
    ...input.binding,
    method: input.binding.method ?? "",
  };
  if (input.approvalId !== undefined) {
    if (input.methodOf) binding.method = await input.methodOf(undefined);
    Object.assign(record, { approvalId: input.approvalId, requester: binding.requester }); // a refused use names them too
    const tick = progressSender(extra, input.waitSeconds ?? 0, messages(parts.language));
    const approval = await gate.await(input.approvalId, binding, { waitSeconds: input.waitSeconds, signal: extra.signal, tick });
    Object.assign(record, { approvalId: approval.id, requester: binding.requester, approver: approval.decidedBy, confirm: "approval" });
    if (approval.status === "used") return { kind: "used", approval, refusal: () => gate.alreadyUsed(approval.id) };
    return {
      kind: "approved",
      approval,
      use: async () => {
        await gate.use(approval.id, binding);
      },
    };
  }
  const planned = await input.plan();
  if (!gate.required(planned.instance)) return { kind: "none", pre: planned.pre };
  if (input.methodOf) binding.method = await input.methodOf(planned.pre);
  parts.audit.assertWritable(); // refuse now rather than after the approver agreed
  const { approval, notification, link } = await gate.request(
    binding,
    planned.instance.InstanceName ?? "",
    planned.fields,
    parts.log,
    input.acknowledges,
  );
  Object.assign(record, {
    event: "approval_requested",
    tool: input.tool,
    approvalId: approval.id,
    requester: binding.requester,
    confirm: "approval",
    outcome: "planned",
  });
  const expiresAt = isoTime(approval.expiresAt);
  const url: Pick<ApprovalRequired, "approvalUrl"> = link ? { approvalUrl: link } : {};
  const required: ApprovalRequired = { status: "approval_required", approvalId: approval.id, expiresAt, ...url, notification };
  const structured: ApprovalAnswer<S> = { ...required, ...planned.fields };
  // only what works here: the page (public URL or this listener), the command line (a shared state only)
  const cli = `with: tencentcloud-redis-mcp approvals approve ${approval.id}`;
  const where = link
    ? `at ${link}${gate.cliWorks ? `, or ${cli}` : ""}`
    : gate.cliWorks
      ? cli
      : `on this server's approval page (/approvals/${approval.id} on its HTTP listener)`;
  const told =
    notification === "failed"
      ? " The approvers' webhook could NOT be reached: tell an approver yourself."
      : notification === "sent"
        ? " The approvers were notified."
        : "";
  const text =
    `Nothing was changed yet: this needs the approval of a second person (you cannot give it). ${planned.text}\n` +
    `Show this plan to the user and tell them approval ${approval.id} waits for an approver ${where}.${told} ` +
    `Then call ${input.tool} again with the same arguments plus approvalId "${approval.id}" (waitSeconds to wait ` +
    `for the decision); it expires at ${expiresAt}.`;
  return { kind: "answer", answer: { structured, text } };
}

/** notifications/progress while a call waits for a decision, when the request carries a progress token. */
function progressSender(extra: Extra, waitSeconds: number, t: Messages): ((seconds: number) => void) | undefined {
  const token = waitSeconds > 0 ? extra._meta?.progressToken : undefined;
  if (token === undefined) return undefined;
  let last = 0;
  return (seconds) => {
    last = Math.max(Math.round(seconds * 1000) / 1000, last + 0.001);
    extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: last, message: t.approval.waiting({ seconds: Math.round(seconds), waitSeconds }) },
      })
      .catch(() => {});
  };
}
