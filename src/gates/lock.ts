import { CloudError } from "../cloud/errors.js";
import type { LockDetails } from "../records/store/types.js";
import type { Answer, Earlier, Gate, Run } from "./gate.js";

/** One change per instance in flight, across replicas: each instance of the change locked, in order, until it ends. */
export const lock: Gate = (run, next) => {
  const spec = run.change.lock;
  if (!spec) return next();
  const details = {
    caller: run.record.caller,
    backupId: spec.label,
    confirm: run.config.confirmMode,
    startedAt: Date.now(),
  };
  return holding(run, [...run.change.instances], details, spec.counted, next);
};

async function holding<Pre, E extends Earlier>(
  run: Run<Pre, E>,
  instances: string[],
  details: LockDetails,
  counted: boolean,
  next: () => Promise<Answer>,
): Promise<Answer> {
  const [instanceId, ...rest] = instances;
  if (instanceId === undefined) return next();
  const held = await run.locks.acquire(run.region, instanceId, details).catch((caught: unknown) => {
    if (counted && caught instanceof CloudError && caught.code === "ResourceUnavailable.InstanceLockedError")
      run.metrics.lock("refused");
    throw caught;
  });
  if (counted) run.metrics.lock("acquired");
  run.held.push(held);
  try {
    return await holding(run, rest, details, counted, next);
  } finally {
    await held.release();
  }
}

/** The locks took time to get (and a human may have taken minutes): still ours, right before sending. */
export const lockHeld: Gate = async (run, next) => {
  for (const held of run.held) await held.assertHeld();
  return next();
};
