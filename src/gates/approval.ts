import { repeatOf } from "./confirm-token.js";
import { sentBefore } from "./earlier.js";
import type { Gate } from "./gate.js";

/**
 * A second person's approval, when the change asks for one and the configuration (or a tag policy) needs it: a
 * first call gets approval_required and its plan; a call with approvalId waits for the decision.
 */
export const approval: Gate = async (run, next) => {
  const input = run.change.approval?.(run);
  if (!input) return next();
  run.approval = await run.approve({ ...input, acknowledges: run.earlier?.operationId });
  if (run.approval.kind === "answer") return run.approval.answer;
  if (run.approval.kind === "used") {
    // a used approval repeated (an answer lost on the way): answered with the change it started, nothing sent
    const id = run.approval.approval.id;
    const started = await sentBefore(run, (intent) => intent.approvalId === id, "day");
    if (!started) throw run.approval.refusal();
    run.earlier = started;
    run.usedApproval = id;
    return repeatOf(run);
  }
  // an approval whose plan named the earlier change makes it again, as a token plan naming it does
  if (run.approval.kind === "approved") run.acknowledged = run.approval.approval.acknowledges;
  if (run.approval.kind === "none") run.pre = run.approval.pre;
  return next();
};
