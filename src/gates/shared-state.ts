import type { Gate } from "./gate.js";

/** A change fails closed while the shared state (Redis, for replicas) is unreachable. */
export const sharedState: Gate = (run, next) => {
  run.state.assertAvailable();
  return next();
};
