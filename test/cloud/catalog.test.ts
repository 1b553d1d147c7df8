import { describe, expect, it } from "vitest";
import { CATALOG, describeError, ERROR_CATEGORIES } from "../../src/cloud/catalog.js";
import { CloudError } from "../../src/cloud/errors.js";
import {
  CLIENT_ERROR_CODES,
  CLONE_INSTANCES_CODES,
  COMMON_CODES,
  DESCRIBE_INSTANCE_DEAL_DETAIL_CODES,
  DESCRIBE_INSTANCE_SECURITY_GROUP_CODES,
  DESCRIBE_SECOND_LEVEL_BACKUP_INFO_CODES,
  DESCRIBE_TASK_INFO_CODES,
  INQUIRY_PRICE_CREATE_INSTANCE_CODES,
  MANUAL_BACKUP_INSTANCE_CODES,
  MODIFY_NETWORK_CONFIG_CODES,
  RESTORE_INSTANCE_CODES,
} from "../helpers/reference.js";

describe("error catalog", () => {
  const listed = [
    ...new Set([
      ...RESTORE_INSTANCE_CODES,
      ...MANUAL_BACKUP_INSTANCE_CODES,
      ...DESCRIBE_TASK_INFO_CODES,
      ...CLONE_INSTANCES_CODES,
      ...MODIFY_NETWORK_CONFIG_CODES,
      ...DESCRIBE_INSTANCE_SECURITY_GROUP_CODES,
      ...INQUIRY_PRICE_CREATE_INSTANCE_CODES,
      ...DESCRIBE_INSTANCE_DEAL_DETAIL_CODES,
      ...DESCRIBE_SECOND_LEVEL_BACKUP_INFO_CODES,
      ...COMMON_CODES,
      ...CLIENT_ERROR_CODES,
    ]),
  ];

  it.each(listed)("has its own entry for %s", (code) => {
    const entry = CATALOG[code];
    expect(entry, code).toBeDefined();
    expect(ERROR_CATEGORIES).toContain(entry?.category);
    expect(typeof entry?.retryable).toBe("boolean");
    expect(entry?.hint.length).toBeGreaterThan(20);
  });

  it("gives the hints an agent needs for the key codes", () => {
    expect(describeError("InvalidParameterValue.PasswordError").hint).toMatch(/ask the user/i);
    expect(describeError("InvalidParameterValue.PasswordError").hint).toMatch(/never guess/i);
    expect(describeError("ResourceUnavailable.BackupLockedError")).toMatchObject({
      retryable: true,
      category: "conflict",
    });
    expect(describeError("ResourceUnavailable.BackupLockedError").hint).toMatch(/after/i);
    expect(describeError("AuthFailure.SignatureExpire").hint).toMatch(/clock/i);
    expect(describeError("ClientError.CredentialsMissing").hint).toContain("TENCENTCLOUD_SECRET_ID");
    expect(describeError("RequestLimitExceeded")).toMatchObject({ category: "throttled", retryable: true });
    expect(describeError("ClientError.NoUndoPoint")).toMatchObject({ category: "conflict", retryable: false });
    expect(describeError("ClientError.NoUndoPoint").hint).toMatch(/backup_instance[\s\S]*check_task/);
  });

  it.each([
    ["FailedOperation.PayFailed", /top up|payment method/i],
    ["ResourceUnavailable.SaleOut", /sold out[\s\S]*(support|another zone)/i],
    ["ResourceInsufficient", /another zone|support/i],
    ["ResourceUnavailable.NoEnoughVipInVPC", /free addresses|enlarge/i],
    ["LimitExceeded", /delete an instance|raise the quota/i],
    ["LimitExceeded.ReachTheAmountLimit", /delete an instance|raise the quota/i],
  ])("%s says what a person must do, and that nothing was bought", (code, what) => {
    const { hint } = describeError(code);
    expect(hint).toMatch(/a person must|a person may/i);
    expect(hint).toMatch(what);
    expect(hint).toMatch(/nothing was bought/i);
  });

  it("never tells an agent to resend a CloneInstances whose outcome is unknown", () => {
    expect(describeError("FailedOperation.Unknown").hint).toMatch(/do not resend a CloneInstances/i);
    expect(describeError("InvalidParameterValue.PasswordEmpty").hint).toMatch(/never guess/i);
    expect(describeError("FailedOperation.UnSupportError").hint).toMatch(/second-level backup/i);
  });

  it("maps unknown codes by their prefix", () => {
    expect(describeError("ResourceNotFound.SomethingNew")).toEqual(CATALOG.ResourceNotFound);
    expect(describeError("RequestLimitExceeded.NewLimit")).toEqual(CATALOG.RequestLimitExceeded);
    expect(describeError("AuthFailure.Whatever").category).toBe("auth");
    expect(describeError("UnauthorizedOperation.Other").category).toBe("permission");
    expect(describeError("Totally.Unknown")).toMatchObject({ category: "internal", retryable: false });
  });

  it("builds tool error bodies with no undefined fields", () => {
    const body = new CloudError("ResourceNotFound.InstanceNotExists", "no such instance", {
      requestId: "r-1",
    }).toBody();
    expect(body).toEqual({
      code: "ResourceNotFound.InstanceNotExists",
      message: "no such instance",
      requestId: "r-1",
      retryable: false,
      category: "not_found",
      hint: CATALOG["ResourceNotFound.InstanceNotExists"]?.hint,
    });
    const bare = new CloudError("ClientError.Timeout", "").toBody();
    expect(Object.values(bare)).not.toContain(undefined);
    expect(bare.message).toBe("ClientError.Timeout");
  });
});

describe("the typed catalog", () => {
  it("a ClientError code outside the catalog does not compile", () => {
    // @ts-expect-error: ClientError.NoSuchCode is not in the catalog, so typecheck fails if this line compiles
    const error = new CloudError("ClientError.NoSuchCode", "never thrown by the server");
    expect(describeError(error.code)).toMatchObject({ category: "internal", retryable: false });
  });
});
