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
    "The API refused this operation for these credentials or this instance. Ask the account owner to grant the action named in the message (CAM: e.g. redis:RestoreInstance, redis:ManualBackupInstance, redis:CloneInstances, redis:ModifyNetworkConfig) for this instance.",
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

  // The clone route: CloneInstances, ModifyNetworkConfig, DescribeInstanceSecurityGroup, InquiryPriceCreateInstance,
  // DescribeInstanceDealDetail, DescribeSecondLevelBackupInfo (the codes the Go SDK's client.go lists for them)
  "FailedOperation.PayFailed": e(
    "permission",
    false,
    "The payment for the new instance failed (usually an insufficient balance or no payment method), so nothing was bought. A person must top up the account or fix its payment method in the Tencent Cloud console (Billing Center); only then clone again.",
  ),
  "FailedOperation.Unknown": e(
    "internal",
    false,
    "Tencent Cloud failed for an unknown reason. Do not resend a CloneInstances: look for the clone in list_instances first; for an address move, check the instance's address before trying once more.",
  ),
  "FailedOperation.UnSupportError": e(
    "invalid_input",
    false,
    "This instance does not support the operation: point-in-time restore needs second-level backup (BackupMode SecondLevelBackup). Restore from a backup (backupId from list_backups) instead.",
  ),
  "InternalError.DbOperationFailed": e(
    "internal",
    true,
    "Tencent Cloud's database operation failed. Check the instance's address and status in list_instances before trying again.",
  ),
  "InvalidParameter.EmptyParam": e(
    "invalid_input",
    false,
    "A required parameter is empty (e.g. no security group). Read the message and give it; the source's security groups come from DescribeInstanceSecurityGroup.",
  ),
  "InvalidParameter.NotSupported": e(
    "invalid_input",
    false,
    "The parameters are not supported for this operation or this instance (e.g. a time outside the second-level backup's 7 days). Read the message and change them.",
  ),
  "InvalidParameter.OnlyVPCOnSpecZoneId": e(
    "invalid_input",
    false,
    "This zone offers only VPC networking: give the clone the source's VPC and subnet (UniqVpcId and UniqSubnetId).",
  ),
  "InvalidParameterValue.BaseNetWorkAccessDeny": e(
    "invalid_input",
    false,
    "The instance is not in a VPC (or no VPC was given). Give the clone the source's VPC and subnet; an instance in the basic network cannot be restored by clone and address switch.",
  ),
  "InvalidParameterValue.CheckNotPass": e(
    "invalid_input",
    false,
    "Tencent Cloud's checks refused a value (the message says which: a name, a backup, a time, an address in use or outside the subnet, an instance state). Nothing was bought or changed; fix that value.",
  ),
  "InvalidParameterValue.InvalidInstanceTypeId": e(
    "invalid_input",
    false,
    "The instance type cannot be bought or cloned. Check the source's type in list_instances; Redis 2.8 and CKV are restored in place instead.",
  ),
  "InvalidParameterValue.InvalidSubnetId": e(
    "invalid_input",
    false,
    "The subnet is not valid for that VPC. Use the source's UniqSubnetId (list_instances) so that the addresses can be switched.",
  ),
  "InvalidParameterValue.PasswordEmpty": e(
    "auth",
    false,
    "The clone needs a password (it does not inherit the source's). Configure the source's password on the server (TENCENTCLOUD_REDIS_PASSWORD_<INSTANCE_ID>) or ask the user for it; never guess passwords.",
  ),
  "InvalidParameterValue.PasswordFreeDenied": e(
    "permission",
    false,
    "This account may not create password-free instances. Give the clone a password (the source's, so that clients keep working after the switch).",
  ),
  "InvalidParameterValue.PasswordRuleError": e(
    "invalid_input",
    false,
    "The password does not meet Tencent Cloud's rules (8-30 characters, at least two of lower case, upper case, digits and symbols, not starting with /). A person must choose the password; never invent one.",
  ),
  "InvalidParameterValue.SecurityGroupIdsNotExists": e(
    "invalid_input",
    false,
    "A security group does not exist. Use the source's groups (DescribeInstanceSecurityGroup) and try again.",
  ),
  "InvalidParameterValue.SpecNotExist": e(
    "invalid_input",
    false,
    "No such specification for sale (type, memory per shard, shard or replica count, zone). Check the instance's type and size; Tencent Cloud's price inquiry does not list every type (e.g. Valkey): the price is then unknown, not zero.",
  ),
  "InvalidParameterValue.UnVpcIdNotExists": e(
    "invalid_input",
    false,
    "The VPC does not exist. Use the source's UniqVpcId from list_instances.",
  ),
  "LimitExceeded.InvalidMemSize": e(
    "invalid_input",
    false,
    "The memory size is not one that is sold (a multiple of 1024 MB, within the sold range). The clone takes the source's size: check the source in list_instances.",
  ),
  "LimitExceeded.InvalidParameterGoodsNumNotInRange": e(
    "invalid_input",
    false,
    "The number of instances to buy is out of range. A restore clones exactly one instance (GoodsNum 1).",
  ),
  "LimitExceeded.PeriodLessThanMinLimit": e(
    "invalid_input",
    false,
    "The purchase period is too short (at least 1 month; pay-as-you-go takes Period 1).",
  ),
  "LimitExceeded.ReachTheAmountLimit": e(
    "conflict",
    false,
    "The account has reached its limit of Redis instances, so nothing was bought. A person must delete an instance no longer needed (e.g. an old clone) or ask Tencent Cloud to raise the quota, then clone again.",
  ),
  "ResourceNotFound.AccountDoesNotExists": e(
    "auth",
    false,
    "Tencent Cloud found no account for these credentials. Check TENCENTCLOUD_SECRET_ID (and the account's real-name verification in the console).",
  ),
  "ResourceUnavailable.InstanceConfError": e(
    "internal",
    false,
    "Tencent Cloud found the instance's configuration in error. Check the order in the console; open a ticket with the RequestId if it persists.",
  ),
  "ResourceUnavailable.InstanceDeleted": e(
    "not_found",
    false,
    "The instance has been isolated or deleted. Call list_instances and choose a running instance.",
  ),
  "ResourceUnavailable.InstanceStatusError": e(
    "conflict",
    true,
    "The instance is not in a state that allows this (it must be running, with no task in progress). Wait until list_instances shows it running, then try again.",
  ),
  "ResourceUnavailable.InstanceUnLockedError": e(
    "conflict",
    true,
    "The instance is locked by another workflow. Wait until its task ends (check_task), then try again.",
  ),
  "ResourceUnavailable.NoEnoughVipInVPC": e(
    "unavailable",
    false,
    "The subnet has no free IP address for the new instance, so nothing was bought. A person must free addresses in that subnet (or enlarge it) in the VPC console, then clone again.",
  ),
  "ResourceUnavailable.NoRedisService": e(
    "unavailable",
    false,
    "This region offers no Redis service for this request right now. A person must choose another region or zone, or ask Tencent Cloud support.",
  ),
  "ResourceUnavailable.NoServiceAvailableForThisZoneId": e(
    "unavailable",
    false,
    "This zone offers no Redis service for this type. Use the source's zone; if it is the source's zone, a person must ask Tencent Cloud support or choose another zone (addresses can be switched only within the subnet).",
  ),
  "ResourceUnavailable.SaleOut": e(
    "unavailable",
    true,
    "This type is sold out in this zone, so nothing was bought. Retry later; a person may ask Tencent Cloud support for stock or choose another zone.",
  ),
  "UnauthorizedOperation.UserNotInWhiteList": e(
    "permission",
    false,
    "The account is not on Tencent Cloud's allowlist for this feature. A person must ask Tencent Cloud (a ticket) to enable it for the account.",
  ),

  // DestroyPostpaidInstance (the codes the Go SDK's client.go lists for it; the others are shared above)
  "InvalidParameterValue.UnSupportedType": e(
    "invalid_input",
    false,
    "This instance's type or billing does not allow the operation: DestroyPostpaidInstance ends pay-as-you-go (BillingMode 0) instances only. Check the instance with list_instances; a monthly instance is not destroyed by this server.",
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
  FailedOperation: e(
    "internal",
    false,
    "The operation failed. Read the message; retrying the same call is unlikely to help.",
  ),
  InternalError: e(
    "internal",
    true,
    "Tencent Cloud had an internal error. Retry later; for a restore, first check that no restore task started.",
  ),
  InvalidAction: e("invalid_input", false, "The API does not know this action. Update tencentcloud-redis-mcp."),
  InvalidParameter: e("invalid_input", false, "A parameter is wrong. Read the message and fix the argument."),
  InvalidParameterValue: e(
    "invalid_input",
    false,
    "A parameter value is wrong. Read the message and fix the argument.",
  ),
  InvalidRequest: e("invalid_input", false, "The request was malformed. Report this with the RequestId."),
  IpInBlacklist: e("permission", false, "This machine's IP address is on the account's blacklist."),
  IpNotInWhitelist: e("permission", false, "This machine's IP address is not on the account's whitelist for the API."),
  LimitExceeded: e(
    "conflict",
    false,
    "A quota or sales limit was exceeded, so nothing was bought or changed. A person must free the resource (e.g. delete an instance no longer needed) or ask Tencent Cloud to raise the quota (console: a ticket), then try again.",
  ),
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
  ResourceInsufficient: e(
    "unavailable",
    true,
    "Tencent Cloud lacks the resources for this right now, so nothing was bought. Retry later; if it persists, a person must choose another zone or specification, or ask Tencent Cloud support (a ticket).",
  ),
  ResourceNotFound: e(
    "not_found",
    false,
    "The resource does not exist. Check the IDs with list_instances / list_backups.",
  ),
  ResourceUnavailable: e(
    "conflict",
    true,
    "The resource is not available right now. Check its status and retry later.",
  ),
  ResponseSizeLimitExceeded: e("invalid_input", false, "The answer would be too large; ask for fewer items (limit)."),
  ServiceUnavailable: e("unavailable", true, "The service is temporarily unavailable. Retry in a little while."),
  UnauthorizedOperation: e(
    "permission",
    false,
    "The operation is not authorized. Ask the account owner for the CAM permission on this action and instance.",
  ),
  UnknownParameter: e("invalid_input", false, "The API did not recognise a parameter. Update tencentcloud-redis-mcp."),
  UnsupportedOperation: e("invalid_input", false, "This operation is not supported for this instance or state."),
  UnsupportedProtocol: e(
    "invalid_input",
    false,
    "The protocol is not supported: use https (TENCENTCLOUD_REDIS_ENDPOINT).",
  ),
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
  // Approval by a second person (docs/approval.md)
  "ClientError.ApprovalPending": e(
    "conflict",
    true,
    "A second person has not decided this approval yet: nothing was sent. Tell the user it waits for an approver (the answer that asked for it names the page); call again later with the same arguments and approvalId, or with waitSeconds to wait here.",
  ),
  "ClientError.ApprovalDenied": e(
    "conflict",
    false,
    "The approver denied this change (the message gives their reason): nothing was sent. Do not ask again unless the user changes the plan and wants a new approval.",
  ),
  "ClientError.ApprovalInvalid": e(
    "invalid_input",
    false,
    "This approvalId is unknown, expired, already used for a change that did not start (a used one whose change started is answered with it), or was given for another change or caller: nothing was sent. Call again without approvalId to request a new approval for exactly the change wanted.",
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
  "ClientError.OperationInDoubt": e(
    "conflict",
    true,
    "A change to this instance may have been sent by a server that stopped before it learned the outcome, and the cloud could not tell yet whether it took effect, so this change was refused: nothing was sent. Retry in a minute; if it persists, check the instance with list_instances and its tasks with check_task, and ask the operator (the audit log names the operation).",
  ),
  "ClientError.StateUnavailable": e(
    "unavailable",
    true,
    "The shared safety state (Redis at TENCENTCLOUD_REDIS_STATE_URL) did not answer, so this change was refused and nothing was sent; reads still work. Retry in a little while; if it persists, ask the operator to check that Redis is running and reachable from the server (the server's log names the cause).",
  ),
  "ClientError.StateRecovering": e(
    "unavailable",
    true,
    "The shared safety state (Redis) came back without its data (a restart without persistence, a flush or a failover), and the replicas are putting back their recent operations so that nothing is sent twice; this change was refused and nothing was sent. Call again in a few seconds (the message says about how long); reads still work.",
  ),
  "ClientError.InvalidArgument": e(
    "invalid_input",
    false,
    "An argument is missing, unknown or malformed: fields names each one and what it expects. Fix them and call again; nothing was sent to Tencent Cloud.",
  ),
  "ClientError.Internal": e(
    "internal",
    false,
    "The server failed unexpectedly. Report this with the server's log (stderr).",
  ),
  "ClientError.AnswerMismatch": e(
    "internal",
    false,
    "The call ran, but the server's answer broke its own published schema (a bug in the server). The message says what the call did, and it may have changed the instance: do not repeat a change before checking it with list_instances or check_task. Report this with the server's log (stderr).",
  ),
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

  // The restore methods, the clone route and switch_address
  "ClientError.EditionUnsupported": e(
    "invalid_input",
    false,
    "This edition (Memcached, or a type this server does not know) has no restore this server can make: nothing was sent. Restore it in the Tencent Cloud console, or update tencentcloud-redis-mcp if the type is new.",
  ),
  "ClientError.DrillUnsupported": e(
    "invalid_input",
    false,
    "Tencent Cloud cannot clone this edition (Redis 2.8, CKV): a restore drill of it cannot be made, nothing was sent. Its backups are restored in place only (restore_instance); test them on a spare instance of the same edition.",
  ),
  "ClientError.DrillNotOwned": e(
    "invalid_input",
    false,
    "A drill destroys only the clone it created (its ledger record, the clone's tag and name): this instance is not one, so nothing was sent. Look at the instance with list_instances; a person decides what to do with it.",
  ),
  "ClientError.DrillAbandoned": e(
    "conflict",
    false,
    "The drill stopped before it ended (its server or command stopped, its clone never ran, or it outlived TENCENTCLOUD_REDIS_DRILL_MAX_LIFETIME_MINUTES): its clone is destroyed by the server's sweep. Start a new drill with drill_restore.",
  ),
  "ClientError.DrillNotFound": e(
    "invalid_input",
    false,
    "No restore drill with this ID (or this clone) is recorded in this server's state. Check the drillId drill_restore answered; with several replicas, the state must be shared (TENCENTCLOUD_REDIS_STATE_URL).",
  ),
  "ClientError.SwitchRefused": e(
    "invalid_input",
    false,
    "switch_address moves an address only between an instance and a clone of it (made by restore_instance), both running, in the same VPC and subnet: the message says which rule failed. Nothing was sent. Check both IDs with list_instances.",
  ),
  "ClientError.SwitchReversed": e(
    "invalid_input",
    false,
    "instanceId is the clone and toInstanceId its original, and no switch gave the clone the address yet: the call would move the original off the address its clients use, for nothing. Nothing was sent. Call switch_address with instanceId the original and toInstanceId the clone (the reversed call is the undo, after a switch).",
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
