import { describe, expect, it } from "vitest";
import { CLOUD_ACTIONS, type CloudAction } from "../../src/cloud/api.js";
import { PROBES, type Probe, verdictOf } from "../../src/doctor/probe.js";

const probe = (action: string): Probe => {
  const found = PROBES.find((p) => p.action === action);
  if (!found) throw new Error(`no probe for ${action}`);
  return found;
};

describe("what a probe's answer says about CAM", () => {
  it.each([
    ["RestoreInstance", undefined, "allowed"],
    ["RestoreInstance", "ResourceNotFound.InstanceNotExists", "allowed"],
    ["RestoreInstance", "InvalidParameter.InvalidParameter", "allowed"],
    ["RestoreInstance", "InvalidParameterValue.BackupNotExists", "allowed"],
    ["RestoreInstance", "UnauthorizedOperation.NoCAMAuthed", "denied"],
    ["RestoreInstance", "AuthFailure.UnauthorizedOperation", "denied"],
    ["RestoreInstance", "InvalidParameter.PermissionDenied", "unknown"],
    ["RestoreInstance", "FailedOperation.SystemError", "unknown"],
    ["RestoreInstance", "ResourceUnavailable.InstanceLockedError", "unknown"],
    ["DescribeTaskInfo", "FailedOperation.SystemError", "allowed"],
    ["DescribeInstances", "InternalError", "unknown"],
    ["DescribeInstances", "ClientError.NetworkError", "unknown"],
    ["DescribeInstances", "AuthFailure.SignatureFailure", "unknown"],
    ["ManualBackupInstance", "ResourceNotFound.InstanceNotExists", "allowed"],
    ["CloneInstances", "ResourceNotFound.InstanceNotExists", "allowed"],
    ["CloneInstances", "InvalidParameterValue.CheckNotPass", "allowed"],
    ["CloneInstances", "ResourceUnavailable.NoServiceAvailableForThisZoneId", "allowed"],
    ["CloneInstances", "UnauthorizedOperation.NoCAMAuthed", "denied"],
    ["CloneInstances", "FailedOperation.PayFailed", "unknown"],
    ["ModifyNetworkConfig", "ResourceNotFound.InstanceNotExists", "allowed"],
    ["ModifyNetworkConfig", "ResourceUnavailable.InstanceStatusError", "unknown"],
    ["DestroyPostpaidInstance", "ResourceNotFound.InstanceNotExists", "allowed"],
    ["DestroyPostpaidInstance", "InvalidParameterValue.UnSupportedType", "allowed"],
    ["DestroyPostpaidInstance", "ResourceUnavailable.InstanceStatusError", "unknown"],
    ["DestroyPostpaidInstance", "UnauthorizedOperation.NoCAMAuthed", "denied"],
    ["InquiryPriceCreateInstance", "InvalidParameterValue.SpecNotExist", "allowed"],
    ["InquiryPriceCreateInstance", "UnauthorizedOperation.UserNotInWhiteList", "denied"],
    ["DescribeInstanceSecurityGroup", undefined, "allowed"],
    ["DescribeInstanceDealDetail", undefined, "allowed"],
    ["DescribeSecondLevelBackupInfo", "ResourceNotFound.InstanceNotExists", "allowed"],
    ["DescribeSecondLevelBackupInfo", "FailedOperation.UnSupportError", "unknown"],
  ] as const)("%s answering %s: %s", (action, code, verdict) => {
    expect(verdictOf(probe(action), code)).toBe(verdict);
  });

  it("probes writes only with an instance ID that cannot exist", () => {
    for (const action of (Object.keys(CLOUD_ACTIONS) as CloudAction[]).filter((a) => !CLOUD_ACTIONS[a].readOnly)) {
      const params = probe(action).params("crs-realone1") as { InstanceId: string };
      expect(params.InstanceId).toBe("crs-doctor-probe-does-not-exist");
    }
  });

  it("probes every cloud action, and CloneInstances can buy nothing: no source, no backup, no zone", () => {
    expect(PROBES.map((p) => p.action).sort()).toEqual(Object.keys(CLOUD_ACTIONS).sort());
    expect(probe("CloneInstances").params("crs-realone1")).toMatchObject({
      InstanceId: "crs-doctor-probe-does-not-exist",
      BackupId: "doctor-probe-no-such-backup",
      ZoneId: 0,
      GoodsNum: 1,
      BillingMode: 0,
    });
    expect(probe("DescribeInstanceSecurityGroup").params("crs-realone1")).toEqual({
      InstanceIds: ["crs-doctor-probe-does-not-exist"],
    });
  });
});
