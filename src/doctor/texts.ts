// Every sentence the doctor shows people, in one table (to be moved into message catalogs later).

import type { Verdict } from "./probe.js";

export const TEXT = {
  title: "tencentcloud-redis-mcp doctor",
  sections: {
    credentials: "Credentials",
    endpoint: "Endpoint",
    actions: "Permissions (CAM), per API action",
    settings: "Settings",
    notes: "Notes",
  },
  labels: {
    source: "source",
    secretId: "SecretId",
    temporary: "temporary",
    expires: "expires",
    base: "assumed with",
    authenticates: "authenticates",
    endpoint: "endpoint",
    connectedTo: "connected to",
    region: "region",
    latency: "latency",
    clockSkew: "clock skew",
    tools: "tools",
    confirmMode: "confirm mode",
    readOnly: "read-only",
    allowlist: "allowlist",
    auditLog: "audit log",
    needed: "needed by",
  },
  yes: "yes",
  no: "no",
  none: "none",
  unknown: "unknown",
  anyInstance: "any instance",
  notConfigured: "not configured",
  noSource: "no credentials found",
  writable: (path: string) => `${path} (writable)`,
  notWritable: (path: string, reason: string) => `${path} (NOT writable: ${reason})`,
  latencyMs: (ms: number) => `${ms} ms`,
  skew: (seconds: number) =>
    seconds === 0
      ? "none (against the API's Date header, 1 s resolution)"
      : `${Math.abs(seconds)} s ${seconds > 0 ? "ahead of" : "behind"} the API's clock (its Date header)`,
  skewWarning: (seconds: number) =>
    `The clock is ${Math.abs(seconds)} s off the API's: requests are refused beyond 300 s (AuthFailure.SignatureExpire). Fix it with NTP.`,
  expiresAt: (iso: string, inSeconds: number) =>
    `${iso} (in ${inSeconds} s; renewed automatically when the source allows)`,
  verdict: {
    allowed: "allowed",
    denied: "DENIED",
    unknown: "unknown",
  } satisfies Record<Verdict, string>,
  notNeeded: "(not needed by the configured tools)",
  probeNote:
    "RestoreInstance and ManualBackupInstance are probed only with an instance ID that cannot exist, so nothing can be restored or backed up. " +
    "A permission error (UnauthorizedOperation.*, AuthFailure.UnauthorizedOperation) means denied; a not-found or invalid-parameter error, " +
    "or the action's documented answer to an ID that does not exist (DescribeTaskInfo: FailedOperation.SystemError), means allowed; " +
    "anything else (cloud unreachable, internal errors) is unknown, never allowed.",
  scopedNote:
    "A policy limited to named instances may show a probe with a made-up instance ID as denied although the real instances are allowed.",
  ok: "OK: everything the configured tools need works.",
  notOk: "NOT OK: something the configured tools need does not work (see above).",
  missingStatements: "Missing CAM permissions: add this statement to the policy of these credentials:",
  unreached: (code: string, message: string) => `the API could not be reached: ${code}: ${message}`,
  notAuthenticated: (code: string, message: string) => `the credentials were refused: ${code}: ${message}`,
  noCredentials: (code: string, message: string) => `no usable credentials: ${code}: ${message}`,
  auditUnwritable: "the audit log cannot be written: restores would be refused (ClientError.AuditLogUnavailable)",
} as const;
