import type { Gate } from "./gate.js";

/** An approval is spent once, right before sending. */
export const approvalSpent: Gate = async (run, next) => {
  if (run.approval.kind === "approved") await run.approval.use();
  return next();
};
