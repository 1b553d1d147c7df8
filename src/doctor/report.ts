import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
import { TencentRedisClient } from "../cloud/client.js";
import type { SourceDetail } from "../cloud/credentials.js";
import { CloudError } from "../cloud/errors.js";
import { serviceEndpoint } from "../cloud/endpoint.js";
import { approvalInUse, type Config } from "../config/index.js";
import type { Logger } from "../base/log.js";
import { openState } from "../records/store/index.js";
import { offeredTools } from "../tools/register.js";
import { type CamPolicy, policyFor } from "./policy.js";
import { PROBES, type ProbeResult, runProbe, type Verdict } from "./probe.js";

const DEFAULT_REGION = "ap-guangzhou";
/** Beyond this the clock is worth a warning (the API refuses 300 s). */
const SKEW_WARN_SECONDS = 60;

export interface DoctorReport {
  ok: boolean;
  actions: Record<string, Verdict>;
  credentials: {
    found: boolean;
    source?: string;
    kind?: string;
    /** The profile file, or the assumed role and session (for the report in other languages). */
    detail?: SourceDetail;
    base?: string;
    baseKind?: string;
    baseDetail?: SourceDetail;
    secretId?: string;
    temporary?: boolean;
    expiresAt?: string;
    authenticates: boolean | "unknown";
    error?: { code: string; message: string };
  };
  endpoint: {
    endpoint: string;
    connectedTo?: string;
    region: string;
    reached: boolean;
    latencyMs?: number;
    clockSkewSeconds?: number;
    error?: { code: string; message: string };
  };
  /** Per action: its verdict, whether the configured tools need it, and the code that decided it. */
  probes: Record<string, { verdict: Verdict; needed: boolean; code?: string; message?: string }>;
  settings: {
    tools: string[];
    confirmMode: string;
    readOnly: boolean;
    allowedInstances: string[] | "any";
    auditLog: { path: string; writable: boolean; reason?: string } | null;
    /** The Redis of TENCENTCLOUD_REDIS_STATE_URL (address without credentials), when one is configured. */
    sharedState: { store: string; reachable: boolean } | null;
    /** Approval by a second person (docs/approval.md): when it is needed, its expiry, the webhook, how approvers reach it. */
    approval: {
      always: boolean;
      forTags: string[];
      ttlMinutes: number;
      webhook: string | null;
      approvers: Array<"http" | "cli">;
    } | null;
  };
  /** Needed actions that are not allowed. */
  missing: string[];
  /** The allow statement that would grant the denied actions. */
  missingPolicy?: CamPolicy;
  warnings: string[];
}

/**
 * Answers "will this work?" against the configured cloud: credentials, endpoint and clock, the CAM permission of
 * every action the server calls (writes probed only with an instance ID that cannot exist), and the settings.
 * One client, no retries; nothing is changed.
 */
export async function runDoctor(config: Config, log: Logger): Promise<DoctorReport> {
  const region = config.region ?? DEFAULT_REGION;
  const offered = offeredTools(config);
  const tools = offered.map((t) => t.name);
  const needed = new Set<string>(offered.flatMap((t) => t.actions));
  const client = new TencentRedisClient({ ...config, maxRetries: 0 }, log);
  const { endpoint } = serviceEndpoint("redis", config.endpoint, region);
  const report: DoctorReport = {
    ok: false,
    actions: {},
    credentials: { found: false, authenticates: "unknown" },
    endpoint: { endpoint, region, reached: false },
    probes: {},
    settings: {
      tools,
      confirmMode: config.confirmMode,
      readOnly: config.readOnly,
      allowedInstances: config.allowedInstances ? [...config.allowedInstances] : "any",
      auditLog: config.auditLogPath ? auditLog(config.auditLogPath) : null,
      sharedState: config.state ? await sharedState(config, log) : null,
      approval: approvalInUse(config)
        ? {
            always: config.confirmMode === "approval",
            forTags: config.approval.forTags.map((t) => `${t.key}=${t.value}`),
            ttlMinutes: config.approval.ttlMs / 60_000,
            webhook: config.approval.webhook?.format ?? null,
            approvers: [...(config.http.enabled ? ["http" as const] : []), ...(config.state ? ["cli" as const] : [])],
          }
        : null,
    },
    missing: [],
    warnings: [],
  };
  if (config.endpoint && !endpoint.startsWith(config.endpoint.host)) {
    report.endpoint.connectedTo = `${config.endpoint.host}${config.endpoint.port ? `:${config.endpoint.port}` : ""}`;
  }
  try {
    await probeAll(client, region, report);
  } finally {
    client.close();
  }
  for (const probe of PROBES) {
    const verdict = report.actions[probe.action] ?? "unknown";
    report.actions[probe.action] = verdict;
    report.probes[probe.action] = { ...report.probes[probe.action], verdict, needed: needed.has(probe.action) };
  }
  report.missing = [...needed].filter((a) => report.actions[a] !== "allowed");
  const denied = report.missing.filter((a) => report.actions[a] === "denied");
  if (denied.length > 0) report.missingPolicy = policyFor(denied);
  report.ok =
    report.credentials.authenticates === true &&
    report.endpoint.reached &&
    report.missing.length === 0 &&
    (report.settings.auditLog?.writable ?? true) &&
    (report.settings.sharedState?.reachable ?? true);
  return report;
}

