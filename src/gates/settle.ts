import type { Gate } from "./gate.js";

/**
 * Settles what a stopped server left in doubt on each instance of the change (the last first), keeps what was in
 * flight on the first, then lets the change put back what such a server left half done.
 */
export const settle: Gate = async (run, next) => {
  const [first, ...others] = run.change.instances;
  for (const instanceId of others.reverse()) await run.settle({ region: run.region, instanceId });
  run.settled = await run.settle({ region: run.region, instanceId: first });
  await run.change.resume?.(run);
  return next();
};
