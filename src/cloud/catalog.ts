/**
 * The one error catalog: every code documented for the actions this server calls, every common code of
 * Tencent Cloud API 3.0, and this server's own `ClientError.*` codes, each with what an agent needs to decide
 * what to do next. Data only; `describeError` looks a code up, falling back on its prefix.
 */

export const ERROR_CATEGORIES = [
  "invalid_input",
  "auth",
  "permission",
  "not_found",
  "conflict",
  "throttled",
  "unavailable",
  "internal",
  "outcome_unknown",
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export interface CatalogEntry {
  category: ErrorCategory;
  /** Whether the same call, made again later, can succeed without anything else changing. */
  retryable: boolean;
  /** What an agent should do next. */
  hint: string;
}

const e = (category: ErrorCategory, retryable: boolean, hint: string): CatalogEntry => ({ category, retryable, hint });

export const CATALOG = {
  // RestoreInstance and ManualBackupInstance
  "FailedOperation.CommitFlowError": e(
    "internal",
    false,
    "Tencent Cloud could not start the task (its workflow was not committed), so nothing was started. Check list_instances that the instance is running with no task in progress, then try once more; if it persists, open a ticket with the RequestId.",
  ),
  "FailedOperation.SystemError": e(
    "internal",
    true,
    "Tencent Cloud reported a system error. Wait a minute and try again; if it persists, open a ticket with the RequestId.",
  ),
  "InternalError.InternalError": e(
    "internal",
    true,
    "Tencent Cloud had an internal error. For a restore, check with check_task or the instance status that no restore started, then retry once; otherwise retry later.",
  ),
  "InvalidParameter.InvalidParameter": e(
    "invalid_input",
    false,
    "A parameter was rejected: check the IDs (instanceId from list_instances, backupId from list_backups, taskId from restore_instance) and the region.",
  ),
  "InvalidParameter.PermissionDenied": e(
    "permission",
    false,
    "The API refused this operation for these credentials or this instance. Ask the account owner to grant the action (CAM: redis:RestoreInstance, redis:ManualBackupInstance) for this instance.",
  ),
  "InvalidParameterValue.BackupNotExists": e(
    "not_found",
    false,
    "That backup does not exist for this instance. Call list_backups with this instanceId and pick a backupId from it.",
  ),
  "InvalidParameterValue.PasswordError": e(
    "auth",
    false,
    "The instance password was wrong. Ask the user for the right password, or configure it on the server (TENCENTCLOUD_REDIS_PASSWORD_<INSTANCE_ID>); never guess passwords.",
  ),
  "ResourceNotFound.InstanceNotExists": e(
    "not_found",
    false,
    "No such instance in this region. Call list_instances (with the right region) and use an instanceId from it.",
  ),
  "ResourceUnavailable.BackupLockedError": e(
    "conflict",
    true,
    "The backup is locked by another task (export or another restore). Retry after that task ends; list_backups shows when it is unlocked.",
  ),
  "ResourceUnavailable.BackupSpecError": e(
    "invalid_input",
    false,
    "The backup's specification does not fit the instance (e.g. shard count or memory changed since). Choose a backup taken with the instance's current specification.",
  ),
  "ResourceUnavailable.BackupStatusAbnormal": e(
    "conflict",
    false,
    "The backup is not in the normal state (expired or being exported). Choose another backup from list_backups.",
  ),
  "ResourceUnavailable.InstanceLockedError": e(
    "conflict",
    true,
    "The instance is locked by another task (maybe a restore or a backup). Wait for it to finish (check_task), then retry.",
  ),
  "ResourceUnavailable.InstanceStateError": e(
    "conflict",
    true,
    "The instance is in a state that does not allow this (a task is running or it is being changed). Check list_instances, wait until it is running, then retry.",
  ),
  "ResourceUnavailable.InstanceStatusAbnormal": e(
    "conflict",
    false,
    "The instance is not running (isolated, being created or deleted). Only a running instance can be restored or backed up; check list_instances.",
  ),
  "UnauthorizedOperation.NoCAMAuthed": e(
    "permission",
    false,
    "These credentials have no CAM permission for this action. Ask the account owner to grant it (e.g. redis:RestoreInstance, redis:DescribeTaskInfo) on this instance.",
  ),

  // Common codes (any action)
  ActionOffline: e("invalid_input", false, "This API action has been taken offline. Update tencentcloud-redis-mcp."),
  "AuthFailure.InvalidAuthorization": e(
    "auth",
    false,
    "The Authorization header was malformed. Check TENCENTCLOUD_REDIS_ENDPOINT points at the Tencent Cloud API, and report this if it does.",
  ),
  "AuthFailure.InvalidSecretId": e(
    "auth",
    false,
    "The SecretId is not valid (wrong type of key). Check TENCENTCLOUD_SECRET_ID: it starts with AKID.",
  ),
  "AuthFailure.MFAFailure": e("auth", false, "The account requires MFA for this operation; do it in the console."),
  "AuthFailure.SecretIdNotFound": e(
    "auth",
    false,
    "The SecretId does not exist or is disabled. Ask the user to check TENCENTCLOUD_SECRET_ID in the CAM console.",
  ),
  "AuthFailure.SignatureExpire": e(
    "auth",
    true,
    "The request's timestamp is more than 5 minutes off the server's clock. Check the machine's clock (NTP); retry once it is right.",
  ),
  "AuthFailure.SignatureFailure": e(
    "auth",
    false,
    "The signature did not verify: the SecretKey does not match the SecretId. Ask the user to check TENCENTCLOUD_SECRET_KEY.",
  ),
  "AuthFailure.TokenFailure": e(
    "auth",
    false,
    "The session token is invalid or expired. Refresh the temporary credentials where they come from (TENCENTCLOUD_SESSION_TOKEN needs a restart; the profile file, an instance role and TENCENTCLOUD_ROLE_ARN are picked up by the next call).",
  ),
  "AuthFailure.UnauthorizedOperation": e(
    "permission",
    false,
    "The request is not authorized (CAM). Ask the account owner for permission on this action and resource.",
  ),
  DryRunOperation: e("invalid_input", false, "The request would have succeeded, but DryRun was set; nothing was done."),
  FailedOperation: e("internal", false, "The operation failed. Read the message; retrying the same call is unlikely to help."),
  InternalError: e(
    "internal",
    true,
    "Tencent Cloud had an internal error. Retry later; for a restore, first check that no restore task started.",
  ),
  InvalidAction: e("invalid_input", false, "The API does not know this action. Update tencentcloud-redis-mcp."),
  InvalidParameter: e("invalid_input", false, "A parameter is wrong. Read the message and fix the argument."),
  InvalidParameterValue: e("invalid_input", false, "A parameter value is wrong. Read the message and fix the argument."),
  InvalidRequest: e("invalid_input", false, "The request was malformed. Report this with the RequestId."),
  IpInBlacklist: e("permission", false, "This machine's IP address is on the account's blacklist."),
  IpNotInWhitelist: e("permission", false, "This machine's IP address is not on the account's whitelist for the API."),
  LimitExceeded: e("conflict", false, "A quota was exceeded. Read the message; free the resource or raise the quota."),
  MissingParameter: e("invalid_input", false, "A required parameter is missing. Read the message and add it."),
  NoSuchProduct: e("invalid_input", false, "The product is not available. Check TENCENTCLOUD_REDIS_ENDPOINT."),
  NoSuchVersion: e("invalid_input", false, "The API version is not supported. Update tencentcloud-redis-mcp."),
  RequestLimitExceeded: e(
    "throttled",
    true,
    "Too many requests (the API allows about 20 per second per action). The request was not executed: wait a second and retry.",
  ),
  "RequestLimitExceeded.GlobalRegionUinLimitExceeded": e(
    "throttled",
    true,
    "The account's request rate in this region is exceeded. The request was not executed: wait and retry.",
  ),
  "RequestLimitExceeded.IPLimitExceeded": e(
    "throttled",
    true,
    "This IP address's request rate is exceeded. The request was not executed: wait and retry.",
  ),
  "RequestLimitExceeded.UinLimitExceeded": e(
    "throttled",
    true,
    "The account's request rate is exceeded. The request was not executed: wait and retry.",
  ),
  RequestSizeLimitExceeded: e("invalid_input", false, "The request is too large; shorten the arguments."),
  ResourceInUse: e("conflict", true, "The resource is in use by another operation. Wait for it to finish, then retry."),
  ResourceInsufficient: e("unavailable", true, "Tencent Cloud lacks the resources right now. Retry later."),
  ResourceNotFound: e("not_found", false, "The resource does not exist. Check the IDs with list_instances / list_backups."),
  ResourceUnavailable: e("conflict", true, "The resource is not available right now. Check its status and retry later."),
  ResponseSizeLimitExceeded: e("invalid_input", false, "The answer would be too large; ask for fewer items (limit)."),
  ServiceUnavailable: e("unavailable", true, "The service is temporarily unavailable. Retry in a little while."),
  UnauthorizedOperation: e(
    "permission",
    false,
    "The operation is not authorized. Ask the account owner for the CAM permission on this action and instance.",
  ),
  UnknownParameter: e("invalid_input", false, "The API did not recognise a parameter. Update tencentcloud-redis-mcp."),
  UnsupportedOperation: e("invalid_input", false, "This operation is not supported for this instance or state."),
  UnsupportedProtocol: e("invalid_input", false, "The protocol is not supported: use https (TENCENTCLOUD_REDIS_ENDPOINT)."),
  UnsupportedRegion: e(
    "invalid_input",
    false,
    "The API does not support this region. Use a region name like ap-guangzhou (TENCENTCLOUD_REGION or the region argument).",
  ),

  // This server's own codes, in the style of the Go SDK's ClientError
  "ClientError.NetworkError": e(
    "unavailable",
    true,
    "The API could not be reached (connection refused, reset or DNS). Check the network and TENCENTCLOUD_REDIS_ENDPOINT, then retry.",
  ),
  "ClientError.Timeout": e(
    "unavailable",
    true,
    "The API did not answer in time (TENCENTCLOUD_REDIS_TIMEOUT_SECONDS). Retry; raise the timeout if it keeps happening.",
  ),
  "ClientError.HttpStatus": e(
    "unavailable",
    true,
    "The API answered with an HTTP error status. Usually passing: retry in a little while.",
  ),
  "ClientError.BadResponse": e(
    "unavailable",
    true,
    "The API's answer was not valid JSON in the expected shape (a proxy or a failing gateway?). Retry; check TENCENTCLOUD_REDIS_ENDPOINT if it persists.",
  ),
  "ClientError.CredentialsMissing": e(
    "auth",
    false,
    "No credentials were found. Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN for temporary keys) in the server's environment, or ~/.tencentcloud/credentials, then restart. To try without an account, run with --sandbox.",
  ),
  "ClientError.AssumeRoleFailed": e(
    "auth",
    true,
    "STS AssumeRole (TENCENTCLOUD_ROLE_ARN) failed: the message carries STS's code and message. Check the role ARN, that the base credentials may assume it (the role's trust policy, sts:AssumeRole), and TENCENTCLOUD_STS_ENDPOINT; the next call tries again. Nothing was sent to Redis.",
  ),
  "ClientError.RegionMissing": e(
    "invalid_input",
    false,
    "No region was given. Pass region (e.g. ap-guangzhou) or set TENCENTCLOUD_REGION in the server's environment.",
  ),
  "ClientError.Cancelled": e("unavailable", true, "The call was cancelled by the client before it finished."),
  "ClientError.PasswordMissing": e(
    "auth",
    false,
    "This instance needs its password to be restored. Ask the user for it, or better, configure it on the server (TENCENTCLOUD_REDIS_PASSWORD_<INSTANCE_ID>) so it never passes through the conversation.",
  ),
  "ClientError.ConfirmationInvalid": e(
    "invalid_input",
    false,
    "The confirmToken is unknown, used, expired or for other arguments. Call restore_instance without confirmToken to get a new plan, show it to the user, then confirm.",
  ),
  "ClientError.ConfirmationDeclined": e(
    "conflict",
    false,
    "The user declined the restore. Do not retry unless the user asks again.",
  ),
  "ClientError.ConfirmationUnavailable": e(
    "invalid_input",
    false,
    "This client cannot show a confirmation form (no elicitation). Ask the operator to set TENCENTCLOUD_REDIS_CONFIRM=token.",
  ),
  "ClientError.InstanceNotAllowed": e(
    "permission",
    false,
    "This server is not allowed to restore or back up that instance (TENCENTCLOUD_REDIS_ALLOWED_INSTANCES). Ask the operator.",
  ),
  "ClientError.NoUndoPoint": e(
    "conflict",
    false,
    "This server restores only with a recent undo point (TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES). Take one with backup_instance, wait for it with check_task until it succeeds, then call restore_instance again.",
  ),
  "ClientError.AuditLogUnavailable": e(
    "unavailable",
    false,
    "The server could not write its audit log (TENCENTCLOUD_REDIS_AUDIT_LOG), so it refused the change (restore or backup): nothing was sent. Ask the operator to fix the file or directory (permissions, disk space); the server's log names the cause.",
  ),
  "ClientError.StateUnavailable": e(
    "unavailable",
    true,
    "The shared safety state (Redis at TENCENTCLOUD_REDIS_STATE_URL) did not answer, so this change was refused and nothing was sent; reads still work. Retry in a little while; if it persists, ask the operator to check that Redis is running and reachable from the server (the server's log names the cause).",
  ),
  "ClientError.InvalidArgument": e(
    "invalid_input",
    false,
    "An argument is missing, unknown or malformed: fields names each one and what it expects. Fix them and call again; nothing was sent to Tencent Cloud.",
  ),
  "ClientError.Internal": e("internal", false, "The server failed unexpectedly. Report this with the server's log (stderr)."),
  "ClientError.ReadOnly": e(
    "permission",
    false,
    "This server is read-only (TENCENTCLOUD_REDIS_READ_ONLY): it lists and checks, it does not restore or back up.",
  ),
  "ClientError.ScopeMissing": e(
    "permission",
    false,
    "Your credentials lack the scope this tool needs (the message names it): nothing was sent. Ask the operator for a token or OAuth grant with that scope.",
  ),
  "ClientError.TooManyCalls": e(
    "throttled",
    true,
    "You have too many calls running on this server at once (TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER): nothing was sent. Wait for some to finish, then call again.",
  ),

  // Issue 16: the restore methods, the clone route and switch_address
  "ClientError.EditionUnsupported": e(
    "invalid_input",
    false,
    "This edition (Memcached, or a type this server does not know) has no restore this server can make: nothing was sent. Restore it in the Tencent Cloud console, or update tencentcloud-redis-mcp if the type is new.",
  ),
  "ClientError.SwitchRefused": e(
    "invalid_input",
    false,
    "switch_address moves an address only between an instance and a clone of it (made by restore_instance), both running, in the same VPC and subnet: the message says which rule failed. Nothing was sent. Check both IDs with list_instances.",
  ),
  "ClientError.SwitchInterrupted": e(
    "conflict",
    true,
    "The address switch stopped between its steps; the message says where each address is now. Call switch_address again with the same instanceId and toInstanceId: it resumes from the step reached and never repeats a finished one.",
  ),
  "ClientError.PointInTimeRefused": e(
    "invalid_input",
    false,
    "That second cannot be restored: the message says why (no second-level backup, a gap in the log, before the earliest second, older than 7 days). Nothing was sent. Pick a time inside the covered range, or a backupId from list_backups.",
  ),
} as const satisfies Record<string, CatalogEntry>;

/** Every code the catalog describes: the API's documented codes and this server's own. */
export type CatalogCode = keyof typeof CATALOG;
/** This server's own codes: a `ClientError.*` code must be one of these (a typo does not compile). */
export type ClientErrorCode = Extract<CatalogCode, `ClientError.${string}`>;
/** A code as the API sent it: any string, marked so that it cannot be mistaken for one of our literals. */
export type ApiErrorCode = string & { readonly __apiCode: true };
/** What a CloudError carries: a catalog code (checked at compile time) or a code the API answered. */
export type ErrorCode = CatalogCode | ApiErrorCode;

/** Marks a code received from the API (the SDK's exception, an error Response): it may be one we do not know. */
export function apiCode(code: string): ApiErrorCode {
  return code as ApiErrorCode;
}

/** The catalog's codes, in table order (the docs' error table is generated from this). */
export const CATALOG_CODES = Object.keys(CATALOG) as CatalogCode[];

const PREFIX_FALLBACK: ReadonlyArray<[string, CatalogEntry]> = [
  ["AuthFailure", e("auth", false, "Authentication failed. Check the credentials (TENCENTCLOUD_SECRET_ID/KEY).")],
  ["RequestLimitExceeded", CATALOG.RequestLimitExceeded],
];

const UNKNOWN: CatalogEntry = e(
  "internal",
  false,
  "An unexpected error. Read the message; report it with the RequestId if it persists.",
);

/** The catalog entry for a code: the exact code, else its prefix (`ResourceNotFound.X` -> `ResourceNotFound`). */
export function describeError(code: string): CatalogEntry {
  const table: Readonly<Record<string, CatalogEntry | undefined>> = CATALOG;
  const exact = table[code];
  if (exact) return exact;
  for (const [prefix, entry] of PREFIX_FALLBACK) {
    if (code === prefix || code.startsWith(`${prefix}.`)) return entry;
  }
  const head = code.split(".")[0] ?? code;
  return table[head] ?? UNKNOWN;
}