async function probeAll(client: TencentRedisClient, region: string, report: DoctorReport) {
  try {
    const info = await client.resolveCredentials();
    report.credentials.found = true;
    if (info) {
      Object.assign(report.credentials, {
        source: info.source,
        kind: info.kind,
        secretId: info.secretId,
        temporary: info.temporary,
      });
      if (info.detail) report.credentials.detail = info.detail;
      if (info.base) {
        report.credentials.base = info.base.source;
        report.credentials.baseKind = info.base.kind;
        if (info.base.detail) report.credentials.baseDetail = info.base.detail;
      }
      if (info.expiresAt !== undefined) report.credentials.expiresAt = new Date(info.expiresAt).toISOString();
    }
  } catch (caught) {
    report.credentials.error = errorOf(caught);
    return;
  }
  const [first, ...rest] = PROBES;
  if (!first) return;
  const reads = await runProbe(client, first, region);
  record(report, first.action, reads);
  if (reads.code === undefined || reads.verdict !== "unknown") {
    report.endpoint.reached = true;
    report.endpoint.latencyMs = reads.latencyMs;
    report.credentials.authenticates = true;
  } else if (reads.code.startsWith("AuthFailure.")) {
    report.endpoint.reached = true;
    report.credentials.authenticates = false;
    report.credentials.error = { code: reads.code, message: reads.message ?? "" };
  } else {
    report.endpoint.error = { code: reads.code, message: reads.message ?? "" };
  }
  if (client.clockSkewMs !== undefined) {
    const seconds = Math.round(client.clockSkewMs / 1000);
    report.endpoint.clockSkewSeconds = seconds;
    if (Math.abs(seconds) >= SKEW_WARN_SECONDS) report.warnings.push(`clock skew ${seconds} s`);
  }
  if (report.credentials.authenticates !== true) return;
  // reads probe a real instance when there is one (harmless); writes never do
  const sample = (reads.answer as { InstanceSet?: Array<{ InstanceId?: string }> } | undefined)?.InstanceSet?.[0]
    ?.InstanceId;
  const latencies = [reads.latencyMs];
  for (const probe of rest) {
    const result = await runProbe(client, probe, region, sample);
    record(report, probe.action, result);
    if (result.verdict !== "unknown") latencies.push(result.latencyMs);
  }
  // the first call also loads the SDK and opens the connection: the quickest answer is the network's latency
  report.endpoint.latencyMs = Math.min(...latencies);
}

function record(report: DoctorReport, action: string, result: ProbeResult): void {
  report.actions[action] = result.verdict;
  const entry: DoctorReport["probes"][string] = { verdict: result.verdict, needed: false };
  if (result.code) entry.code = result.code;
  if (result.message && result.verdict !== "allowed") entry.message = result.message;
  report.probes[action] = entry;
}

function errorOf(caught: unknown): { code: string; message: string } {
  if (caught instanceof CloudError) return { code: caught.code, message: caught.message };
  return { code: "ClientError.Internal", message: caught instanceof Error ? caught.message : String(caught) };
}

/** Whether the shared state's Redis answers (connected and authenticated); nothing is written to it. */
async function sharedState(config: Config, log: Logger): Promise<{ store: string; reachable: boolean }> {
  const state = await openState(config, log);
  try {
    state.assertAvailable();
    return { store: config.state?.where ?? "", reachable: true };
  } catch {
    return { store: config.state?.where ?? "", reachable: false };
  } finally {
    await state.close();
  }
}

/** Whether the audit log can be appended to (without creating it). */
function auditLog(file: string): { path: string; writable: boolean; reason?: string } {
  const target = existsSync(file) ? file : path.dirname(path.resolve(file));
  try {
    accessSync(target, constants.W_OK);
    return { path: file, writable: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return { path: file, writable: false, reason: `${code} on ${target}` };
  }
}
