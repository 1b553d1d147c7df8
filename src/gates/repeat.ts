import { repeatOf } from "./confirm-token.js";
import { sameSentBefore } from "./earlier.js";
import type { Gate } from "./gate.js";

/** A repeat of the earlier change that no plan named is answered, never sent (before the lock, which a stopped server may hold). */
export const repeat: Gate = async (run, next) => {
  if (run.earlier && run.earlier.operationId !== run.acknowledged) return repeatOf(run);
  return next();
};

/** Again under the locks: a change sent meanwhile, here or on another replica. */
export const repeatUnderLock: Gate = async (run, next) => {
  if (run.held.length === 0 || !run.change.sentBefore?.same) return next();
  run.earlier = await sameSentBefore(run);
  if (run.earlier && run.earlier.operationId !== run.acknowledged) return repeatOf(run);
  return next();
};
