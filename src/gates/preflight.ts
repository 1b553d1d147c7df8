import type { Earlier, Gate, Run } from "./gate.js";

/** The change's preflight under the locks: what it sends is decided on the instance as it stands now. */
export const preflight: Gate = async (run, next) => {
  run.pre = await run.change.check(run, true);
  return next();
};

/** The preflight the change is sent on (the gate above ran it under the locks). */
export function checked<Pre, E extends Earlier>(run: Run<Pre, E>): Pre {
  if (run.pre === undefined) throw new Error("a change is sent only after its preflight");
  return run.pre;
}
