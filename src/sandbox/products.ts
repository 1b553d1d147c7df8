// What the fake sells, as the API documents it: the types in place and by clone, cluster shard counts, monthly
// periods, the zones of a region; shared by the clone route's actions (clone.ts, clone-plan.ts, address-move.ts).

import { type ActionContext, ApiError } from "./params.js";
import { ZONES } from "./model.js";

/** Types Tencent restores in place (RestoreInstance): Redis 2.8 (2, 5) and CKV 3.2 (3, 4). */
export const IN_PLACE_TYPES: ReadonlySet<number> = new Set([2, 3, 4, 5]);
/** Types CloneInstances clones: Redis 4.0-7.0 and Valkey 8.0. */
export const CLONE_TYPES: ReadonlySet<number> = new Set([6, 7, 8, 9, 15, 16, 17, 18, 19, 20, 21, 22]);
export const CLUSTER_TYPES: ReadonlySet<number> = new Set([4, 7, 9, 16, 18, 20, 22]);
export const CLUSTER_SHARD_NUMS = [1, 3, 5, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128];
export const MONTHLY_PERIODS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60];

/** InvalidParameterValue.CheckNotPass: the API's refusal of a parameter out of its documented range. */
export const invalid = (message: string) => new ApiError("InvalidParameterValue.CheckNotPass", message);

/** The zone by ID (or name), in the call's region; refused as the API refuses a zone it does not serve. */
export function zoneOf(
  ctx: ActionContext,
  zoneId: number | undefined,
  zoneName?: string,
): { ZoneId: number; ZoneName: string } {
  const zone = (ZONES[ctx.region] ?? []).find(
    (z) => z.ZoneId === zoneId || (zoneId === undefined && z.ZoneName === zoneName),
  );
  if (!zone) {
    throw new ApiError(
      "ResourceUnavailable.NoServiceAvailableForThisZoneId",
      `The zone ${zoneId ?? zoneName} offers no Redis service in region ${ctx.region}.`,
    );
  }
  return zone;
}
