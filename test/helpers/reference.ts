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

/**
 * The clone route's actions: the codes the Go SDK lists for each (TencentCloud/tencentcloud-sdk-go
 * tencentcloud/redis/v20180412/client.go at 144f6c8d39e410da77a70472f1416e9903740593, "可能返回的错误码"); the
 * reference gives CloneInstances' and ModifyNetworkConfig's, the same.
 */
/** CloneInstances */
export const CLONE_INSTANCES_CODES = [
  "FailedOperation.PayFailed",
  "FailedOperation.SystemError",
  "FailedOperation.Unknown",
  "InternalError.InternalError",
  "InvalidParameter.EmptyParam",
  "InvalidParameter.OnlyVPCOnSpecZoneId",
  "InvalidParameter.PermissionDenied",
  "InvalidParameterValue.BaseNetWorkAccessDeny",
  "InvalidParameterValue.CheckNotPass",
  "InvalidParameterValue.InvalidInstanceTypeId",
  "InvalidParameterValue.InvalidSubnetId",
  "InvalidParameterValue.PasswordEmpty",
  "InvalidParameterValue.PasswordFreeDenied",
  "InvalidParameterValue.PasswordRuleError",
  "InvalidParameterValue.SecurityGroupIdsNotExists",
  "InvalidParameterValue.UnVpcIdNotExists",
  "LimitExceeded",
  "LimitExceeded.InvalidMemSize",
  "LimitExceeded.InvalidParameterGoodsNumNotInRange",
  "LimitExceeded.PeriodLessThanMinLimit",
  "LimitExceeded.ReachTheAmountLimit",
  "ResourceInsufficient",
  "ResourceNotFound.AccountDoesNotExists",
  "ResourceNotFound.InstanceNotExists",
  "ResourceUnavailable.InstanceDeleted",
  "ResourceUnavailable.NoEnoughVipInVPC",
  "ResourceUnavailable.NoRedisService",
  "ResourceUnavailable.NoServiceAvailableForThisZoneId",
  "ResourceUnavailable.SaleOut",
  "UnauthorizedOperation.NoCAMAuthed",
  "UnauthorizedOperation.UserNotInWhiteList",
  "UnsupportedOperation",
] as const;

/** ModifyNetworkConfig */
export const MODIFY_NETWORK_CONFIG_CODES = [
  "FailedOperation.SystemError",
  "FailedOperation.Unknown",
  "InternalError.DbOperationFailed",
  "InternalError.InternalError",
  "InvalidParameter",
  "InvalidParameter.NotSupported",
  "InvalidParameter.PermissionDenied",
  "InvalidParameterValue.CheckNotPass",
  "ResourceNotFound.InstanceNotExists",
  "ResourceUnavailable.InstanceLockedError",
  "ResourceUnavailable.InstanceStatusError",
  "ResourceUnavailable.InstanceUnLockedError",
  "UnauthorizedOperation",
  "UnauthorizedOperation.NoCAMAuthed",
  "UnauthorizedOperation.UserNotInWhiteList",
] as const;

/** DescribeInstanceSecurityGroup */
export const DESCRIBE_INSTANCE_SECURITY_GROUP_CODES = [
  "FailedOperation.SystemError",
  "InternalError.DbOperationFailed",
  "InternalError.InternalError",
  "InvalidParameter",
  "InvalidParameter.PermissionDenied",
  "UnauthorizedOperation",
  "UnauthorizedOperation.NoCAMAuthed",
  "UnauthorizedOperation.UserNotInWhiteList",
  "UnsupportedOperation",
] as const;

/** InquiryPriceCreateInstance */
export const INQUIRY_PRICE_CREATE_INSTANCE_CODES = [
  "FailedOperation.SystemError",
  "InternalError.InternalError",
  "InvalidParameter.PermissionDenied",
  "InvalidParameterValue.SpecNotExist",
  "UnauthorizedOperation.NoCAMAuthed",
  "UnauthorizedOperation.UserNotInWhiteList",
] as const;

/** DescribeInstanceDealDetail */
export const DESCRIBE_INSTANCE_DEAL_DETAIL_CODES = [
  "FailedOperation.SystemError",
  "InvalidParameter.PermissionDenied",
  "ResourceUnavailable.InstanceConfError",
] as const;

/** DescribeSecondLevelBackupInfo */
export const DESCRIBE_SECOND_LEVEL_BACKUP_INFO_CODES = [
  "FailedOperation.SystemError",
  "FailedOperation.UnSupportError",
  "InvalidParameter.NotSupported",
  "InvalidParameter.PermissionDenied",
  "ResourceNotFound.InstanceNotExists",
] as const;

/**
 * DestroyPostpaidInstance: the codes the Go SDK lists for it (TencentCloud/tencentcloud-sdk-go
 * tencentcloud/redis/v20180412/client.go at 144f6c8d39e410da77a70472f1416e9903740593, "可能返回的错误码").
 */
export const DESTROY_POSTPAID_INSTANCE_CODES = [
  "FailedOperation.SystemError",
  "InternalError.DbOperationFailed",
  "InternalError.InternalError",
  "InvalidParameter",
  "InvalidParameter.PermissionDenied",
  "InvalidParameterValue.UnSupportedType",
  "ResourceNotFound.InstanceNotExists",
  "ResourceUnavailable.InstanceStatusError",
  "UnauthorizedOperation",
  "UnauthorizedOperation.NoCAMAuthed",
  "UnauthorizedOperation.UserNotInWhiteList",
] as const;

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
