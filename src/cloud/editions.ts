/**
 * How each edition is restored (docs/restore-methods.md), from DescribeInstances `InstanceSet.Type` (api.json's enumeration):
 * Tencent restores a backup in place (RestoreInstance) only for Redis 2.8 and CKV; every other Redis and Valkey
 * edition is restored by cloning a new instance from the backup and moving the address to it (CloneInstances,
 * then ModifyNetworkConfig). Memcached and any type not in this table are refused. The one table.
 */
import { CloudError } from "./errors.js";

import type { RestoreMethod, RestoreMethodSetting } from "../config/restore-method.js";

export interface Edition {
  /** What Tencent calls it, e.g. "Redis 6.2 standard". */
  name: string;
  method: RestoreMethod | "refused";
  cluster: boolean;
}

const ed = (name: string, method: Edition["method"], cluster = false): Edition => ({ name, method, cluster });

export const EDITIONS: Readonly<Record<number, Edition>> = {
  2: ed("Redis 2.8 standard", "in_place"),
  3: ed("CKV 3.2 standard", "in_place"),
  4: ed("CKV 3.2 cluster", "in_place", true),
  5: ed("Redis 2.8 standalone", "in_place"),
  6: ed("Redis 4.0 standard", "clone"),
  7: ed("Redis 4.0 cluster", "clone", true),
  8: ed("Redis 5.0 standard", "clone"),
  9: ed("Redis 5.0 cluster", "clone", true),
  15: ed("Redis 6.2 standard", "clone"),
  16: ed("Redis 6.2 cluster", "clone", true),
  17: ed("Redis 7.0 standard", "clone"),
  18: ed("Redis 7.0 cluster", "clone", true),
  19: ed("Valkey 8.0 standard", "clone"),
  20: ed("Valkey 8.0 cluster", "clone", true),
  21: ed("Valkey 8.0 standard", "clone"),
  22: ed("Valkey 8.0 cluster", "clone", true),
  200: ed("Memcached 1.6", "refused"),
};

/** The method chosen for an instance, and why (model-facing English; the plan's person-facing text is i18n). */
export interface Route {
  method: RestoreMethod;
  /** `table`: the edition's own method; `setting`: TENCENTCLOUD_REDIS_RESTORE_METHOD forced it. */
  why: "table" | "setting";
  type: number | undefined;
  edition: string;
  /** The method the table gives (what a forced setting overrides). */
  tableMethod: RestoreMethod;
}

/** The edition name of a type, "type <n>" when unknown. */
export function editionName(type: number | undefined): string {
  return (type !== undefined && EDITIONS[type]?.name) || `type ${type ?? "unknown"}`;
}

/** What list_instances shows: the method, or "refused" (Memcached, a type not in the table). */
export function restoreMethodOf(type: number | undefined, setting: RestoreMethodSetting): RestoreMethod | "refused" {
  const edition = type === undefined ? undefined : EDITIONS[type];
  if (!edition || edition.method === "refused") return "refused";
  return setting === "auto" ? edition.method : setting;
}

/** The route of a restore of this instance; ClientError.EditionUnsupported (nothing sent) when it has none. */
export function routeOf(instance: { InstanceId: string; Type?: number }, setting: RestoreMethodSetting): Route {
  const edition = instance.Type === undefined ? undefined : EDITIONS[instance.Type];
  if (!edition || edition.method === "refused") {
    const what = edition
      ? `a ${edition.name} instance`
      : `of type ${instance.Type ?? "unknown"}, which this server does not know`;
    throw new CloudError(
      "ClientError.EditionUnsupported",
      `${instance.InstanceId} is ${what}: Tencent Cloud restores a backup in place only for Redis 2.8 and CKV, and by ` +
        "clone only for Redis 4.0-7.0 and Valkey 8.0, so this server cannot restore it. Nothing was sent.",
      { notSent: true },
    );
  }
  const method = setting === "auto" ? edition.method : setting;
  return {
    method,
    why: setting === "auto" ? "table" : "setting",
    type: instance.Type,
    edition: edition.name,
    tableMethod: edition.method,
  };
}

/** Codes RestoreInstance may answer on an edition that is restored by clone (the exact one is not published). */
export const CLONE_ROUTE_CODES: ReadonlySet<string> = new Set([
  "ResourceUnavailable.BackupSpecError",
  "InvalidParameter.InvalidParameter",
  "UnsupportedOperation",
]);
