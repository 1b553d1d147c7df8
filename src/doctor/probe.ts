import type { CloudAction } from "../cloud/api.js";
import type { TencentRedisClient } from "../cloud/client.js";
import { CloudError } from "../cloud/errors.js";

export type Verdict = "allowed" | "denied" | "unknown";

/** An instance ID that cannot exist (real ones are crs- and 8 characters): write probes can change nothing. */
export const IMPOSSIBLE_INSTANCE = "crs-doctor-probe-does-not-exist";
/** An order name no order has (real ones are digits). */
export const IMPOSSIBLE_DEAL = "doctor-probe-no-such-deal";
/** A task ID no task has. */
export const IMPOSSIBLE_TASK = 9_007_199_254_740_000;

export interface Probe {
  action: CloudAction;
  params: (sample: string | undefined) => object;
  /** Codes this action documents for an ID that does not exist (beyond not-found and invalid-parameter). */
  absentCodes?: readonly string[];
}

/** The actions the server may call, and how each is probed. */
export const PROBES: readonly Probe[] = [
  { action: "DescribeInstances", params: () => ({ Limit: 1 }) },
  { action: "DescribeInstanceBackups", params: (id) => ({ InstanceId: id ?? IMPOSSIBLE_INSTANCE, Limit: 1 }) },
  {
    action: "DescribeTaskInfo",
    params: () => ({ TaskId: IMPOSSIBLE_TASK }),
    absentCodes: ["FailedOperation.SystemError"],
  },
  { action: "DescribeTaskList", params: (id) => ({ InstanceId: id ?? IMPOSSIBLE_INSTANCE, Limit: 1 }) },
  // never a real instance: the probe must not be able to restore or back up anything
  {
    action: "RestoreInstance",
    params: () => ({ InstanceId: IMPOSSIBLE_INSTANCE, BackupId: "doctor-probe-no-such-backup" }),
  },
  { action: "ManualBackupInstance", params: () => ({ InstanceId: IMPOSSIBLE_INSTANCE, Remark: "doctor probe" }) },
  // the clone route: reads of things that cannot exist, and writes that cannot buy or move anything
  { action: "DescribeInstanceSecurityGroup", params: () => ({ InstanceIds: [IMPOSSIBLE_INSTANCE] }) },
  {
    // TypeId 0 is no type: the price of nothing (a refusal of the type still says CAM let the call in)
    action: "InquiryPriceCreateInstance",
    params: () => ({ TypeId: 0, MemSize: 1024, GoodsNum: 1, Period: 1, BillingMode: 0, ZoneId: 0 }),
  },
  { action: "DescribeInstanceDealDetail", params: () => ({ DealName: IMPOSSIBLE_DEAL }) },
  { action: "DescribeSecondLevelBackupInfo", params: () => ({ InstanceId: IMPOSSIBLE_INSTANCE }) },
  {
    // no source to clone, no such backup, zone or security group: nothing can be bought
    action: "CloneInstances",
    params: () => ({
      InstanceId: IMPOSSIBLE_INSTANCE,
      GoodsNum: 1,
      ZoneId: 0,
      BillingMode: 0,
      Period: 1,
      SecurityGroupIdList: ["sg-doctor-probe-none"],
      BackupId: "doctor-probe-no-such-backup",
      InstanceName: "doctor-probe",
    }),
    absentCodes: ["ResourceUnavailable.NoServiceAvailableForThisZoneId", "ResourceUnavailable.InstanceDeleted"],
  },
  { action: "ModifyNetworkConfig", params: () => ({ InstanceId: IMPOSSIBLE_INSTANCE, Operation: "changeVip" }) },
  // never a real instance: the probe must not be able to destroy anything
  { action: "DestroyPostpaidInstance", params: () => ({ InstanceId: IMPOSSIBLE_INSTANCE }) },
];

export interface ProbeResult {
  verdict: Verdict;
  /** The code answered, when the call failed. */
  code?: string;
  message?: string;
  latencyMs: number;
  /** The answer, when the call succeeded. */
  answer?: unknown;
}

/** A permission error: CAM said no. */
export function isPermissionError(code: string): boolean {
  return code.startsWith("UnauthorizedOperation") || code === "AuthFailure.UnauthorizedOperation";
}

/** What a probe's answer says about the permission: see the doctor's probeNote in src/i18n. */
export function verdictOf(probe: Probe, code: string | undefined): Verdict {
  if (code === undefined) return "allowed";
  if (isPermissionError(code)) return "denied";
  // refused "for these credentials or this instance": not proof either way
  if (code === "InvalidParameter.PermissionDenied") return "unknown";
  if (
    code.startsWith("ResourceNotFound") ||
    code.startsWith("InvalidParameter") ||
    (probe.absentCodes ?? []).includes(code)
  ) {
    return "allowed";
  }
  return "unknown";
}

export async function runProbe(client: TencentRedisClient, probe: Probe, region: string, sample?: string) {
  const started = performance.now();
  try {
    const answer = await client.call(probe.action, probe.params(sample), { region });
    return { verdict: "allowed", latencyMs: Math.round(performance.now() - started), answer } satisfies ProbeResult;
  } catch (caught) {
    const error = caught instanceof CloudError ? caught : new CloudError("ClientError.Internal", String(caught));
    return {
      verdict: verdictOf(probe, error.code),
      code: error.code,
      message: error.message,
      latencyMs: Math.round(performance.now() - started),
    } satisfies ProbeResult;
  }
}
