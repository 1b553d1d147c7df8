import { CloudError } from "../cloud/errors.js";
import type { Config } from "../config/index.js";
import type { Gate } from "./gate.js";

/** Whether an instance ID matches one allowlist pattern: exact, or with `*` standing for any characters. */
export function matchesPattern(pattern: string, instanceId: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`).test(instanceId.toLowerCase());
}

/**
 * Refuses, before any request is sent, a restore or backup of an instance outside TENCENTCLOUD_REDIS_ALLOWED_INSTANCES.
 * No allowlist configured: every instance is allowed.
 */
export function assertInstanceAllowed(config: Config, instanceId: string): void {
  const patterns = config.allowedInstances;
  if (!patterns || patterns.some((p) => matchesPattern(p, instanceId))) return;
  throw new CloudError(
    "ClientError.InstanceNotAllowed",
    `This server may only restore or back up the instances listed in TENCENTCLOUD_REDIS_ALLOWED_INSTANCES (${patterns.join(", ")}); ${instanceId} is not one of them. Nothing was sent.`,
    { notSent: true },
  );
}

/** Every instance of the change on the allowlist, then the change's own checks of its arguments. */
export const allowlist: Gate = (run, next) => {
  for (const instanceId of run.change.instances) assertInstanceAllowed(run.config, instanceId);
  run.change.checkArgs?.();
  return next();
};
