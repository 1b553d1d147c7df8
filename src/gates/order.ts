import { allowlist } from "./allowlist.js";
import { approval } from "./approval.js";
import { approvalSpent } from "./approval-spent.js";
import { auditWritable } from "./audit-writable.js";
import { confirmForm } from "./confirm-form.js";
import { confirmToken } from "./confirm-token.js";
import { earlier } from "./earlier.js";
import type { Answer, Earlier, Gate, Run } from "./gate.js";
import { intent } from "./intent.js";
import { lock, lockHeld } from "./lock.js";
import { preflight } from "./preflight.js";
import { readOnly } from "./read-only.js";
import { region } from "./region.js";
import { repeat, repeatUnderLock } from "./repeat.js";
import { settle } from "./settle.js";
import { sharedState } from "./shared-state.js";

/** The gates every change goes through, in this order, the one order in src. A gate = its module + one line here. */
export const GATES: readonly Gate[] = [
  readOnly,
  allowlist,
  sharedState,
  region,
  settle,
  earlier,
  approval,
  confirmToken,
  repeat,
  lock,
  repeatUnderLock,
  preflight,
  confirmForm,
  auditWritable,
  lockHeld,
  approvalSpent,
  intent,
];

/** Runs the change through every gate, then sends it (unless a gate answered). */
export function throughGates<Pre, E extends Earlier>(run: Run<Pre, E>): Promise<Answer> {
  const step = (i: number): Promise<Answer> => {
    const gate = GATES[i];
    return gate ? gate(run, () => step(i + 1)) : run.change.send(run);
  };
  return step(0);
}
