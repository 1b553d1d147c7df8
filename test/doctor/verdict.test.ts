import { describe, expect, it } from "vitest";
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
  ] as const)("%s answering %s: %s", (action, code, verdict) => {
    expect(verdictOf(probe(action), code)).toBe(verdict);
  });

  it("probes writes only with an instance ID that cannot exist", () => {
    for (const action of ["RestoreInstance", "ManualBackupInstance"]) {
      const params = probe(action).params("crs-realone1") as { InstanceId: string };
      expect(params.InstanceId).toBe("crs-doctor-probe-does-not-exist");
    }
  });
});
