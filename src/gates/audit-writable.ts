import type { Gate } from "./gate.js";

/** No change goes unrecorded: the audit log must take its record. */
export const auditWritable: Gate = (run, next) => {
  run.audit.assertWritable(run.change.audit);
  return next();
};
