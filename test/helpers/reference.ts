/** Error codes listed in ../shared/reference/tencent-cloud-redis-api.md, pinned here. */
export const RESTORE_INSTANCE_CODES = [
  "FailedOperation.SystemError",
  "InternalError.InternalError",
  "InvalidParameter.InvalidParameter",
  "InvalidParameter.PermissionDenied",
  "InvalidParameterValue.BackupNotExists",
  "InvalidParameterValue.PasswordError",
  "ResourceNotFound.InstanceNotExists",
  "ResourceUnavailable.BackupLockedError",
  "ResourceUnavailable.BackupSpecError",
  "ResourceUnavailable.BackupStatusAbnormal",
  "ResourceUnavailable.InstanceLockedError",
  "ResourceUnavailable.InstanceStateError",
  "ResourceUnavailable.InstanceStatusAbnormal",
  "UnauthorizedOperation.NoCAMAuthed",
] as const;

/**
 * ManualBackupInstance's codes, as the Go SDK lists them for the action (TencentCloud/tencentcloud-sdk-go,
 * tencentcloud/redis/v20180412/client.go, "可能返回的错误码"); the API pages list none of their own.
 */
export const MANUAL_BACKUP_INSTANCE_CODES = [
  "FailedOperation.CommitFlowError",
  "FailedOperation.SystemError",
  "InternalError.InternalError",
  "InvalidParameter.InvalidParameter",
  "InvalidParameter.PermissionDenied",
  "ResourceNotFound.InstanceNotExists",
  "ResourceUnavailable.InstanceLockedError",
  "ResourceUnavailable.InstanceStateError",
  "ResourceUnavailable.InstanceStatusAbnormal",
  "UnauthorizedOperation.NoCAMAuthed",
] as const;

export const DESCRIBE_TASK_INFO_CODES = ["FailedOperation.SystemError", "InvalidParameter.InvalidParameter"] as const;

export const COMMON_CODES = [
  "ActionOffline",
  "AuthFailure.InvalidAuthorization",
  "AuthFailure.InvalidSecretId",
  "AuthFailure.MFAFailure",
  "AuthFailure.SecretIdNotFound",
  "AuthFailure.SignatureExpire",
  "AuthFailure.SignatureFailure",
  "AuthFailure.TokenFailure",
  "AuthFailure.UnauthorizedOperation",
  "DryRunOperation",
  "FailedOperation",
  "InternalError",
  "InvalidAction",
  "InvalidParameter",
  "InvalidParameterValue",
  "InvalidRequest",
  "IpInBlacklist",
  "IpNotInWhitelist",
  "LimitExceeded",
  "MissingParameter",
  "NoSuchProduct",
  "NoSuchVersion",
  "RequestLimitExceeded",
  "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
  "RequestLimitExceeded.IPLimitExceeded",
  "RequestLimitExceeded.UinLimitExceeded",
  "RequestSizeLimitExceeded",
  "ResourceInUse",
  "ResourceInsufficient",
  "ResourceNotFound",
  "ResourceUnavailable",
  "ResponseSizeLimitExceeded",
  "ServiceUnavailable",
  "UnauthorizedOperation",
  "UnknownParameter",
  "UnsupportedOperation",
  "UnsupportedProtocol",
  "UnsupportedRegion",
] as const;

export const CLIENT_ERROR_CODES = [
  "ClientError.NetworkError",
  "ClientError.Timeout",
  "ClientError.HttpStatus",
  "ClientError.BadResponse",
  "ClientError.CredentialsMissing",
] as const;
