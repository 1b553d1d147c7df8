import type { Gate } from "./gate.js";

/** The same change sent within the dedup window, if any: the approval and the plan name it. */
export const earlier: Gate = async (run, next) => {
  run.earlier = await run.change.earlier?.(run);
  return next();
};
