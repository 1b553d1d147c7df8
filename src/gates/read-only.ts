import { CloudError } from "../cloud/errors.js";
import type { Gate } from "./gate.js";

/** TENCENTCLOUD_REDIS_READ_ONLY: no change at all. */
export const readOnly: Gate = (run, next) => {
  if (run.config.readOnly) {
    throw new CloudError("ClientError.ReadOnly", `This server is read-only: it does not ${run.change.verb}.`, {
      notSent: true,
    });
  }
  return next();
};
