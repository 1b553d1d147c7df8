import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PromMetrics, RestoreOutcome } from "./metrics.js";

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

/** The metrics in one prom-client registry of their own (not the global one). */
export class PromMetricsImpl implements PromMetrics {
  readonly registry = new Registry();
  private readonly calls = new Counter({
    name: "tcrmcp_tool_calls_total",
    help: "Tool calls by tool and outcome (ok, or the error's category)",
    labelNames: ["tool", "outcome"],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: "tcrmcp_cloud_requests_total",
    help: "Requests to Tencent Cloud by action and result (ok, or the error's category)",
    labelNames: ["action", "result"],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: "tcrmcp_cloud_request_duration_seconds",
    help: "Latency of Tencent Cloud requests by action",
    labelNames: ["action"],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly throttledTotal = new Counter({
    name: "tcrmcp_cloud_throttled_total",
    help: "Requests Tencent Cloud refused for their rate (RequestLimitExceeded)",
    labelNames: ["action"],
    registers: [this.registry],
  });
  private readonly retriedTotal = new Counter({
    name: "tcrmcp_cloud_retried_total",
    help: "Requests sent again after a failure",
    labelNames: ["action"],
    registers: [this.registry],
  });
  private readonly waits = new Histogram({
    name: "tcrmcp_budget_wait_seconds",
    help: "Time a request waited for a permit of the API budget (shared through Redis, or the local share)",
    labelNames: ["mode"],
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly restores = new Counter({
    name: "tcrmcp_restores_total",
    help: "restore_instance calls by outcome (planned, submitted, recovered, refused, failed, outcome_unknown)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly backups = new Counter({
    name: "tcrmcp_backups_total",
    help: "backup_instance calls by outcome (submitted, refused, failed, outcome_unknown)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly switches = new Counter({
    name: "tcrmcp_switches_total",
    help: "switch_address calls by outcome (planned, submitted, refused, failed, outcome_unknown)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly locks = new Counter({
    name: "tcrmcp_restore_locks_total",
    help: "Per-instance restore lock attempts: acquired, or refused (a restore of the instance was in flight)",
    labelNames: ["result"],
    registers: [this.registry],
  });
  private readonly stateErrors = new Counter({
    name: "tcrmcp_state_errors_total",
    help: "Failed commands to the shared state store (Redis) by operation",
    labelNames: ["operation"],
    registers: [this.registry],
  });
  private readonly approvals = new Counter({
    name: "tcrmcp_approvals_total",
    help: "Approvals by outcome: requested, approved, denied, used; calls refused as pending, invalid, expired",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly live = new Gauge({
    name: "tcrmcp_sessions",
    help: "Live MCP sessions",
    registers: [this.registry],
  });

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  toolCall(tool: string, outcome: string): void {
    this.calls.inc({ tool, outcome });
  }
  cloudRequest(action: string, result: string, seconds: number): void {
    this.requests.inc({ action, result });
    this.latency.observe({ action }, seconds);
  }
  throttled(action: string): void {
    this.throttledTotal.inc({ action });
  }
  retried(action: string): void {
    this.retriedTotal.inc({ action });
  }
  budgetWait(mode: "shared" | "local", seconds: number): void {
    this.waits.observe({ mode }, seconds);
  }
  restore(outcome: RestoreOutcome): void {
    this.restores.inc({ outcome });
  }

  backup(outcome: RestoreOutcome): void {
    this.backups.inc({ outcome });
  }
  switchAddress(outcome: RestoreOutcome): void {
    this.switches.inc({ outcome });
  }
  lock(result: "acquired" | "refused"): void {
    this.locks.inc({ result });
  }
  stateError(operation: string): void {
    this.stateErrors.inc({ operation });
  }
  sessions(live: number): void {
    this.live.set(live);
  }
  approval(outcome: string): void {
    this.approvals.inc({ outcome });
  }
}
