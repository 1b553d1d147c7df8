import { CloudError } from "../cloud/errors.js";
import type { Config } from "../config/index.js";
import type { Gate } from "./gate.js";

/** The region a call goes to: the argument, else the server's default. */
export function resolveRegion(region: string | undefined, config: Config): string {
  const chosen = region ?? config.region;
  if (!chosen) {
    throw new CloudError(
      "ClientError.RegionMissing",
      "No region: pass region, or set TENCENTCLOUD_REGION on the server",
      {
        notSent: true,
      },
    );
  }
  return chosen;
}

/** The change's region, in its audit record too. */
export const region: Gate = (run, next) => {
  run.region = resolveRegion(run.change.askedRegion, run.config);
  run.record.region = run.region;
  return next();
};
