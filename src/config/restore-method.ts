// The restore methods a setting may name; which one each edition uses is the edition table (src/cloud/editions.ts).
export const RESTORE_METHODS = ["in_place", "clone"] as const;
export type RestoreMethod = (typeof RESTORE_METHODS)[number];
/** TENCENTCLOUD_REDIS_RESTORE_METHOD: `auto` follows the edition table. */
export const RESTORE_METHOD_SETTINGS = ["auto", ...RESTORE_METHODS] as const;
export type RestoreMethodSetting = (typeof RESTORE_METHOD_SETTINGS)[number];
